"""The drop folder under load and under kills (issues 11 and 14), all slow:

* a few hundred files dropped while the watcher runs: good ones, bad ones, duplicates (the same
  bytes under another name, the same name again), lock, temporary and hidden files, a file
  copied slowly in pieces;
* the watcher command killed (SIGKILL) at random moments 55 times while files keep arriving,
  started again each time, then the invariants of tests/watch_checks.py: every input byte for
  byte, one scored copy per good drop, each a workbook, the journal agreeing with the folders;
* bursts large enough for worker processes (``--jobs 2``), the command killed 8 times while
  they are taken: no worker outlives it, and the same invariants.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.builders import make_register, risk
from tests.watch_checks import check_folders, sha
from workbook_tools.watch.runner import Config, Watcher

REPO = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    # watchdog's own notice, in its thread, when it watches a folder just made twice (a race
    # of its recursive watch, harmless: "It will be Overwritten"); an error under this suite's
    # filterwarnings, it would stop the observer's thread
    pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning"),
]


def good_pool(tmp: Path, n: int) -> list[bytes]:
    """``n`` different small registers."""
    return [make_register(tmp / "_pool" / f"g{i}.xlsx", rows=[
        risk(1, cases=f"Пара алуу {i}", p=1 + i % 3, h=1 + (i // 3) % 3),
        risk(2, cases="Жер бөлүү", p=2, h=2)]).read_bytes() for i in range(n)]


def bad_pool(good: bytes) -> list[bytes]:
    return [b"", b"just text, named as a workbook", os.urandom(3000),
            b"%PDF-1.4\n" + os.urandom(500), good[:700]]  # the last: a zip cut short


def _count(root: Path, where: str = "") -> int:
    """How many drops of the journal under ``root`` match ``where`` (0 before it exists)."""
    journal = root / "workbook-tools.sqlite3"
    if not journal.exists():
        return 0
    db = sqlite3.connect(f"{journal.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return int(db.execute(f"SELECT COUNT(*) FROM drops {where}").fetchone()[0])
    except sqlite3.OperationalError:  # the journal being made: no table yet
        return 0
    finally:
        db.close()


def finished(root: Path) -> int:
    return _count(root, "WHERE state IN ('done', 'rejected')")


def unfinished(root: Path) -> int:
    return _count(root, "WHERE state NOT IN ('done', 'rejected', 'withdrawn')")


def taken(root: Path) -> int:
    """How many drops the journal knows (claimed or further)."""
    return _count(root)


def wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_few_hundred_drops_while_the_watcher_runs(tmp_path: Path) -> None:
    rng = random.Random(11)
    good = good_pool(tmp_path, 40)
    bad = bad_pool(good[0])
    inbox = tmp_path / "inbox"
    config = Config.beside(inbox, interval=0.3, grace=1.0, events=True)
    watcher = Watcher(config)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, kwargs={"stop": stop})
    thread.start()
    dropped: list[bytes] = []
    try:
        # good files, each unit a folder; the same bytes under several names
        for i in range(160):
            data = good[i % len(good)]
            (inbox / f"unit{i % 8}").mkdir(parents=True, exist_ok=True)
            (inbox / f"unit{i % 8}" / f"register {i}.xlsx").write_bytes(data)
            dropped.append(data)
        for i in range(50):
            data = bad[i % len(bad)]
            (inbox / f"bad {i}.xlsx").write_bytes(data)
            dropped.append(data)
        # left alone: lock, temporary and hidden files
        for i in range(20):
            (inbox / f"~$register {i}.xlsx").write_bytes(b"lock")
            (inbox / f".~lock.register {i}.xlsx#").write_bytes(b"lock")
            (inbox / f"copy {i}.xlsx.tmp").write_bytes(good[0])
            (inbox / f".hidden {i}.xlsx").write_bytes(good[0])
        # a file copied slowly in pieces, pauses shorter than the interval
        slow = good[1]
        path = inbox / "unit0" / "slow copy.xlsx"
        with path.open("wb") as fh:
            for start in range(0, len(slow), 1000):
                fh.write(slow[start:start + 1000])
                fh.flush()
                time.sleep(rng.uniform(0.02, 0.1))
        dropped.append(slow)
        # the same name dropped again once the first is taken
        again = inbox / "unit3" / "register 3.xlsx"
        for n in range(3):
            wait_for(lambda: not again.exists(), 60)
            again.write_bytes(good[5 + n])
            dropped.append(good[5 + n])
        wait_for(lambda: finished(tmp_path) == len(dropped), 300)
    finally:
        stop.set()
        watcher.wake.set()
        thread.join(60)
        watcher.close()
    journal = check_folders(tmp_path, dropped, {sha(g) for g in good})
    assert sum(r["state"] == "done" for r in journal) == 160 + 1 + 3
    slow_row = [r for r in journal if r["name"] == "unit0/slow copy.xlsx"]
    assert [r["sha256"] for r in slow_row] == [sha(slow)]  # read once, whole
    assert len(list(inbox.glob("~$*"))) == 20 and len(list(inbox.glob(".hidden*"))) == 20


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_at_random_moments_and_started_again(tmp_path: Path) -> None:
    rng = random.Random(1111)
    good = good_pool(tmp_path, 12)
    bad = bad_pool(good[0])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    dropped: list[bytes] = []
    mid_drop = 0
    counter = 0

    def drop_some(n: int) -> None:
        nonlocal counter
        for _ in range(n):
            counter += 1
            if rng.random() < 0.2:
                # not the zip cut short: --once leaves it until its grace has passed
                data, name = rng.choice(bad[:4]), f"bad {counter}.xlsx"
            else:
                data = rng.choice(good)
                name = f"unit{counter % 5}/register {counter}.xlsx"
                if rng.random() < 0.2 and not (inbox / "unit9" / "same.xlsx").exists():
                    name = "unit9/same.xlsx"  # the same name, dropped again and again
            path = inbox / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            dropped.append(data)

    drop_some(20)
    kills = 55
    for i in range(kills):
        command = [sys.executable, "-m", "workbook_tools.cli", "watch", str(inbox),
                   "--interval", "0.15", *(["--poll"] if i % 2 else [])]
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        drop_some(rng.randint(4, 9))  # enough that a kill lands in the middle of some
        time.sleep(rng.uniform(0.5, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        mid_drop += unfinished(tmp_path) > 0
    # started once more, it finishes everything
    proc = subprocess.run([sys.executable, "-m", "workbook_tools.cli", "watch", str(inbox),
                           "--once", "--interval", "0.15"], env=env, capture_output=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    check_folders(tmp_path, dropped, {sha(g) for g in good})
    print(f"kills that left a drop unfinished: {mid_drop} of {kills}")
    assert mid_drop >= 5, mid_drop  # the kills did land in the middle of drops


def _naming(inbox: Path) -> list[int]:
    """The processes whose command line names ``inbox``: the watcher and its forked workers
    (a zombie's is empty)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(inbox).encode() in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL, /proc")
def test_killed_while_worker_processes_score_a_burst(tmp_path: Path) -> None:
    """Bursts large enough to go to worker processes (``--jobs 2``), the watcher killed in the
    middle of them: its workers die with it (none goes on writing into OUTBOX behind the next
    start's back), and the next start finishes every drop once."""
    rng = random.Random(14)
    good = good_pool(tmp_path, 12)
    bad = bad_pool(good[0])[:4]  # not the zip cut short: --once leaves it until its grace
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    dropped: list[bytes] = []

    def burst(first: int, n: int) -> None:
        for i in range(first, first + n):
            data = bad[i % len(bad)] if i % 15 == 0 else good[i % len(good)]
            path = inbox / f"unit{i % 3}" / f"register {i}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            dropped.append(data)

    kills, mid_burst = 8, 0
    for i in range(kills):
        burst(120 * i, 120)  # a burst each time, on top of what a kill left unfinished
        before = taken(tmp_path)
        proc = subprocess.Popen([sys.executable, "-m", "workbook_tools.cli", "watch",
                                 str(inbox), "--interval", "0.15", "--jobs", "2"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # killed at a random moment once the burst is being taken (however long the start)
        deadline = time.monotonic() + 120
        while taken(tmp_path) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        wait_for(lambda: not _naming(inbox), 10)  # the workers died with it
        mid_burst += unfinished(tmp_path) > 0
    proc_done = subprocess.run([sys.executable, "-m", "workbook_tools.cli", "watch", str(inbox),
                                "--once", "--interval", "0.15", "--jobs", "2"], env=env,
                               capture_output=True, timeout=600)
    assert proc_done.returncode == 0, proc_done.stderr
    assert not _naming(inbox)
    check_folders(tmp_path, dropped, {sha(g) for g in good}, open_copies=False)
    print(f"kills that left drops unfinished: {mid_burst} of {kills}")
    assert mid_burst >= 4, mid_burst
