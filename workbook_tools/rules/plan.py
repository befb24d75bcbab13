"""The action plan's rules (иш-чаралар планы): deadlines as periods, the status of an activity
on a day, and which activities the yearly report of a year holds.

The deadline forms themselves are parsed by :mod:`workbook_tools.rules.deadlines`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ..model import Cell
from .deadlines import Deadline, DeadlineError, parse_deadline
from .normalise import Parsed

#: Days before the end of its period when an activity is "due soon".
DUE_SOON_DAYS = 30

#: Computed status codes, in the order the summary lists them.
STATUSES: tuple[str, ...] = ("overdue", "due_soon", "on_track", "done", "no_deadline")


def parse_deadline_cell(v: Cell) -> Parsed:
    """The deadline cell as a :class:`Deadline`, or the problem that keeps its dates null."""
    try:
        return Parsed(parse_deadline(v))
    except DeadlineError as exc:
        params = {k: v for k, v in exc.params.items() if k != "value"}
        return Parsed(Deadline(None, None, False), exc.code, params=params)


def status_of(deadline: Deadline | None, typed: str | None, as_of: date) -> str:
    """done, overdue, due_soon, on_track or no_deadline, for the day ``as_of``.

    A recurring activity with a period is due at the end of each year of it: by 31 December of
    ``as_of``'s year while the period runs, at the period's end after it.
    """
    if typed == "done":
        return "done"
    if deadline is None or deadline.due_end is None:
        return "no_deadline"
    due = deadline.due_end
    if deadline.recurring and deadline.due_start is not None and as_of <= due:
        due = min(due, date(max(as_of.year, deadline.due_start.year), 12, 31))
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "on_track"


def add_status(frame: pd.DataFrame, as_of: date) -> None:
    """Expand the deadlines into dates and compute each activity's status, in place (the
    frame is still being built: no Table holds it yet)."""
    deadlines = list(frame["deadline"]) if "deadline" in frame else [None] * len(frame)
    typed = list(frame["status"]) if "status" in frame else [None] * len(frame)
    frame["due_start"] = [d.due_start if isinstance(d, Deadline) else None for d in deadlines]
    frame["due_end"] = [d.due_end if isinstance(d, Deadline) else None for d in deadlines]
    frame["recurring"] = [bool(d.recurring) if isinstance(d, Deadline) else False
                          for d in deadlines]
    frame["typed_status"] = typed
    frame["status"] = [
        status_of(d if isinstance(d, Deadline) else None, t if isinstance(t, str) else None, as_of)
        for d, t in zip(deadlines, typed, strict=True)
    ]


def in_year(rec: dict[str, Any], year: int) -> bool:
    """Whether an activity belongs to the report of ``year``: due in it, or recurring."""
    start, end = rec.get("due_start"), rec.get("due_end")
    if rec.get("recurring") and (start is None or end is None):
        return True
    if not isinstance(start, date) or not isinstance(end, date):
        return False
    return start.year <= year <= end.year
