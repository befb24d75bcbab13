"""Turning what staff typed into codes and numbers, one column type at a time.

Each column type of schemas/*.toml has one normaliser here. A value that cannot be recognised
for certain becomes a finding and stays unknown: never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from .. import messages, ooxml
from ..model import Cell, Finding, Layout, Record, Severity, warning
from . import textnorm
from .formats import TableFormat, WordMatch, vocabulary

# A score typed with its unit or its scale word: "2", "2.0", "2,0", "2 балл", "2 (орточо)".
_SCORE = re.compile(
    r"^(?P<n>\d{1,3})(?:[.,]0+)?\s*(?:балл\w*|бал|б\.?|points?|pts?|очк\w*)?\s*"
    r"(?:[(\-–—:]\s*(?P<word>[^\d()]+?)\s*\)?)?$"
)


#: Numbers this large are out of range without further ado (and kept out of int64 columns).
SCORE_MAGNITUDE = 10**6


@dataclass(frozen=True)
class Parsed:
    """A normalised value, with the problem found, if any (a finding code and its params)."""

    value: Any
    problem: str | None = None
    typo: WordMatch | None = None
    params: dict[str, Any] | None = None


def _canonical(match: WordMatch) -> str | dict[str, str]:
    """What a word with a typo was recognised as: the vocabulary's word in every language
    (the user reads it in theirs), else the word it was nearest to."""
    key = f"word.{match.vocab}.{match.code}"
    if not messages.has(key):
        return match.meant or match.code
    return {lang: messages.text(key, lang) for lang in messages.LANGS}


def parse_score(v: Cell) -> Parsed:
    """A probability or harm score: an integer (range checked later by the schema) or a problem."""
    if v is None:
        return Parsed(None)
    if isinstance(v, bool) or isinstance(v, date):
        return Parsed(None, "score.unreadable")
    if isinstance(v, float) and v != v:
        return Parsed(None, "score.unreadable")  # NaN
    if isinstance(v, int | float) and not abs(v) < SCORE_MAGNITUDE:
        return Parsed(None, "score.out_of_range")  # 1e19: no scale has it, no int64 holds it
    if isinstance(v, int):
        return Parsed(v)
    if isinstance(v, float):
        return Parsed(int(v)) if v.is_integer() else Parsed(None, "score.unreadable")
    text = textnorm.fold(str(v))
    if not text:
        return Parsed(None)
    m = _SCORE.match(text)
    if m:
        n = int(m.group("n"))  # at most three digits
        word = m.group("word")
        if word:
            said = vocabulary("scale").lookup(word)
            if said is None or int(said.code) != n:
                return Parsed(None, "score.unreadable")
            if said.typo:
                return Parsed(n, typo=said)  # "2 (Орго)": the number stands, the word is checked
        return Parsed(n)
    said = vocabulary("scale").lookup(text)
    if said is None:
        return Parsed(None, "score.unreadable")
    return Parsed(int(said.code), typo=said if said.typo else None)


def _word(vocab: str, unknown: str) -> Callable[[Cell], Parsed]:
    def parse(v: Cell) -> Parsed:
        if v is None or (isinstance(v, str) and not textnorm.clean(v)):
            return Parsed(None)
        said = vocabulary(vocab).lookup(str(v))
        if said is None:
            return Parsed(None, unknown)
        return Parsed(said.code, typo=said if said.typo else None)

    return parse


#: The control vocabulary's code of "effective" with no degree (натыйжалуу, эффективный).
UNSTATED_CONTROL = "unstated"


def parse_control(v: Cell) -> Parsed:
    """Control effectiveness (point 5) as a level; a bare "натыйжалуу" / "эффективный" says no
    degree: unknown, with its own warning, so nothing is lowered (only *high* lowers)."""
    parsed = _word("control", "control.unknown")(v)
    if parsed.value == UNSTATED_CONTROL:
        return Parsed(None, "control.no_degree")
    return parsed


def parse_text(v: Cell) -> Parsed:
    if v is None:
        return Parsed(None)
    if isinstance(v, date):
        return Parsed(v.isoformat())
    text = textnorm.clean(str(v))
    return Parsed(text or None)


#: column type (schemas/*.toml) -> normaliser
NORMALISERS: dict[str, Callable[[Cell], Parsed]] = {
    "text": parse_text,
    "score": parse_score,
    "level": _word("levels", "level.unknown"),
    "category": _word("categories", "category.unknown"),
    "control": parse_control,
    "status": _word("statuses", "status.unknown"),
}

#: severity of each normalisation problem
PROBLEM_SEVERITY: dict[str, Severity] = {
    "score.unreadable": Severity.ERROR,
    "score.out_of_range": Severity.ERROR,
    "level.unknown": Severity.WARNING,
    "category.unknown": Severity.WARNING,
    "control.unknown": Severity.WARNING,
    "control.no_degree": Severity.WARNING,
    "status.unknown": Severity.WARNING,
    "deadline.unreadable": Severity.WARNING,
    "deadline.implausible": Severity.WARNING,
    "deadline.reversed": Severity.WARNING,
}


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index."""
    return ooxml.column_letter(index + 1)


