"""Reading ahead: a run's first files read while the tool imports pandas and pandera.

``score`` and ``validate`` wait about half a second for their modules before the first file is
touched, and one core of two stands idle meanwhile. Python runs an import's module bodies, while
python-calamine parses a sheet and zlib inflates a part with the interpreter's lock released; so
the command starts the guarded reader (:func:`read_timed`, the pipeline's own) on its first
batch in a thread before it imports the pipeline, and the pipeline takes each book from here
(:meth:`ReadAhead.take`). The thread uses the reader, the guard and calamine, imported before
it starts (an encrypted file imports msoffcrypto on the thread: Python's import locks keep two
threads importing apart). A file read ahead may be charged, against its time limit, the moments
the thread waited for the interpreter while the other imported: a fraction of a second.

What is read ahead is the first batch, the files the pipeline reads first anyway: no more is
held than the batch holds. Nothing else reads while the thread runs (:meth:`ReadAhead.wait`
comes before the pipeline's first read of anything) and no process is forked while it lives:
a run shared out to worker processes does not read ahead. Each file's report is the one it gets
without reading ahead; only its reading started earlier.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path

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
        # (path, what it read or the exception it met, how long the reading took)
        self._done: deque[tuple[Path, Read | Exception, float]] = deque()
        self._paths = list(paths)
        self._limits = limits
        self._trimmed = False
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for path in self._paths:
            began = time.monotonic()
            got: Read | Exception
            try:
                got = read_timed(path, self._limits)
            except Exception as exc:  # reported where the pipeline would have met it
                got = exc
            self._done.append((path, got, time.monotonic() - began))

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
        _, got, took = self._done.popleft()
        if isinstance(got, Exception):
            raise got
        if isinstance(got, FileReport):
            return got
        return got[0], time.monotonic() - took
