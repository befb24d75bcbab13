"""Many files at once (issue 14): a batch's tables are validated by one pandera call, batches
may go to worker processes, and every file still gets exactly the report it gets alone.

Table-driven over files that fail each check, files whose columns differ (another schema), a
plan, Russian, and files that are no workbook at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.builders import KY_HEADER, make_register, risk
from workbook_tools import Options, batch, pipeline
from workbook_tools.model import FileReport
from workbook_tools.rules.validate import validate_many

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
KEYS9 = 9  # the first nine columns: no harm and no control (another schema)

#: name -> how the file is made (a register's rows, or a sample, or bytes)
FILES: dict[str, Any] = {
    "clean": [risk(1), risk(2, p=1, h=1)],
    "mismatch": [risk(1, level="Төмөн", p=3, h=3), risk(2, level="Орточо", p=2, h=2)],
    "out_of_range": [risk(1, p=7), risk(2, h=0)],
    "reason_missing": [risk(1, p_reason=None), risk(2, h_reason=None)],
    "score_missing": [risk(1, p=None), risk(2)],
    "typos": [risk(1, level="Орго", p="2 балл", h="Жогору")],
    "fewer_columns": "fewer",
    "plan": SAMPLES / "dostuk_action_plan.xlsx",
    "russian": SAMPLES / "mektep_register_ru.xlsx",
    "mixed": SAMPLES / "mixed_register_and_plan.xlsx",
    "not_a_workbook": b"just text, not a spreadsheet\n",
    "missing": None,
}


def _make(folder: Path, name: str, how: Any) -> Path:
    path = folder / f"{name}.xlsx"
    if isinstance(how, list):
        make_register(path, rows=how)
    elif how == "fewer":
        make_register(path, header=list(KY_HEADER[:KEYS9]), rows=[risk(1), risk(2, p=9)])
    elif isinstance(how, Path):
        shutil.copyfile(how, path)
    elif isinstance(how, bytes):
        path.write_bytes(how)
    return path  # None: a file that does not exist


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    return [_make(folder, name, how) for name, how in FILES.items()]


def _same(batched: FileReport, alone: FileReport) -> None:
    assert (batched.input, batched.status, batched.reason) == \
        (alone.input, alone.status, alone.reason)
    assert batched.findings == alone.findings
    assert len(batched.tables) == len(alone.tables)
    for b, a in zip(batched.tables, alone.tables, strict=True):
        assert (b.sheet, b.kind.name, b.findings) == (a.sheet, a.kind.name, a.findings)
        pd.testing.assert_frame_equal(b.frame, a.frame)


def test_a_batch_gives_every_file_its_own_report(files: list[Path]) -> None:
    options = Options(lang="ru")
    alone = [pipeline.run(p, write=False, options=options) for p in files]
    batched = batch.run_many(files, write=False, options=options)
    assert [r.input for r in batched] == files
    for b, a in zip(batched, alone, strict=True):
        _same(b, a)
    # the cases fail what they are named after: the batch did not hide a failure
    codes = {r.input.stem: {f.code for f in r.findings} for r in batched}
    assert "level.mismatch" in codes["mismatch"]
    assert "score.out_of_range" in codes["out_of_range"]
    assert "reason.missing" in codes["reason_missing"]
    assert "score.missing" in codes["score_missing"]
    assert "score.out_of_range" in codes["fewer_columns"]
    assert not any(f.is_error for f in batched[0].findings)


@pytest.mark.parametrize("size", [1, 2, 5, 32])
def test_the_batch_size_changes_nothing(files: list[Path], size: int,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    alone = [pipeline.run(p, write=False) for p in files]
    monkeypatch.setattr(batch, "BATCH_FILES", size)
    for b, a in zip(batch.run_many(files, write=False), alone, strict=True):
        _same(b, a)


def test_one_pandera_call_for_the_tables_of_one_schema(files: list[Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = pd.DataFrame.__len__
    import pandera.api.pandas.container as container

    validate = container.DataFrameSchema.validate

    def counted(self: Any, frame: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        calls.append(real(frame))
        return validate(self, frame, *args, **kwargs)

    monkeypatch.setattr(container.DataFrameSchema, "validate", counted)
    registers = [p for p in files if p.stem in
                 ("clean", "mismatch", "out_of_range", "reason_missing", "score_missing", "typos")]
    batch.run_many(registers, write=False)
    assert calls == [11]  # six registers of the same columns: 11 rows, one call


def test_a_file_that_breaks_the_batch_is_rejected_alone(
        files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = make_register(tmp_path / "in" / "broken.xlsx", rows=[risk(1)], sheet="Бузук")
    real = pipeline._analyse_sheet

    def analyse_sheet(grid: Any, options: Options) -> Any:
        if grid.name == "Бузук":
            raise ValueError("the tool's own failure")
        return real(grid, options)

    monkeypatch.setattr(pipeline, "_analyse_sheet", analyse_sheet)
    order = [*files[:3], broken, *files[3:]]
    alone = [pipeline.run(p, write=False) for p in order]
    batched = batch.run_many(order, write=False)
    for b, a in zip(batched, alone, strict=True):
        _same(b, a)
    assert batched[3].reason == "file.unreadable"
    assert "the tool's own failure" in batched[3].reason_params["detail"]


def _values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets}


def test_worker_processes_give_the_same_reports_and_copies(
        files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "BATCH_FILES", 2)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 1)
    one = batch.run_many(files, write=True, out_dir=tmp_path / "one", jobs=1)
    two = batch.run_many(files, write=True, out_dir=tmp_path / "two", jobs=2)
    for a, b in zip(one, two, strict=True):
        assert (a.input, a.status, a.reason, a.findings) == (b.input, b.status, b.reason,
                                                              b.findings)
        assert [t.findings for t in a.tables] == [t.findings for t in b.tables]
        assert (a.output is None) == (b.output is None)
        if a.output is not None and b.output is not None:
            assert a.output.name == b.output.name
            assert _values(a.output) == _values(b.output)
    assert sum(r.output is not None for r in two) == len(files) - 2  # not a workbook, missing


def test_worker_processes_never_give_two_copies_one_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "BATCH_FILES", 1)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 1)
    paths = [make_register(tmp_path / f"unit{i}" / "register.xlsx", rows=[risk(1, p=i % 3 + 1)])
             for i in range(6)]
    reports = batch.run_many(paths, write=True, out_dir=tmp_path / "out", jobs=2)
    names = sorted(r.output.name for r in reports if r.output is not None)
    assert names == sorted(["register.scored.xlsx",
                            *(f"register ({n}).scored.xlsx" for n in range(2, 7))])


def test_validate_many_of_nothing() -> None:
    assert validate_many([]) == []


@pytest.mark.parametrize(("count", "jobs", "sizes"), [
    (5, 1, [5]),                      # one process: the largest batches
    (70, 1, [32, 32, 6]),
    (5, 2, [5]),
    # batches shrink towards the end, so the workers finish together
    (200, 2, [32, 32, 32, 26, 20, 15, 11, 8, 8, 8, 8]),
    (100, 2, [25, 19, 14, 11, 8, 8, 8, 7]),
    (40, 2, [10, 8, 8, 8, 6]),        # never fewer than eight files a batch, but the last
    (1000, 2, [32] * 28 + [26, 20, 15, 11, 8, 8, 8, 8]),
    (200, 8, [13, 12, 11, 11, 10, 9, 9] + [8] * 15 + [5]),
])
def test_batches_shared_out_to_workers(count: int, jobs: int, sizes: list[int]) -> None:
    files = [Path(f"{i}.xlsx") for i in range(count)]
    cut = list(batch.shared_batches(files, Path, jobs))
    assert [len(b) for b in cut] == sizes
    assert [f for b in cut for f in b] == files  # every file once, in order