def as_typed(v: Cell) -> Any:
    """A cell value as the findings and JSON show it."""
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return textnorm.clean(v)
    return v


#: A value parsed: (the normalised value, the value as typed, the Parsed when it has a
#: problem or a typo to report, else None).
_Done = tuple[Any, Any, "Parsed | None"]


def _parsed(parse: Callable[[Cell], Parsed], raw: Cell,
            seen: dict[tuple[type, Any], _Done]) -> _Done:
    """``raw`` parsed (a blank text is given as None), remembered in ``seen``."""
    if isinstance(raw, str) and not raw.strip():
        raw = None
    memo = (type(raw), raw)
    done = seen.get(memo)
    if done is None:
        parsed = parse(raw)
        flagged = parsed if parsed.problem or parsed.typo is not None else None
        done = seen[memo] = (parsed.value, as_typed(raw), flagged)
    return done


def normalise(
    records: list[Record],
    layout: Layout,
    fmt: TableFormat,
    sheet: str,
    extra: Mapping[str, Callable[[Cell], Any]] | None = None,
) -> tuple[pd.DataFrame, list[Finding]]:
    """One row per record, indexed by Excel row: ``<key>`` normalised, ``<key>_raw`` as typed."""
    found: list[Finding] = []
    parsers = {**NORMALISERS, **(extra or {})}
    data: dict[str, list[Any]] = {"section": [r.section for r in records]}
    cells = [rec.values for rec in records]
    for key, col in layout.columns.items():
        spec = fmt.column(key)
        parse = parsers[spec.type]
        letter = column_letter(col)
        # the same words recur down a column: each value parsed once (texts by their own
        # key, other values by type and value: 1, 1.0 and True are told apart)
        by_text: dict[str | None, _Done] = {}
        seen: dict[tuple[type, Any], _Done] = {}
        done_list: list[_Done] = []
        append = done_list.append
        text_column = parse is parse_text
        known = by_text.get
        for raw in [v.get(key) for v in cells]:
            if raw is None or type(raw) is str:
                done = known(raw)
                if done is None:
                    if text_column and raw is not None and raw.strip():
                        # parse_text and as_typed of a text: the text tidied, once
                        typed = textnorm.clean(raw)
                        done = by_text[raw] = (typed or None, typed, None)
                    else:
                        done = by_text[raw] = _parsed(
                            parse, raw if raw is None or raw.strip() else None, seen)
            else:
                done = seen.get((type(raw), raw)) or _parsed(parse, raw, seen)
            append(done)
        data[key] = [d[0] for d in done_list]
        data[f"{key}_raw"] = [d[1] for d in done_list]
        for i in [i for i, d in enumerate(done_list) if d[2] is not None]:
            rec, (_, typed, parsed) = records[i], done_list[i]
            if parsed is None or key in rec.merged_from_above:
                continue  # the finding stands once, on the merged cell's own row
            if parsed.problem:
                severity = PROBLEM_SEVERITY.get(parsed.problem, Severity.WARNING)
                found.append(
                    Finding(severity, parsed.problem, sheet, rec.row, letter, typed,
                            params=dict(parsed.params or {}), field=key)
                )
            elif parsed.typo is not None:
                found.append(
                    Finding(Severity.WARNING, "word.typo", sheet, rec.row, letter, typed,
                            params={"meant": _canonical(parsed.typo)}, field=key)
                )
    for rec in records:
        for extra_row in rec.continued_rows:
            found.append(
                warning(
                    "row.continuation",
                    sheet=sheet,
                    row=extra_row,
                    params={"number": rec.row},
                )
            )
    frame = pd.DataFrame(data, index=pd.Index([r.row for r in records], name="row"))
    return frame, found
