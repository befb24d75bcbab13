"""The drop folder (issue 11): what it takes and leaves alone, what it keeps, how it names
copies, its journal and history, and that a kill at any step is finished by the next start.

The crash tests stop the watcher by raising, at one step of one drop, an exception nothing in
the watcher catches (what a power cut does to a process), then start a new watcher on the same
folders and check the invariants of tests/watch_checks.py. The real kills (SIGKILL of the
command, 50 times and more) and the few hundred drops are in tests/test_watch_slow.py.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.builders import make_register, risk
from tests.watch_checks import check_folders, files, rows, sha
from workbook_tools import pipeline
from workbook_tools.cli import main
from workbook_tools.watch import intake
from workbook_tools.watch.history import changes
from workbook_tools.watch.journal import Journal
from workbook_tools.watch.runner import Config, Watcher

OPEN = Path(__file__)  # a file that is surely there, for symlinks


def register_bytes(tmp: Path, name: str = "r.xlsx", **kw: Any) -> bytes:
    rows_ = kw.pop("rows", [risk(1, cases="Пара алуу"), risk(2, cases="Жер бөлүү", p=3, h=3)])
    return make_register(tmp / "_build" / name, rows=rows_, **kw).read_bytes()


def drop(root: Path, rel: str, data: bytes) -> Path:
    path = root / "inbox" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def watcher(root: Path, **kw: Any) -> Watcher:
    kw.setdefault("interval", 0.05)
    kw.setdefault("grace", 0.2)
    kw.setdefault("events", False)
    return Watcher(Config.beside(root / "inbox", **kw))


def run_once(root: Path, **kw: Any) -> None:
    w = watcher(root, **kw)
    try:
        w.run(once=True)
    finally:
        w.close()


# --- what is taken and what is left alone -----------------------------------------------------


@pytest.mark.parametrize(("name", "alone"), [
    ("register.xlsx", False),
    ("Тизмек 2026.ods", False),
    ("notes.pdf", False),  # taken, and rejected with its reason: not what the folder is for
    ("~$register.xlsx", True),  # Excel's lock file
    (".~lock.register.xlsx#", True),  # LibreOffice's
    ("~WRL0001.tmp", True),
    ("register.xlsx.part", True),
    ("register.xlsx.crdownload", True),
    (".hidden.xlsx", True),
    ("Thumbs.db", True),
    ("desktop.ini", True),
])
def test_left_alone(name: str, alone: bool) -> None:
    assert intake.left_alone(name) is alone


def test_a_good_and_a_bad_file(tmp_path: Path) -> None:
    good = register_bytes(tmp_path)
    drop(tmp_path, "mektep/Тизмек.xlsx", good)
    drop(tmp_path, "bad.xlsx", b"not a workbook")
    drop(tmp_path, "empty.xlsx", b"")
    lock = drop(tmp_path, "mektep/~$Тизмек.xlsx", b"lock")
    lo_lock = drop(tmp_path, ".~lock.Тизмек.xlsx#", b"lock")
    run_once(tmp_path)
    journal = check_folders(tmp_path, [good, b"not a workbook", b""], {sha(good)})
    assert lock.read_bytes() == b"lock" and lo_lock.exists()  # left alone
    done = [r for r in journal if r["state"] == "done"]
    assert [(r["unit"], r["name"]) for r in done] == [("mektep", "mektep/Тизмек.xlsx")]
    assert done[0]["output"] == str(tmp_path / "scored" / "mektep" / "Тизмек.scored.xlsx")
    assert done[0]["archive"] == str(tmp_path / "archive" / "mektep" / "Тизмек.xlsx")
    assert (done[0]["levels"], done[0]["errors"]) == ('{"medium": 1, "high": 1}', 0)
    reason = (tmp_path / "rejected" / "bad.xlsx.txt").read_text("utf-8-sig")
    assert "bad.xlsx" in reason and "таблицасы эмес" in reason and "не таблица" in reason
    log = (tmp_path / "workbook-tools.log").read_text("utf-8").splitlines()
    assert len(log) == 3 and all(line[:2].isdigit() and line[2] == "." for line in log)
    assert any("mektep/Тизмек.xlsx\tбааланды\t" in line and "жогорку — 1" in line
               for line in log)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_symbolic_links_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "secret.xlsx"
    target.write_bytes(register_bytes(tmp_path))
    (tmp_path / "inbox").mkdir()
    os.symlink(target, tmp_path / "inbox" / "link.xlsx")
    os.symlink(outside, tmp_path / "inbox" / "folder")
    run_once(tmp_path)
    assert rows(tmp_path) == []
    assert target.exists() and (tmp_path / "inbox" / "link.xlsx").is_symlink()


def test_dropped_again_gets_a_new_copy_and_the_old_ones_stay(tmp_path: Path) -> None:
    first = register_bytes(tmp_path)
    second = register_bytes(tmp_path, rows=[risk(1, cases="Пара алуу", p=1, h=1)])
    drop(tmp_path, "r.xlsx", first)
    run_once(tmp_path)
    drop(tmp_path, "r.xlsx", second)
    run_once(tmp_path)
    drop(tmp_path, "r.xlsx", second)  # the same bytes again: a submission all the same
    run_once(tmp_path)
    journal = check_folders(tmp_path, [first, second, second], {sha(first), sha(second)})
    names = [Path(str(r["output"])).name for r in journal]
    assert names[0] == "r.scored.xlsx"
    assert names[1].startswith("r (") and names[1].endswith(").scored.xlsx")
    assert len(set(names)) == 3
    assert [Path(str(r["archive"])).name for r in journal][0] == "r.xlsx"


def test_a_file_still_being_copied_is_not_read(tmp_path: Path) -> None:
    data = register_bytes(tmp_path)
    w = watcher(tmp_path, interval=0.3, grace=60)
    path = drop(tmp_path, "r.xlsx", data[: len(data) // 2])  # a zip without its end record
    try:
        for _ in range(3):  # stable long enough, but incomplete: waited for
            stable, _due = w.look()
            assert stable == []
        with path.open("ab") as fh:  # the rest arrives
            fh.write(data[len(data) // 2:])
        w.run(once=True)
    finally:
        w.close()
    check_folders(tmp_path, [data], {sha(data)})


def test_an_incomplete_package_is_taken_after_the_grace(tmp_path: Path) -> None:
    data = register_bytes(tmp_path)[:500]  # begins as a zip, never ends: damaged
    drop(tmp_path, "cut.xlsx", data)
    w = watcher(tmp_path, interval=0.05, grace=0.3)
    try:
        w.look()
        for _ in range(40):
            stable, _due = w.look()
            if stable:
                break
            w.wake.wait(0.05)
        assert stable and stable[0].path.name == "cut.xlsx"
    finally:
        w.close()


def test_archive_inside_the_inbox_is_not_taken_again(tmp_path: Path) -> None:
    data = register_bytes(tmp_path)
    drop(tmp_path, "r.xlsx", data)
    inbox = tmp_path / "inbox"
    for _ in range(2):
        w = Watcher(Config.beside(inbox, archive=inbox / "archive", outbox=inbox / "scored",
                                  journal=inbox / "j.sqlite3", log=inbox / "w.log",
                                  interval=0.05, events=False))
        w.run(once=True)
        w.close()
    db = Journal(inbox / "j.sqlite3", readonly=True)
    assert [d.state for d in db.select()] == ["done"]
    db.close()


def test_journal_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    Journal(tmp_path / "j.sqlite3").close()
    db = sqlite3.connect(tmp_path / "j.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


# --- crash at each step -----------------------------------------------------------------------


class Killed(BaseException):
    """What a power cut does: nothing in the watcher catches it."""


#: every operation a step of a drop is made of; a kill falls before or after any one of them
OPERATIONS: list[tuple[Any, str]] = [
    (intake, "copy_hashed"), (intake, "place"), (intake, "remove"),
    (intake, "write_text_atomically"), (Journal, "add"), (Journal, "update"),
    (pipeline, "run_batch"),
]


def arm_kills(patch: pytest.MonkeyPatch, k: int, after: bool) -> list[str]:
    """The k-th of :data:`OPERATIONS` run from now raises Killed (before it runs, or after);
    returns the list the names of operations run are appended to."""
    done: list[str] = []
    for owner, name in OPERATIONS:
        real = getattr(owner, name)

        def wrapped(*a: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            if len(done) == k and not after:
                raise Killed(_name)
            result = _real(*a, **kw)
            done.append(_name)
            if len(done) == k + 1 and after:
                raise Killed(_name)
            return result
        patch.setattr(owner, name, wrapped)
    return done


@pytest.fixture
def kill_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int, bool], list[str]]]:
    """``kill_at(k, after)``: the k-th operation raises Killed (before it runs, or after);
    returns the list the names of operations run are appended to."""
    def arm(k: int, after: bool) -> list[str]:
        return arm_kills(monkeypatch, k, after)
    yield arm


def _crash_then_recover(tmp_path: Path, k: int, after: bool,
                        arm: Callable[[int, bool], list[str]],
                        monkeypatch: pytest.MonkeyPatch) -> bool:
    good = register_bytes(tmp_path)
    drop(tmp_path, "u/r.xlsx", good)
    drop(tmp_path, "bad.xlsx", b"junk")
    done = arm(k, after)
    killed = False
    try:
        run_once(tmp_path)
    except Killed:
        killed = True
    monkeypatch.undo()  # power back: the real operations
    run_once(tmp_path)
    check_folders(tmp_path, [good, b"junk"], {sha(good)})
    assert len(done) == k + after if killed else len(done) <= k
    return killed


#: the two drops are taken as one group: both copied, both claimed in one commit (a kill after
#: the first ``add`` rolls both back), both archived in one commit, scored by one ``run_batch``,
#: both recorded in one commit, then the bad one moved to the rejected folder
CRASH_POINTS = [(k, after) for k in range(0, 20) for after in (False, True)]


@pytest.mark.parametrize(("k", "after"), [(0, False), (2, True), (5, False), (7, True),
                                          (10, True), (12, False), (13, True), (15, True)])
def test_a_kill_at_a_step_is_finished_by_the_next_start(
        tmp_path: Path, kill_at: Callable[[int, bool], list[str]],
        monkeypatch: pytest.MonkeyPatch, k: int, after: bool) -> None:
    assert _crash_then_recover(tmp_path, k, after, kill_at, monkeypatch)


@pytest.mark.slow
def test_a_kill_at_every_step_is_finished_by_the_next_start(
        tmp_path: Path, kill_at: Callable[[int, bool], list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    killed = 0
    for i, (k, after) in enumerate(CRASH_POINTS):
        folder = tmp_path / str(i)
        folder.mkdir()
        killed += _crash_then_recover(folder, k, after, kill_at, monkeypatch)
    assert killed == len(CRASH_POINTS)  # 20 operations for the two drops: every one reached


# --- history ----------------------------------------------------------------------------------


def test_history_lists_a_units_submissions_and_what_changed(tmp_path: Path) -> None:
    first = register_bytes(tmp_path, rows=[
        risk(1, cases="Пара алуу", p=1, h=1), risk(2, cases="Жер бөлүү", p=2, h=2),
        risk(3, cases="Сатып алуу", p=3, h=3)])
    second = register_bytes(tmp_path, rows=[
        risk(1, cases="пара  алуу", p=3, h=3),  # the same risk, typed otherwise: level raised
        risk(2, cases="Жер бөлүү", p=2, h=2),
        risk(3, cases="Ижара", p=1, h=1)])
    drop(tmp_path, "mektep/r.xlsx", first)
    run_once(tmp_path)
    drop(tmp_path, "mektep/r.xlsx", second)
    drop(tmp_path, "bakcha/b.xlsx", first)
    run_once(tmp_path)
    db = Journal(tmp_path / "workbook-tools.sqlite3", readonly=True)
    old, new = db.of_unit("mektep")
    diff = changes(old, new)
    assert [c for _s, c, _lv in diff.added] == ["Ижара"]
    assert [(c, lv) for _s, c, lv in diff.removed] == [("Сатып алуу", "high")]
    assert [(c, a, b) for _s, c, a, b in diff.changed] == [("пара алуу", "low", "high")]
    assert [d.unit for d in db.latest()] == ["mektep", "bakcha"]
    db.close()

    runner = CliRunner()
    result = runner.invoke(main, ["history", "mektep", "--inbox", str(tmp_path / "inbox"),
                                  "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "Добавленные риски" in result.output and "Ижара" in result.output
    assert "низкий → высокий" in result.output
    result = runner.invoke(main, ["history", "--inbox", str(tmp_path / "inbox")])
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.output.splitlines()] == ["bakcha", "mektep"]
    result = runner.invoke(main, ["history", "nobody", "--inbox", str(tmp_path / "inbox")])
    assert result.exit_code == 2 and "bakcha, mektep" in result.output


def test_watch_once_from_the_command_line(tmp_path: Path) -> None:
    data = register_bytes(tmp_path)
    drop(tmp_path, "r.xlsx", data)
    result = CliRunner().invoke(main, ["watch", str(tmp_path / "inbox"), "--once",
                                       "--interval", "0.1", "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "r.xlsx\tоценён\t" in result.output
    check_folders(tmp_path, [data], {sha(data)})
    assert files(tmp_path / "scored") == [tmp_path / "scored" / "r.scored.xlsx"]


# --- events, and polling where there are none ------------------------------------------------


def _watch_until_scored(root: Path, data: bytes, **kw: Any) -> list[str]:
    said: list[str] = []
    config = Config.beside(root / "inbox", interval=0.1, **kw)
    w = Watcher(config, echo=said.append)
    stop = threading.Event()
    thread = threading.Thread(target=w.run, kwargs={"stop": stop})
    thread.start()
    try:
        drop(root, "r.xlsx", data)
        deadline = time.monotonic() + 60
        while not (root / "scored" / "r.scored.xlsx").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        w.wake.set()
        thread.join(30)
        w.close()
    check_folders(root, [data], {sha(data)})
    return said


def test_file_system_events_wake_the_watcher(tmp_path: Path) -> None:
    said = _watch_until_scored(tmp_path, register_bytes(tmp_path), events=True)
    assert not any("секундда текшерилет" in line for line in said)


def test_polling_where_the_system_gives_no_events(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from watchdog.observers import Observer

    def refused(self: Any) -> None:
        raise OSError(28, "inotify watch limit reached")
    monkeypatch.setattr(Observer, "start", refused)
    said = _watch_until_scored(tmp_path, register_bytes(tmp_path), events=True)
    assert any("ар бир 0.1 секундда текшерилет" in line for line in said)


# --- point 6: the consolidated workbook of every unit's latest submission ---------------------


def test_the_consolidated_workbook_follows_every_units_latest_submission(tmp_path: Path) -> None:
    """Two units (one subfolder each): after each batch the consolidated workbook holds the
    latest submission of each unit, named as the drop folder knows it; a unit's older
    submission is never counted beside its newer one."""
    from workbook_tools.consolidate import collect

    target = tmp_path / "svod" / "svod.xlsx"
    target.parent.mkdir()
    mektep_1 = register_bytes(tmp_path, "m1.xlsx", rows=[risk(1, cases="Пара алуу", p=3, h=3)])
    mektep_2 = register_bytes(tmp_path, "m2.xlsx", rows=[risk(1, cases="Пара алуу", p=1, h=1),
                                                         risk(2, cases="Жер бөлүү", p=1, h=2)])
    bakcha = register_bytes(tmp_path, "b.xlsx", rows=[risk(1, cases="Жер бөлүү", p=2, h=2)])
    drop(tmp_path, "Мектеп №1/register.xlsx", mektep_1)
    drop(tmp_path, "Балбан бакчасы/register.xlsx", bakcha)
    run_once(tmp_path, consolidate=target)
    assert target.exists()

    def units() -> dict[str, int]:
        cons = collect([target], pipeline.DEFAULT_OPTIONS)
        return {u.unit: len(u.risks) for u in cons.units}

    assert units() == {"Мектеп №1": 1, "Балбан бакчасы": 1}
    drop(tmp_path, "Мектеп №1/register.xlsx", mektep_2)
    run_once(tmp_path, consolidate=target)
    assert units() == {"Мектеп №1": 2, "Балбан бакчасы": 1}  # the newer submission only
    assert not [p for p in (tmp_path / "archive").rglob(".wt-consolidate-*")]  # nothing left
    log = (tmp_path / "workbook-tools.log").read_text(encoding="utf-8")
    assert str(target) in log
