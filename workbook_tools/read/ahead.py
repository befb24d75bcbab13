"""Reading ahead: a run's first files read while the tool imports pandas and pandera.

``score`` and ``validate`` wait about half a second for their modules before the first file is
touched, and one core of two stands idle meanwhile. So the command starts the guarded reader
(:func:`read_timed`, the pipeline's own) on its files before it imports the pipeline, and the
pipeline takes each book from here instead of reading it. Each file's report is the one it gets
without reading ahead; only its reading started earlier.

Where the system forks (Linux, macOS), a process does the reading (:class:`ReadAheadProcess`):
forked before the imports, it reads the files in order, each into a file of its own in a
private folder, until the imports are done (:meth:`ReadAheadProcess.stop`, before any worker is
forked); the pipeline, in this process or in a worker, then takes its files from the folder
(:class:`Folder`) and reads the rest itself. A 10,000-row register's book comes back in 8 ms
(1.5 MB pickled: the same text down a column is one object); its reading took 0.24 s.

Elsewhere a thread reads the first batch (:class:`ReadAhead`; a run shared out to workers does
not read ahead there, since no thread may live when they are forked). python-calamine parses a
sheet and zlib inflates a part with the interpreter's lock released, so that much runs beside
the import; the reading's Python (the guard's patterns, the cleaning of values) takes turns
with it. The thread uses the reader, the guard and calamine, imported before it starts (an
encrypted file imports msoffcrypto on the thread: Python's import locks keep two threads
importing apart). What is read ahead is the first batch, the files the pipeline reads first
anyway: no more is held than the batch holds. Nothing else reads while the thread runs
(:meth:`ReadAhead.wait` comes before the pipeline's first read of anything).

Either way, a file saved again after it was read ahead is read anew when its turn comes, and a
file's time limit counts its own reading, not the wait for the imports.
"""

from __future__ import annotations

import os
import pickle
import select
import shutil
import tempfile
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import RejectedFile
from ..model import Book, FileReport, Limits
from .reader import read_book

#: A file read: the workbook and when its reading began (``time.monotonic()``), or its rejection.
Read = tuple[Book, float] | FileReport


def read_timed(path: Path, limits: Limits) -> Read:
    """The workbook through the guarded reader, and when its reading began; or its rejection.
    Any other exception (a failure of the tool itself) is the caller's to report."""
    started = time.monotonic()
    try:
        return read_book(path, limits), started
    except RejectedFile as exc:
        return FileReport.rejected(path, exc.reason, exc.params)


#: what tells a file's content changed: its size and time of change (None: no such file)
Stamp = tuple[int, int] | None


def stamp_of(path: Path) -> Stamp:
    """``path``'s stamp now (taken before a file is read ahead, and again when it is taken)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _taken(path: Path, stamp: Stamp, got: Read | Exception, took: float) -> Read | None:
    """What was read of ``path``, for the pipeline: None when the file changed since (saved
    again meanwhile: the pipeline reads it now, and its copy is made from what it read); its
    reading timed as begun ``took`` seconds ago; an exception met reading it raised."""
    if stamp_of(path) != stamp:
        return None
    if isinstance(got, Exception):
        raise got
    if isinstance(got, FileReport):
        return got
    return got[0], time.monotonic() - took


class Ahead(Protocol):
    """Files read ahead, as the pipeline takes them: each in its turn, or None."""

    def take(self, path: Path) -> Read | None: ...


def _give_back() -> None:
    """Free memory the thread's own heap holds returned to the system. glibc's malloc gives a
    second thread a heap of its own; what calamine freed there is not reused by the main
    thread, and would stay in the process's resident memory (8 MiB for a 10,000-row register).
    Elsewhere than glibc, nothing is done."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc (or not a dynamic libc)
        pass


class ReadAhead:
    """``paths`` read in order on a thread, from the moment this is made."""

    def __init__(self, paths: Sequence[Path], limits: Limits) -> None:
        # (path, its stamp before the reading, what was read or the exception met, how long
        # the reading took)
        self._done: deque[tuple[Path, Stamp, Read | Exception, float]] = deque()
        self._paths = list(paths)
        self._limits = limits
        self._trimmed = False
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for path in self._paths:
            began = time.monotonic()
            stamp = stamp_of(path)
            got: Read | Exception
            try:
                got = read_timed(path, self._limits)
            except Exception as exc:  # reported where the pipeline would have met it
                got = exc
            self._done.append((path, stamp, got, time.monotonic() - began))

    def wait(self) -> None:
        """Until every file is read: the caller may then read others itself."""
        if self._thread.is_alive() or not self._trimmed:
            self._thread.join()
            self._trimmed = True
            _give_back()

    def take(self, path: Path) -> Read | None:
        """What was read of ``path``, if it is the next file read ahead (the pipeline asks for
        its files in order); else None, and the caller reads it. Its reading is taken to have
        begun as long before now as it took, so the waiting for the imports does not count
        against the file's time limit. An exception met reading it is raised here."""
        self.wait()
        if not self._done or self._done[0][0] != path:
            self._done.clear()  # asked out of order: nothing more is taken from here
            return None
        _, stamp, got, took = self._done.popleft()
        return _taken(path, stamp, got, took)


