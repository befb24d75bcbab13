"""Scores as staff type them, with the word beside the number checked too."""

from __future__ import annotations

import pytest

from workbook_tools.rules.normalise import parse_score


@pytest.mark.parametrize(
    ("typed", "value", "problem", "typo"),
    [
        ("2 (орточо)", 2, None, False),
        ("2 (Орго)", 2, None, True),  # the number stands; the word is a typo of Орто
        ("2 (жогорку)", None, "score.unreadable", False),  # number and word disagree
        ("3 - жогору", 3, None, False),
        (1e19, None, "score.out_of_range", False),
        (float("inf"), None, "score.out_of_range", False),
        (float("nan"), None, "score.unreadable", False),
    ],
)
def test_score_with_its_word(typed: object, value: int | None, problem: str | None,
                             typo: bool) -> None:
    parsed = parse_score(typed)
    assert (parsed.value, parsed.problem, parsed.typo is not None) == (value, problem, typo)
