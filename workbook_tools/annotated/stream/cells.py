"""The XML of a cell the copy writes: its value (number, date, text; never a formula) and its
cell format."""

from __future__ import annotations

import math
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ...ooxml import column_letter
from .xmltext import clean, esc

_EPOCH = datetime(1899, 12, 30)
#: a column's letters, worked out once per column
letters = lru_cache(maxsize=1024)(column_letter)


#: what :func:`cell_value` makes of a short text (the same levels and measures come back in
#: every row), bounded
_TEXTS: dict[str, tuple[str, str, int | None] | None] = {}
_MAX_TEXTS = 1024
_MAX_TEXT_LENGTH = 200
_MISSING = object()


def cell_value(value: Any) -> tuple[str, str, int | None] | None:
    """(t attribute, cell content, number format) for a value the tool writes; None: no value.
    Text is always written as text, never as a formula."""
    if type(value) is str:
        found = _TEXTS.get(value, _MISSING)
        if found is _MISSING:
            found = _text(value)
            if len(value) <= _MAX_TEXT_LENGTH:
                if len(_TEXTS) >= _MAX_TEXTS:
                    _TEXTS.clear()
                _TEXTS[value] = found
        return found  # type: ignore[return-value]
    if value is None:
        return None
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # numpy scalars from pandas
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>", None
    if isinstance(value, int | Decimal):
        return "", f"<v>{value}</v>", None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return "", f"<v>{value!r}</v>", None
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return "", f"<v>{serial!r}</v>", 22
    if isinstance(value, date):
        return "", f"<v>{(value - _EPOCH.date()).days}</v>", 14
    if isinstance(value, dtime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return "", f"<v>{seconds / 86400!r}</v>", 21
    return _text(str(value))


def _text(value: str) -> tuple[str, str, int | None] | None:
    text = clean(value)
    if not text:
        return None
    return ' t="inlineStr"', f'<is><t xml:space="preserve">{esc(text)}</t></is>', None


def cell_xml(ref: str, xf: int, value: tuple[str, str, int | None] | None) -> str:
    """The cell at ``ref`` with cell format ``xf`` and ``value`` (from :func:`cell_value`)."""
    s = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    return f'<c r="{ref}"{s}{value[0]}>{value[1]}</c>'
