"""One watcher per journal: a second one on the same journal does not start (it would take the
first one's files from under it); the lock goes with the process that held it, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_watch import drop, register_bytes, watcher
from workbook_tools.cli import main
from workbook_tools.watch.journal import JOURNAL_NAME, LOCK_SUFFIX, JournalBusy, hold

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock: POSIX only")


def test_a_second_watcher_on_one_journal_does_not_start(tmp_path: Path) -> None:
    first = watcher(tmp_path)
    try:
        with pytest.raises(JournalBusy) as said:
            watcher(tmp_path)
        assert said.value.journal == tmp_path / JOURNAL_NAME
        lock = tmp_path / (JOURNAL_NAME + LOCK_SUFFIX)
        assert lock.read_text(encoding="ascii") == f"{os.getpid()}\n"
    finally:
        first.close()
    again = watcher(tmp_path)  # the first has let it go
    again.close()


def test_another_journal_is_another_watcher(tmp_path: Path) -> None:
    one = watcher(tmp_path / "a")
    two = watcher(tmp_path / "b")
    one.close()
    two.close()


def test_the_lock_file_beside_a_journal_in_the_inbox_is_not_a_drop(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    drop(tmp_path, "r.xlsx", register_bytes(tmp_path))
    w = watcher(tmp_path, journal=inbox / "j.sqlite3", log=inbox / "w.log",
                archive=tmp_path / "archive")
    try:
        w.run(once=True)
    finally:
        w.close()
    assert (inbox / ("j.sqlite3" + LOCK_SUFFIX)).exists()
    assert not list((tmp_path / "rejected").iterdir())  # the lock file was not taken


@pytest.mark.parametrize(("lang", "said"), [
    ("ky", "Бул папканы башка программа көзөмөлдөп жатат"),
    ("ru", "За этой папкой уже следит другая программа"),
    ("en", "Another watcher is already watching this folder"),
])
def test_the_command_says_so_and_exits_2(tmp_path: Path, lang: str, said: str) -> None:
    first = watcher(tmp_path)
    try:
        result = CliRunner().invoke(main, ["watch", str(tmp_path / "inbox"), "--once",
                                           "--lang", lang])
    finally:
        first.close()
    assert result.exit_code == 2, result.output
    assert said in result.output and JOURNAL_NAME in result.output
    assert "Traceback" not in result.output


def test_a_killed_watcher_leaves_no_lock(tmp_path: Path) -> None:
    journal = tmp_path / JOURNAL_NAME
    code = ("import sys, time\nfrom pathlib import Path\n"
            "from workbook_tools.watch.journal import hold\n"
            "hold(Path(sys.argv[1])); print('held', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(journal)], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        with pytest.raises(JournalBusy):
            hold(journal)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while True:
            try:
                fd = hold(journal)
                break
            except JournalBusy:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert fd is not None
        os.close(fd)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
