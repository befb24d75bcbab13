"""Tests of workbook_tools.deadlines: the deadline cell of an action plan row as a period."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook_tools.rules.deadlines import Deadline, DeadlineError, parse_deadline

D = date

YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))
YEAR_2026 = (D(2026, 1, 1), D(2026, 12, 31))
YEARS_2025_2027 = (D(2025, 1, 1), D(2027, 12, 31))
Q3_2025 = (D(2025, 7, 1), D(2025, 9, 30))
H1_2025 = (D(2025, 1, 1), D(2025, 6, 30))
H2_2025 = (D(2025, 7, 1), D(2025, 12, 31))
H1_2026 = (D(2026, 1, 1), D(2026, 6, 30))
FEB_1_2026 = (D(2026, 2, 1), D(2026, 2, 1))
NONE = (None, None)

# text -> (due_start, due_end), recurring
PARSED = [
    # Kyrgyz
    ("2025-жылдын 3-кварталы", Q3_2025, False),
    ("2025-жылдын III кварталы", Q3_2025, False),
    ("2025-жылдын 1-жарым жылдыгы", H1_2025, False),
    ("2025-жылдын 2-жарым жылдыгы", H2_2025, False),
    ("2025-жылдын 2-жарым\nжылдыгы", H2_2025, False),
    ("2025-жыл", YEAR_2025, False),
    ("2025-жылы", YEAR_2025, False),
    ("2025-2027-жылдар", YEARS_2025_2027, False),
    ("2025-2027-жылдар (жыл сайын)", YEARS_2025_2027, True),
    ("2025-2026-жылдар", (D(2025, 1, 1), D(2026, 12, 31)), False),
    ("жыл сайын", NONE, True),
    ("туруктуу", NONE, True),
    ("2026-жылдын 1-жарым жылдыгы", H1_2026, False),
    ("2025-жылдын март айы", (D(2025, 3, 1), D(2025, 3, 31)), False),
    ("2025-жылы март айында", (D(2025, 3, 1), D(2025, 3, 31)), False),
    ("2025-жылдын 1-февралына чейин", (D(2025, 2, 1), D(2025, 2, 1)), False),
    ("1-февралга чейин 2026", FEB_1_2026, False),
    ("2026-жылдын 1-февралынан кечиктирбестен", FEB_1_2026, False),
    ("2025-жылдан 2027-жылга чейин", YEARS_2025_2027, False),
    ("2025-жылдын аягына чейин", (D(2025, 12, 31), D(2025, 12, 31)), False),
    ("2025-жыл ичинде", YEAR_2025, False),
    ("2025 ж.", YEAR_2025, False),
    ("2025-2027-жж.", YEARS_2025_2027, False),
    ("жыл сайын (2025-2027-жж.)", YEARS_2025_2027, True),
    ("2025-жылдын үчүнчү кварталы", Q3_2025, False),
    ("2025-жылдын 3-чейреги", Q3_2025, False),
    ("2025-жылдын 3-квaрталы", Q3_2025, False),  # Latin "a" inside a Cyrillic word
    # Russian
    ("III квартал 2025 года", Q3_2025, False),
    ("3 квартал 2025 г.", Q3_2025, False),
    ("3-й квартал 2025 г.", Q3_2025, False),
    ("3 кв. 2025 г.", Q3_2025, False),
    ("ІІІ квартал 2025", Q3_2025, False),  # Cyrillic І as a Roman numeral
    ("третий квартал 2025 года", Q3_2025, False),
    ("III-IV кварталы 2025 года", (D(2025, 7, 1), D(2025, 12, 31)), False),
    ("1 полугодие 2026 г.", H1_2026, False),
    ("II полугодие 2025 года", H2_2025, False),
    ("2025 год", YEAR_2025, False),
    ("2025 г.", YEAR_2025, False),
    ("2025 г", YEAR_2025, False),
    ("2025г.", YEAR_2025, False),
    ("2025-2027 гг.", YEARS_2025_2027, False),
    ("2025–2027 годы", YEARS_2025_2027, False),
    ("2025 — 2027 гг.", YEARS_2025_2027, False),
    ("с 2025 по 2027 год", YEARS_2025_2027, False),
    ("в течение 2025 года", YEAR_2025, False),
    ("ежегодно", NONE, True),
    ("Ежегодно.", NONE, True),
    ("ежегодно, 2025-2027 гг.", YEARS_2025_2027, True),
    ("постоянно", NONE, True),
    ("на постоянной основе", NONE, True),
    ("до 01.02.2026", FEB_1_2026, False),
    ("до 01.02.2026 г.", FEB_1_2026, False),
    ("до 1 февраля 2026 г.", FEB_1_2026, False),
    ("не позднее 1 февраля 2026 г.", FEB_1_2026, False),
    ("по 01.02.2026", FEB_1_2026, False),
    ("до конца 2025 года", (D(2025, 12, 31), D(2025, 12, 31)), False),
    ("январь 2026 г.", (D(2026, 1, 1), D(2026, 1, 31)), False),
    ("декабрь 2025 года", (D(2025, 12, 1), D(2025, 12, 31)), False),
    ("в декабре 2025 года", (D(2025, 12, 1), D(2025, 12, 31)), False),
    ("февраль 2028 г.", (D(2028, 2, 1), D(2028, 2, 29)), False),
    ("январь - март 2026", (D(2026, 1, 1), D(2026, 3, 31)), False),
    ("01.2026", (D(2026, 1, 1), D(2026, 1, 31)), False),
    ("с 01.01.2026 по 01.02.2026", (D(2026, 1, 1), D(2026, 2, 1)), False),
    ("1 февраля 2026 г.", FEB_1_2026, False),
    # English
    ("Q3 2025", Q3_2025, False),
    ("q3 2025", Q3_2025, False),
    ("Q3-2025", Q3_2025, False),
    ("H1 2026", H1_2026, False),
    ("first half of 2026", H1_2026, False),
    ("2025", YEAR_2025, False),
    ("2025-2027", YEARS_2025_2027, False),
    ("from 2025 to 2027", YEARS_2025_2027, False),
    ("annually", NONE, True),
    ("Annually", NONE, True),
    ("by 2026-02-01", FEB_1_2026, False),
    ("by 1 February 2026", FEB_1_2026, False),
    ("February 1, 2026", FEB_1_2026, False),
    ("by end of Q3 2025", (D(2025, 9, 30), D(2025, 9, 30)), False),
    # a date typed as text (day first)
    ("01.02.2026", FEB_1_2026, False),
    ("1.2.2026", FEB_1_2026, False),
    ("2026-02-01", FEB_1_2026, False),
    ("01/02/2026", FEB_1_2026, False),
    ("2026-02-01 00:00:00", FEB_1_2026, False),
    ("29.02.2028", (D(2028, 2, 29), D(2028, 2, 29)), False),
    # ranges of periods
    ("2025-жылдын 3-кварталы - 2026-жылдын 1-кварталы", (D(2025, 7, 1), D(2026, 3, 31)), False),
    ("2025-жылдын 3-кварталынан 2026-жылдын 1-кварталына чейин",
     (D(2025, 7, 1), D(2026, 3, 31)), False),
    ("III квартал 2025 г. – I квартал 2026 г.", (D(2025, 7, 1), D(2026, 3, 31)), False),
    ("01.01.2026 - 01.02.2026", (D(2026, 1, 1), D(2026, 2, 1)), False),
    ("Q3 2025 - Q1 2026", (D(2025, 7, 1), D(2026, 3, 31)), False),
    ("январь 2025 - март 2026", (D(2025, 1, 1), D(2026, 3, 31)), False),
    ("IV квартал - 2025", (D(2025, 10, 1), D(2025, 12, 31)), False),
    ("2025-жыл - туруктуу", YEAR_2025, True),
    # recurring with a period without a year: every year, no single period
    ("ежегодно до 1 февраля", NONE, True),
    ("жыл сайын IV кварталда", NONE, True),
    # spacing, case, dashes, non-breaking spaces, a trailing dot
    ("  2025\u00a0-\u00a0жылдын\u00a03-кварталы. ", Q3_2025, False),
    ("2025 - жылдын 3 - кварталы", Q3_2025, False),
    ("2025-ЖЫЛДЫН III КВАРТАЛЫ", Q3_2025, False),
    ("2025‑жылдын\r\n3‑кварталы", Q3_2025, False),
    ("\u200b2025\ufeff г.", YEAR_2025, False),  # invisible characters
]


@pytest.mark.parametrize(("text", "dates", "recurring"), PARSED, ids=[c[0] for c in PARSED])
def test_parses(text: str, dates: tuple[date | None, date | None], recurring: bool) -> None:
    got = parse_deadline(text)
    assert (got.due_start, got.due_end, got.recurring) == (dates[0], dates[1], recurring)


# text -> (due_start, due_end), how often it recurs, the day of each year it is due by
RECURRING = [
    ("жыл сайын", NONE, "year", None),
    ("ежегодно", NONE, "year", None),
    ("ар жылы", NONE, "year", None),
    ("постоянно", NONE, "continuous", None),
    ("на постоянной основе", NONE, "continuous", None),
    ("туруктуу", NONE, "continuous", None),
    ("үзгүлтүксүз", NONE, "continuous", None),
    ("ежеквартально", NONE, "quarter", None),
    ("квартал сайын", NONE, "quarter", None),
    ("ай сайын", NONE, "month", None),
    ("ежемесячно", NONE, "month", None),
    ("ежегодно до 1 февраля", NONE, "year", (2, 1)),
    ("жыл сайын 1-февралга чейин", NONE, "year", (2, 1)),
    ("постоянно, до 1 февраля", NONE, "year", (2, 1)),  # a day makes it yearly
    ("ежегодно, постоянно", NONE, "year", None),
    # the documents' own hard date: the yearly report by 1 February of the next year
    ("Жыл сайын, отчеттук жылдан кийинки жылдын 1-февралынан кечиктирбестен", NONE, "year",
     (2, 1)),
    ("ежегодно, не позднее 1 февраля года, следующего за отчетным", NONE, "year", (2, 1)),
    ("ежегодно до 20 декабря", NONE, "year", (12, 20)),
    ("2025-2027-жылдар (жыл сайын)", YEARS_2025_2027, "year", None),
    ("2025-2027 гг., ежеквартально", YEARS_2025_2027, "quarter", None),
    ("2025-жылдын 3-кварталы", Q3_2025, None, None),
]


@pytest.mark.parametrize(("text", "dates", "every", "day"), RECURRING,
                         ids=[c[0] for c in RECURRING])
def test_recurring_deadlines(text: str, dates: tuple[date | None, date | None],
                             every: str | None, day: tuple[int, int] | None) -> None:
    got = parse_deadline(text)
    assert got == Deadline(dates[0], dates[1], every is not None, every, day)


@pytest.mark.parametrize("text", ["2025-жылдын 2-жарымы", "2025-жылдын 2-жарым",
                                  "2025-жылдын 2-жарымында"])
def test_second_half_without_жылдыгы(text: str) -> None:
    """The seed's plan writes "2025-жылдын 2-жарым" with no "жылдыгы": still the half year."""
    assert parse_deadline(text) == Deadline(*H2_2025, False)


