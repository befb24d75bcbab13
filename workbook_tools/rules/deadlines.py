"""Reading the deadline cell ("Ишке ашыруу мөөнөтү" / "Срок исполнения") of an action plan row.

:func:`parse_deadline` turns what a spreadsheet reader gives for that cell into a
:class:`Deadline`: the first and the last day of the period, and whether the activity repeats every
year. Standard library only; no guessing: what is not understood raises :class:`DeadlineError`
with a stable code (``deadline.unreadable``, ``deadline.implausible``, ``deadline.reversed``)
that the caller turns into a finding.

Forms understood (case, spacing, line breaks, non-breaking spaces, the dashes ‐ – — −, a trailing
dot, Latin look-alike letters and ң ө ү typed as н о у are all folded first):

* cells that are not text: ``date``/``datetime`` (start = end = that day); ``2025`` or ``2025.0``
  (the year 2025); ``None``, ``""``, NaN/NaT or a lone dash (no deadline: all empty);
* a year: ``2025``, ``2025-жыл``, ``2025-жылы``, ``2025 ж.``, ``2025 год``, ``2025 г.``;
* years: ``2025-2027-жылдар``, ``2025-2027 гг.``, ``2025–2027 годы``, ``с 2025 по 2027 год``,
  ``2025-жылдан 2027-жылга чейин``, ``from 2025 to 2027``;
* a quarter, as Arabic or Roman number or word (``3``, ``3-й``, ``III``, ``үчүнчү``, ``третий``):
  ``2025-жылдын 3-кварталы``, ``2025-жылдын III кварталы``, ``III квартал 2025 года``,
  ``3 кв. 2025 г.``, ``Q3 2025``; quarters of one year: ``III-IV кварталы 2025``;
* a half year: ``2025-жылдын 1-жарым жылдыгы``, ``1 полугодие 2026 г.``, ``II полугодие 2025``,
  ``H1 2026``, ``first half of 2026``;
* a month (Kyrgyz, Russian or English name, any case ending, with or without ``айы``):
  ``2025-жылдын март айы``, ``январь 2026 г.``, ``в декабре 2025 года``, ``01.2026``,
  ``январь-март 2026``;
* a day: ``01.02.2026``, ``1.2.2026``, ``01/02/2026`` (day first), ``2026-02-01``,
  ``1 февраля 2026 г.``, ``2026-жылдын 1-февралы``, ``February 1, 2026``;
* by a day (start = end = that day): ``до 01.02.2026``, ``не позднее 1 февраля 2026 г.``,
  ``по 01.02.2026``, ``by 2026-02-01``, ``2025-жылдын 1-февралына чейин``,
  ``1-февралга чейин 2026``, ``2026-жылдын 1-февралынан кечиктирбестен``;
* by the end of a period (start = end = its last day): ``до конца 2025 года``,
  ``2025-жылдын аягына чейин``, ``by end of Q3 2025``;
* a range of any two of the above gives the start of the first and the end of the last:
  ``2025-жылдын 3-кварталы - 2026-жылдын 1-кварталы``, ``с 01.01.2026 по 01.02.2026``; a side
  without a year takes the year of the other (``январь - март 2026``);
* recurring (``recurring=True``): ``жыл сайын``, ``ар жылы``, ``туруктуу``, ``үзгүлтүксүз``,
  ``дайыма``, ``ежегодно``, ``постоянно``, ``на постоянной основе``, ``ежеквартально``,
  ``ежемесячно``, ``квартал сайын``, ``ай сайын``, ``annually``, ``every year``, ``ongoing``,
  ``permanent``, ``quarterly``, ``monthly``; alone they give empty dates, with a period
  (``2025-2027-жылдар (жыл сайын)``, ``ежегодно, 2025-2027 гг.``) they keep its dates. A period
  without a year next to them (``ежегодно до 1 февраля``, ``жыл сайын IV кварталда``) gives
  empty dates. ``every`` says how often (``year``, ``quarter``, ``month``, or ``continuous`` for
  постоянно, туруктуу); a day without a year gives ``yearly_day`` (month, day), the day it is
  due by every year: ``ежегодно до 1 февраля``, the documents' own ``Жыл сайын, отчеттук
  жылдан кийинки жылдын 1-февралынан кечиктирбестен`` and ``ежегодно, не позднее 1 февраля
  года, следующего за отчетным``.

Not understood (``deadline.unreadable``): anything else, such as ``кийинчерээк``, ``в течение
года`` (no year), ``Q5 2025``, ``13-квартал``, ``31.02.2026``, two-digit years (``01.02.26``), a
period "by" which is not a day (``до 2026 года``, ``2025-жылдын 3-кварталына чейин`` could mean its
start or its end). A year outside ``[min_year, max_year]`` is ``deadline.implausible``; a range
whose start is after its end is ``deadline.reversed``.

How it works: the text is normalised, the recurring words are taken out, the rest is cut into
tokens and each word is put in a canonical form from the tables below (``2025-жылдын
3-кварталы`` becomes ``2025 yr 3 qr``); the canonical string is then matched against
``_PERIOD_RULES``, a table of regular expressions and the builders of their periods.
"""

