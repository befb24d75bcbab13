"""The sheets the copy adds: the Summary (each table's block by its kind, then the findings
counted by kind) and the Findings sheet (one row per finding, linked to its cell).

Both are laid out as reports to print: columns that fit what they hold, every row as tall as its
wrapped texts need, A4 one page wide with page breaks between blocks, and a footer with the
file, the sheet and the page (:class:`~workbook_tools.copyplan.SheetWriter`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import messages, textfit
from ..copyplan import (
    ERROR_COLOR,
    HEADER,
    LINK_COLOR,
    WARNING_COLOR,
    NewSheet,
    SheetWriter,
    Style,
)
from ..model import FileReport, Finding, Options
from ..ooxml import quoted_title

#: The Summary's columns: a narrow one for row numbers, a wide one for names and texts, five
#: for counts. Every block is written into these (a name may span the first two).
SUMMARY_WIDTHS = (7.0, 60.0, 11.5, 11.5, 11.5, 11.5, 11.5)
#: The Findings sheet's columns: severity, sheet, cell, value, message.
FINDINGS_WIDTHS = (12.0, 16.0, 8.0, 24.0, 60.0)


def footer(file_name: str, lang: str) -> tuple[str, str, str]:
    """The footer of every sheet the tool adds: the file, the sheet, the page."""
    return (file_name.replace("&", "&&"), "&A", messages.text("page.footer", lang))


def summary_title(report: FileReport, lang: str) -> str:
    """The Summary's heading: the assessment for registers, the progress for a plan."""
    kinds = {table.kind.name for table in report.tables}
    key = f"summary.title.{next(iter(kinds))}" if len(kinds) == 1 else "summary.title"
    return messages.text(key if messages.has(key) else "summary.title", lang)


def summary_sheet(report: FileReport, findings: tuple[Finding, ...], options: Options,
                  title: str) -> NewSheet:
    """Every table's summary, by its kind, then the findings counted by kind."""
    lang = options.lang
    t = messages.text
    sheet = NewSheet(title, widths=dict(enumerate(SUMMARY_WIDTHS, start=1)))
    out = SheetWriter(sheet, lang)
    out.text(summary_title(report, lang), bold=True, size=13)
    out.text(f"{t('summary.file', lang)}: {report.input.name}")
    out.text(t("summary.made", lang, date=messages.day_text(options.day)))
    out.gap()
    for table in report.tables:
        out.block()
        table.kind.summary(out, table, options)
    out.block()
    findings_block(out, findings)
    out.finish(footer=footer(report.input.name, lang))
    return sheet


def findings_block(out: SheetWriter, findings: tuple[Finding, ...]) -> None:
    """The findings counted by kind: severity, what it is, how many."""
    lang = out.lang
    t = messages.text
    out.line(t("summary.findings", lang), t("summary.count", lang), spans=[2, 1], bold=True,
             border="box")
    if not findings:
        out.line(t("summary.no_findings", lang), 0, spans=[2, 1], border="box")
        return
    by_kind = Counter((f.severity.value, f.code) for f in findings)
    for (sev, code), n in sorted(by_kind.items()):
        name = t(f"title.{code}", lang)  # every finding code has a title (tests/test_messages)
        colour = ERROR_COLOR if sev == "error" else WARNING_COLOR
        out.line(f"{t(f'severity.{sev}', lang)}: {name}", n, spans=[2, 1], border="box",
                 color=colour)
    out.line(t("summary.total", lang), len(findings), spans=[2, 1], bold=True, border="box")


def findings_sheet(findings: tuple[Finding, ...], options: Options, titles: dict[str, str],
                   title: str, file_name: str) -> NewSheet:
    """One row per finding; its cell links to the place in the copy. The header row is
    repeated on every printed page."""
    lang = options.lang
    t = messages.text
    widths = dict(enumerate(FINDINGS_WIDTHS, start=1))
    # the severity column as wide as its longest word ("Предупреждение")
    widths[1] = max([widths[1], *(textfit.width_for_words(t(f"severity.{s}", lang), bold=True)
                                  for s in ("error", "warning"))])
    sheet = NewSheet(title, widths=widths, freeze="A2")
    out = SheetWriter(sheet, lang)
    head = (t("findings.severity", lang), t("summary.sheet", lang), t("findings.cell", lang),
            t("findings.value", lang), t("findings.message", lang))
    sheet.rows.append([(h, HEADER) for h in head])
    sheet.heights[1] = max(textfit.height_needed(h, widths[i], bold=True)
                           for i, h in enumerate(head, start=1))
    for f in findings:
        value = "" if f.value is None else str(f.value)
        colour = ERROR_COLOR if f.is_error else WARNING_COLOR
        box = Style(border="box", wrap=True)
        cells: list[tuple[Any, Style | None]] = [
            (t(f"severity.{f.severity.value}", lang),
             Style(bold=True, color=colour, border="box", wrap=True)),
            *[(v, box) for v in (f.sheet or "", f"{f.column or ''}{f.row or ''}", value,
                                 messages.render(f, lang))],
        ]
        sheet.rows.append(cells)
        row = len(sheet.rows)
        sheet.heights[row] = max(
            textfit.height_needed(v, widths[i], bold=i == 1)
            for i, (v, _) in enumerate(cells, start=1) if v != "")
        target = titles.get(f.sheet or "")
        if f.row and target is not None:
            sheet.links[(row, 3)] = f"{quoted_title(target)}!{f.column or 'A'}{f.row}"
            cells[2] = (cells[2][0], Style(border="box", color=LINK_COLOR, underline=True,
                                             wrap=True))
    out.finish(repeat_rows=(1, 1), footer=footer(file_name, lang))
    return sheet
