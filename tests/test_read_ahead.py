"""Reading ahead (read/ahead.py): the first batch read on a thread while the pipeline is
imported gives every file the report it gets without reading ahead.

No timing is asserted: the re-timing of a file read ahead is checked with a fake clock.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from workbook_tools import batch, pipeline
from workbook_tools.cli import main
from workbook_tools.model import DEFAULT_LIMITS, Book, FileReport
from workbook_tools.read import ahead as ahead_module
from workbook_tools.read.ahead import ReadAhead, read_timed

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
REGISTER = SAMPLES / "dostuk_apparat_register.xlsx"
PLAN = SAMPLES / "dostuk_action_plan.xlsx"
ODS = SAMPLES / "balaban_bakcha_register_ky.ods"
RUSSIAN = SAMPLES / "mektep_register_ru.xlsx"

#: name -> a sample to copy, or the bytes of the file (None: no file at all)
INPUTS: dict[str, Path | bytes | None] = {
    "register.xlsx": REGISTER,
    "plan.xlsx": PLAN,
    "register.ods": ODS,
    "table.csv": "№,Функциясы,Учурлар\n1,a,b\n".encode(),
    "text.xlsx": b"just text, not a spreadsheet\n",
    "missing.xlsx": None,
}


def _make(folder: Path, name: str) -> Path:
    how = INPUTS[name]
    path = folder / name
    if isinstance(how, Path):
        shutil.copyfile(how, path)
    elif isinstance(how, bytes):
        path.write_bytes(how)
    return path


def _content(got: Any) -> Any:
    """What a file read gives, without when its reading began."""
    if isinstance(got, FileReport):
        return ("rejected", got.input, got.reason, dict(got.reason_params))
    book, started = got
    assert isinstance(book, Book) and isinstance(started, float)
    return (book.path, book.format, book.notes,
            [(g.name, g.rows, g.merged, g.visible, g.hidden_rows) for g in book.sheets])


def _spy_takes(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ``ReadAhead.take``'s result, in order."""
    taken: list[Any] = []
    real = ReadAhead.take

    def take(self: ReadAhead, path: Path) -> Any:
        got = real(self, path)
        taken.append(got)
        return got

    monkeypatch.setattr(ReadAhead, "take", take)
    return taken


@pytest.mark.parametrize("name", INPUTS)
def test_take_gives_what_the_reader_gives(tmp_path: Path, name: str) -> None:
    path = _make(tmp_path, name)
    expected = read_timed(path, DEFAULT_LIMITS)
    got = ReadAhead([path], DEFAULT_LIMITS).take(path)
    assert got is not None
    assert _content(got) == _content(expected)
    assert isinstance(got, FileReport) == (name in ("text.xlsx", "missing.xlsx"))


#: the order files are asked in -> which of them are given (the others: None)
ORDERS = {
    "in-order": (["a", "b", "c"], ["a", "b", "c"]),
    "first-skipped": (["b", "c", "a"], []),
    "middle-skipped": (["a", "c", "b"], ["a"]),
    "a-stranger": (["a", "x", "b", "c"], ["a"]),
}


@pytest.mark.parametrize(("asked", "given"), ORDERS.values(), ids=ORDERS.keys())
def test_taken_in_order_or_not_at_all(tmp_path: Path, asked: list[str],
                                      given: list[str]) -> None:
    paths = {n: shutil.copyfile(s, tmp_path / f"{n}.xlsx")
             for n, s in zip("abcx", [REGISTER, PLAN, RUSSIAN, REGISTER], strict=True)}
    ahead = ReadAhead([paths["a"], paths["b"], paths["c"]], DEFAULT_LIMITS)
    for name in asked:
        got = ahead.take(paths[name])
        if name in given:
            assert got is not None and not isinstance(got, FileReport)
            assert _content(got) == _content(read_timed(paths[name], DEFAULT_LIMITS))
        else:
            assert got is None


def test_an_exception_of_the_reader_is_that_files_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [shutil.copyfile(s, tmp_path / n) for s, n in
             [(REGISTER, "a.xlsx"), (RUSSIAN, "broken.xlsx"), (PLAN, "c.xlsx")]]
    real = ahead_module.read_book

    def read_book(path: Path, limits: Any) -> Book:
        if Path(path).name == "broken.xlsx":
            raise ValueError("the tool's own failure")
        return real(path, limits)

    monkeypatch.setattr(ahead_module, "read_book", read_book)
    ahead = ReadAhead(paths, DEFAULT_LIMITS)
    assert ahead.take(paths[0]) is not None
    with pytest.raises(ValueError, match="the tool's own failure"):
        ahead.take(paths[1])
    assert ahead.take(paths[2]) is not None  # the exception cleared nothing

    taken = _spy_takes(monkeypatch)
    plain = pipeline.run_batch(paths)
    reports = pipeline.run_batch(paths, ahead=ReadAhead(paths, DEFAULT_LIMITS))
    assert len(taken) == 2  # the broken file's take raised; the others were given
    assert [(r.input, r.status, r.reason, r.findings) for r in reports] == \
        [(r.input, r.status, r.reason, r.findings) for r in plain]
    assert reports[1].reason == "file.unreadable"
    assert "ValueError: the tool's own failure" in reports[1].reason_params["detail"]
    assert reports[0].status != "rejected" and reports[2].status != "rejected"