#: a process reading ahead stops after this many files, or this many bytes of them written
AHEAD_FILES = 4096
AHEAD_BYTES = 64 * 1024 * 1024


def can_fork() -> bool:
    """Whether this system forks a process (not Windows)."""
    return hasattr(os, "fork")


class ReadAheadProcess:
    """``paths`` read in order by a forked process, from the moment this is made, into a
    private folder (``<index>.read``: the path, what was read, how long it took), until
    :meth:`stop`. Make it before a thread is started and before the heavy imports."""

    def __init__(self, paths: Sequence[Path], limits: Limits) -> None:
        """Raises OSError when the process cannot be made (nothing is left behind)."""
        _sweep()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
        self._paths = list(paths)
        told, self._tell = os.pipe()
        _TELLS.add(self._tell)  # the reader closes it at once, as every forked process
        try:
            pid = os.fork()
        except OSError:
            _TELLS.discard(self._tell)
            os.close(told)
            os.close(self._tell)
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        if pid == 0:  # the reader: no return from here, whatever happens
            code = 1
            try:
                _read_into(self._paths, limits, self.folder, told)
                code = 0
            finally:
                os._exit(code)
        os.close(told)
        self._reader = {"pid": pid, "tell": self._tell, "owner": os.getpid()}
        # a run that never starts (an error before it) still stops the reader and removes
        # the folder: when this object goes, or at the interpreter's exit
        self._cleanup = weakref.finalize(self, _discard, self._reader, str(self.folder))

    def stop(self) -> None:
        """No more reading: the file being read is finished, then the process ends."""
        _stop(self._reader)

    def from_index(self, first: int) -> Folder:
        """What a worker takes its files from: the run's files from ``first`` on."""
        return Folder(str(self.folder), first)

    def close(self) -> None:
        """Stopped, and the folder removed with whatever no worker took."""
        self._cleanup()


#: the parent's ends of the readers' pipes: every forked process (a reader, a worker) closes
#: them at once, so that a reader sees its pipe end when this process closes its own
_TELLS: set[int] = set()


def _close_tells() -> None:
    for fd in _TELLS:
        try:
            os.close(fd)
        except OSError:  # pragma: no cover - already closed
            pass
    _TELLS.clear()


if can_fork():
    os.register_at_fork(after_in_child=_close_tells)


def _stop(reader: dict[str, int]) -> None:
    if reader["pid"] and reader["owner"] == os.getpid():
        _TELLS.discard(reader["tell"])
        os.close(reader["tell"])  # the reader sees the pipe end between two files
        try:
            os.waitpid(reader["pid"], 0)
        except ChildProcessError:  # pragma: no cover - already reaped
            pass
        reader["pid"] = 0


def _discard(reader: dict[str, int], folder: str) -> None:
    if reader["owner"] != os.getpid():
        return  # a forked process: the folder is its parent's
    _stop(reader)
    shutil.rmtree(folder, ignore_errors=True)


#: the readers' folders are named after the process that made them: wbt-ahead-<pid>-...
_PREFIX = "wbt-ahead-"


def _sweep() -> None:
    """The folders of runs that were killed (their process is gone), removed: a run removes
    its own when it ends, or at its process's exit, but a kill leaves it."""
    for old in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        pid = old.name[len(_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)  # only asks whether it lives (this runs where fork does)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except OSError:  # another user's process, alive
            pass


def _read_into(paths: list[Path], limits: Limits, folder: Path, told: int) -> None:
    written = 0
    for i, path in enumerate(paths[:AHEAD_FILES]):
        if select.select([told], [], [], 0)[0] or written > AHEAD_BYTES:
            return  # stop (or the parent is gone)
        began = time.monotonic()
        stamp = stamp_of(path)
        got: Read | Exception
        try:
            got = read_timed(path, limits)
        except Exception as exc:  # met again where the worker reads it itself
            got = exc
        try:
            data = pickle.dumps((str(path), stamp, got, time.monotonic() - began),
                                protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # what cannot be pickled is read again by the worker
            continue
        part = folder / f"{i}.part"
        part.write_bytes(data)
        os.replace(part, folder / f"{i}.read")
        written += len(data)


@dataclass
class Folder:
    """The files a worker's batch takes from a :class:`ReadAheadProcess`'s folder, in order
    from the run's file ``first``: each file taken is removed; one not there (the reading
    stopped before it), or another file than asked, is None and the worker reads it."""

    folder: str
    first: int
    _next: int = field(default=0, repr=False)

    def take(self, path: Path) -> Read | None:
        index = self.first + self._next
        self._next += 1
        name = Path(self.folder) / f"{index}.read"
        try:
            data = name.read_bytes()
        except OSError:
            return None
        name.unlink(missing_ok=True)
        try:  # written by this run's own reader, in its private folder
            said, stamp, got, took = pickle.loads(data)
        except Exception:  # an exception that pickles but cannot be made again: read anew
            return None
        if said != str(path):
            return None
        return _taken(path, stamp, got, took)
