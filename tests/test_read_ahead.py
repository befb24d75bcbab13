"""Reading ahead (read/ahead.py): the first batch read on a thread while the pipeline is
imported gives every file the report it gets without reading ahead; so does a run shared out to
workers, whose files a forked process reads into a folder (ReadAheadProcess) for them to take.

No timing is asserted: the re-timing of a file read ahead is checked with a fake clock; a test
of the process waits for it to end on its own (not reaped: ``stop`` still reaps it).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from workbook_tools import batch, pipeline
from workbook_tools.cli import main
from workbook_tools.model import DEFAULT_LIMITS, Book, FileReport
from workbook_tools.read import ahead as ahead_module
from workbook_tools.read.ahead import Folder, ReadAhead, ReadAheadProcess, read_timed

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
    """Every ``take``'s result (the thread's and a folder's), in order."""
    taken: list[Any] = []
    for cls in (ReadAhead, Folder):
        def take(self: Any, path: Path, real: Any = cls.take) -> Any:
            got = real(self, path)
            taken.append(got)
            return got

        monkeypatch.setattr(cls, "take", take)
    return taken


#: how the run reads ahead: on a thread (where the system does not fork), or in a process
VARIANTS = ["thread", "process"]


def _variant(monkeypatch: pytest.MonkeyPatch, variant: str) -> None:
    if variant == "thread":
        monkeypatch.setattr(batch, "can_fork", lambda: False)
    elif not ahead_module.can_fork():
        pytest.skip("the system does not fork")


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


