"""The words of deadlines, as tables: recurring phrases, Roman numerals, ordinals, month names
and their endings in Kyrgyz and Russian, and the rules that turn each word into a canonical
token (``q``, ``hy``, ``m7``, ``yr``...). The grammar that reads the tokens is
:mod:`workbook_tools.rules.deadlines`; the full list of forms is its docstring.
"""

from __future__ import annotations

import re
from functools import cache

# --- phrases, taken out or rewritten before the words are read ------------------------------------

#: The patterns are compiled at their first use (a plan table), not when the module is
#: imported: every run imports it (the template's formulas do), few read a deadline (5 ms).
_RECURRING = (
    r"\b(?:"
    + "|".join(
        (
            r"ар (?:бир )?жыл(?:ы|[ -]?сайын)",
            r"жыл[ -]?сайын",
            r"туруктуу(?: негизде)?",
            r"узгултуксуз\w*",
            r"дайыма",
            r"квартал[ -]?сайын",
            r"ай[ -]?сайын",
            r"ежегодн\w*",
            r"каждый год",
            r"постоянн\w*(?: основе| режиме)?",
            r"ежеквартальн\w*",
            r"ежемесячн\w*",
            r"annual(?:ly)?",
            r"yearly",
            r"(?:every|each) year",
            r"ongoing",
            r"permanent(?:ly)?",
            r"continu(?:ous|al)(?:ly)?",
            r"quarterly",
            r"monthly",
        )
    )
    + r")\b"
)

#: How often a recurring phrase says the activity repeats, tried in order (anything else
#: recurring is yearly): ``continuous`` has no due day of its own (постоянно, туруктуу).
_RECURRENCE: tuple[tuple[str, str], ...] = (
        (r"квартал|ежекварт|quarter", "quarter"),
        (r"^ай|ежемес|month", "month"),
        (r"туруктуу|узгултуксуз|дайыма|постоянн|ongoing|permanent|continu", "continuous"),
)

# (pattern, replacement) applied in order to the normalised text.
_PHRASES: tuple[tuple[str, str], ...] = (
        (r"\bне (?:позднее|позже)\b", " до "),
        (r"\b(?:not|no) later than\b", " by "),
        (r"\b(?:в течение|на протяжении|начиная)\b", " "),
        (r"\bhalf[ -]?year\b", " half "),
        (r"\bкечиктири?л?бестен\b|\bкечиктирбей\b", " чейин "),
        # the report "of the year after the reporting year" is due on that day every year
        (r"\bотчеттук жыл(?:дан|дын)? кийинки жыл\w*", " "),
        (r"\b(?:года,? )?следующ\w+ за отч[её]тным(?: годом)?", " "),
)


@cache
def recurring() -> re.Pattern[str]:
    """The recurring phrases ("ежегодно", "жыл сайын", "quarterly"...)."""
    return re.compile(_RECURRING)


@cache
def recurrence() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), every) for pattern, every in _RECURRENCE)


@cache
def phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), replacement) for pattern, replacement in _PHRASES)

# --- words ----------------------------------------------------------------------------------------

ROMAN = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6,
    "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12,
}

_ORDINALS = {
    1: "биринчи первый первое первая первого первой первом first",
    2: "экинчи второй второе вторая второго второй втором second",
    3: "учунчу третий третье третья третьего третьей третьем third",
    4: "тортунчу четвертый четвертое четвертая четвертого четвертой четвертом fourth",
}
ORDINAL_WORDS = {word: str(n) for n, words in _ORDINALS.items() for word in words.split()}

# Month: (number, stem, inflection, other names). Kyrgyz uses the Russian nominative + suffixes.
_MONTH_NAMES = (
    (1, "январ", "soft", "january jan янв"),
    (2, "феврал", "soft", "february feb фев"),
    (3, "март", "hard", "march mar мар"),
    (4, "апрел", "soft", "april apr апр"),
    (5, "ма", "may", "may"),
    (6, "июн", "soft", "june jun"),
    (7, "июл", "soft", "july jul"),
    (8, "август", "hard", "august aug авг"),
    (9, "сентябр", "soft", "september sep sept сен сент"),
    (10, "октябр", "soft", "october oct окт"),
    (11, "ноябр", "soft", "november nov ноя"),
    (12, "декабр", "soft", "december dec дек"),
)
# Inflection: (endings, "from" endings) of Russian cases and Kyrgyz cases / possessive.
_MONTH_ENDINGS = {
    "soft": ("ь|я|е|ю|ем|ы|ына|ында|ынын|ыны|га|да|дын|ды", "ынан|дан"),
    "hard": ("|а|е|у|ом|ы|ына|ында|ынын|ыны|ка|та|тын|ты", "ынан|тан"),
    "may": ("й|я|е|ю|ем|йы|йына|йында|йынын|йыны|йга|йда|йдын|йды", "йынан|йдан"),
}

# Canonical tokens: a year "2025", a number "3", "yr" (year word), "qr" (quarter), "hy" (half
# year), "m3" (a month), "d2026.02.01" (a day), "by", "end", "from", "to", "-" (range), "?".
# A replacement of "x -" marks a Kyrgyz "from" case ending: "2025-жылдан" is "2025 yr -".
_WORD_TABLE: tuple[tuple[str, str], ...] = (
    (r"жыл(?:ы|дын|га|да|дагы|дар|дары|дардын|дарда|дарга|дарды)?|жж?|год|года|году|годы|годов"
     r"|годах|гг?|years?|yrs?", "yr"),
    (r"жыл(?:дан|дардан)", "yr -"),
    (r"квартал(?:а|е|у|ом|ы|да|дын|га|ынын|ында|ына|дар|дары|дарында|дарынын)?|кв|чейрек(?:ти)?"
     r"|чейреги(?:нде|не|нин)?|quarter|qtr|q", "qr"),
    (r"квартал(?:дан|ынан|дарынан)|чейректен|чейрегинен", "qr -"),
    (r"полугоди(?:е|я|и|ю|ем|ях|й)|полугодье|жарым(?:ы|ында|ына|ынын)?|half|h", "hy"),
    (r"жылдык(?:та|ка|тын)?|жылдыг(?:ы|ында|ына|ынын)", ""),
    (r"жылдыгынан|жылдыктан", "-"),
    (r"ай|айы|айында|айына|айга|айда|айынын|month", ""),
    (r"айынан|айдан", "-"),
    (r"кун(?:у|ундо|уно|унун)?|числа|число|day", ""),
    (r"до|by|until|till|чейин|дейре|к|ко", "by"),
    (r"конца|конец|конце|окончания|end|аягы|аягына|аягында", "end"),
    (r"с|со|c|from", "from"),
    (r"по|to|through|thru", "to"),
    (r"в|во|на|in|on|of|the|during|within|течение|протяжении|ичинде|ичи|бою|учурунда", ""),
)


def _month_rules() -> tuple[tuple[str, str], ...]:
    rules = []
    for number, stem, inflection, others in _MONTH_NAMES:
        endings, from_endings = _MONTH_ENDINGS[inflection]
        rules.append((rf"{stem}(?:{endings})|{'|'.join(others.split())}", f"m{number}"))
        rules.append((rf"{stem}(?:{from_endings})", f"m{number} -"))
    return tuple(rules)


@cache
def word_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each word's pattern and its canonical token, tried in order."""
    return tuple((re.compile(p), c) for p, c in _WORD_TABLE + _month_rules())

# --- tokens ---------------------------------------------------------------------------------------
