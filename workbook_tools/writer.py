"""The annotated copy ``<name>.scored.xlsx``: the staff's workbook, kept, plus what the tool found.

Everything staff wrote stays as it was (values, formatting, merged cells, other sheets). Beside
each table come computed columns; risk rows are coloured by level with a legend; cells with
findings are marked and commented; a Summary sheet and a Findings sheet are added (and, for a
plan, the yearly report).

This module decides *what* the copy adds and records it in a
:class:`~workbook_tools.copyplan.CopyPlan`; a backend writes it (backend_stream for .xlsx/.xlsm,
streaming the package; backend_openpyxl for the rest, or when the stream backend declines).
Outputs are written atomically (:func:`save_atomic`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from . import coords, messages, rules
from .copyplan import CopyPlan, NewSheet, Overlay, SheetEdits, Style
from .errors import RejectedFile
from .findings import Finding
from .pipeline import FileReport, Options, Table
from .reader import Grid

HEADER_FILL = "FFD9D9D9"
ERROR_COLOR = "FFC00000"
WARNING_COLOR = "FF9C5700"
LINK_COLOR = "FF0563C1"
BOLD = Style(bold=True, wrap=True)
TITLE = Style(bold=True, size=13)
HEADER = Style(bold=True, fill=HEADER_FILL, border="box", wrap=True)
MAX_COMMENT = 2000
LEVEL_FILLS = rules.LEVEL_FILL  # ARGB by level


# --- sheet titles ------------------------------------------------------------------------------

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def unique_title(taken: set[str], wanted: str) -> str:
    """``wanted`` cut to Excel's 31 characters, with " (2)"... when the name is taken."""
    lowered = {t.lower() for t in taken}
    name, n = wanted[:31], 2
    while name.lower() in lowered:
        suffix = f" ({n})"
        name, n = wanted[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def copy_titles(report: FileReport) -> dict[str, str]:
    """Each sheet's title in the copy, by its name as read. An .xlsx keeps its names; sheets of
    .xls and .ods are rebuilt, their names made valid for Excel (31 characters, none of
    []:*?/\\)."""
    if report.format in ("xlsx", "xlsm"):
        return {name: name for name in report.sheet_names}
    taken: set[str] = set()
    return {
        name: unique_title(taken, _BAD_TITLE.sub("_", name).strip("'") or "_")
        for name in report.sheet_names
    }


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# --- computed columns by table kind -----------------------------------------------------------

Column = tuple[str, Callable[[dict[str, Any], str], Any]]


def _level_text(v: Any, lang: str) -> Any:
    return messages.level_name(v, lang) if isinstance(v, str) else None


REGISTER_COLUMNS: list[Column] = [
    ("col.sum", lambda r, lang: None if pd.isna(r.get("score")) else int(r["score"])),
    ("col.level", lambda r, lang: _level_text(r.get("level"), lang)),
    ("col.residual", lambda r, lang: _level_text(r.get("residual_level"), lang)),
    ("col.measure", lambda r, lang: messages.text(r["measure"], lang)
     if isinstance(r.get("measure"), str) else None),
]


def computed_columns(kind: str) -> list[Column]:
    if kind == "register":
        return REGISTER_COLUMNS
    from .plan import PLAN_COLUMNS

    return PLAN_COLUMNS


def row_fill(table: Table, rec: dict[str, Any]) -> str | None:
    """The ARGB colour of a row: its computed level (register) or status (plan)."""
    if table.kind == "register":
        level = rec.get("level")
        return LEVEL_FILLS.get(rules.Level(level)) if isinstance(level, str) else None
    from .plan import STATUS_FILL

    status = rec.get("status")
    return STATUS_FILL.get(status) if isinstance(status, str) else None


# --- the annotated table ------------------------------------------------------------------------


class Sheet:
    """What the copy's sheet already holds, from the values read (1-based coordinates)."""

    def __init__(self, grid: Grid, edits: SheetEdits) -> None:
        self.grid = grid
        self.edits = edits
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in grid.merged:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
                continue  # the guard bounds the total; a huge range is a title, not a table
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.covered[(r + 1, c + 1)] = (r0 + 1, c0 + 1)

    def occupied(self, row: int, col: int) -> bool:
        v = self.grid.value(row - 1, col - 1)
        return (v is not None and v != "") or (row, col) in self.edits.cells or (
            (row, col) in self.covered
        )

    def free_columns(self, first: int, rows: range, count: int) -> int:
        """The first column at or after ``first`` with ``count`` empty columns over ``rows``."""
        col = first
        while any(self.occupied(r, c) for c in range(col, col + count) for r in rows):
            col += 1
        return col

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The cell that shows (row, col): the top-left cell of its merged range."""
        return self.covered.get((row, col), (row, col))

    def put(self, row: int, col: int, value: Any, style: Style | None) -> None:
        if value is None or (row, col) in self.covered:
            return
        self.edits.cells[(row, col)] = (value, style)

    def overlay(self, row: int, col: int, fill: str | None = None,
                border: str | None = None) -> None:
        if (row, col) in self.covered:
            return
        old = self.edits.overlays.get((row, col), Overlay())
        self.edits.overlays[(row, col)] = Overlay(fill or old.fill, border or old.border)


def _findings_by_row(found: Iterable[Finding]) -> dict[int, list[Finding]]:
    by_row: dict[int, list[Finding]] = defaultdict(list)
    for f in found:
        if f.row is not None:
            by_row[f.row].append(f)
    return by_row


def annotate_table(sheet: Sheet, table: Table, lang: str) -> tuple[int, int]:
    """Computed columns, row colours, marked cells; returns the computed block's columns."""
    layout = table.layout
    header = layout.header_row + 1
    frame = table.frame
    last_row = max([header, *[int(r) for r in frame.index],
                    *[f.row for f in table.findings if f.row]])
    columns = computed_columns(table.kind) + [("col.findings", lambda r, lang: None)]
    start = sheet.free_columns(layout.last_column + 2, range(header, last_row + 1), len(columns))
    for i, (key, _) in enumerate(columns):
        sheet.put(header, start + i, messages.text(key, lang), HEADER)
        sheet.edits.widths[start + i] = 16 if i < 3 else 40
    table_cols = range(layout.first_column + 1, layout.last_column + 2)
    plain = Style(border="box", wrap=True)
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        row = int(row)
        colour = row_fill(table, rec)
        if colour is not None:
            sheet.edits.row_fills[row] = (table_cols.start, table_cols.stop - 1, colour)
        style = Style(border="box", wrap=True, fill=colour) if colour else plain
        for i, (_, value_of) in enumerate(columns[:-1]):
            sheet.put(row, start + i, value_of(rec, lang), style)
    findings_col = start + len(columns) - 1
    for row, found in _findings_by_row(table.findings).items():
        texts = "\n".join(f"• {messages.render(f, lang)}" for f in found)
        colour = ERROR_COLOR if any(f.is_error for f in found) else WARNING_COLOR
        sheet.put(row, findings_col, texts, Style(border="box", wrap=True, color=colour))
        for f in found:
            if f.column is None:
                continue
            at = sheet.anchor(row, coords.number(f.column))
            sheet.overlay(*at, border="mark")
            note = messages.render(f, lang)
            old = sheet.edits.comments.get(at)
            sheet.edits.comments[at] = (f"{old}\n{note}" if old else note)[:MAX_COMMENT]
    return start, findings_col


def _legend_entries(kind: str, lang: str) -> list[tuple[str, Style]]:
    if kind == "register":
        entries = [
            (messages.level_name(lvl, lang), Style(fill=LEVEL_FILLS[lvl]))
            for lvl in (rules.Level.HIGH, rules.Level.MEDIUM, rules.Level.LOW)
        ]
    else:
        from .plan import legend_entries

        entries = legend_entries(lang)
    entries.append((messages.text("legend.finding", lang), Style(border="mark")))
    return entries


def write_legend(sheet: Sheet, header: int, first_col: int, after_col: int, kind: str,
                 lang: str) -> None:
    """The colour legend: on the row above the header, over the computed columns, when that
    row is free there; else in a column of its own right of them."""
    entries = _legend_entries(kind, lang)
    cells = len(entries) + 1
    if header > 1 and not any(
        sheet.occupied(header - 1, c) for c in range(first_col, first_col + cells)
    ):
        places = [(header - 1, first_col + i) for i in range(cells)]
    else:
        col = sheet.free_columns(after_col + 2, range(header, header + cells), 1)
        places = [(header + i, col) for i in range(cells)]
        sheet.edits.widths[col] = 24
    sheet.put(*places[0], messages.text("legend.title", lang), Style(bold=True))
    for (row, col), (label, style) in zip(places[1:], entries, strict=True):
        sheet.put(row, col, label, style)


# --- summary, findings and other new sheets ---------------------------------------------------


class SheetWriter:
    """Appends rows to a new sheet of the copy."""

    def __init__(self, sheet: NewSheet) -> None:
        self.sheet = sheet

    @property
    def row(self) -> int:
        """The Excel row the next line goes to."""
        return len(self.sheet.rows) + 1

    def line(self, *values: Any, bold: bool = False, size: float | None = None,
             fills: list[str | None] | None = None, border: str | None = None,
             color: str | None = None) -> int:
        cells: list[tuple[Any, Style | None]] = []
        for i, v in enumerate(values):
            fill = fills[i] if fills and i < len(fills) else None
            cells.append((v, Style(bold=bold, size=size, fill=fill, border=border, wrap=True,
                                   color=color)))
        self.sheet.rows.append(cells)
        return len(self.sheet.rows)

    def gap(self) -> None:
        self.sheet.rows.append([])


def write_register_summary(out: SheetWriter, table: Table, lang: str, options: Options) -> None:
    t = messages.text
    frame = table.frame
    levels = [lv if isinstance(lv, str) else None for lv in frame["level"]]
    out.line(f"{t('summary.sheet', lang)}: {table.sheet}", bold=True)
    low_becomes = messages.level_name(options.residual.low_becomes, lang)
    out.line(t("summary.residual_rule", lang, low_becomes=low_becomes))
    out.gap()
    out.line(t("summary.by_level", lang), t("summary.count", lang), bold=True, border="box")
    counts = Counter(levels)
    for lvl in (rules.Level.HIGH, rules.Level.MEDIUM, rules.Level.LOW):
        out.line(messages.level_name(lvl, lang), counts.get(lvl.value, 0),
                 fills=[LEVEL_FILLS[lvl], None], border="box")
    out.line(messages.level_name(None, lang), counts.get(None, 0), border="box")
    out.line(t("summary.total", lang), len(levels), bold=True, border="box")
    out.gap()
    # by section
    order = [rules.Level.HIGH, rules.Level.MEDIUM, rules.Level.LOW]
    out.line(t("summary.by_section", lang), *[messages.level_name(x, lang) for x in order],
             messages.level_name(None, lang), t("summary.total", lang), bold=True,
             border="box", fills=[None, *[LEVEL_FILLS[x] for x in order]])
    sections: dict[str, Counter[str | None]] = {}
    for sec, lvl in zip(frame["section"], levels, strict=True):
        name = sec if isinstance(sec, str) and sec else t("summary.no_section", lang)
        sections.setdefault(name, Counter())[lvl] += 1
    for name, c in sections.items():
        out.line(name, *[c.get(x.value, 0) for x in order], c.get(None, 0), sum(c.values()),
                 border="box")
    out.gap()
    # heat map
    out.line(t("summary.heatmap", lang), bold=True)
    pairs = Counter(
        (int(p), int(h))
        for p, h, lvl in zip(frame.get("probability", []), frame.get("harm", []), levels,
                             strict=False)
        if lvl is not None
    )
    scale = {p: f"{p} ({messages.level_name(rules.POINTS_SCALE[p], lang)})"
             for p in rules.VALID_POINTS}
    out.line("", *[scale[h] for h in rules.VALID_POINTS], bold=True, border="box")
    for p in rules.VALID_POINTS:
        cells = [pairs.get((p, h), 0) for h in rules.VALID_POINTS]
        fills: list[str | None] = [None]
        for h in rules.VALID_POINTS:
            level = rules.level_for_sum(rules.score_sum(p, h))
            fills.append(LEVEL_FILLS[level] if level else None)
        out.line(scale[p], *cells, fills=fills, border="box")
    out.gap()
    # high risks
    high = rules.Level.HIGH
    out.line(t("summary.high_risks", lang), bold=True)
    out.line(t(rules.MEASURE_KEY[high], lang))
    out.line(t("summary.row", lang), t("summary.section", lang), t("summary.risk", lang),
             bold=True, border="box")
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        if rec.get("level") == high.value:
            risk = rec.get("cases") or rec.get("function") or ""
            out.line(int(row), rec.get("section") or "", risk, fills=[LEVEL_FILLS[high]],
                     border="box")
    out.gap()


def summary_sheet(report: FileReport, lang: str, options: Options, title: str) -> NewSheet:
    t = messages.text
    sheet = NewSheet(title, widths=dict(enumerate((44, 16, 50, 60, 14, 14), start=1)))
    out = SheetWriter(sheet)
    out.line(t("summary.title", lang), bold=True, size=13)
    out.line(f"{t('summary.file', lang)}: {report.input.name}")
    out.gap()
    for table in report.tables:
        if table.kind == "register":
            write_register_summary(out, table, lang, options)
        else:
            from .plan import write_plan_summary

            write_plan_summary(out, table, lang, options)
    out.line(t("summary.findings", lang), t("summary.count", lang), bold=True, border="box")
    by_kind = Counter((f.severity.value, f.code) for f in report.findings)
    for (sev, code), n in sorted(by_kind.items()):
        title = t(f"title.{code}", lang) if messages.has(f"title.{code}") else code
        out.line(f"{t('severity.' + sev, lang)}: {title} ({code})", n, border="box")
    out.line(t("summary.total", lang), len(report.findings), bold=True, border="box")
    return sheet


def findings_sheet(report: FileReport, lang: str, titles: dict[str, str], title: str) -> NewSheet:
    t = messages.text
    sheet = NewSheet(title, widths=dict(enumerate((14, 18, 10, 22, 24, 90), start=1)),
                     freeze="A2")
    out = SheetWriter(sheet)
    out.line(t("findings.severity", lang), t("summary.sheet", lang), t("findings.cell", lang),
             t("findings.code", lang), t("findings.value", lang), t("findings.message", lang),
             bold=True, fills=[HEADER_FILL] * 6, border="box")
    for f in report.findings:
        value = "" if f.value is None else str(f.value)
        colour = ERROR_COLOR if f.is_error else WARNING_COLOR
        cells = [
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
            sheet.links[(row, 3)] = f"{_quoted(target)}!{f.column or 'A'}{f.row}"
            cells[2] = (cells[2][0], Style(border="box", color=LINK_COLOR, underline=True))
    return sheet


def plan_copy(report: FileReport, options: Options, titles: dict[str, str]) -> CopyPlan:
    """Everything the annotated copy of ``report`` adds, as a :class:`CopyPlan`."""
    lang = options.lang
    plan = CopyPlan()
    for table in report.tables:
        title = titles.get(table.sheet)
        if title is None or table.grid is None:
            continue
        edits = plan.edits.setdefault(title, SheetEdits(title))
        sheet = Sheet(table.grid, edits)
        start, findings_col = annotate_table(sheet, table, lang)
        write_legend(sheet, table.layout.header_row + 1, start, findings_col, table.kind, lang)
    taken = set(titles.values())
    t = messages.text
    plan.new_sheets.append(summary_sheet(report, lang, options,
                                         unique_title(taken, t("sheet.summary", lang))))
    plan.new_sheets.append(findings_sheet(report, lang, titles,
                                          unique_title(taken, t("sheet.findings", lang))))
    for table in report.tables:
        if table.kind == "plan":
            from .plan import report_year, yearly_report_sheet

            title = unique_title(taken, t("sheet.yearly", lang, year=report_year(options)))
            plan.new_sheets.append(yearly_report_sheet(table, lang, options, title))
    return plan


# --- saving ---------------------------------------------------------------------------------------


def save_atomic(write: Callable[[Path], Any], target: Path) -> Any:
    """Run ``write(temporary path)`` and rename the result to ``target``: no half-written file
    is ever visible under ``target``'s name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the copy from colleagues
    try:
        result = write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


def write_scored_copy(report: FileReport, target: Path, options: Options) -> None:
    """Write the annotated copy of an analysed workbook to ``target``."""
    if target.resolve() == report.input.resolve():
        raise RejectedFile("file.output_failed", detail="output would overwrite the input")
    titles = copy_titles(report)
    if report.format in ("xlsx", "xlsm"):
        from .safety import scan_package

        report.findings.extend(scan_package(report.input))
    plan = plan_copy(report, options, titles)

    def write(tmp: Path) -> None:
        if report.format in ("xlsx", "xlsm") and options.backend != "openpyxl":
            try:
                from .backend_stream import StreamUnsupported, write_stream
            except ImportError:  # pragma: no cover - while the stream backend is being built
                pass
            else:
                try:
                    write_stream(report.input, plan, tmp)
                    return
                except StreamUnsupported:
                    if options.backend == "stream":
                        raise
        from .backend_openpyxl import write_openpyxl

        write_openpyxl(report, plan, titles, tmp, options)

    save_atomic(write, target)