def _one_breaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Three workbooks; reading the second ("broken.xlsx") fails as the tool itself would."""
    paths = [shutil.copyfile(s, tmp_path / n) for s, n in
             [(REGISTER, "a.xlsx"), (RUSSIAN, "broken.xlsx"), (PLAN, "c.xlsx")]]
    real = ahead_module.read_book

    def read_book(path: Path, limits: Any) -> Book:
        if Path(path).name == "broken.xlsx":
            raise ValueError("the tool's own failure")
        return real(path, limits)

    monkeypatch.setattr(ahead_module, "read_book", read_book)
    return paths


def test_an_exception_of_the_reader_is_that_files_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _one_breaks(tmp_path, monkeypatch)
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
def test_read_ahead_covers_the_first_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           count: int, jobs: int, covered: int | None) -> None:
    monkeypatch.setattr(batch, "can_fork", lambda: False)  # the thread, as without fork
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
    monkeypatch.setattr(batch, "can_fork", lambda: False)
    paths = [shutil.copyfile(REGISTER, tmp_path / f"{n}.xlsx") for n in "ab"]
    ahead = batch.read_ahead(paths)
    assert ahead is not None
    assert isinstance(ahead.take(paths[0]), tuple)
    assert ahead.take(paths[1]) is None


def _summary(r: FileReport) -> Any:
    return (r.input, r.status, r.reason, r.findings, r.output and r.output.name,
            [(t.sheet, t.kind.name, t.findings) for t in r.tables])


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("write", [False, True], ids=["validate", "score"])
def test_iter_many_reports_the_same_with_and_without_reading_ahead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: bool, variant: str) -> None:
    _variant(monkeypatch, variant)
    folder = tmp_path / "in"
    folder.mkdir()
    made = [_make(folder, name) for name in INPUTS]
    paths = [*made, made[0], made[1]]  # the same files twice
    taken = _spy_takes(monkeypatch)
    plain = list(batch.iter_many(paths, write=write, out_dir=tmp_path / "plain"))
    assert taken == []
    ahead = batch.read_ahead(paths)
    if isinstance(ahead, ReadAheadProcess):
        _read_all(ahead)  # every file read before the run starts (and stops it)
    read = list(batch.iter_many(paths, write=write, out_dir=tmp_path / "ahead", ahead=ahead))
    assert len(taken) == len(paths) and None not in taken  # every file was read ahead
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


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_cli_reads_ahead_and_leaves_no_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: str) -> None:
    _variant(monkeypatch, variant)
    paths = [str(_make(tmp_path, n)) for n in ("register.xlsx", "text.xlsx", "plan.xlsx")]
    taken = _spy_takes(monkeypatch)
    runner = CliRunner()
    read = runner.invoke(main, ["validate", *paths], catch_exceptions=False)
    assert len(taken) == 3
    if variant == "thread":  # a process is stopped when the run starts: here, at once
        assert None not in taken
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
    assert not list(Path(tempfile.gettempdir()).glob(f"wbt-ahead-{os.getpid()}-*"))
    monkeypatch.setattr(batch, "read_ahead", lambda *args, **kwargs: None)
    plain = runner.invoke(main, ["validate", *paths], catch_exceptions=False)
    assert len(taken) == 3
    assert (read.exit_code, read.output) == (plain.exit_code, plain.output)
    assert read.exit_code == 2  # the text file is rejected


# --- reading ahead in a process (ReadAheadProcess), for a run shared out to workers ---

forks = pytest.mark.skipif(not (ahead_module.can_fork() and hasattr(os, "waitid")),
                           reason="the system does not fork")


@pytest.fixture
def reading() -> Iterator[Callable[[list[Path]], ReadAheadProcess]]:
    """``ReadAheadProcess(paths, DEFAULT_LIMITS)``, each closed when the test ends, whatever
    happens (its process reaped, its folder removed)."""
    made: list[ReadAheadProcess] = []

    def make(paths: list[Path]) -> ReadAheadProcess:
        made.append(ReadAheadProcess(paths, DEFAULT_LIMITS))
        return made[-1]

    yield make
    for p in made:
        p.close()


def _read_all(p: ReadAheadProcess) -> list[int]:
    """The indexes of the files read, once the reader has ended on its own (every file read,
    or a limit met); it is left unreaped for ``stop`` to reap."""
    for _ in range(2000):
        if os.waitid(os.P_PID, p._reader["pid"], os.WEXITED | os.WNOHANG | os.WNOWAIT):
            assert not list(p.folder.glob("*.part"))
            return sorted(int(f.stem) for f in p.folder.glob("*.read"))
        time.sleep(0.01)
    pytest.fail("the reader never ended")


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@forks
@pytest.mark.parametrize("names", [
    ("register.xlsx",), ("plan.xlsx",), ("text.xlsx",), ("missing.xlsx",), tuple(INPUTS),
], ids=["register", "plan", "text", "missing", "all"])
def test_the_process_gives_what_the_reader_gives(
        tmp_path: Path, reading: Callable[[list[Path]], ReadAheadProcess],
        names: tuple[str, ...]) -> None:
    paths = [_make(tmp_path, name) for name in names]
    p = reading(paths)
    pid = p._reader["pid"]
    assert p.folder.name.startswith("wbt-ahead-")
    assert _read_all(p) == list(range(len(paths)))
    p.stop()
    assert p._reader["pid"] == 0 and _reaped(pid)
    folder = p.from_index(0)
    for name, path in zip(names, paths, strict=True):
        got = folder.take(path)
        assert got is not None
        assert _content(got) == _content(read_timed(path, DEFAULT_LIMITS))
        assert isinstance(got, FileReport) == (name in ("text.xlsx", "missing.xlsx"))
    assert list(p.folder.iterdir()) == []  # every file removed once taken
    p.close()
    assert not p.folder.exists()


@forks
def test_a_folder_takes_its_files_in_order_from_its_first(
        tmp_path: Path, reading: Callable[[list[Path]], ReadAheadProcess],
        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [shutil.copyfile(s, tmp_path / f"{n}.xlsx")
             for n, s in zip("abc", [REGISTER, PLAN, RUSSIAN], strict=True)]
    p = reading(paths)
    assert _read_all(p) == [0, 1, 2]
    p.stop()
    expected = [_content(read_timed(path, DEFAULT_LIMITS)) for path in paths]
    took = pickle.loads((p.folder / "1.read").read_bytes())[3]
    monkeypatch.setattr(ahead_module, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    second = pickle.loads(pickle.dumps(p.from_index(1)))  # as a worker is sent it
    assert second == Folder(str(p.folder), 1)
    got = second.take(paths[1])
    assert isinstance(got, tuple) and _content(got) == expected[1]
    assert got[1] == 1000.0 - took  # re-timed: now less its reading
    assert not (p.folder / "1.read").exists()  # removed once taken
    assert _content(second.take(paths[2])) == expected[2]
    assert second.take(paths[0]) is None  # index 3: no such file
    assert p.from_index(1).take(paths[1]) is None  # taken already
    assert p.from_index(0).take(paths[2]) is None  # another file than the one stored
    assert list(p.folder.iterdir()) == []  # ... which is removed all the same


@forks
def test_an_exception_in_the_process_is_raised_by_that_files_take(
        tmp_path: Path, reading: Callable[[list[Path]], ReadAheadProcess],
        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _one_breaks(tmp_path, monkeypatch)
    p = reading(paths)  # forked with the failure
    monkeypatch.undo()  # this process reads as ever: what fails is the process's
    assert _read_all(p) == [0, 1, 2]
    p.stop()
    folder = p.from_index(0)
    assert _content(folder.take(paths[0])) == _content(read_timed(paths[0], DEFAULT_LIMITS))
    with pytest.raises(ValueError, match="the tool's own failure"):
        folder.take(paths[1])
    assert _content(folder.take(paths[2])) == _content(read_timed(paths[2], DEFAULT_LIMITS))


@forks
@pytest.mark.parametrize("held", [True, False], ids=["held-after-the-first", "as-is"])
def test_stop_ends_the_reader_between_two_files(
        reading: Callable[[list[Path]], ReadAheadProcess],
        monkeypatch: pytest.MonkeyPatch, held: bool) -> None:
    if held:  # the reader waits, before its second file, for the pipe to say stop
        checks: list[int] = []

        def wait(r: Any, w: Any, x: Any, timeout: float) -> Any:
            checks.append(1)
            return select.select(r, w, x, timeout if len(checks) == 1 else None)

        monkeypatch.setattr(ahead_module, "select", SimpleNamespace(select=wait))
    paths = [REGISTER] * 200
    p = reading(paths)
    pid = p._reader["pid"]
    p.stop()
    assert p._reader["pid"] == 0 and _reaped(pid)  # ended and waited for: no zombie
    names = sorted(f.name for f in p.folder.iterdir())
    assert names == [f"{i}.read" for i in range(len(names))]  # in order, none half-written
    if held:
        assert len(names) <= 1
    folder = p.from_index(len(names) - 1 if names else 0)
    if names:
        assert isinstance(folder.take(paths[0]), tuple)
    if len(names) < len(paths):
        assert folder.take(paths[len(names)]) is None  # not read: the worker reads it
    p.stop()
    p.close()
    p.close()
    p.stop()
    assert not p.folder.exists() and p._reader["pid"] == 0


@forks
def test_a_process_dropped_unclosed_is_stopped_and_its_folder_removed() -> None:
    p = ReadAheadProcess([REGISTER] * 50, DEFAULT_LIMITS)
    folder, pid = p.folder, p._reader["pid"]
    assert folder.is_dir() and not _reaped(pid)
    del p
    gc.collect()
    assert not folder.exists() and _reaped(pid)


@forks
@pytest.mark.parametrize(("limit", "read"), [
    ({}, [0, 1, 2, 3, 4]),
    ({"AHEAD_FILES": 2}, [0, 1]),
    ({"AHEAD_BYTES": 0}, [0]),  # checked before each file: the first is read
])
def test_the_process_stops_at_its_limits(
        reading: Callable[[list[Path]], ReadAheadProcess], monkeypatch: pytest.MonkeyPatch,
        limit: dict[str, int], read: list[int]) -> None:
    for name, value in limit.items():
        monkeypatch.setattr(ahead_module, name, value)
    paths = [REGISTER] * 5
    p = reading(paths)
    assert _read_all(p) == read
    p.stop()
    folder = p.from_index(len(read) - 1)
    assert isinstance(folder.take(REGISTER), tuple)
    assert folder.take(REGISTER) is None  # the next: not read


@pytest.mark.parametrize("can", [True, False], ids=["forks", "does-not-fork"])
def test_read_ahead_forks_for_a_run_shared_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, can: bool) -> None:
    if can and not ahead_module.can_fork():
        pytest.skip("the system does not fork")
    monkeypatch.setattr(batch, "can_fork", lambda: can)
    paths = [tmp_path / f"missing{i}.xlsx" for i in range(batch.PARALLEL_FROM)]
    ahead = batch.read_ahead(paths, jobs=2)
    if not can:
        assert ahead is None  # not a thread: its reading would hold the imports back
        return
    assert isinstance(ahead, ReadAheadProcess)
    ahead.close()
    assert not ahead.folder.exists() and ahead._reader["pid"] == 0


@forks
@pytest.mark.parametrize("wait", [True, False], ids=["all-read-first", "stopped-at-start"])
def test_iter_many_shared_out_reports_the_same_with_and_without_the_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait: bool) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    samples = [REGISTER, PLAN, RUSSIAN]  # no .ods: its copy is converted by LibreOffice
    made = [shutil.copyfile(samples[i % len(samples)], folder / f"f{i}.xlsx")
            for i in range(batch.PARALLEL_FROM - 3)]
    made.append(_make(folder, "text.xlsx"))
    paths = [*made, made[0], made[1]]  # the same files twice
    assert len(paths) == batch.PARALLEL_FROM
    plain = list(batch.iter_many(paths, write=True, out_dir=tmp_path / "plain", jobs=2))
    ahead = batch.read_ahead(paths, jobs=2)
    assert isinstance(ahead, ReadAheadProcess)
    if wait:
        assert _read_all(ahead) == list(range(len(paths)))

        def read_book(path: Path, limits: Any) -> Book:
            raise AssertionError(f"{path} read again")

        # the workers, forked from here on, read nothing themselves: all comes from the folder
        monkeypatch.setattr(ahead_module, "read_book", read_book)
    read = list(batch.iter_many(paths, write=True, out_dir=tmp_path / "ahead", jobs=2,
                                ahead=ahead))
    assert not ahead.folder.exists() and ahead._reader["pid"] == 0
    assert [_summary(r) for r in read] == [_summary(r) for r in plain]
    for a, p in zip(read, plain, strict=True):
        assert all((x.frame is None and y.frame is None) or x.frame.equals(y.frame)
                   for x, y in zip(a.tables, p.tables, strict=True))
    names = sorted(f.name for f in (tmp_path / "ahead").glob("*"))
    assert names == sorted(f.name for f in (tmp_path / "plain").glob("*"))
    assert len(names) == len(paths) - 1  # the text file is rejected
    assert {"f0 (2).scored.xlsx", "f1 (2).scored.xlsx", "f60.scored.xlsx"} <= set(names)


@forks
def test_a_reader_stops_while_another_one_reads(
        reading: Callable[[list[Path]], ReadAheadProcess]) -> None:
    # every forked process closes the parent's ends of the readers' pipes: the second reader
    # does not keep the first one's pipe open
    paths = [REGISTER] * 300
    first, second = reading(paths), reading(paths)
    pid = first._reader["pid"]
    first.stop()
    assert _reaped(pid)
    assert len(list(first.folder.glob("*.read"))) < len(paths)
    second.stop()


class _Odd(Exception):
    def __init__(self, a: str, b: str) -> None:  # pickles, but cannot be made again
        super().__init__(f"{a} {b}")


def test_what_cannot_be_unpickled_is_read_anew(tmp_path: Path) -> None:
    (tmp_path / "0.read").write_bytes(pickle.dumps((str(REGISTER), _Odd("a", "b"), 0.1)))
    assert Folder(str(tmp_path), 0).take(REGISTER) is None


def _saved_again(path: Path) -> None:
    """The file saved again after it was read: another time of change."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_a_file_saved_again_after_the_thread_read_it_is_read_anew(tmp_path: Path) -> None:
    paths = [shutil.copyfile(REGISTER, tmp_path / f"{n}.xlsx") for n in "ab"]
    ahead = ReadAhead(paths, DEFAULT_LIMITS)
    ahead.wait()
    _saved_again(paths[0])
    assert ahead.take(paths[0]) is None  # the pipeline reads it now
    assert isinstance(ahead.take(paths[1]), tuple)


