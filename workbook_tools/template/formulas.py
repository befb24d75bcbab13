"""The formulas of the self-scoring templates, generated from the rule tables.

Nothing here restates a rule: the points of the scales and their words come from
``rules.matrix`` and the vocabulary (``schemas/vocabulary.toml``), the category of each sum from
``matrix.CATEGORY_BY_SUM``, the residual level from ``matrix.residual_level`` under the template's
setting, the measures from ``matrix.MEASURE_KEY``; the plan's status from ``rules.plan``
(``DUE_SOON_DAYS``, the done words) and the deadline forms of the drop-down from
``rules.deadlines.parse_deadline`` itself (:func:`deadline_table`).

Formulas use only functions Excel and LibreOffice share (IF, AND, OR, ISNUMBER, MATCH, TRIM,
CHOOSE, INDEX, DATE, YEAR, TODAY, MIN) and inline arrays, so both compute them as staff type.
A formula is stricter than the tool: what it cannot read for certain it marks (:data:`INVALID`,
:data:`INCOMPLETE`, :data:`UNREAD`), never guesses; the tool reads the file afterwards anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .. import messages
from ..model import DEFAULT_RESIDUAL_RULE, Level, ResidualRule
from ..rules import matrix, plan
from ..rules.deadlines import DeadlineError, parse_deadline
from ..rules.formats import vocabulary_words

#: A score the formula cannot read (not 1-3, not a scale word).
INVALID = "✗"
#: A risk with one score of two, or an activity without a deadline: nothing to compute yet.
INCOMPLETE = "…"
#: A deadline in a form the formula does not read (the tool does).
UNREAD = "?"
#: The last day of an activity done all the time (постоянно): it has none.
NO_DAY = "—"

_SUMS = range(1, max(matrix.CATEGORY_BY_SUM) + 1)


def quote(text: str) -> str:
    """A string literal of a formula."""
    return '"' + text.replace('"', '""') + '"'


def _array(words: Iterable[str]) -> str:
    return "{" + ",".join(quote(w) for w in dict.fromkeys(words)) + "}"


def _is_one_of(cell: str, words: Iterable[str]) -> str:
    """TRUE when the trimmed cell is one of ``words`` (MATCH ignores case in both programs)."""
    return f"ISNUMBER(MATCH(TRIM({cell}),{_array(words)},0))"


def score_words(points: int) -> list[str]:
    """What the formula reads as ``points``: the digit, "N балл", and the scale's words."""
    scale = vocabulary_words("scale")[str(points)]
    return [str(points), f"{points} балл", f"{points} балла", f"{points} баллов", *scale]


def points(cell: str) -> str:
    """The points of a score cell, :data:`INCOMPLETE` when empty, :data:`INVALID` when unread."""
    numbers = ",".join(f"{cell}={p}" for p in matrix.VALID_POINTS)
    invalid = quote(INVALID)
    words = invalid
    for p in reversed(matrix.VALID_POINTS):
        words = f"IF({_is_one_of(cell, score_words(p))},{p},{words})"
    return (f'IF({cell}="",{quote(INCOMPLETE)},IF(ISNUMBER({cell}),IF(OR({numbers}),{cell},'
            f'{invalid}),{words}))')


def score_sum(probability: str, harm: str, cases: str) -> str:
    """The sum of points (Annex I, table 3); empty for an empty row, a mark for a row whose
    scores are missing or unread."""
    p, h = points(probability), points(harm)
    bad, half = quote(INVALID), quote(INCOMPLETE)
    return (f'=IF(AND({probability}="",{harm}=""),IF({cases}="","",{half}),'
            f'IF(OR({p}={bad},{h}={bad}),{bad},IF(OR({p}={half},{h}={half}),{half},{p}+{h})))')


def _by_sum(values: Mapping[int, str]) -> str:
    return ",".join(quote(values.get(s, "")) for s in _SUMS)