ERRORS = [
    ("кийинчерээк", "deadline.unreadable"),
    ("Q5 2025", "deadline.unreadable"),
    ("13-квартал", "deadline.unreadable"),
    ("abc", "deadline.unreadable"),
    ("2025-жылдын 5-кварталы", "deadline.unreadable"),
    ("5-квартал 2025", "deadline.unreadable"),
    ("в течение года", "deadline.unreadable"),
    ("до конца года", "deadline.unreadable"),
    ("IV квартал", "deadline.unreadable"),
    ("до 1 февраля", "deadline.unreadable"),
    ("31.02.2026", "deadline.unreadable"),
    ("29.02.2025", "deadline.unreadable"),
    ("32.01.2026", "deadline.unreadable"),
    ("01.13.2026", "deadline.unreadable"),
    ("01.02.26", "deadline.unreadable"),
    ("2026-13-01", "deadline.unreadable"),
    ("3 полугодие 2025", "deadline.unreadable"),
    ("до 2026 года", "deadline.unreadable"),
    ("2025-жылдын 3-кварталына чейин", "deadline.unreadable"),
    ("по мере необходимости", "deadline.unreadable"),
    ("2025?", "deadline.unreadable"),
    ("2025 2026", "deadline.unreadable"),
    ("202", "deadline.unreadable"),
    ("жыл сайын, кийинчерээк", "deadline.unreadable"),
    ("2150-жыл", "deadline.implausible"),
    ("1999 г.", "deadline.implausible"),
    ("2025-2150", "deadline.implausible"),
    ("01.02.2150", "deadline.implausible"),
    ("III квартал 2205 года", "deadline.implausible"),
    ("2027-2025-жылдар", "deadline.reversed"),
    ("2027–2025 гг.", "deadline.reversed"),
    ("до 01.02.2026 - 01.01.2026", "deadline.reversed"),
    ("2026-жылдын 1-кварталы - 2025-жылдын 3-кварталы", "deadline.reversed"),
    ("IV-I квартал 2025", "deadline.reversed"),
    ("март - январь 2026", "deadline.reversed"),
]


