"""Table.records (the rows the copy and the JSON are made from) gives exactly what pandas'
``to_dict("records")`` gives: the same keys in the same order, the same values of the same
Python types, whatever the columns' dtypes."""

from __future__ import annotations

import math
import warnings
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbook_tools import model
from workbook_tools.kinds import KINDS
from workbook_tools.model import Layout, Table, _column_lists, column_values

INDEX = [5, 6, 8]

#: column name -> its values (as a Series, so that the dtype is pandas' own choice)
COLUMNS: list[tuple[str, Any]] = [
    ("text", pd.Series(["Пара алуу", None, "  ички  "], index=INDEX, dtype=object)),
    ("string dtype", pd.Series(["a", None, "б"], index=INDEX, dtype="string")),
    ("float with NaN", pd.Series([1.0, math.nan, 2.5], index=INDEX)),
    ("int64", pd.Series([1, 2, 3], index=INDEX)),
    ("Int64 with NA", pd.Series([1, None, 3], index=INDEX, dtype="Int64")),
    ("bool", pd.Series([True, False, True], index=INDEX)),
    ("datetime64", pd.Series(pd.to_datetime(["2026-01-31", None, "2026-12-31"]), index=INDEX)),
    ("dates as objects", pd.Series([date(2026, 3, 1), None, datetime(2026, 4, 1, 9)],
                                   index=INDEX, dtype=object)),
    ("numpy scalars as objects", pd.Series([np.int64(2), np.float64(1.5), np.bool_(True)],
                                           index=INDEX, dtype=object)),
    ("mixed objects", pd.Series([3, "Орточо", math.nan], index=INDEX, dtype=object)),
    ("all missing", pd.Series([None, None, None], index=INDEX, dtype=object)),
    # the columns whose values are taken whole (Table.iter_records' fast paths) and those
    # that must still go through pandas' conversion
    ("Int64 without NA", pd.Series([1, 2, 3], index=INDEX, dtype="Int64")),
    ("Float64 with NA", pd.Series([1.5, None, 2.0], index=INDEX, dtype="Float64")),
    ("boolean with NA", pd.Series([True, None, False], index=INDEX, dtype="boolean")),
    ("str dtype with NaN", pd.Series(["a", math.nan, "в"], index=INDEX, dtype="str")),
    ("float32", pd.Series([1.1, math.nan, -2.5], index=INDEX, dtype="float32")),
    ("uint8", pd.Series([0, 7, 255], index=INDEX, dtype="uint8")),
    ("category", pd.Series(["high", None, "low"], index=INDEX, dtype="category")),
    ("pd.NA as an object", pd.Series(["x", pd.NA, 2], index=INDEX, dtype=object)),
    ("Timestamps as objects", pd.Series([pd.Timestamp("2026-01-31"), None, "x"],
                                        index=INDEX, dtype=object)),
    ("numpy datetimes as objects", pd.Series([np.datetime64("2026-01-31"), None, 1.5],
                                             index=INDEX, dtype=object)),
    ("bools and ints as objects", pd.Series([True, 0, 1.0], index=INDEX, dtype=object)),
    ("a str subclass", pd.Series([np.str_("a"), "b", None], index=INDEX, dtype=object)),
    ("timedelta64", pd.Series(pd.to_timedelta(["1 day", None, "2 days"]), index=INDEX)),
]


def _table(frame: pd.DataFrame) -> Table:
    layout = Layout(kind="register", header_row=2, header_rows=1, columns={}, first_column=0,
                    last_column=0)
    return Table("Тизмек", KINDS[0], layout, frame)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if a is pd.NA or a is pd.NaT:
        return a is b
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


@pytest.mark.parametrize(("name", "series"), COLUMNS, ids=[c[0] for c in COLUMNS])
def test_records_give_what_to_dict_gives(name: str, series: pd.Series) -> None:
    frame = pd.DataFrame({"section": ["1", "1", "2"], name: series, "level": ["high", None, "low"]},
                         index=pd.Index(INDEX, name="row"))
    expected = frame.to_dict("records")
    got = _table(frame).records()
    assert [row for row, _ in got] == INDEX
    assert all(isinstance(row, int) for row, _ in got)
    for (_, rec), want in zip(got, expected, strict=True):
        assert list(rec) == list(want)
        for key in want:
            assert _same(rec[key], want[key]), (key, rec[key], want[key])


def test_every_column_together_and_no_rows() -> None:
    frame = pd.DataFrame(dict(COLUMNS), index=pd.Index(INDEX, name="row"))
    got = [rec for _, rec in _table(frame).records()]
    for rec, want in zip(got, frame.to_dict("records"), strict=True):
        assert list(rec) == list(want)
        assert all(_same(rec[k], want[k]) for k in want)
    assert _table(frame.iloc[0:0]).records() == []
    assert _table(pd.DataFrame(index=pd.Index(INDEX, name="row"))).records() == [
        (5, {}), (6, {}), (8, {})]


