"""The annotated copy ``<name>.scored.xlsx``: the staff's workbook, kept, plus what the tool found.

Everything staff wrote stays as it was (values, formatting, merged cells, other sheets). Beside
each table come computed columns; risk rows are coloured by level with a legend; cells with
findings are marked and commented; a Summary sheet and a Findings sheet are added.

Every value this module writes goes through :func:`put`, which writes text as text, never as a
formula, whatever it starts with. Outputs are written atomically (:func:`save_atomic`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from copy import copy
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from . import messages, rules
from .errors import RejectedFile
from .findings import Finding
from .pipeline import FileReport, Options, Table
from .reader import read_book
from .safety import sanitise

AUTHOR = "workbook_tools"
HEADER_FILL = PatternFill("solid", fgColor="FFD9D9D9")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="FF808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MARK_SIDE = Side(style="medium", color="FFC00000")
MARK = Border(left=MARK_SIDE, right=MARK_SIDE, top=MARK_SIDE, bottom=MARK_SIDE)
MAX_COMMENT = 2000


class Restyler:
    """Sets a cell's style attributes through a cache of resulting style arrays.

    Setting ``cell.fill`` one cell at a time makes openpyxl hash the style objects each time;
    on a 10,000-row register that is most of the run. The result for a given (old style,
    new attributes) pair is always the same, so it is computed once.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], Any] = {}

    def __call__(self, cell: Any, **attrs: Any) -> None:
        # Keyed by the identity of the style objects: callers pass long-lived constants, and
        # the cache keeps them alive, so an id is never reused while its entry exists.
        current = cell._style  # noqa: SLF001
        key = (tuple(current) if current is not None else None,
               *sorted((k, id(v)) for k, v in attrs.items()))
        done = self._cache.get(key)
        if done is not None:
            cell._style = copy(done[0])  # noqa: SLF001
            return
        for name, value in attrs.items():
            setattr(cell, name, value)
        self._cache[key] = (copy(cell._style), attrs)  # noqa: SLF001


def fill(argb: str) -> PatternFill:
    return PatternFill("solid", fgColor=argb)


LEVEL_FILLS = {level: fill(argb) for level, argb in rules.LEVEL_FILL.items()}


# --- writing values safely ------------------------------------------------------------------------


def put(ws: Worksheet, row: int, col: int, value: Any) -> Any:
    """Write ``value`` at (row, col) as a value: text stays text, even "=cmd|..." or "@SUM(...)".

    Returns the cell, or None when the place is covered by a merged range (left untouched).
    """
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        return None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # never a formula: text from a workbook is untrusted
    else:
        cell.value = value
    return cell


# --- where computed columns go ------------------------------------------------------------------


def _occupied(ws: Worksheet, rows: range, col: int) -> bool:
    cells = ws._cells  # noqa: SLF001 - reading without creating cells
    return any(
        (r, col) in cells and cells[(r, col)].value not in (None, "") for r in rows
    )


def _free_columns(ws: Worksheet, first: int, rows: range, count: int) -> int:
    """The first column at or after ``first`` with ``count`` empty columns over ``rows``."""
    col = first
    while any(_occupied(ws, rows, c) for c in range(col, col + count)):
        col += 1
    return col


# --- computed columns by table kind ---------------------------------------------------------------

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


def row_fill(table: Table, rec: dict[str, Any]) -> PatternFill | None:
    if table.kind == "register":
        level = rec.get("level")
        return LEVEL_FILLS.get(rules.Level(level)) if isinstance(level, str) else None
    from .plan import status_fill

    return status_fill(rec)


# --- the annotated table -------------------------------------------------------------------------


def _has_own_fill(cell: Any) -> bool:
    """Whether staff filled the cell; their colour is kept. Fill ids 0 and 1 are the two
    fills every xlsx starts with (none and gray125), so anything above is a fill of theirs."""
    current = cell._style  # noqa: SLF001
    return current is not None and current.fillId > 1


def _findings_by_row(found: Iterable[Finding]) -> dict[int, list[Finding]]:
    by_row: dict[int, list[Finding]] = defaultdict(list)
    for f in found:
        if f.row is not None:
            by_row[f.row].append(f)
    return by_row


