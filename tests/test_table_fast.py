"""The table stage's fast paths give what the plain code gave, on tricky inputs (issue 14).

Each reference below is the code as it was before the speed work, kept here: normalise
parsing every cell through one memo, score_frame scoring every row, Sheet.free_columns asking
every cell. The new code must give the same frame (dtypes and Python types included), the same
findings in the same order, the same columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbook_tools.annotated.writer import Sheet
from workbook_tools.copyplan import SheetEdits
from workbook_tools.kinds import KINDS
from workbook_tools.model import Cell, Finding, Grid, Layout, Record, Severity, warning
from workbook_tools.rules import matrix
from workbook_tools.rules.formats import TableFormat, table_format
from workbook_tools.rules.normalise import (
    NORMALISERS,
    PROBLEM_SEVERITY,
    Parsed,
    _canonical,
    as_typed,
    column_letter,
    normalise,
)
from workbook_tools.rules.scoring import _int_or_none, score_frame

# --- the references ------------------------------------------------------------------------------


def normalise_before(records: list[Record], layout: Layout, fmt: TableFormat, sheet: str,
                     extra: Mapping[str, Callable[[Cell], Any]] | None = None,
                     ) -> tuple[pd.DataFrame, list[Finding]]:
    found: list[Finding] = []
    parsers = {**NORMALISERS, **(extra or {})}
    data: dict[str, list[Any]] = {"section": [r.section for r in records]}
    for key, col in layout.columns.items():
        parse = parsers[fmt.column(key).type]
        values: list[Any] = []
        raws: list[Any] = []
        letter = column_letter(col)
        seen: dict[tuple[type, Any], tuple[Parsed, Any]] = {}
        for rec in records:
            raw = rec.values.get(key)
            if isinstance(raw, str) and not raw.strip():
                raw = None
            memo = (type(raw), raw)
            done = seen.get(memo)
            if done is None:
                done = seen[memo] = (parse(raw), as_typed(raw))
            parsed, typed = done
            values.append(parsed.value)
            raws.append(typed)
            if key in rec.merged_from_above:
                continue
            if parsed.problem:
                severity = PROBLEM_SEVERITY.get(parsed.problem, Severity.WARNING)
                found.append(Finding(severity, parsed.problem, sheet, rec.row, letter, typed,
                                     params=dict(parsed.params or {}), field=key))
            elif parsed.typo is not None:
                found.append(Finding(Severity.WARNING, "word.typo", sheet, rec.row, letter,
                                     typed, params={"meant": _canonical(parsed.typo)},
                                     field=key))
        data[key] = values
        data[f"{key}_raw"] = raws
    for rec in records:
        for extra_row in rec.continued_rows:
            found.append(warning("row.continuation", sheet=sheet, row=extra_row,
                                 params={"number": rec.row}))
    frame = pd.DataFrame(data, index=pd.Index([r.row for r in records], name="row"))
    return frame, found


def score_frame_before(df: pd.DataFrame,
                       rule: matrix.ResidualRule = matrix.DEFAULT_RESIDUAL_RULE) -> None:
    probability = df["probability"] if "probability" in df else [None] * len(df)
    harm = df["harm"] if "harm" in df else [None] * len(df)
    control = df["control"] if "control" in df else [None] * len(df)
    totals, levels, residuals, measures = [], [], [], []
    for p, h, c in zip(probability, harm, control, strict=True):
        total = matrix.score_sum(_int_or_none(p), _int_or_none(h))
        level = matrix.level_for_sum(total)
        ctrl = matrix.Level(c) if isinstance(c, str) else None
        residual = matrix.residual_level(level, ctrl, rule)
        totals.append(total)
        levels.append(level.value if level else None)
        residuals.append(residual.value if residual else None)
        measures.append(matrix.MEASURE_KEY[level] if level else None)
    df["score"] = pd.array(totals, dtype="Int64")
    df["level"] = pd.Series(levels, index=df.index, dtype=object)
    df["residual_level"] = pd.Series(residuals, index=df.index, dtype=object)
    df["measure"] = pd.Series(measures, index=df.index, dtype=object)


def free_columns_before(sheet: Sheet, first: int, rows: range, count: int) -> int:
    col = first
    while any(sheet.occupied(r, c) for c in range(col, col + count) for r in rows):
        col += 1
    return col


# --- comparing ------------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if a is pd.NA or b is pd.NA:
        return a is b
    return bool(a == b)


def assert_same_frame(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    assert got.index.equals(want.index) and got.index.name == want.index.name
    for name in want.columns:
        for a, b in zip(got[name].tolist(), want[name].tolist(), strict=True):
            assert _same(a, b), (name, a, b)


def assert_same_findings(got: list[Finding], want: list[Finding]) -> None:
    assert got == want
    assert [dict(f.params) for f in got] == [dict(f.params) for f in want]
    assert [type(f.value) for f in got] == [type(f.value) for f in want]


# --- normalise ------------------------------------------------------------------------------------

#: Values of every kind staff type (and the reader gives), the same ones repeated so that the
#: memo is hit: blank and invisible texts, 1 / 1.0 / True / "1", dates, typos, bad scores.
TRICKY: list[Cell] = [
    None, "", "   ", "\u00a0", "\u200b", "Пара\u00a0алуу ", "  ички  ", "Жогорку", "жогорку",
    "Жогорку ", "Жогорк", "орточо", "Орто", "ТӨМӨНКҮ", "нөлдүк", "эффективный", "натыйжалуу",
    "высокая", "x", "2", "2 балл", "2 (Орго)", "2 (жогорку)", 1, 1.0, True, False, 2, 2.5, 3,
    0, -1, 1e19, math.nan, date(2026, 3, 1), datetime(2026, 4, 1, 9), "1.", "2)", "0.5",
    "Е\u0301", "Cafe\u0301", "A\u00adB", "a  b\tc", "ички", "тышкы", "ichki",
]


def _records(keys: list[str], rows: int, seed: int) -> list[Record]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(rows):
        values = {k: TRICKY[int(rng.integers(len(TRICKY)))] for k in keys}
        merged = {k for k in keys if rng.random() < 0.1}
        cont = [100 + i] if rng.random() < 0.05 else []
        if i % 7 == 3:
            del values[keys[i % len(keys)]]  # a record without one of its keys
        out.append(Record(i + 5, "1. Бөлүм" if i < rows // 2 else None, values, merged, cont))
    return out


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
@pytest.mark.parametrize(("rows", "seed"), [(0, 0), (1, 1), (7, 2), (60, 3), (400, 4)])
def test_normalise_gives_what_it_gave(kind: Any, rows: int, seed: int) -> None:
    fmt = table_format(kind.name)
    keys = [c.key for c in fmt.columns]
    layout = Layout(kind=kind.name, header_row=2, header_rows=1,
                    columns={k: i for i, k in enumerate(keys)}, first_column=0,
                    last_column=len(keys) - 1)
    recs = _records(keys, rows, seed)
    got, got_found = normalise(recs, layout, fmt, "Тизмек", extra=kind.parsers)
    want, want_found = normalise_before(recs, layout, fmt, "Тизмек", extra=kind.parsers)
    assert_same_frame(got, want)
    assert_same_findings(got_found, want_found)


@pytest.mark.parametrize("column", [[" a", "a", "a ", "\u00a0a", "b", None, ""],
                                    [1, 1.0, True, "1", np.int64(1), np.float64(1.0)],
                                    ["Жогорку", "жогорку", "Жогорк", "  ", "\u200b"]])
def test_normalise_tells_values_apart_as_before(column: list[Cell]) -> None:
    fmt = table_format("register")
    layout = Layout(kind="register", header_row=2, header_rows=1,
                    columns={"cases": 0, "stated_level": 1, "probability": 2}, first_column=0,
                    last_column=2)
    recs = [Record(i + 3, None, {"cases": v, "stated_level": v, "probability": v})
            for i, v in enumerate(column * 3)]
    got, got_found = normalise(recs, layout, fmt, "S")
    want, want_found = normalise_before(recs, layout, fmt, "S")
    assert_same_frame(got, want)
    assert_same_findings(got_found, want_found)


# --- score_frame ----------------------------------------------------------------------------------

SCORE_COLUMNS: list[tuple[str, dict[str, Any]]] = [
    ("int64", {"probability": [1, 2, 3, 3], "harm": [3, 2, 1, 3],
               "control": ["high", "low", None, "high"]}),
    ("floats with NaN", {"probability": [1.0, math.nan, 3.0, 2.0],
                         "harm": [3.0, 2.0, math.nan, 2.0],
                         "control": ["high", "high", "medium", math.nan]}),
    ("Int64 with NA", {"probability": pd.array([1, None, 3, 2], dtype="Int64"),
                       "harm": pd.array([3, 2, None, 3], dtype="Int64"),
                       "control": pd.array(["high", None, "low", "high"], dtype="string")}),
    ("objects", {"probability": pd.Series([np.int64(2), None, 5, True], dtype=object),
                 "harm": pd.Series([2, np.float64(3.0), 1, 3], dtype=object),
                 "control": pd.Series([np.str_("high"), None, 1, "medium"], dtype=object)}),
    ("out of the scale", {"probability": [0, 4, -1, 2], "harm": [3, 3, 3, 9],
                          "control": ["high"] * 4}),
    ("no score columns", {}),
    ("no control", {"probability": [1, 3, 3, 2], "harm": [3, 3, 2, 1]}),
]


@pytest.mark.parametrize(("name", "columns"), SCORE_COLUMNS, ids=[c[0] for c in SCORE_COLUMNS])
@pytest.mark.parametrize("low", [matrix.Level.LOW, matrix.Level.ZERO])
def test_score_frame_gives_what_it_gave(name: str, columns: dict[str, Any],
                                        low: matrix.Level) -> None:
    rule = matrix.ResidualRule(low_becomes=low)
    index = pd.Index([4, 5, 7, 9], name="row")
    got = pd.DataFrame(columns, index=index) if columns else pd.DataFrame(index=index)
    want = got.copy()
    score_frame(got, rule)
    score_frame_before(want, rule)
    assert_same_frame(got, want)


def test_score_frame_refuses_a_control_word_as_before() -> None:
    for fn in (score_frame, score_frame_before):
        frame = pd.DataFrame({"probability": [1, 2], "harm": [1, 2], "control": ["high", "xx"]})
        with pytest.raises(ValueError):
            fn(frame)


# --- the copy's free columns ----------------------------------------------------------------------


def _sheet(seed: int) -> Sheet:
    rng = np.random.default_rng(seed)
    rows = [[(["x", "", None, 0, " "][int(rng.integers(5))] if rng.random() < 0.3 else None)
             for _ in range(int(rng.integers(0, 14)))] for _ in range(30)]
    merged = [(3, 9, 5, 11), (10, 12, 10, 15), (20, 2, 25, 2)]
    edits = SheetEdits("S")
    for _ in range(5):
        edits.cells[(int(rng.integers(1, 32)), int(rng.integers(1, 18)))] = ("v", None)
    return Sheet(Grid("S", rows, merged), edits)


@pytest.mark.parametrize("seed", range(8))
def test_free_columns_as_before(seed: int) -> None:
    sheet = _sheet(seed)
    for first in (1, 3, 8, 12, 20):
        for rows in (range(1, 31), range(4, 12), range(25, 40), range(0, 3), range(5, 5)):
            for count in (1, 3, 5):
                assert sheet.free_columns(first, rows, count) == free_columns_before(
                    sheet, first, rows, count), (first, rows, count)


# --- the records' check for a repeated header -----------------------------------------------------

REPEAT_VALUES: list[Cell] = ["№", "Тобокелдик", "1", 1, 1.0, True, 2, math.nan, float("nan"),
                             date(2026, 1, 1), datetime(2026, 1, 1), "  Тобокелдик", 0, False]


@pytest.mark.parametrize("seed", range(6))
def test_may_repeat_never_refuses_a_repeat(seed: int) -> None:
    """The cheap first look of ``records`` says no only where the cell-by-cell check does."""
    from workbook_tools.read.locate import _may_repeat

    rng = np.random.default_rng(seed)

    def row() -> dict[int, Cell]:
        return {c: REPEAT_VALUES[int(rng.integers(len(REPEAT_VALUES)))]
                for c in range(6) if rng.random() < 0.8}

    for _ in range(400):
        heading = [row() for _ in range(int(rng.integers(1, 3)))]
        own = {c: v for c, v in row().items() if v is not None}
        items = set().union(*(h.items() for h in heading))
        for need in (1, 2, 3):
            exact = any(sum(1 for c, v in own.items() if h.get(c) == v) >= need for h in heading)
            if exact:
                assert _may_repeat(own, items, need), (own, heading, need)
    # a value that cannot be hashed: no error, and never a no where a heading cell matches
    assert _may_repeat({0: ["x"], 1: "b"}, {(1, "b")}, 1)
    assert _may_repeat({0: ["x"]}, {(1, "b"), (0, "y"), (2, "z")}, 1)
    assert _may_repeat({0: ["x"], 1: "b", 2: "z"}, {(1, "b"), (2, "z")}, 2)
    assert _may_repeat({0: "a"}, None, 3)
