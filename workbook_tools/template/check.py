"""Reading a filled template back: where a computed column shows something its formula could not
have given (a value typed over the formula), the tool's own result stands and a warning says so
(``template.formula_overwritten``).

A sheet is taken for a template when its header row holds a column only templates have (the
sum of points, the computed state...). Values that depend on the day the file was last
calculated (a plan's last day and state for recurring or pending activities) are not compared
with the tool's day: only what no day could have given is reported.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from .. import messages
from ..model import Finding, Grid, Layout, warning
from ..rules import plan
from ..rules.normalise import column_letter
from . import formulas as fx
from .columns import COLUMNS, COMPUTED, Col

CODE = "template.formula_overwritten"
_MARKS = (fx.INVALID, fx.INCOMPLETE, fx.UNREAD, fx.NO_DAY)


def _titles(kind: str, col: Col) -> set[str]:
    return {col.title(kind, lang).strip().casefold() for lang in messages.LANGS}


def template_columns(grid: Grid, layout: Layout) -> dict[str, int]:
    """The computed columns of a template (key -> column index) found in the header row;
    empty when the sheet is no template."""
    kind = layout.kind
    header = {c: str(v).strip().casefold() for c in range(grid.width)
              if isinstance(v := grid.value(layout.header_row, c), str)}
    found: dict[str, int] = {}
    for col in COLUMNS.get(kind, ()):
        if not col.formula:
            continue
        if col.header is None:  # a column of the table format: its own place
            if col.key in layout.columns:
                found[col.key] = layout.columns[col.key]
            continue
        titles = _titles(kind, col)
        for c, text in header.items():
            if text in titles:
                found[col.key] = c
    own = [k for k in found if next(c for c in COLUMNS[kind] if c.key == k).header is not None]
    return found if own else {}


def _words(v: Any) -> set[str]:
    """What a formula shows for a level code, a measure key or a status code (any language)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return set()
    if isinstance(v, str) and v.startswith("measure."):
        code = v.replace("measure.", "measure_short.")
        return {messages.text(code, lang).casefold() for lang in messages.LANGS}
    if isinstance(v, str) and v in plan.STATUSES:
        return {messages.text(f"status.{v}", lang).casefold() for lang in messages.LANGS}
    if isinstance(v, str):
        return {messages.level_name(v, lang).casefold() for lang in messages.LANGS}
    return {str(int(v))}


def _shown(v: Any) -> str:
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return messages.day_text(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _computed_text(key: str, v: Any) -> dict[str, str] | str:
    """The tool's result, as the warning shows it (in each language)."""
    if isinstance(v, date):
        return messages.day_text(v)
    words = {}
    for lang in messages.LANGS:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            words[lang] = "—"
        elif isinstance(v, str) and v.startswith("measure."):
            words[lang] = messages.text(v.replace("measure.", "measure_short."), lang)
        elif isinstance(v, str) and v in plan.STATUSES:
            words[lang] = messages.text(f"status.{v}", lang)
        elif isinstance(v, str):
            words[lang] = messages.level_name(v, lang)
        else:
            words[lang] = str(int(v))
    return words


def _agrees(key: str, value: Any, rec: dict[str, Any]) -> bool:
    """Whether ``value`` (what the cell holds) is something its formula could give."""
    if isinstance(value, str) and value.strip() in _MARKS:
        if key in ("due", "state"):
            return True  # the formula reads fewer deadline forms than the tool
        expected = rec.get(COMPUTED_FIELD.get(key, ""))
        return expected is None or (not isinstance(expected, str) and pd.isna(expected))
    if key == "due":
        if rec.get("recurring") or rec.get("typed_status") == "done":
            return True  # due on a day that moves with the day of calculation
        end = rec.get("due_end")
        day = value.date() if isinstance(value, datetime) else value
        return end is None or day == end
    if key == "state":
        text = str(value).strip().casefold()
        every = {messages.text(f"status.{s}", lang).casefold()
                 for s in plan.STATUSES for lang in messages.LANGS}
        done = _words("done")
        if text not in every:
            return False
        return (text in done) == (rec.get("status") == "done")
    expected = rec.get(COMPUTED_FIELD[key])
    shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return shown.strip().casefold() in _words(expected)


COMPUTED_FIELD: dict[str, str] = {k: v for kind in COMPUTED.values() for k, v in kind.items()}


def template_findings(grid: Grid, layout: Layout, frame: pd.DataFrame) -> list[Finding]:
    """A warning for each computed cell of a template that holds what its formula could not
    have given; the tool's result stands."""
    cols = template_columns(grid, layout)
    if not cols or frame.empty:
        return []
    titles = {c.key: c for c in COLUMNS[layout.kind]}
    out: list[Finding] = []
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    for row, rec in zip(frame.index, records, strict=True):
        for key, c in cols.items():
            value = grid.value(int(row) - 1, c)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if _agrees(key, value, rec):
                continue
            col = titles[key]
            out.append(warning(
                CODE, sheet=grid.name, row=int(row), column=column_letter(c),
                value=_shown(value), field=None,
                params={"column": {lang: col.title(layout.kind, lang)
                                   for lang in messages.LANGS},
                        "computed": _computed_text(key, rec.get(COMPUTED_FIELD[key]))}))
    return out
