"""What changed since an earlier round (``--previous``, a consolidated workbook): risks added
and removed per unit, levels raised or lowered, activities newly overdue or newly done, units
that submitted then and not now.

Risks are matched by administration, unit and text (the cases and situations, else the
function), all folded; activities by administration, unit and activity text (else the task);
never by row number. The same text twice in a unit is matched as many times as it appears.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from ..errors import RejectedFile
from ..model import Options
from ..read.reader import read_book
from .model import ACTIVITY_INDEX, RISK_INDEX, Changes, Loaded, UnitSummary
from .names import unit_key
from .stored import read_consolidated

_RANK = {"low": 1, "medium": 2, "high": 3}

Key = tuple[str, str, str]


def read_previous(path: Path, options: Options) -> Loaded:
    """The units of an earlier consolidated workbook, or why it cannot serve
    (``previous.not_consolidated`` when it is a workbook but not one the tool consolidated)."""
    try:
        book = read_book(path, options.limits)
    except RejectedFile as exc:
        return Loaded(str(path), reason=exc.reason, reason_params=dict(exc.params))
    loaded = read_consolidated(book, path, fill=False)
    if loaded is None:
        return Loaded(str(path), reason="previous.not_consolidated")
    return loaded


def _text(row: tuple[Any, ...], index: dict[str, int], first: str, second: str) -> str:
    v = row[index[first]] or row[index[second]]
    return str(v) if v is not None else ""


def _keyed(units: list[Any], rows: str, index: dict[str, int], first: str, second: str,
           value: str) -> dict[Key, list[tuple[str, str, str, Any]]]:
    """Each unit's rows (``rows``: "risks" or "activities") by unit and folded text (its
    ``first`` column, else ``second``), with the ``value`` compared between two rounds."""
    out: dict[Key, list[tuple[str, str, str, Any]]] = defaultdict(list)
    for u in units:
        for r in getattr(u, rows):
            text = _text(r, index, first, second)
            key = (unit_key(u.administration), unit_key(u.unit), unit_key(text))
            out[key].append((u.administration, u.unit, text, r[index[value]]))
    return out


def _risks(units: list[Any]) -> dict[Key, list[tuple[str, str, str, Any]]]:
    return _keyed(units, "risks", RISK_INDEX, "cases", "function", "level")


def _activities(units: list[Any]) -> dict[Key, list[tuple[str, str, str, Any]]]:
    return _keyed(units, "activities", ACTIVITY_INDEX, "activity", "task", "status")


def compare(before: Loaded, units: list[UnitSummary]) -> Changes:
    """The changes from ``before`` (an earlier consolidated workbook, read) to ``units``."""
    changes = Changes(Path(before.file).name, before.stored_as_of)
    old, new = _risks(before.units), _risks(units)
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key, []), new.get(key, [])
        for a, u, text, level in now[len(was):]:
            changes.added.append((a, u, text, level))
        for a, u, text, level in was[len(now):]:
            changes.removed.append((a, u, text, level))
        for (_, _, _, before_level), (a, u, text, level) in zip(was, now, strict=False):
            b, n = _RANK.get(str(before_level)), _RANK.get(str(level))
            if b and n and n > b:
                changes.raised.append((a, u, text, before_level, level))
            elif b and n and n < b:
                changes.lowered.append((a, u, text, before_level, level))
    old_a, new_a = _activities(before.units), _activities(units)
    for key, now in new_a.items():
        was = old_a.get(key, [])
        for i, (a, u, text, status) in enumerate(now):
            before_status = was[i][3] if i < len(was) else None
            if status == "overdue" and before_status != "overdue":
                changes.newly_overdue.append((a, u, text))
            if status == "done" and before_status != "done":
                changes.newly_done.append((a, u, text))
    present = {(unit_key(u.administration), unit_key(u.unit)) for u in units}
    changes.not_resubmitted = [
        (u.administration, u.unit) for u in before.units
        if (unit_key(u.administration), unit_key(u.unit)) not in present]
    return changes
