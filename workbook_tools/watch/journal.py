"""The journal of the drop folder: one SQLite database (WAL mode) beside the folders.

Every drop is one row of ``drops``. Its ``state`` is committed before and after each step, and
each step can be done again from the state it left (the files say what a step finished):

========== ======================================================================================
state      meaning
========== ======================================================================================
claimed    the original was copied (and fsynced) to ``part``; it goes to ``archive`` next, then
           leaves the inbox
archived   the original is kept at ``archive`` and has left the inbox; ``output`` is the name
           its scored copy will take
rejecting  the file could not be read: it goes from ``archive`` to ``rejected``, with the reason
           text beside it
done       scored (``output``; null when no copy was due, e.g. a scored copy dropped in)
rejected   kept at ``rejected``, the reason text beside it
withdrawn  the file was taken out of the inbox before it could be kept (nothing to keep)
========== ======================================================================================

The same rows are the record of submissions (``history``): unit, file, hash, times, counts by
level, findings, overdue activities, where the original and the copy are.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import WorkbookToolsError

#: The file name of the journal, beside the inbox (``--journal`` chooses another).
JOURNAL_NAME = "workbook-tools.sqlite3"
#: what the lock file of a journal adds to its name (:func:`hold`)
LOCK_SUFFIX = ".lock"
FINAL_STATES = ("done", "rejected", "withdrawn")
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drops (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    dropped_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    part TEXT,
    archive TEXT,
    rejected TEXT,
    output TEXT,
    status TEXT,
    reason TEXT,
    reason_params TEXT,
    levels TEXT,
    errors INTEGER,
    warnings INTEGER,
    overdue INTEGER,
    risks TEXT,
    summary TEXT,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS drops_unit ON drops (unit, id);
CREATE INDEX IF NOT EXISTS drops_state ON drops (state);
CREATE INDEX IF NOT EXISTS drops_archive ON drops (archive);
CREATE INDEX IF NOT EXISTS drops_rejected ON drops (rejected);
CREATE INDEX IF NOT EXISTS drops_output ON drops (output);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Drop:
    """One row of the journal: a file dropped into the inbox, and what became of it."""

    id: int
    unit: str
    name: str  # the path inside the inbox, with "/"
    source: str  # the full path it was dropped at
    state: str
    dropped_at: str  # ISO time (local) the drop was taken
    size: int
    mtime_ns: int
    sha256: str
    part: str | None = None
    archive: str | None = None
    rejected: str | None = None
    output: str | None = None
    status: str | None = None  # ok | errors | rejected (the pipeline's)
    reason: str | None = None
    reason_params: str | None = None  # JSON
    levels: str | None = None  # JSON {"high": 2, ...}
    errors: int | None = None
    warnings: int | None = None
    overdue: int | None = None
    risks: str | None = None  # JSON [[section, cases, level], ...]
    summary: str | None = None  # the terminal headline, in the watcher's language
    finished_at: str | None = None

    @property
    def original(self) -> str | None:
        """Where the original is kept once the drop is finished."""
        return self.rejected if self.state == "rejected" else self.archive

    def params(self) -> dict[str, Any]:
        return dict(json.loads(self.reason_params)) if self.reason_params else {}

    def level_counts(self) -> dict[str, int]:
        return dict(json.loads(self.levels)) if self.levels else {}

    def risk_list(self) -> list[tuple[str, str, str | None]]:
        """(section, cases, level) of each risk the submission's registers hold."""
        rows = json.loads(self.risks) if self.risks else []
        return [(str(s), str(c), None if lv is None else str(lv)) for s, c, lv in rows]


_COLUMNS = tuple(f.name for f in fields(Drop))