@pytest.mark.parametrize(("text", "code"), ERRORS, ids=[c[0] for c in ERRORS])
def test_errors(text: str, code: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(text)
    assert caught.value.code == code
    assert caught.value.params["value"] == text


def test_implausible_params() -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline("2150-жыл")
    assert caught.value.params == {"value": "2150-жыл", "year": 2150, "low": 2000, "high": 2100}


def test_year_bounds_are_options() -> None:
    assert parse_deadline("2150-жыл", max_year=2200) == Deadline(
        D(2150, 1, 1), D(2150, 12, 31), False
    )
    with pytest.raises(DeadlineError) as caught:
        parse_deadline("2025", min_year=2026)
    assert caught.value.params["low"] == 2026


def test_error_is_a_value_error() -> None:
    assert issubclass(DeadlineError, ValueError)
    error = DeadlineError("deadline.unreadable", value="x")
    assert error.code == "deadline.unreadable"
    assert error.params == {"value": "x"}


CELLS = [
    (None, Deadline(None, None, False)),
    ("", Deadline(None, None, False)),
    ("   ", Deadline(None, None, False)),
    ("\n\u00a0", Deadline(None, None, False)),
    ("-", Deadline(None, None, False)),
    ("—", Deadline(None, None, False)),
    (math.nan, Deadline(None, None, False)),
    (2025, Deadline(*YEAR_2025, False)),
    (2025.0, Deadline(*YEAR_2025, False)),
    (2026.0, Deadline(*YEAR_2026, False)),
    (D(2026, 2, 1), Deadline(*FEB_1_2026, False)),
    (datetime(2026, 2, 1), Deadline(*FEB_1_2026, False)),
    (datetime(2026, 2, 1, 15, 30), Deadline(*FEB_1_2026, False)),
]


@pytest.mark.parametrize(("value", "expected"), CELLS, ids=[repr(c[0]) for c in CELLS])
def test_cells(value: object, expected: Deadline) -> None:
    assert parse_deadline(value) == expected


CELL_ERRORS = [
    (2025.5, "deadline.unreadable"),
    (math.inf, "deadline.unreadable"),
    (True, "deadline.unreadable"),
    ([2025], "deadline.unreadable"),
    (b"2025", "deadline.unreadable"),
    (2150, "deadline.implausible"),
    (2150.0, "deadline.implausible"),
    (45678, "deadline.implausible"),  # an Excel serial day number is not a year
    (-1, "deadline.implausible"),
    (D(1900, 1, 1), "deadline.implausible"),
    (datetime(2150, 1, 1), "deadline.implausible"),
]


@pytest.mark.parametrize(("value", "code"), CELL_ERRORS, ids=[repr(c[0]) for c in CELL_ERRORS])
def test_cell_errors(value: object, code: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(value)
    assert caught.value.code == code


def _check_invariants(value: object) -> None:
    try:
        result = parse_deadline(value)
    except DeadlineError as error:
        assert error.code in {"deadline.unreadable", "deadline.implausible", "deadline.reversed"}
        assert "value" in error.params
        return
    assert isinstance(result, Deadline)
    assert (result.due_start is None) == (result.due_end is None)
    if result.due_start is not None and result.due_end is not None:
        assert result.due_start <= result.due_end
        assert 2000 <= result.due_start.year <= result.due_end.year <= 2100


@settings(max_examples=500)
@given(st.text(max_size=80))
def test_arbitrary_text_only_raises_deadline_error(text: str) -> None:
    _check_invariants(text)


# Text built from the words the parser knows, to reach deeper than random characters do.
_VOCABULARY = [
    "2025", "2027", "2150", "1999", "3", "13", "1", "III", "IV", "-", " - ", "–", ".", ",", "(",
    ")",
    "01.02.2026", "31.02.2026", "2026-02-01", "01.2026", "жылдын", "жыл", "жылдар", "жылдан",
    "жылга", "кварталы", "квартал", "кварталынан", "жарым", "жылдыгы", "полугодие", "г.", "гг.",
    "года", "март", "февраля", "февралына", "февралынан", "айы", "чейин", "до", "по", "с",
    "конца", "аягына", "жыл сайын", "ежегодно", "туруктуу", "Q", "H", "by", "end", "of", " ",
    "кечиктирбестен", "\n",
]


@pytest.mark.slow
@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_VOCABULARY), max_size=10).map("".join))
def test_vocabulary_text_only_raises_deadline_error(text: str) -> None:
    _check_invariants(text)


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.dates(),
        st.datetimes(),
        st.booleans(),
    )
)
def test_arbitrary_cells_only_raise_deadline_error(value: object) -> None:
    _check_invariants(value)
