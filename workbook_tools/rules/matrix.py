"""The rules of Annex I (Коррупциялык тобокелдиктерди баалоо матрицасы), as tables.

This module is the only place the scoring rules live. The pipeline, the annotated copy, the
summary's heat map and (later) the formulas of self-scoring templates all read these tables;
nothing else may restate them.
"""

from __future__ import annotations

from ..model import DEFAULT_RESIDUAL_RULE, Level, ResidualRule

#: Points of the probability scale and of the harm scale (Annex I, tables 1 and 2).
SCALE_POINTS: dict[Level, int] = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
POINTS_SCALE: dict[int, Level] = {v: k for k, v in SCALE_POINTS.items()}
VALID_POINTS: tuple[int, ...] = tuple(sorted(POINTS_SCALE))

#: Annex I, table 3: the level matrix, probability rows x harm columns -> sum of points.
MATRIX: dict[tuple[int, int], int] = {(p, h): p + h for p in VALID_POINTS for h in VALID_POINTS}

#: Annex I, table 4: category by the sum of points.
CATEGORY_BY_SUM: dict[int, Level] = {
    2: Level.LOW,
    3: Level.LOW,
    4: Level.MEDIUM,
    5: Level.HIGH,
    6: Level.HIGH,
}

#: Ordering used for "one category lower" (point 5) and for sorting.
LEVEL_ORDER: tuple[Level, ...] = (Level.ZERO, Level.LOW, Level.MEDIUM, Level.HIGH)

#: Point 6: the management measure required for each level (message keys, see messages.py).
#: The levels the matrix gives (table 4), highest first: how summaries, legends and pages list
#: them.
MATRIX_LEVELS: tuple[Level, ...] = tuple(sorted(set(CATEGORY_BY_SUM.values()),
                                              key=LEVEL_ORDER.index, reverse=True))

MEASURE_KEY: dict[Level, str] = {
    Level.ZERO: "measure.zero",
    Level.LOW: "measure.low",
    Level.MEDIUM: "measure.medium",
    Level.HIGH: "measure.high",
}

#: Colours of the matrix, used for row fills, the legend and the heat map (ARGB hex, no '#').
LEVEL_FILL: dict[Level, str] = {
    Level.ZERO: "FFE7E6E6",
    Level.LOW: "FFC6EFCE",
    Level.MEDIUM: "FFFFEB9C",
    Level.HIGH: "FFFFC7CE",
}


def score_sum(probability: int | None, harm: int | None) -> int | None:
    """The matrix cell for a probability and a harm score, or None when either is unknown."""
    if probability is None or harm is None:
        return None
    return MATRIX.get((probability, harm))


def level_for_sum(total: int | None) -> Level | None:
    """Category by the sum of points (table 4); None for an unknown or impossible sum."""
    if total is None:
        return None
    return CATEGORY_BY_SUM.get(total)


def residual_level(
    level: Level | None, control: Level | None, rule: ResidualRule = DEFAULT_RESIDUAL_RULE
) -> Level | None:
    """Residual risk: one category lower (:data:`LEVEL_ORDER`) when controls are marked highly
    effective; what *low* lowers to is the rule's setting; нөлдүк cannot go lower."""
    if level is None:
        return None
    if control is not Level.HIGH or level is Level.ZERO:
        return level
    if level is Level.LOW:
        return rule.low_becomes
    return LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]