def level_words(lang: str) -> dict[int, str]:
    """The level word of each possible sum (table 4), in ``lang``."""
    return {s: messages.level_name(level, lang) for s, level in matrix.CATEGORY_BY_SUM.items()}


def level(total: str, lang: str) -> str:
    """The level of the sum in cell ``total``; empty when it has none (the sum shows why: a
    mark in the level column would read as a level the tool does not know)."""
    return f'=IF(ISNUMBER({total}),CHOOSE({total},{_by_sum(level_words(lang))}),"")'


def control_high_words() -> list[str]:
    """The words that mark controls as highly effective (the vocabulary's ``high``)."""
    return vocabulary_words("control")[Level.HIGH.value]


def residual_words(lang: str, rule: ResidualRule = DEFAULT_RESIDUAL_RULE) -> dict[int, str]:
    """The residual level of each sum with highly effective controls (point 5, the setting)."""
    out = {}
    for s, category in matrix.CATEGORY_BY_SUM.items():
        lowered = matrix.residual_level(category, Level.HIGH, rule)
        out[s] = messages.level_name(lowered, lang)
    return out


def residual(total: str, control: str, lang: str,
             rule: ResidualRule = DEFAULT_RESIDUAL_RULE) -> str:
    """The residual level: one category lower when the control cell says highly effective."""
    lowered = _by_sum(residual_words(lang, rule))
    same = _by_sum(level_words(lang))
    return (f"=IF(ISNUMBER({total}),IF({_is_one_of(control, control_high_words())},"
            f'CHOOSE({total},{lowered}),CHOOSE({total},{same})),"")')


def measure_words(lang: str) -> dict[int, str]:
    """The measure point 6 requires for each sum's level, in a few words."""
    return {s: messages.text(matrix.MEASURE_KEY[lv].replace("measure.", "measure_short."), lang)
            for s, lv in matrix.CATEGORY_BY_SUM.items()}


def measure(total: str, lang: str) -> str:
    return f'=IF(ISNUMBER({total}),CHOOSE({total},{_by_sum(measure_words(lang))}),"")'


# --- the plan ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineForm:
    """A deadline of the drop-down and what the tool reads it as."""

    text: str
    start: date | None
    end: date | None
    recurring: bool
    continuous: bool


#: The years of the strategy's plan (2025-2030) the drop-down offers.
PLAN_YEARS = range(2025, 2031)

_FORMS: dict[str, dict[str, str]] = {
    "ky": {"year": "{y}-жыл", "quarter": "{y}-жылдын {q}-кварталы",
           "half": "{y}-жылдын {h}-жарым жылдыгы", "range": "{a}-{b}-жылдар",
           "yearly": "{a}-{b}-жылдар (жыл сайын)", "always": "{a}-{b}-жылдар (туруктуу)",
           "every": "жыл сайын", "ongoing": "туруктуу"},
    "ru": {"year": "{y} г.", "quarter": "{qr} квартал {y} г.", "half": "{h} полугодие {y} г.",
           "range": "{a}-{b} гг.", "yearly": "{a}-{b} гг. (ежегодно)",
           "always": "{a}-{b} гг. (постоянно)", "every": "ежегодно", "ongoing": "постоянно"},
    "en": {"year": "{y}", "quarter": "Q{q} {y}", "half": "H{h} {y}", "range": "{a}-{b}",
           "yearly": "{a}-{b} (annually)", "always": "{a}-{b} (ongoing)", "every": "annually",
           "ongoing": "ongoing"},
}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _form_texts(lang: str) -> list[str]:
    f = _FORMS.get(lang, _FORMS["en"])
    out = [f["every"], f["ongoing"]]
    spans = [(2025, 2027), (2028, 2030), (2025, 2030)]
    for a, b in spans:
        out += [f[k].format(a=a, b=b) for k in ("range", "yearly", "always")]
    for y in PLAN_YEARS:
        out.append(f["year"].format(y=y))
        out += [f["half"].format(y=y, h=h) for h in (1, 2)]
        out += [f["quarter"].format(y=y, q=q, qr=_ROMAN[q]) for q in (1, 2, 3, 4)]
    return out