@forks
def test_a_file_saved_again_after_the_process_read_it_is_read_anew(
        tmp_path: Path, reading: Callable[[list[Path]], ReadAheadProcess]) -> None:
    paths = [shutil.copyfile(REGISTER, tmp_path / f"{n}.xlsx") for n in "ab"]
    p = reading(paths)
    assert _read_all(p) == [0, 1]
    _saved_again(paths[1])
    folder = p.from_index(0)
    assert isinstance(folder.take(paths[0]), tuple)
    assert folder.take(paths[1]) is None


@forks
def test_a_killed_runs_folder_is_removed_by_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        reading: Callable[[list[Path]], ReadAheadProcess]) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = tmp_path / f"wbt-ahead-{gone}-abc"  # a run whose process is gone
    left.mkdir()
    (left / "0.read").write_bytes(b"x")
    alive = tmp_path / f"wbt-ahead-{os.getppid()}-abc"  # a run still going
    alive.mkdir()
    p = reading([REGISTER])
    assert p.folder.name.startswith(f"wbt-ahead-{os.getpid()}-")
    assert not left.exists() and alive.exists()


def test_a_threads_books_are_not_sent_to_workers(tmp_path: Path) -> None:
    # a caller's thread given to a run shared out to workers: its books stay in this process
    # (a thread does not pickle); the workers read their files, and the reports are the same
    paths = [shutil.copyfile(REGISTER, tmp_path / f"f{i}.xlsx")
             for i in range(batch.PARALLEL_FROM)]
    plain = list(batch.iter_many(paths, write=False, jobs=2))
    ahead = ReadAhead(paths[:3], DEFAULT_LIMITS)
    read = list(batch.iter_many(paths, write=False, jobs=2, ahead=ahead))
    assert [_summary(r) for r in read] == [_summary(r) for r in plain]
