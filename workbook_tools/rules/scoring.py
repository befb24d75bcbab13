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
    probability = df["probability"] if "probability" in df else [None] * len(df)
    harm = df["harm"] if "harm" in df else [None] * len(df)
    control = df["control"] if "control" in df else [None] * len(df)
    totals: list[int | None] = []
    levels: list[str | None] = []
    residuals: list[str | None] = []
    measures: list[str | None] = []
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