def deadline_table(lang: str) -> list[DeadlineForm]:
    """The deadline forms of the drop-down, each as :func:`parse_deadline` reads it: the
    formulas look the form up here rather than parse text. Forms the formulas could not follow
    (due on a day of the year, every quarter or month) are left out."""
    out = []
    for text in _form_texts(lang):
        try:
            d = parse_deadline(text)
        except DeadlineError:  # pragma: no cover - the forms above are the tool's own
            continue
        if d.yearly_day is not None or d.every in ("quarter", "month"):
            continue  # pragma: no cover
        out.append(DeadlineForm(text, d.due_start, d.due_end, d.recurring,
                                d.every == "continuous"))
    return out


@dataclass(frozen=True)
class DeadlineRefs:
    """Where the deadline table sits: absolute ranges of its columns (text, start, end,
    recurring, continuous) on the lists sheet."""

    text: str
    start: str
    end: str
    recurring: str
    continuous: str


def due_day(deadline: str, activity: str, status: str, t: DeadlineRefs) -> str:
    """The day the activity is next due (``rules.plan.next_due``): a date typed, a year typed
    as a number, or a drop-down form; :data:`NO_DAY` for continuous activities without a
    period, :data:`UNREAD` for any other text, :data:`INCOMPLETE` when a row has no deadline."""
    idx = f"MATCH(TRIM({deadline}),{t.text},0)"
    s, e = f"INDEX({t.start},{idx})", f"INDEX({t.end},{idx})"
    rec, cont = f"INDEX({t.recurring},{idx})", f"INDEX({t.continuous},{idx})"
    day = f"IF(AND({s}>0,TODAY()<{s}),{s},TODAY())"
    yearly = f"DATE(YEAR({day}),12,31)"
    recurring = (f"IF(AND({e}>0,TODAY()>{e}),{e},IF({cont}=1,IF({e}>0,MIN({yearly},{e}),"
                 f"{quote(NO_DAY)}),IF({e}>0,MIN({yearly},{e}),{yearly})))")
    lo, hi = 2000, 2100  # a year typed as a number (parse_deadline's bounds)
    number = f"IF(AND({deadline}>={lo},{deadline}<={hi}),DATE({deadline},12,31),{deadline})"
    return (f'=IF({deadline}="",IF(AND({activity}="",{status}=""),"",{quote(INCOMPLETE)}),'
            f"IF(ISNUMBER({deadline}),{number},IF(ISNUMBER({idx}),"
            f"IF({rec}=1,{recurring},{e}),{quote(UNREAD)})))")


def done_words() -> list[str]:
    """The status words that mean done (the vocabulary's ``done``)."""
    return vocabulary_words("statuses")["done"]


def status_words(lang: str) -> dict[str, str]:
    """The computed status codes (``rules.plan.STATUSES``) as words in ``lang``."""
    return {code: messages.text(f"status.{code}", lang) for code in plan.STATUSES}


def state(due: str, deadline: str, activity: str, status: str, lang: str) -> str:
    """The status of ``rules.plan.status_of`` for today, from the due day in cell ``due``."""
    w = {k: quote(v) for k, v in status_words(lang).items()}
    return (f'=IF(AND({activity}="",{deadline}="",{status}=""),"",'
            f"IF({_is_one_of(status, done_words())},{w['done']},"
            f"IF(ISNUMBER({due}),IF(TODAY()>{due},{w['overdue']},"
            f"IF({due}-TODAY()<={plan.DUE_SOON_DAYS},{w['due_soon']},{w['on_track']})),"
            f"IF({due}={quote(NO_DAY)},{w['ongoing']},IF({due}={quote(UNREAD)},"
            f"{quote(UNREAD)},{w['no_deadline']})))))")
