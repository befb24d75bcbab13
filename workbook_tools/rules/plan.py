"""The action plan's rules (иш-чаралар планы): deadlines as periods, the status of an activity
on a day, and which activities the yearly report of a year holds.

The deadline forms themselves are parsed by :mod:`workbook_tools.rules.deadlines`.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from ..model import Cell
from . import textnorm
from .deadlines import Deadline, DeadlineError, parse_deadline
from .normalise import Parsed

#: Days before the end of its period when an activity is "due soon".
DUE_SOON_DAYS = 30

#: Computed status codes, in the order the summary lists them. ``ongoing``: done all the time
#: (постоянно, туруктуу) with no due day of its own.
STATUSES: tuple[str, ...] = ("overdue", "due_soon", "on_track", "ongoing", "done", "no_deadline")


def parse_deadline_cell(v: Cell) -> Parsed:
    """The deadline cell as a :class:`Deadline`, or the problem that keeps its dates null."""
    try:
        return Parsed(parse_deadline(v))
    except DeadlineError as exc:
        params = {k: v for k, v in exc.params.items() if k != "value"}
        return Parsed(Deadline(None, None, False), exc.code, params=params)


def _on(year: int, month: int, day: int) -> date:
    """That day of ``year``; 29 February is the 28th in other years."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _period_end(every: str | None, day: date) -> date:
    """The end of the quarter, month or year ``day`` lies in."""
    if every == "quarter":
        month = 3 * ((day.month - 1) // 3 + 1)
    elif every == "month":
        month = day.month
    else:
        month = 12
    return _on(day.year, month, 31)


def next_due(deadline: Deadline | None, as_of: date) -> date | None:
    """The day an activity is next due by, on ``as_of``.

    Not recurring: the end of its period. Recurring: the next of its ``yearly_day`` (ежегодно до
    1 февраля: 1 February of ``as_of``'s year, or of the next year once it has passed), else the
    end of the year (quarter, month) ``as_of`` lies in; within its period when it has one (from
    its start, and its end once that has passed). None when it has no due day: no dates, or
    continuous (постоянно) without a period.
    """
    if deadline is None:
        return None
    start, end = deadline.due_start, deadline.due_end
    if not deadline.recurring:
        return end
    if end is not None and as_of > end:
        return end
    if deadline.every == "continuous" and end is None:
        return None
    day = start if start is not None and as_of < start else as_of
    if deadline.yearly_day is not None:
        month, dom = deadline.yearly_day
        due = _on(day.year, month, dom)
        if due < day:
            due = _on(day.year + 1, month, dom)
    else:
        due = _period_end(deadline.every, day)
    return min(due, end) if end is not None else due


def status_of(deadline: Deadline | None, typed: str | None, as_of: date) -> str:
    """done, overdue, due_soon, on_track, ongoing or no_deadline, for the day ``as_of``, by the
    day the activity is next due (:func:`next_due`)."""
    if typed == "done":
        return "done"
    due = next_due(deadline, as_of)
    if due is None:
        if deadline is not None and deadline.recurring and deadline.every == "continuous":
            return "ongoing"
        return "no_deadline"
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
    frame["next_due"] = [next_due(d, as_of) if isinstance(d, Deadline) and d.recurring else None
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


def count_names(values: Iterable[Any]) -> list[tuple[str, int]]:
    """Executors (or funding sources) counted once each, most first: spellings that differ
    only in case, spaces, look-alike Latin letters or ң ө ү typed as н о у are one name,
    shown as its most common spelling (the first seen of equally common ones). Empty cells
    count under "—"."""
    spellings: dict[str, Counter[str]] = {}
    for v in values:
        shown = textnorm.clean(v) if isinstance(v, str) else ""
        key = textnorm.loose(shown) if shown else ""
        spellings.setdefault(key, Counter())[shown or "—"] += 1
    named = [(c.most_common(1)[0][0], c.total()) for c in spellings.values()]
    return sorted(named, key=lambda kv: (-kv[1], kv[0]))