def test_a_file_read_ahead_is_timed_from_now_less_its_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the calls in order: the thread's start of reading, read_timed's, the thread's end of
    # reading (3 s later), then take long after (the imports)
    clock = iter([100.0, 100.5, 103.0, 500.0])
    monkeypatch.setattr(ahead_module, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    path = shutil.copyfile(REGISTER, tmp_path / "register.xlsx")
    got = ReadAhead([path], DEFAULT_LIMITS).take(path)
    assert isinstance(got, tuple)
    assert got[1] == 497.0  # 500 - 3, not 100.5 (the time limit would count the imports)
    assert next(clock, None) is None  # the fake clock was the one used, all of it


@pytest.mark.parametrize(("count", "jobs", "covered"), [
    (0, 1, None),
    (batch.PARALLEL_FROM, 1, batch.BATCH_FILES),
    (batch.PARALLEL_FROM - 1, 2, batch.BATCH_FILES),
    (3, 2, 3),
])
def test_read_ahead_covers_the_first_batch(tmp_path: Path, count: int, jobs: int,
                                           covered: int | None) -> None:
    paths = [tmp_path / f"missing{i}.xlsx" for i in range(count)]  # rejected, quickly
    ahead = batch.read_ahead(paths, jobs=jobs)
    if covered is None:
        assert ahead is None
        return
    assert isinstance(ahead, ReadAhead)
    for path in paths[:covered]:
        got = ahead.take(path)
        assert isinstance(got, FileReport) and got.input == path
    if covered < count:
        assert ahead.take(paths[covered]) is None


def test_read_ahead_stops_where_a_batch_of_bytes_stops(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "BATCH_BYTES", REGISTER.stat().st_size)  # one file a batch
    paths = [shutil.copyfile(REGISTER, tmp_path / f"{n}.xlsx") for n in "ab"]
    ahead = batch.read_ahead(paths)
    assert ahead is not None
    assert isinstance(ahead.take(paths[0]), tuple)
    assert ahead.take(paths[1]) is None


def _summary(r: FileReport) -> Any:
    return (r.input, r.status, r.reason, r.findings, r.output and r.output.name,
            [(t.sheet, t.kind.name, t.findings) for t in r.tables])


@pytest.mark.parametrize("write", [False, True], ids=["validate", "score"])
def test_iter_many_reports_the_same_with_and_without_reading_ahead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: bool) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    made = [_make(folder, name) for name in INPUTS]
    paths = [*made, made[0], made[1]]  # the same files twice
    taken = _spy_takes(monkeypatch)
    plain = list(batch.iter_many(paths, write=write, out_dir=tmp_path / "plain"))
    assert taken == []
    read = list(batch.iter_many(paths, write=write, out_dir=tmp_path / "ahead",
                                ahead=batch.read_ahead(paths)))
    assert len(taken) == len(paths) and None not in taken  # every file came from the thread
    assert [_summary(r) for r in read] == [_summary(r) for r in plain]
    for a, p in zip(read, plain, strict=True):
        assert all(x.frame.equals(y.frame) for x, y in zip(a.tables, p.tables, strict=True))
    names = sorted(f.name for f in (tmp_path / "ahead").glob("*"))
    assert names == sorted(f.name for f in (tmp_path / "plain").glob("*"))
    if write:
        assert names == ["plan (2).scored.xlsx", "plan.scored.xlsx", "register (2).scored.xlsx",
                         "register.ods.scored.xlsx", "register.scored.xlsx"]
    else:
        assert names == []


def test_batch_and_read_ahead_import_no_pandas() -> None:
    code = ("import sys, workbook_tools.batch, workbook_tools.read.ahead; "
            "print('pandas' in sys.modules, 'workbook_tools.read.ahead' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.split() == ["False", "True"]


def test_the_cli_reads_ahead_and_leaves_no_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(_make(tmp_path, n)) for n in ("register.xlsx", "text.xlsx", "plan.xlsx")]
    taken = _spy_takes(monkeypatch)
    runner = CliRunner()
    read = runner.invoke(main, ["validate", *paths], catch_exceptions=False)
    assert len(taken) == 3 and None not in taken
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
    monkeypatch.setattr(batch, "read_ahead", lambda *args, **kwargs: None)
    plain = runner.invoke(main, ["validate", *paths], catch_exceptions=False)
    assert len(taken) == 3
    assert (read.exit_code, read.output) == (plain.exit_code, plain.output)
    assert read.exit_code == 2  # the text file is rejected
