"""Every high risk has a measure (Annex I, point 6): the cross-check of registers and plans.

A high risk (its computed level, or its stated level when not scored) is covered when, in this
order: its own row has a recommended measure; a plan row's risk reference cites it (by its
number in a register without sections, else as *section order.number*); or a plan task,
activity or expected result quotes its "cases and situations" text in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import textnorm

_REF = re.compile(r"\d+(?:\.\d+)?")

#: A risk's text must be at least this long to count as quoted in a plan.
MIN_QUOTE = 10


@dataclass
class PlanMeasures:
    """What a plan table offers as measures: the risk references it cites, and its texts."""

    cited: set[str] = field(default_factory=set)
    text: str = ""  # folded texts of tasks, activities and expected results, one per line


def plan_measures(frame: pd.DataFrame) -> PlanMeasures:
    """The measures of a plan's normalised frame."""
    cited: set[str] = set()
    if "risk_ref" in frame:
        for v in frame["risk_ref"]:
            if isinstance(v, str | int | float) and not pd.isna(v):
                cited.update(_REF.findall(str(v)))
    texts: list[str] = []
    for key in ("task", "activity", "expected"):
        if key in frame:
            texts.extend(textnorm.fold(v) for v in frame[key] if isinstance(v, str))
    return PlanMeasures(cited, "\n".join(texts))


def risk_refs(frame: pd.DataFrame) -> dict[int, str]:
    """Each risk's reference as a plan cites it: its number ("2") in a register without
    sections, else "<section's order>.<number>" ("1.3": the third risk of the first section)."""
    numbers = frame["number"] if "number" in frame else [None] * len(frame)
    sections = list(dict.fromkeys(s for s in frame["section"] if isinstance(s, str)))
    out: dict[int, str] = {}
    for row, sec, number in zip(frame.index, frame["section"], numbers, strict=True):
        num = textnorm.clean(str(number)).rstrip(".)") if isinstance(number, str | int) else ""
        if num:
            out[int(row)] = f"{sections.index(sec) + 1}.{num}" if sec in sections else num
    return out


def _high(rec: dict[Any, Any]) -> bool:
    level = rec.get("level")
    if isinstance(level, str):
        return level == "high"
    return rec.get("stated_level") == "high"


def uncovered(frame: pd.DataFrame, measures: list[Any]) -> list[int]:
    """The Excel rows of the high risks of a register's frame that no measure covers;
    ``measures`` are :class:`PlanMeasures` (or anything with ``cited`` and ``text``)."""
    cited = set().union(*(m.cited for m in measures)) if measures else set()
    haystack = "\n".join(m.text for m in measures)
    refs = risk_refs(frame)
    out: list[int] = []
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        if not _high(rec):
            continue
        if isinstance(rec.get("measures"), str) and rec["measures"].strip():
            continue
        if refs.get(int(row)) in cited:
            continue
        cases = rec.get("cases")
        if isinstance(cases, str) and len(cases) >= MIN_QUOTE and textnorm.fold(cases) in haystack:
            continue
        out.append(int(row))
    return out
