"""The wheel carries what it needs: schemas included, working outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

#: builds a wheel and installs it
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(f"pip wheel failed: {done.stderr[-2000:]}")
    (found,) = out.glob("workbook_tools-*.whl")
    return found


def test_wheel_holds_the_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("register.toml", "plan.toml", "vocabulary.toml"):
        assert f"workbook_tools/schemas/{name}" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_copy_reads_its_own_schemas(wheel: Path, tmp_path: Path) -> None:
    """Installed with pip outside the source tree, the formats load from the package itself."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=600,
    )
    # which schema file the installed copy opens, seen by an audit hook (no private helper)
    code = (
        "import sys\n"
        "opened = []\n"
        "def hook(event, args):\n"
        "    if event == 'open' and str(args[0]).endswith('register.toml'):\n"
        "        opened.append(str(args[0]))\n"
        "sys.addaudithook(hook)\n"
        "from workbook_tools.rules.formats import table_format\n"
        "count = len(table_format('register').columns)\n"
        "print(opened[0]); print(count)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, check=True,
    )
    schema_file, count = done.stdout.split()
    assert Path(schema_file).is_relative_to(target / "workbook_tools" / "schemas")
    assert int(count) >= 13