from __future__ import annotations

import calendar
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from . import deadline_words as words
from . import textnorm

__all__ = ["Deadline", "DeadlineError", "parse_deadline"]


@dataclass(frozen=True)
class Deadline:
    """The period of a plan activity; both dates are inclusive."""

    due_start: date | None
    due_end: date | None
    recurring: bool  # "жыл сайын", "ежегодно", "annually": repeats every year
    #: how often a recurring activity repeats: "year", "quarter", "month" or "continuous"
    #: (постоянно: no due day of its own); None when it does not
    every: str | None = None
    #: (month, day) it is due by every year ("ежегодно до 1 февраля"); None when not given
    yearly_day: tuple[int, int] | None = None


class DeadlineError(ValueError):
    """A deadline that cannot be used; ``code`` is a message key of messages.py."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}" if params else code)


_EMPTY = Deadline(None, None, False)
_MAX_LENGTH = 300  # a deadline cell is a few words; longer text is not a deadline

# --- normalising (textnorm.py: the one place text is tidied) --------------------------------------

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _display(text: str) -> str:
    """The text as shown back in a message: invisible characters out, spaces folded."""
    return textnorm.clean(text)


def _normalise(text: str) -> str:
    text = textnorm.fold_lookalikes(_display(text).translate(textnorm.DASHES))
    return text.lower().translate(textnorm.LOOSE_LETTERS)


# The patterns below are compiled at their first use (a plan table), not at import: every
# run imports this module (the template's formulas do), few read a deadline.
@cache
def _token() -> re.Pattern[str]:
    return re.compile(_TOKEN, re.VERBOSE)


_TOKEN = (
    r"""
     (?P<dmy>(?<![0-9])(?P<d1>[0-9]{1,2})[./](?P<m1>[0-9]{1,2})[./](?P<y1>[0-9]{4})(?![0-9]))
    |(?P<iso>(?<![0-9])(?P<y2>[0-9]{4})-(?P<m2>[0-9]{1,2})-(?P<d2>[0-9]{1,2})(?![0-9])
        (?:[t\ ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?)
    |(?P<my>(?<![0-9])(?P<m3>[0-9]{1,2})\.(?P<y3>[0-9]{4})(?![0-9]))
    |(?P<num>[0-9]+)(?:-?(?:й|я|е|ю|го|ое|ая|ий|ый|ой|ья|ого|чи|чу|чы|st|nd|rd|th)(?![^\W\d_]))?
    |(?P<word>[^\W\d_]+)
    |(?P<dash>-)
    |(?P<space>\s+)
    |(?P<other>.)
    """
)
_IGNORED_PUNCTUATION = set(".,;:()[]{}\"'«»“”„‘’`/\\")


@dataclass(frozen=True)
class _Raw:
    kind: str  # dmy, iso, my, num, word, dash, other
    canon: str
    text: str
    spaced: bool  # whitespace before it


def _word(word: str) -> str:
    if word in words.ROMAN:
        return str(words.ROMAN[word])
    if word in words.ORDINAL_WORDS:
        return words.ORDINAL_WORDS[word]
    for pattern, canon in words.word_rules():
        if pattern.fullmatch(word):
            return canon
    return "?"


def _raw_tokens(text: str) -> list[_Raw]:
    raws: list[_Raw] = []
    spaced = False
    for m in _token().finditer(text):
        kind = m.lastgroup
        if kind is None:  # pragma: no cover - every alternative has a name
            continue
        if kind == "space":
            spaced = True
            continue
        if kind == "dmy":
            canon = f"d{m['y1']}.{m['m1']}.{m['d1']}"
        elif kind == "iso":
            canon = f"d{m['y2']}.{m['m2']}.{m['d2']}"
        elif kind == "my":
            canon = f"m{int(m['m3'])} {m['y3']}"
        elif kind == "num":
            canon = m["num"]
        elif kind == "word":
            canon = _word(m.group(0))
        elif kind == "dash":
            canon = "-"
        else:
            canon = "" if m.group(0) in _IGNORED_PUNCTUATION else "?"
        raws.append(_Raw(kind, canon, m.group(0), spaced))
        spaced = False
    return raws


def _is_suffix_dash(prev: _Raw | None, dash: _Raw, nxt: _Raw | None) -> bool:
    """A dash joining a number to its word ("2025-жыл", "3-кварталы", "III-квартал").

    With spaces around it, only before a Kyrgyz or Russian year, quarter or half-year word
    ("2025 - жылдын"): "январь 2025 - март 2026" and "Q3 2025 - Q1 2026" are ranges.
    """
    if prev is None or nxt is None or nxt.kind != "word" or nxt.text in words.ROMAN:
        return False
    if (dash.spaced or nxt.spaced) and (
        nxt.canon.split()[:1] not in (["yr"], ["qr"], ["hy"]) or not _CYRILLIC.search(nxt.text)
    ):
        return False
    return prev.kind in ("num", "dmy", "iso", "my") or (
        prev.kind == "word" and prev.text in words.ROMAN
    )


def _canonical(text: str) -> list[str]:
    raws = _raw_tokens(text)
    tokens: list[str] = []
    for i, raw in enumerate(raws):
        if raw.kind == "dash":
            prev = raws[i - 1] if i > 0 else None
            nxt = raws[i + 1] if i + 1 < len(raws) else None
            if _is_suffix_dash(prev, raw, nxt):
                continue
        tokens.extend(raw.canon.split())
    return tokens


# --- periods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    start: date
    end: date
    point: bool  # one day


@dataclass(frozen=True)
class _Yearless:
    """A period without a year ("IV квартал", "1 февраля"): no dates can be given; a day keeps
    its (month, day), which a recurring deadline is due by every year."""

    day: tuple[int, int] | None = None


_YEARLESS = _Yearless()
_Result = _Span | _Yearless


@dataclass(frozen=True)
class _Context:
    value: str
    min_year: int
    max_year: int

    def error(self, code: str, **params: object) -> DeadlineError:
        return DeadlineError(code, value=self.value, **params)

    def check_year(self, year: int) -> int:
        if not self.min_year <= year <= self.max_year:
            raise self.error("deadline.implausible", year=year, low=self.min_year,
                             high=self.max_year)
        return year

    def year(self, groups: dict[str, str | None], default: int | None) -> int | None:
        text = groups.get("y")
        return self.check_year(int(text)) if text is not None else default

    def day(self, year: int, month: int, day: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise self.error("deadline.unreadable") from None

    def month_end(self, year: int, month: int) -> date:
        return self.day(year, month, calendar.monthrange(year, month)[1])

    def numbers(self, groups: dict[str, str | None], a: str, b: str, high: int) -> tuple[int, int]:
        """The number (or the range of numbers) of a quarter, half or month, checked."""
        first = int(groups[a] or 0)
        last = int(groups[b] or first)
        if not (1 <= first <= high and 1 <= last <= high):
            raise self.error("deadline.unreadable")
        if first > last:
            raise self.error("deadline.reversed")
        return first, last


_Groups = dict[str, str | None]
_Builder = Callable[[_Groups, _Context, int | None], _Result]


def _months_span(ctx: _Context, year: int | None, first: int, last: int) -> _Result:
    if year is None:
        return _YEARLESS
    return _Span(ctx.day(year, first, 1), ctx.month_end(year, last), point=False)


def _quarter(g: _Groups, ctx: _Context, default: int | None) -> _Result:
    first, last = ctx.numbers(g, "a", "b", 4)
    return _months_span(ctx, ctx.year(g, default), 3 * first - 2, 3 * last)


def _half(g: _Groups, ctx: _Context, default: int | None) -> _Result:
    first, last = ctx.numbers(g, "a", "b", 2)
    return _months_span(ctx, ctx.year(g, default), 6 * first - 5, 6 * last)


def _month(g: _Groups, ctx: _Context, default: int | None) -> _Result:
    first, last = ctx.numbers(g, "m", "m2", 12)
    return _months_span(ctx, ctx.year(g, default), first, last)


def _day(g: _Groups, ctx: _Context, default: int | None) -> _Result:
    month, _ = ctx.numbers(g, "m", "m", 12)
    year = ctx.year(g, default)
    if year is None:
        ctx.day(2000, month, int(g["d"] or 0))  # still check the day (2000 is a leap year)
        return _Yearless((month, int(g["d"] or 0)))
    day = ctx.day(year, month, int(g["d"] or 0))
    return _Span(day, day, point=True)


def _date(g: _Groups, ctx: _Context, default: int | None) -> _Result:
    year = ctx.check_year(int(g["dy"] or 0))
    day = ctx.day(year, int(g["dm"] or 0), int(g["dd"] or 0))
    return _Span(day, day, point=True)


def _year(g: _Groups, ctx: _Context, default: int | None) -> _Result:
    year = ctx.year(g, default)
    if year is None:  # pragma: no cover - the pattern always holds a year
        return _YEARLESS
    return _Span(ctx.day(year, 1, 1), ctx.day(year, 12, 31), point=False)


_Y = r"(?P<y>[0-9]{4})(?: yr)?"
_N = r"(?P<a>[0-9]{1,2})(?: - (?P<b>[0-9]{1,2}))?"
_H = r"hy(?: yr)?"
_M = r"m(?P<m>[0-9]{1,2})(?: - m(?P<m2>[0-9]{1,2}))?"
_DM = r"(?P<d>[0-9]{1,2}) m(?P<m>[0-9]{1,2})"
_MD = r"m(?P<m>[0-9]{1,2}) (?P<d>[0-9]{1,2})"

# Canonical form of a single period -> its builder. Tried in order; the first full match wins.
_PERIOD_RULES: tuple[tuple[str, _Builder], ...] = (
        (rf"{_Y} {_N} qr", _quarter),  # 2025-жылдын 3-кварталы
        (rf"{_N} qr {_Y}", _quarter),  # III квартал 2025 года
        (rf"qr {_N} {_Y}", _quarter),  # Q3 2025
        (rf"{_Y} qr {_N}", _quarter),  # 2025 Q3
        (rf"{_N} qr", _quarter),  # IV квартал (no year)
        (rf"qr {_N}", _quarter),  # Q4 (no year)
        (rf"{_Y} {_N} {_H}", _half),  # 2025-жылдын 1-жарым жылдыгы
        (rf"{_N} {_H} {_Y}", _half),  # 1 полугодие 2026 г.
        (rf"{_H} {_N} {_Y}", _half),  # H1 2026
        (rf"{_Y} {_H} {_N}", _half),  # 2026 H1
        (rf"{_N} {_H}", _half),
        (rf"{_H} {_N}", _half),
        (rf"{_Y} {_M}", _month),  # 2025-жылдын март айы
        (rf"{_M} {_Y}", _month),  # январь 2026 г., 01.2026
        (_M, _month),
        (rf"{_Y} {_DM}", _day),  # 2026-жылдын 1-февралы
        (rf"{_DM} {_Y}", _day),  # 1 февраля 2026 г.
        (rf"{_MD} {_Y}", _day),  # February 1, 2026
        (_DM, _day),
        (_MD, _day),
        (r"d(?P<dy>[0-9]{4})\.(?P<dm>[0-9]{1,2})\.(?P<dd>[0-9]{1,2})(?: yr)?", _date),  # 01.02.2026
        (_Y, _year),  # 2025-жыл, 2025 г.
)


@cache
def _period_rules() -> tuple[tuple[re.Pattern[str], _Builder], ...]:
    return tuple((re.compile(pattern), builder) for pattern, builder in _PERIOD_RULES)


@cache
def _bare_year() -> re.Pattern[str]:
    return re.compile(_Y)


def _single(tokens: list[str], ctx: _Context, default: int | None) -> _Result | None:
    """One period (no range dash between periods), or None when no rule matches."""
    if not tokens:
        return None
    if tokens[0] == "end" or tokens[-1] == "end":  # by the end of a period: its last day
        inner = _single(tokens[1:] if tokens[0] == "end" else tokens[:-1], ctx, default)
        if isinstance(inner, _Span):
            return _Span(inner.end, inner.end, point=True)
        return _YEARLESS if inner is not None else None
    text = " ".join(tokens)
    for pattern, builder in _period_rules():
        match = pattern.fullmatch(text)
        if match:
            return builder(match.groupdict(), ctx, default)
    return None


def _range(tokens: list[str], ctx: _Context) -> _Result | None:
    """Two periods joined by a dash: the start of the first to the end of the second."""
    first_error: DeadlineError | None = None
    for i, token in enumerate(tokens):
        if token != "-":
            continue
        left_tokens, right_tokens = tokens[:i], tokens[i + 1 :]
        try:
            left = _single(left_tokens, ctx, None)
            right = _single(right_tokens, ctx, None)
            if left is None or right is None:
                continue
            if isinstance(left, _Yearless) is not isinstance(right, _Yearless):
                year_side = right_tokens if isinstance(left, _Yearless) else left_tokens
                if _bare_year().fullmatch(" ".join(year_side)):
                    # "Q3-2025", "IV квартал - 2025": the dash only separates the year
                    joined = _single(left_tokens + right_tokens, ctx, None)
                    if joined is None:
                        continue
                    return joined
            if isinstance(left, _Yearless) and isinstance(right, _Span):
                left = _single(left_tokens, ctx, right.start.year)
            elif isinstance(right, _Yearless) and isinstance(left, _Span):
                right = _single(right_tokens, ctx, left.end.year)
        except DeadlineError as error:
            first_error = first_error or error
            continue
        if not isinstance(left, _Span) or not isinstance(right, _Span):
            return _YEARLESS
        if left.start > right.end:
            raise ctx.error("deadline.reversed")
        return _Span(left.start, right.end, point=False)
    if first_error is not None:
        raise first_error
    return None


def _parse_tokens(tokens: list[str], ctx: _Context) -> _Result:
    unreadable = ctx.error("deadline.unreadable")
    if "?" in tokens:
        raise unreadable
    by = False
    if tokens and tokens[0] == "from":  # с X по Y, с X до Y, from X to Y
        tokens = tokens[1:]
        for i, token in enumerate(tokens):
            if token in ("by", "to") and 0 < i < len(tokens) - 1:
                tokens[i] = "-"
                break
    if tokens and tokens[0] == "to":  # по 01.02.2026: until that day
        by, tokens = True, tokens[1:]
    tokens = ["-" if token == "to" else token for token in tokens]
    if "by" in tokens:
        by = True
        tokens = [token for token in tokens if token != "by"]
    while tokens and tokens[0] == "-":
        tokens = tokens[1:]
    while tokens and tokens[-1] == "-":
        tokens = tokens[:-1]
    if "from" in tokens:
        raise unreadable
    result = _single(tokens, ctx, None)
    if result is None and "-" in tokens:
        result = _range(tokens, ctx)
        by = False  # "2025-жылдан 2027-жылга чейин": чейин closes the range
    if result is None:
        raise unreadable
    if by and isinstance(result, _Span) and not result.point:
        raise unreadable  # "до 2026 года": before it starts or when it ends? not guessed
    return result


def _parse_text(text: str, ctx: _Context) -> Deadline:
    norm = _normalise(text)
    if not norm.strip(" -.,;:/"):
        return _EMPTY  # a dash or a dot is how staff write "nothing here"
    if len(norm) > _MAX_LENGTH:
        raise ctx.error("deadline.unreadable")
    said = [m.group(0) for m in words.recurring().finditer(norm)]
    rest = words.recurring().sub(" ", norm)
    recurring = bool(said)
    every = _every(said)
    for pattern, replacement in words.phrases():
        rest = pattern.sub(replacement, rest)
    tokens = _canonical(rest)
    if not tokens:
        if recurring:
            return Deadline(None, None, True, every)
        raise ctx.error("deadline.unreadable")
    result = _parse_tokens(tokens, ctx)
    if isinstance(result, _Span):
        if not recurring:
            return Deadline(result.start, result.end, False)
        day = (result.end.month, result.end.day) if result.point else None
        return Deadline(result.start, result.end, True, _yearly(every, day), day)
    if recurring:  # "ежегодно до 1 февраля": every year, by that day when one is given
        return Deadline(None, None, True, _yearly(every, result.day), result.day)
    raise ctx.error("deadline.unreadable")


def _every(said: list[str]) -> str | None:
    """How often the recurring words say: the first that is not "continuous" wins
    ("ежегодно, постоянно" is yearly); None when nothing recurs."""
    kinds = [next((every for pattern, every in words.recurrence() if pattern.search(w)), "year")
             for w in said]
    return next((k for k in kinds if k != "continuous"), kinds[0] if kinds else None)


def _yearly(every: str | None, day: tuple[int, int] | None) -> str | None:
    """A day of the year makes a continuous activity yearly ("постоянно, до 1 февраля")."""
    return "year" if day is not None and every == "continuous" else every


def _is_missing(value: object) -> bool:
    try:
        return bool(value != value)  # NaN, NaT
    except Exception:  # an odd object whose comparison fails is not a missing value
        return False


def parse_deadline(value: object, *, min_year: int = 2000, max_year: int = 2100) -> Deadline:
    """The period of a deadline cell; raises :class:`DeadlineError` when it cannot be used.

    ``value`` is what a spreadsheet reader gives: text, a year as ``int``/``float``, a ``date`` or
    ``datetime``, or ``None``/``""`` (no deadline: all empty; the caller reports it).
    """
    if value is None or _is_missing(value):
        return _EMPTY
    if isinstance(value, str):
        text = _display(value)
        return _parse_text(value, _Context(text, min_year, max_year))
    ctx = _Context(str(value), min_year, max_year)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        ctx.check_year(value.year)
        return Deadline(value, value, False)
    if isinstance(value, bool):
        raise ctx.error("deadline.unreadable")
    if isinstance(value, numbers.Integral):
        year = int(value)
    elif isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number) or not number.is_integer():
            raise ctx.error("deadline.unreadable")
        year = int(number)
        ctx = _Context(str(year), min_year, max_year)
    else:
        raise ctx.error("deadline.unreadable")
    ctx.check_year(year)
    try:
        return Deadline(date(year, 1, 1), date(year, 12, 31), False)
    except ValueError:
        raise ctx.error("deadline.unreadable") from None