def _cols_and_frames() -> list[tuple[str, pd.DataFrame]]:
    """Each column alone and among others (the frame's blocks converted together), every
    column at once, duplicate names, no rows."""
    rows = pd.Index([5, 6, 8, 9], name="row")
    columns = {
        "int64": pd.Series([1, 2, 3, -4], index=rows),
        "float64 with NaN": pd.Series([1.5, math.nan, 0.0, -2.0], index=rows),
        "bool": pd.Series([True, False, True, True], index=rows),
        "object mixed": pd.Series(["Орточо", 3, None, date(2026, 3, 1)], index=rows,
                                  dtype=object),
        "numpy ints as objects": pd.Series([np.int64(2), np.uint8(1), None, 1], index=rows,
                                           dtype=object),
        # subclasses of float and str: not the types themselves
        "numpy float and str as objects": pd.Series([np.float64(1.5), np.str_("a"), None, "b"],
                                                    index=rows, dtype=object),
        "str with missing": pd.Series(["a", None, "б", math.nan], index=rows, dtype="str"),
        "Int64 with NA": pd.Series([1, pd.NA, 3, None], index=rows, dtype="Int64"),
        "datetime64": pd.Series([pd.Timestamp("2026-01-31"), pd.NaT, pd.Timestamp("2026-12-31"),
                                 pd.Timestamp("2027-01-01 09:30")], index=rows),
        "boolean with NA": pd.Series([True, pd.NA, False, None], index=rows, dtype="boolean"),
        "category": pd.Series(["high", None, "low", "high"], index=rows, dtype="category"),
    }
    text = pd.Series(["1", "1.2", None, "2"], index=rows, dtype=object)
    out: list[tuple[str, pd.DataFrame]] = []
    for name, series in columns.items():
        out.append((f"{name}, alone", pd.DataFrame({name: series})))
        out.append((f"{name}, among others", pd.DataFrame({"section": text, name: series,
                                                           "n": range(4)})))
    every = pd.DataFrame(columns)
    dup = pd.DataFrame({"a": columns["int64"], "text": text, "b": columns["Int64 with NA"]})
    dup.columns = pd.Index(["a", "text", "a"])
    out += [("every column", every), ("every column, no rows", every.iloc[0:0]),
            ("duplicate column names", dup), ("duplicate column names, no rows", dup.iloc[0:0]),
            ("one column, no rows", pd.DataFrame({"a": columns["int64"]}).iloc[0:0])]
    return out


FRAMES = _cols_and_frames()
#: categories of numbers with a value missing: pandas converts them to floats when the column
#: is alone and to ints among other columns; column_values' floats are kept either way
_INT_CATEGORY = pd.Series([1, None, 2], dtype="category")
INT_CATEGORIES = [("int category, alone", pd.DataFrame({"a": _INT_CATEGORY})),
                  ("int category, among others", pd.DataFrame({"a": _INT_CATEGORY,
                                                               "b": ["x", "y", "z"]}))]


@pytest.mark.parametrize(("name", "frame"), FRAMES + INT_CATEGORIES,
                         ids=[f[0] for f in FRAMES + INT_CATEGORIES])
def test_column_lists_are_column_values(name: str, frame: pd.DataFrame) -> None:
    """The frame converted at once gives every column's column_values: values and types."""
    got = _column_lists(frame)
    want = [column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    assert len(got) == len(want) == frame.shape[1]
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert len(g) == len(w) == len(frame)
        assert all(_same(a, b) for a, b in zip(g, w, strict=True)), (i, g, w)


def _boxed(value: Any) -> Any:
    """A value as column_values says it gives it: Python scalars for numpy numbers, None for
    pd.NA, any other object as it is (a numpy str too)."""
    if value is pd.NA:
        return None
    if isinstance(value, np.number | np.bool_):
        return value.item()
    return value


@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[f[0] for f in FRAMES])
def test_iter_records_are_to_dict_records(name: str, frame: pd.DataFrame) -> None:
    """iter_records: the rows of ``to_dict("records")``, boxed as column_values documents
    (duplicate names: the last column's value, as to_dict keeps it)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "DataFrame columns are not unique", UserWarning)
        expected = [{k: _boxed(v) for k, v in rec.items()} for rec in frame.to_dict("records")]
    got = list(_table(frame).iter_records())
    assert [r for r, _ in got] == frame.index.tolist()
    for (_, rec), want in zip(got, expected, strict=True):
        assert list(rec) == list(want)
        assert all(_same(a, b) for a, b in zip(rec.values(), want.values(), strict=True)), (
            rec, want)


@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[f[0] for f in FRAMES])
def test_iter_rows_are_iter_records(name: str, frame: pd.DataFrame) -> None:
    """iter_rows: the rows of iter_records, each column converted when first asked for."""
    table = _table(frame)
    records = list(table.iter_records())
    rows = list(table.iter_rows())
    assert [r for r, _ in rows] == [r for r, _ in records]
    for (_, row), (_, rec) in zip(rows, records, strict=True):
        assert list(row) == list(rec) and len(row) == len(rec)
        assert all(_same(row[k], v) and _same(row.get(k), v) for k, v in rec.items()), (row, rec)
        assert row.get("no such column", "-") == "-" and "no such column" not in row
        with pytest.raises(KeyError):
            row["no such column"]


def test_iter_rows_convert_only_what_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column nobody reads is never converted; one read in every row, once."""
    frame = dict(FRAMES)["every column"]
    converted: list[str] = []
    real = model.column_values

    def spy(series: pd.Series) -> list[Any]:
        converted.append(str(series.name))
        return real(series)

    monkeypatch.setattr(model, "column_values", spy)
    levels = [row.get("category") for _, row in _table(frame).iter_rows()]
    assert converted == ["category"]
    assert levels == real(frame["category"])