class JournalBusy(WorkbookToolsError):
    """Another watcher holds the journal (its text: ``watch.busy``)."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal
        super().__init__(f"another watcher holds {journal}")


def hold(journal: Path) -> int | None:
    """Take the journal for this watcher alone, for as long as the returned descriptor is open:
    an exclusive lock (``flock``) on ``<journal>.lock``, which holds this process's number.
    Raises :class:`JournalBusy` when another process holds it (two watchers on one journal
    would each take the other's files). None where the system or the file system has no such
    lock (Windows; some network shares): there, run one watcher per journal yourself. The
    system lets the lock go when the process ends, however it ends."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    Path(journal).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(f"{journal}{LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise JournalBusy(Path(journal)) from None
    except OSError:  # no locks on this file system
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    return fd


class Journal:
    """The journal database. Each call that changes it is one committed transaction, written to
    disk (``synchronous=FULL``) before it returns: the file operation after it may rely on it.
    Inside ``with journal.transaction():`` the calls are one transaction, committed (or, on an
    exception, rolled back whole) when the block ends: several drops' steps in one commit, each
    step's file operations done before the block (or after it, relying on it)."""

    def __init__(self, path: Path, *, readonly: bool = False, exclusive: bool = False) -> None:
        """``exclusive``: for this process alone while it is open (:func:`hold`; the watcher
        opens it so); :class:`JournalBusy` when another process has it."""
        self.path = Path(path)
        self.depth = 0  # transactions open (the outermost commits)
        self._lock = hold(self.path) if exclusive else None
        try:
            self._open(readonly)
        except BaseException:
            self._release()
            raise

    def _open(self, readonly: bool) -> None:
        if readonly:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                  check_same_thread=False)  # made in one thread, run in another
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        with self.transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)",
                            (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.db.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    # --- writing ------------------------------------------------------------------------------

    def add(self, **values: Any) -> Drop:
        """A new drop (state ``claimed``), committed."""
        keys = [k for k in values if k in _COLUMNS and k != "id"]
        with self.transaction():
            cur = self.db.execute(
                f"INSERT INTO drops ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
                [values[k] for k in keys])
            drop_id = cur.lastrowid
        assert drop_id is not None
        return self.get(drop_id)

    def update(self, drop: Drop, **values: Any) -> Drop:
        """``drop`` with ``values`` set, committed."""
        keys = [k for k in values if k in _COLUMNS and k != "id"]
        encoded = [json.dumps(values[k], ensure_ascii=False)
                   if isinstance(values[k], dict | list | tuple) else values[k] for k in keys]
        with self.transaction():
            self.db.execute(f"UPDATE drops SET {', '.join(f'{k} = ?' for k in keys)} "
                            "WHERE id = ?", [*encoded, drop.id])
        return self.get(drop.id)

    # --- reading ------------------------------------------------------------------------------

    def get(self, drop_id: int) -> Drop:
        row = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM drops WHERE id = ?",
                              (drop_id,)).fetchone()
        return Drop(*row)

    def select(self, where: str = "1", params: tuple[Any, ...] = ()) -> Iterator[Drop]:
        for row in self.db.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM drops WHERE {where} ORDER BY id", params):
            yield Drop(*row)

    def unfinished(self) -> list[Drop]:
        marks = ", ".join("?" * len(FINAL_STATES))
        return list(self.select(f"state NOT IN ({marks})", FINAL_STATES))

    def units(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT unit FROM drops ORDER BY unit")]

    def of_unit(self, unit: str) -> list[Drop]:
        return list(self.select("unit = ? AND state IN ('done', 'rejected')", (unit,)))

    def latest(self) -> list[Drop]:
        """The latest scored submission of each unit (what consolidation reads)."""
        return list(self.select(
            "id IN (SELECT MAX(id) FROM drops WHERE state = 'done' AND output IS NOT NULL "
            "GROUP BY unit)"))

    def taken(self, path: str) -> bool:
        """Whether a drop names ``path`` (as its archive, rejected or output name, final or
        planned)."""
        return self.db.execute(
            "SELECT 1 FROM drops WHERE archive = ?1 OR rejected = ?1 OR output = ?1 LIMIT 1",
            (path,)).fetchone() is not None


class _Transaction:
    """One transaction; one opened inside another is part of it (the outermost commits, and an
    exception rolls the whole of it back)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def __enter__(self) -> sqlite3.Connection:
        if self.journal.depth == 0:
            self.journal.db.execute("BEGIN IMMEDIATE")
        self.journal.depth += 1
        return self.journal.db

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.journal.depth -= 1
        if self.journal.depth == 0:
            self.journal.db.execute("COMMIT" if kind is None else "ROLLBACK")


def as_json(values: Mapping[str, Any]) -> str:
    return json.dumps(dict(values), ensure_ascii=False, default=str)
