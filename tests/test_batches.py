"""Start-up and batches (issue 14): what a command imports, and a run over many files that gives
each report as soon as its file is done and keeps nothing of it afterwards.

No timing is asserted here (the benchmarks under bench/ measure it): these tests check what is
imported, in which order reports come, and that the streamed JSON is the document itself.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from tests.builders import make_register, risk
from workbook_tools import FileReport, batch
from workbook_tools.outputs import report

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pandera", "openpyxl", "numpy")


def _imported_after(code: str) -> set[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    probe = (f"{code}\nimport sys\n"
             f"print('HEAVY:', *(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, check=True).stdout
    return set(out.rpartition("HEAVY:")[2].split())


@pytest.mark.parametrize("code", [
    "import workbook_tools.cli",
    "import workbook_tools",
    "from workbook_tools import Options, Level, FileReport, messages",
    "from workbook_tools.cli import main\n"
    "try:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from workbook_tools.cli import main\n"
    "try:\n    main(['--version'])\nexcept SystemExit:\n    pass",
], ids=["import-cli", "import-package", "import-model", "help", "version"])
def test_startup_imports_nothing_heavy(code: str) -> None:
    assert _imported_after(code) == set()


def test_validate_imports_neither_openpyxl_nor_the_copy(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=1, h=1)])
    code = ("from workbook_tools.cli import main\n"
            f"try:\n    main(['validate', {str(path)!r}])\nexcept SystemExit:\n    pass\n"
            "import sys\nassert 'workbook_tools.annotated.writer' not in sys.modules")
    assert _imported_after(code) == {"pandas", "pandera", "numpy"}


def test_the_package_still_gives_the_pipeline() -> None:
    import workbook_tools

    assert workbook_tools.run_many is batch.run_many
    assert workbook_tools.iter_many is batch.iter_many
    with pytest.raises(AttributeError):
        _ = workbook_tools.no_such_name  # type: ignore[attr-defined]


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    return [make_register(tmp_path / f"r{i}.xlsx", rows=[risk(1, p=i + 1, h=1)])
            for i in range(3)]


def test_iter_many_gives_each_report_before_the_next_batch_is_read(
        three: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "BATCH_FILES", 1)
    out = tmp_path / "out"
    reports = batch.iter_many(three, write=True, out_dir=out)
    first = next(reports)
    assert first.input == three[0] and first.output is not None and first.output.exists()
    assert not (out / "r1.scored.xlsx").exists()
    rest = list(reports)
    assert [r.input for r in rest] == three[1:]


def test_iter_many_keeps_nothing_of_a_report_it_gave(three: list[Path], tmp_path: Path) -> None:
    refs: list[weakref.ref[FileReport]] = []
    for r in batch.iter_many(three, write=True, out_dir=tmp_path / "out"):
        refs.append(weakref.ref(r))
        del r
        gc.collect()
        # every report before this one is gone: the run holds none of them
        assert all(ref() is None for ref in refs[:-1])
    gc.collect()
    assert all(ref() is None for ref in refs)


def test_run_many_is_iter_many_as_a_list(three: list[Path], tmp_path: Path) -> None:
    listed = batch.run_many(three, write=False)
    given = list(batch.iter_many(three, write=False))
    assert [(r.input, r.status, r.findings) for r in listed] == \
        [(r.input, r.status, r.findings) for r in given]


@pytest.mark.parametrize("count", [0, 1, 2, 4])
def test_streamed_json_is_the_document(three: list[Path], count: int, tmp_path: Path) -> None:
    files = [three[0], tmp_path / "missing.xlsx", three[1], three[2]][:count]
    reports = batch.run_many(files, write=False)
    streamed = "".join(report.iter_dumps(iter(reports), "ru"))
    assert streamed == report.dumps(reports, "ru")
    assert len(json.loads(streamed)["files"]) == count