def _anchor(ws: Worksheet, coord: str) -> Any:
    """The cell that shows ``coord``: the top-left cell when it lies in a merged range."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return ws.cell(row=rng.min_row, column=rng.min_col)
    return ws[coord]


def annotate_table(ws: Worksheet, table: Table, lang: str) -> tuple[int, int]:
    """Computed columns, row colours, marked cells; returns the computed block's columns."""
    layout = table.layout
    header = layout.header_row + 1
    frame = table.frame
    last_row = max([header, *[int(r) for r in frame.index],
                    *[f.row for f in table.findings if f.row]])
    columns = computed_columns(table.kind) + [("col.findings", lambda r, lang: None)]
    start = _free_columns(ws, layout.last_column + 2, range(header, last_row + 1), len(columns))
    for i, (key, _) in enumerate(columns):
        cell = put(ws, header, start + i, messages.text(key, lang))
        if cell is not None:
            cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP, BOX
        ws.column_dimensions[get_column_letter(start + i)].width = 16 if i < 3 else 40
    by_row = _findings_by_row(table.findings)
    table_cols = range(layout.first_column + 1, layout.last_column + 2)
    style = Restyler()
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        row = int(row)
        colour = row_fill(table, rec)
        if colour is not None:
            for c in table_cols:
                cell = ws.cell(row=row, column=c)
                if not isinstance(cell, MergedCell) and not _has_own_fill(cell):
                    style(cell, fill=colour)
        for i, (_, value_of) in enumerate(columns[:-1]):
            cell = put(ws, row, start + i, value_of(rec, lang))
            if cell is not None:
                if colour is not None:
                    style(cell, border=BOX, alignment=WRAP, fill=colour)
                else:
                    style(cell, border=BOX, alignment=WRAP)
    findings_col = start + len(columns) - 1
    for row, found in by_row.items():
        texts = "\n".join(f"• {messages.render(f, lang)}" for f in found)
        cell = put(ws, row, findings_col, texts)
        if cell is not None:
            cell.alignment, cell.border = WRAP, BOX
            cell.font = Font(color="FFC00000" if any(f.is_error for f in found) else "FF9C5700")
        for f in found:
            if f.column is None:
                continue
            target = _anchor(ws, f"{f.column}{row}")
            target.border = MARK
            note = messages.render(f, lang)
            if target.comment is not None and target.comment.author == AUTHOR:
                note = f"{target.comment.text}\n{note}"
            target.comment = Comment(note[:MAX_COMMENT], AUTHOR, width=320, height=120)
    return start, findings_col


def _legend_entries(kind: str, lang: str) -> list[tuple[str, PatternFill | None, Border | None]]:
    if kind == "register":
        entries: list[tuple[str, PatternFill | None, Border | None]] = [
            (messages.level_name(lvl, lang), LEVEL_FILLS[lvl], None)
            for lvl in (rules.Level.HIGH, rules.Level.MEDIUM, rules.Level.LOW)
        ]
    else:
        from .plan import legend_entries

        entries = legend_entries(lang)
    entries.append((messages.text("legend.finding", lang), None, MARK))
    return entries


def write_legend(ws: Worksheet, header: int, first_col: int, after_col: int, kind: str,
                 lang: str) -> None:
    """The colour legend: on the row above the header, over the computed columns, when that
    row is free there; else in a column of its own right of them."""
    entries = _legend_entries(kind, lang)
    cells = len(entries) + 1
    if header > 1 and not any(
        _occupied(ws, range(header - 1, header), c) or isinstance(
            ws._cells.get((header - 1, c)), MergedCell)  # noqa: SLF001
        for c in range(first_col, first_col + cells)
    ):
        places = [(header - 1, first_col + i) for i in range(cells)]
    else:
        col = _free_columns(ws, after_col + 2, range(header, header + cells), 1)
        places = [(header + i, col) for i in range(cells)]
        ws.column_dimensions[get_column_letter(col)].width = 24
    title = put(ws, *places[0], messages.text("legend.title", lang))
    if title is not None:
        title.font = BOLD
    for (row, col), (label, colour, border) in zip(places[1:], entries, strict=True):
        cell = put(ws, row, col, label)
        if cell is None:
            continue
        if colour is not None:
            cell.fill = colour
        if border is not None:
            cell.border = border


# --- summary and findings sheets -----------------------------------------------------------------


