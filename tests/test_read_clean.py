"""The reader's cleaning of calamine's values, row by row, against the value-by-value rule it
inlines: the same values, of the same types, on every kind of value calamine gives."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from workbook_tools.read.reader import _clean_rows, _clean_value


class _Text(str):
    pass


VALUES = [
    "", None, "текст", " ", _Text("x"), _Text(""), 0.0, -0.0, 1.0, -7.0, 1.5, -2.25, 1e300,
    float(2**53), float(-(2**53)), float(2**53 - 1), float(-(2**53 - 1)), math.nan, math.inf,
    -math.inf, 0, 5, -3, 2**60, True, False, datetime(2026, 11, 30), datetime(2026, 11, 30, 8, 5),
    date(2026, 1, 2), time(0, 0), time(12, 30, 5), timedelta(hours=3), timedelta(0),
]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b and str(a) == str(b)


def test_rows_are_cleaned_as_each_value_is() -> None:
    rows = [list(VALUES), list(reversed(VALUES)), [], ["текст", "текст", 1.0]]
    expected = [[_clean_value(v) for v in row] for row in rows]
    _clean_rows(rows)
    for got, want in zip(rows, expected, strict=True):
        assert len(got) == len(want)
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (got, want)


def test_the_same_text_is_one_object() -> None:
    rows = [["a" + "b" * 3, 1.0], ["".join(["a", "bbb"]), 2.0]]
    assert rows[0][0] is not rows[1][0]
    _clean_rows(rows)
    assert rows[0][0] is rows[1][0]
    assert rows[0][1] == 1 and type(rows[0][1]) is int
