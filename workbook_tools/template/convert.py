"""``workbook-tools template KIND [--from OLD] -o NEW``: a blank template, or an old register or
plan moved into one without retyping.

The old workbook is read through the pipeline (:func:`workbook_tools.pipeline.run`), so every
file it would refuse is refused here with the same reason. Each risk (activity) is carried with
its section: texts as the tool read them (continuation rows joined), words the tool recognised
(scores, categories, control, status) in the template's own words, anything else as typed. The
findings on the old file are listed on the template's instructions sheet; rows whose level was
stated without scores say so there too (the template computes levels from scores only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import messages
from ..model import DEFAULT_OPTIONS, Finding, Options, Table
from .build import CATEGORY_CODES, CONTROL_CODES, STATUS_CODES, Row, build_template, words
from .columns import COLUMNS

#: Columns whose recognised code is written as the template's word: (vocabulary, codes).
_WORDED: dict[str, tuple[str, tuple[str, ...]]] = {
    "category": ("categories", CATEGORY_CODES),
    "control": ("control", CONTROL_CODES),
    "status": ("statuses", STATUS_CODES),
}


@dataclass
class TemplateResult:
    """What the command prints and its exit code (0 written, 2 not written)."""

    code: int
    lines: list[str] = field(default_factory=list)
    output: Path | None = None
    rows: int = 0


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _value(key: str, rec: dict[str, Any], raw: Any, lang: str) -> Any:
    """What goes into the template's cell of ``key``."""
    v: Any = rec.get(key)
    if key in ("probability", "harm"):
        return int(v) if not _missing(v) and float(v).is_integer() else raw
    if key in _WORDED:
        vocab, codes = _WORDED[key]
        if isinstance(v, str) and v in codes:
            return words(vocab, (v,), lang)[0]
        return raw
    if key == "deadline":
        return raw  # as typed: the formula reads the drop-down's forms and dates
    if isinstance(v, str) and v.strip():
        return v
    return raw if not _missing(raw) else None


def rows_of(table: Table, lang: str) -> list[Row]:
    """The rows of a table read by the tool, as template rows, sections between them."""
    keys = [c.key for c in COLUMNS[table.kind.name] if not c.formula]
    out: list[Row] = []
    section: str | None = None
    cols = table.layout.columns
    for row, rec in table.records():
        sec = rec.get("section")
        if isinstance(sec, str) and sec and sec != section:
            out.append(Row(section=sec))
        section = sec if isinstance(sec, str) else section
        values = {}
        for key in keys:
            raw = (table.grid.value(row - 1, cols[key]) if table.grid is not None
                   and key in cols else None)
            values[key] = _value(key, rec, raw, lang)
        out.append(Row(values))
    return out


def _finding_lines(findings: Iterable[Finding], lang: str) -> list[str]:
    out = []
    for f in findings:
        where = " ".join(p for p in (f.sheet or "", f"{f.column or ''}{f.row or ''}") if p)
        out.append(f"{where}: {messages.render(f, lang)}" if where else messages.render(f, lang))
    return out


def _stated_only(tables: Iterable[Table], lang: str) -> list[str]:
    """A line for each risk whose level was stated without scores: the template computes
    levels from scores, so that level must be scored again."""
    out = []
    for t in tables:
        if "stated_level" not in t.frame or "score" not in t.frame:
            continue
        for row, stated, score in zip(t.frame.index, t.frame["stated_level"], t.frame["score"],
                                      strict=True):
            if isinstance(stated, str) and _missing(score):
                out.append(messages.text("template.stated_only", lang, sheet=t.sheet,
                                         row=int(row), level=messages.level_name(stated, lang)))
    return out


def make_template(kind: str, output: Path, *, lang: str = messages.DEFAULT_LANG,
                  unit: str | None = None, source: Path | None = None,
                  options: Options = DEFAULT_OPTIONS) -> TemplateResult:
    """Write the template (blank, or with ``source``'s rows); never raises for a bad source:
    a failure of the tool itself is said in a line (its traceback only under ``debug``)."""
    try:
        return _make(kind, output, lang, unit, source, options)
    except Exception as exc:
        if options.debug:
            raise
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return TemplateResult(2, [messages.text("template.write_failed", lang, detail=detail)])


def _make(kind: str, output: Path, lang: str, unit: str | None, source: Path | None,
          options: Options) -> TemplateResult:
    from ..pipeline import run  # the pipeline imports the template's check: not at import

    rows: list[Row] = []
    notes: list[str] = []
    lines: list[str] = []
    if source is not None:
        report = run(source, write=False, options=options)
        tables = [t for t in report.tables if t.kind.name == kind]
        if report.status == "rejected" and report.reason != "file.no_table":
            return TemplateResult(2, [messages.rejection(report, lang) or str(report.reason)])
        if not tables:
            term = messages.text(f"template.kind.{kind}", lang)
            return TemplateResult(2, [messages.text("template.no_table", lang,
                                                    source=source.name, kind=term)])
        for t in tables:
            rows += rows_of(t, lang)
        found = [f for f in report.findings]
        notes.append(messages.text("template.howto.findings" if found else
                                   "template.howto.no_findings", lang, source=source.name))
        notes += _finding_lines(found, lang)
        notes += _stated_only(tables, lang)
        moved = sum(1 for r in rows if r.section is None)
        lines.append(messages.text("template.moved", lang, n=moved, source=source.name))
    path = build_template(kind, output, lang=lang, unit=unit, rows=rows,
                          residual=options.residual, notes=notes)
    lines.append(messages.text("template.written", lang, path=path))
    return TemplateResult(0, lines, path, sum(1 for r in rows if r.section is None))


__all__ = ["TemplateResult", "make_template", "rows_of"]
