"""The sheets the copy adds: the Summary (each table's block by its kind, then the findings
counted by kind) and the Findings sheet (one row per finding, linked to its cell)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import messages
from ..copyplan import (
    ERROR_COLOR,
    HEADER_FILL,
    LINK_COLOR,
    WARNING_COLOR,
    NewSheet,
    SheetWriter,
    Style,
)
from ..model import FileReport, Finding, Options


def quoted(sheet: str) -> str:
    """A sheet's name as a formula or a link quotes it."""
    return "'" + sheet.replace("'", "''") + "'"


def summary_sheet(report: FileReport, findings: tuple[Finding, ...], options: Options,
                  title: str) -> NewSheet:
    """Every table's summary, by its kind, then the findings counted by kind."""
    lang = options.lang
    t = messages.text
    sheet = NewSheet(title, widths=dict(enumerate((44, 16, 50, 60, 14, 14), start=1)))
    out = SheetWriter(sheet, lang)
    out.line(t("summary.title", lang), bold=True, size=13)
    out.line(f"{t('summary.file', lang)}: {report.input.name}")
    out.gap()
    for table in report.tables:
        table.kind.summary(out, table, options)
    out.line(t("summary.findings", lang), t("summary.count", lang), bold=True, border="box")
    by_kind = Counter((f.severity.value, f.code) for f in findings)
    for (sev, code), n in sorted(by_kind.items()):
        name = t(f"title.{code}", lang) if messages.has(f"title.{code}") else code
        out.line(f"{t('severity.' + sev, lang)}: {name} ({code})", n, border="box")
    out.line(t("summary.total", lang), len(findings), bold=True, border="box")
    return sheet


def findings_sheet(findings: tuple[Finding, ...], lang: str, titles: dict[str, str],
                   title: str) -> NewSheet:
    """One row per finding; its cell links to the place in the copy."""
    t = messages.text
    sheet = NewSheet(title, widths=dict(enumerate((14, 18, 10, 22, 24, 90), start=1)),
                     freeze="A2")
    out = SheetWriter(sheet, lang)
    out.line(t("findings.severity", lang), t("summary.sheet", lang), t("findings.cell", lang),
             t("findings.code", lang), t("findings.value", lang), t("findings.message", lang),
             bold=True, fills=[HEADER_FILL] * 6, border="box")
    for f in findings:
        value = "" if f.value is None else str(f.value)
        colour = ERROR_COLOR if f.is_error else WARNING_COLOR
        cells: list[tuple[Any, Style | None]] = [
            (t(f"severity.{f.severity.value}", lang), Style(bold=True, color=colour, border="box",
                                                            wrap=True)),
            *[(v, Style(border="box", wrap=True)) for v in (
                f.sheet or "", f"{f.column or ''}{f.row or ''}", f.code, value,
                messages.render(f, lang))],
        ]
        sheet.rows.append(cells)
        target = titles.get(f.sheet or "")
        if f.row and target is not None:
            row = len(sheet.rows)
            sheet.links[(row, 3)] = f"{quoted(target)}!{f.column or 'A'}{f.row}"
            cells[2] = (cells[2][0], Style(border="box", color=LINK_COLOR, underline=True))
    return sheet
