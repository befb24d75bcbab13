"""Scoring a normalised register by the tables of matrix.py: sum, level, residual, measure."""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import matrix


def _int_or_none(v: Any) -> int | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return int(v)


def score_frame(df: pd.DataFrame, rule: matrix.ResidualRule = matrix.DEFAULT_RESIDUAL_RULE) -> None:
    """Add ``score``, ``level``, ``residual_level`` and ``measure`` columns, in place.

    Only scores on the scale (1-3) count: an invalid score leaves the row unscored, nothing is
    invented. A table without score columns gets all four as null.
    """
    n = len(df)
    # the columns' values as lists (Series.tolist gives what iterating the Series gives)
    probability = df["probability"].tolist() if "probability" in df else [None] * n
    harm = df["harm"].tolist() if "harm" in df else [None] * n
    control = df["control"].tolist() if "control" in df else [None] * n
    totals: list[int | None] = []
    levels: list[str | None] = []
    residuals: list[str | None] = []
    measures: list[str | None] = []
    # the same few (probability, harm, control) come back on every row: each scored once
    scored: dict[tuple[int | None, int | None, str | None], _Scored] = {}
    for p, h, c in zip(probability, harm, control, strict=True):
        key = (p if type(p) is int else _int_or_none(p), h if type(h) is int else _int_or_none(h),
               c if isinstance(c, str) else None)
        got = scored.get(key)
        if got is None:
            got = scored[key] = _score(*key, rule)
        totals.append(got[0])
        levels.append(got[1])
        residuals.append(got[2])
        measures.append(got[3])
    df["score"] = pd.array(totals, dtype="Int64")
    df["level"] = pd.Series(levels, index=df.index, dtype=object)
    df["residual_level"] = pd.Series(residuals, index=df.index, dtype=object)
    df["measure"] = pd.Series(measures, index=df.index, dtype=object)


#: A row's sum, level, residual level and measure.
_Scored = tuple[int | None, str | None, str | None, str | None]


def _score(p: int | None, h: int | None, c: str | None, rule: matrix.ResidualRule) -> _Scored:
    total = matrix.score_sum(p, h)
    level = matrix.level_for_sum(total)
    ctrl = matrix.Level(c) if c is not None else None
    residual = matrix.residual_level(level, ctrl, rule)
    return (total, level.value if level else None, residual.value if residual else None,
            matrix.MEASURE_KEY[level] if level else None)