def unique_title(wb: Workbook, wanted: str) -> str:
    titles = {t.lower() for t in wb.sheetnames}
    name, n = wanted[:31], 2
    while name.lower() in titles:
        suffix = f" ({n})"
        name, n = wanted[: 31 - len(suffix)] + suffix, n + 1
    return name


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class SheetWriter:
    """Appends rows to a new sheet; every value through :func:`put`."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1
        self.style = Restyler()

    def line(self, *values: Any, font: Font | None = None, fills: list[Any] | None = None,
             border: Border | None = None) -> int:
        for i, v in enumerate(values, start=1):
            cell = put(self.ws, self.row, i, v)
            if cell is None:
                continue
            attrs: dict[str, Any] = {"alignment": WRAP}
            if font is not None:
                attrs["font"] = font
            if fills and i - 1 < len(fills) and fills[i - 1] is not None:
                attrs["fill"] = fills[i - 1]
            if border is not None:
                attrs["border"] = border
            self.style(cell, **attrs)
        self.row += 1
        return self.row - 1

    def gap(self) -> None:
        self.row += 1


def write_register_summary(out: SheetWriter, table: Table, lang: str, options: Options) -> None:
    t = messages.text
    frame = table.frame
    levels = [lv if isinstance(lv, str) else None for lv in frame["level"]]
    out.line(f"{t('summary.sheet', lang)}: {table.sheet}", font=BOLD)
    low_becomes = messages.level_name(options.residual.low_becomes, lang)
    out.line(t("summary.residual_rule", lang, low_becomes=low_becomes))
    out.gap()
    out.line(t("summary.by_level", lang), t("summary.count", lang), font=BOLD, border=BOX)
    counts = Counter(levels)
    for lvl in (rules.Level.HIGH, rules.Level.MEDIUM, rules.Level.LOW):
        out.line(messages.level_name(lvl, lang), counts.get(lvl.value, 0),
                 fills=[LEVEL_FILLS[lvl], None], border=BOX)
    out.line(messages.level_name(None, lang), counts.get(None, 0), border=BOX)
    out.line(t("summary.total", lang), len(levels), font=BOLD, border=BOX)
    out.gap()
    # by section
    order = [rules.Level.HIGH, rules.Level.MEDIUM, rules.Level.LOW]
    out.line(t("summary.by_section", lang), *[messages.level_name(x, lang) for x in order],
             messages.level_name(None, lang), t("summary.total", lang), font=BOLD, border=BOX,
             fills=[None, *[LEVEL_FILLS[x] for x in order]])
    sections: dict[str, Counter[str | None]] = {}
    for sec, lvl in zip(frame["section"], levels, strict=True):
        name = sec if isinstance(sec, str) and sec else t("summary.no_section", lang)
        sections.setdefault(name, Counter())[lvl] += 1
    for name, c in sections.items():
        out.line(name, *[c.get(x.value, 0) for x in order], c.get(None, 0), sum(c.values()),
                 border=BOX)
    out.gap()
    # heat map
    out.line(t("summary.heatmap", lang), font=BOLD)
    pairs = Counter(
        (int(p), int(h))
        for p, h, lvl in zip(frame.get("probability", []), frame.get("harm", []), levels,
                             strict=False)
        if lvl is not None
    )
    scale = {p: f"{p} ({messages.level_name(rules.POINTS_SCALE[p], lang)})"
             for p in rules.VALID_POINTS}
    out.line("", *[scale[h] for h in rules.VALID_POINTS], font=BOLD, border=BOX)
    for p in rules.VALID_POINTS:
        cells = [pairs.get((p, h), 0) for h in rules.VALID_POINTS]
        fills_ = [None] + [
            LEVEL_FILLS[rules.level_for_sum(rules.score_sum(p, h))]  # type: ignore[index]
            for h in rules.VALID_POINTS
        ]
        out.line(scale[p], *cells, fills=fills_, border=BOX)
    out.gap()
    # high risks
    out.line(t("summary.high_risks", lang), font=BOLD)
    out.line(t("summary.row", lang), t("summary.section", lang), t("summary.risk", lang),
             t("summary.measure", lang), font=BOLD, border=BOX)
    high = rules.Level.HIGH
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        if rec.get("level") == high.value:
            risk = rec.get("cases") or rec.get("function") or ""
            out.line(int(row), rec.get("section") or "", risk,
                     t(rules.MEASURE_KEY[high], lang), fills=[LEVEL_FILLS[high]], border=BOX)
    out.gap()


def write_summary(wb: Workbook, report: FileReport, lang: str, options: Options) -> Worksheet:
    t = messages.text
    ws = wb.create_sheet(unique_title(wb, t("sheet.summary", lang)))
    out = SheetWriter(ws)
    out.line(t("summary.title", lang), font=TITLE)
    out.line(f"{t('summary.file', lang)}: {report.input.name}")
    out.gap()
    for table in report.tables:
        if table.kind == "register":
            write_register_summary(out, table, lang, options)
        else:
            from .plan import write_plan_summary

            write_plan_summary(out, table, lang, options)
    out.line(t("summary.findings", lang), t("summary.count", lang), font=BOLD, border=BOX)
    by_kind = Counter((f.severity.value, f.code) for f in report.findings)
    for (sev, code), n in sorted(by_kind.items()):
        out.line(f"{t('severity.' + sev, lang)}: {code}", n, border=BOX)
    out.line(t("summary.total", lang), len(report.findings), font=BOLD, border=BOX)
    for col, width in zip("ABCDEF", (44, 16, 50, 60, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    return ws


def write_findings_sheet(
    wb: Workbook, report: FileReport, lang: str, titles: dict[str, str] | None = None
) -> Worksheet:
    t = messages.text
    ws = wb.create_sheet(unique_title(wb, t("sheet.findings", lang)))
    out = SheetWriter(ws)
    out.line(t("findings.severity", lang), t("summary.sheet", lang), t("findings.cell", lang),
             t("findings.code", lang), t("findings.value", lang), t("findings.message", lang),
             font=BOLD, fills=[HEADER_FILL] * 6, border=BOX)
    for f in report.findings:
        coord = f"{f.column or 'A'}{f.row}" if f.row else None
        value = "" if f.value is None else str(f.value)
        row = out.line(t(f"severity.{f.severity.value}", lang), f.sheet or "",
                       f"{f.column or ''}{f.row or ''}", f.code, value, messages.render(f, lang),
                       border=BOX)
        title = (titles or {}).get(f.sheet or "", f.sheet)
        if coord and title in wb.sheetnames:
            cell = ws.cell(row=row, column=3)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quoted(title)}!{coord}")
            cell.font = Font(color="FF0563C1", underline="single")
        ws.cell(row=row, column=1).font = Font(
            bold=True, color="FFC00000" if f.is_error else "FF9C5700"
        )
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEF", (14, 18, 10, 22, 24, 90), strict=True):
        ws.column_dimensions[col].width = width
    return ws


# --- opening the source and saving ----------------------------------------------------------------


_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def open_source(report: FileReport, options: Options) -> tuple[Workbook, dict[str, str]]:
    """The staff's workbook as openpyxl sees it, and each sheet's title in it by its name as
    read: .xls and .ods are rebuilt from their values, their sheet names made valid for Excel
    (at most 31 characters, none of []:*?/\\)."""
    if report.format in ("xlsx", "xlsm"):
        try:
            wb = load_workbook(report.input, keep_vba=False, keep_links=False, rich_text=False)
        except Exception as exc:  # openpyxl raises many kinds for odd files
            raise RejectedFile("file.corrupt", detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
        return wb, {name: name for name in wb.sheetnames}
    book = read_book(report.input, options.limits)
    wb = Workbook()
    wb.remove(wb.active)
    titles: dict[str, str] = {}
    for grid in book.sheets:
        ws = wb.create_sheet(unique_title(wb, _BAD_TITLE.sub("_", grid.name).strip("'") or "_"))
        titles[grid.name] = ws.title
        for r, row in enumerate(grid.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    put(ws, r, c, v)
        for r0, c0, r1, c1 in grid.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1,
                               end_column=c1 + 1)
        for c in range(1, grid.width + 1):
            ws.column_dimensions[get_column_letter(c)].width = 20
    return wb, titles


def save_atomic(wb: Workbook, target: Path) -> None:
    """Save so that no half-written file is ever visible under ``target``'s name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the copy from colleagues
    try:
        wb.save(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_scored_copy(report: FileReport, target: Path, options: Options) -> None:
    """Write the annotated copy of an analysed workbook to ``target``."""
    if target.resolve() == report.input.resolve():
        raise RejectedFile("file.output_failed", detail="output would overwrite the input")
    lang = options.lang
    wb, titles = open_source(report, options)
    report.findings.extend(sanitise(wb))
    for table in report.tables:
        if titles.get(table.sheet) not in wb.sheetnames:
            continue
        ws = wb[titles[table.sheet]]
        start, findings_col = annotate_table(ws, table, lang)
        write_legend(ws, table.layout.header_row + 1, start, findings_col, table.kind, lang)
    write_summary(wb, report, lang, options)
    write_findings_sheet(wb, report, lang, titles)
    for table in report.tables:
        if table.kind == "plan":
            from .plan import write_yearly_report

            write_yearly_report(wb, table, lang, options)
    save_atomic(wb, target)
