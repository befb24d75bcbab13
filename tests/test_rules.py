"""The matrix of Annex I (rules/matrix.py), case by case."""

from __future__ import annotations

import pytest

from workbook_tools import Level, ResidualRule
from workbook_tools.rules import matrix as rules

L, M, H, Z = Level.LOW, Level.MEDIUM, Level.HIGH, Level.ZERO

# (probability, harm) -> (sum, level): Annex I tables 3 and 4.
MATRIX_CASES = [
    (1, 1, 2, L), (1, 2, 3, L), (1, 3, 4, M),
    (2, 1, 3, L), (2, 2, 4, M), (2, 3, 5, H),
    (3, 1, 4, M), (3, 2, 5, H), (3, 3, 6, H),
]


@pytest.mark.parametrize(("p", "h", "total", "level"), MATRIX_CASES,
                         ids=[f"p{p}-h{h}" for p, h, _, _ in MATRIX_CASES])
def test_matrix_cell_and_level(p: int, h: int, total: int, level: Level) -> None:
    assert rules.score_sum(p, h) == total
    assert rules.level_for_sum(total) is level


def test_the_matrix_has_exactly_nine_cells() -> None:
    assert set(rules.MATRIX) == {(p, h) for p, h, _, _ in MATRIX_CASES}


@pytest.mark.parametrize(("total", "level"), [
    (2, L), (3, L), (4, M), (5, H), (6, H), (1, None), (7, None), (0, None), (None, None),
], ids=lambda v: repr(v))
def test_level_for_sum(total: int | None, level: Level | None) -> None:
    assert rules.level_for_sum(total) is level


INVALID_PAIRS = [(0, 2), (2, 0), (4, 1), (1, 4), (None, 2), (2, None), (None, None), (0, 4)]


@pytest.mark.parametrize(("p", "h"), INVALID_PAIRS, ids=[f"p{p}-h{h}" for p, h in INVALID_PAIRS])
def test_invalid_pairs_have_no_sum_and_no_level(p: int | None, h: int | None) -> None:
    assert rules.score_sum(p, h) is None
    assert rules.level_for_sum(rules.score_sum(p, h)) is None


# (level, control, residual with low->low, residual with low->zero)
RESIDUAL_CASES = [
    (H, None, H, H), (H, L, H, H), (H, M, H, H), (H, H, M, M),
    (M, None, M, M), (M, L, M, M), (M, M, M, M), (M, H, L, L),
    (L, None, L, L), (L, L, L, L), (L, M, L, L), (L, H, L, Z),
    (Z, None, Z, Z), (Z, H, Z, Z),
    (None, None, None, None), (None, H, None, None),
]


def _id(case: tuple) -> str:
    level, control = case[0], case[1]
    return f"{level.value if level else 'none'}-control-{control.value if control else 'none'}"


@pytest.mark.parametrize(("level", "control", "as_low", "as_zero"), RESIDUAL_CASES,
                         ids=[_id(c) for c in RESIDUAL_CASES])
def test_residual_rule(level, control, as_low, as_zero) -> None:
    assert rules.residual_level(level, control, ResidualRule(Level.LOW)) is as_low
    assert rules.residual_level(level, control, ResidualRule(Level.ZERO)) is as_zero


def test_residual_default_keeps_low_low() -> None:
    assert rules.DEFAULT_RESIDUAL_RULE == ResidualRule(Level.LOW)
    assert rules.residual_level(L, H) is L


@pytest.mark.parametrize("rule", [ResidualRule(Level.LOW), ResidualRule(Level.ZERO)],
                         ids=["low-stays-low", "low-becomes-zero"])
@pytest.mark.parametrize("level", [Z, L, M, H], ids=lambda x: x.value)
@pytest.mark.parametrize("control", [None, L, M, H], ids=lambda x: f"control-{x}")
def test_residual_never_more_than_one_step_down_and_never_up(level, control, rule) -> None:
    order = rules.LEVEL_ORDER
    residual = rules.residual_level(level, control, rule)
    assert 0 <= order.index(level) - order.index(residual) <= 1
    if control is not H:
        assert residual is level


@pytest.mark.parametrize("bad", [Level.HIGH, Level.MEDIUM], ids=lambda x: x.value)
def test_residual_rule_refuses_a_level_other_than_low_or_zero(bad: Level) -> None:
    with pytest.raises(ValueError):
        ResidualRule(bad)


@pytest.mark.parametrize(("level", "points"), [(L, 1), (M, 2), (H, 3), (Z, None)],
                         ids=lambda x: str(x))
def test_scale_points(level: Level, points: int | None) -> None:
    assert rules.SCALE_POINTS.get(level) == points


def test_every_level_has_a_measure_and_a_fill() -> None:
    assert set(rules.MEASURE_KEY) == set(Level)
    assert set(rules.LEVEL_FILL) == set(Level)
    assert len(set(rules.LEVEL_FILL.values())) == len(Level)
