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
    code = (
        "import workbook_tools.rules.formats as f; "
        "print(f._schema_dir()); print(len(f.table_format('register').columns))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, check=True,
    )
    schema_dir, count = done.stdout.split()
    assert Path(schema_dir).is_relative_to(target)
    assert int(count) >= 13
