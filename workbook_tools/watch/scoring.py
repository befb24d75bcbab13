"""Step 6 of many drops at once: their archived originals scored in batches, by worker
processes when the burst is large.

A batch goes through :func:`workbook_tools.pipeline.run_batch` (its tables validated by one
pandera call per schema), each copy written to its drop's hidden name in OUTBOX; what comes back
of each drop is :class:`Scored`, the few fields its journal row and its log line need. Placing
the copies and recording them (step 7) stays with the watcher, in its own process: a worker
never touches the journal nor a final name.

A worker process dies with the watcher (Linux: ``PR_SET_PDEATHSIG``): a watcher killed in the
middle of a burst leaves no worker writing into OUTBOX behind the next start's back.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import FileReport, Options
from . import intake

#: the hidden scored copy of step 6: ``.name.scored.xlsx.<drop id>.wtout.xlsx``
OUT = ".wtout.xlsx"


@dataclass(frozen=True)
class Scored:
    """What the watcher keeps of a drop's report: its status, the hidden copy written (None:
    none), whether the file was a scored copy itself, and the journal row's fields
    (:func:`~workbook_tools.watch.history.record`)."""

    status: str
    output: str | None
    scored_copy: bool
    fields: dict[str, Any]


def scored(report: FileReport, lang: str) -> Scored:
    from ..pipeline import is_scored_copy
    from .history import record

    return Scored(report.status, None if report.output is None else str(report.output),
                  is_scored_copy(report), record(report, lang))


def score_batch(paths: list[Path], temps: list[Path], options: Options, lang: str,
                watcher: int) -> list[Scored]:
    """Score the originals ``paths`` together, each copy to its hidden name in ``temps``: run
    in the watcher's process (its pid ``watcher``) or in a worker."""
    from .. import pipeline  # looked up at each call: the crash tests stand in for run_batch

    _die_with(watcher)
    reports = pipeline.run_batch(paths, options=options, name=lambda i, _path: temps[i])
    return [scored(r, lang) for r in reports]


_armed = False


def _die_with(watcher: int) -> None:
    """In a worker (once): be killed when the watcher dies, and end now if it already has."""
    global _armed
    if _armed or os.getpid() == watcher:
        return
    _armed = True
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != watcher:
        os._exit(1)  # the watcher died before the signal was asked for


def temp_name(output: Path, drop_id: int) -> Path:
    """The hidden name a drop's scored copy is written to before it takes ``output``."""
    return output.with_name(f".{output.name}.{drop_id}{OUT}")


def clean(temps: list[Path]) -> dict[Path, OSError]:
    """Remove the hidden copies ``temps`` and what a writer killed while writing one of them
    left beside it (``.<temp name>.*.tmp``), with one look at each folder; returns the temps
    that could not be cleared, and why."""
    by_folder: dict[Path, list[str]] = {}
    for temp in temps:
        by_folder.setdefault(temp.parent, []).append(temp.name)
    failed: dict[Path, OSError] = {}
    for folder, names in by_folder.items():
        try:
            entries = [entry.name for entry in os.scandir(folder)]
        except FileNotFoundError:
            continue
        except OSError as exc:
            failed.update((folder / name, exc) for name in names)
            continue
        for name in names:
            prefix = f".{name}."
            for entry in entries:
                if entry == name or (entry.startswith(prefix) and entry.endswith(".tmp")):
                    try:
                        intake.remove(folder / entry)
                    except OSError as exc:
                        failed[folder / name] = exc
    return failed
