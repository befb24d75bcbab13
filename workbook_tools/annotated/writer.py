"""The annotated copy ``<name>.scored.xlsx``: the staff's workbook, kept, plus what the tool found.

Everything staff wrote stays as it was (values, formatting, merged cells, other sheets). Beside
each table come its kind's computed columns; rows are coloured by their kind's colour with a
legend; cells with findings are marked and commented; a Summary sheet and a Findings sheet are
added, and whatever sheets a table's kind adds (a plan's yearly report).

This module decides *what* the copy adds and records it in a
:class:`~workbook_tools.copyplan.CopyPlan`; a backend writes it (``stream/`` for .xlsx/.xlsm,
streaming the package; ``backend_openpyxl`` for the rest, or when the stream backend declines).
What the copy neutralises is worked out once, by :func:`neutralise.scan_package`, before the
plan is made: those findings are the copy's own and come back from :func:`write_scored_copy`.
Outputs are written atomically (:func:`save_atomic`).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring

from .. import messages, ooxml, textfit
from ..atomic import save_atomic
from ..copyplan import ERROR_COLOR, HEADER, WARNING_COLOR, CopyPlan, Overlay, SheetEdits, Style
from ..errors import RejectedFile
from ..model import FileReport, Finding, Grid, Options, Table, warning
from ..read import libreoffice
from . import neutralise
from .sheets import findings_sheet, summary_sheet
from .stream import StreamUnsupported, write_stream

#: A comment is cut to this many characters.
MAX_COMMENT = 2000


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


# --- the annotated table ------------------------------------------------------------------------


class Sheet:
    """What the copy's sheet already holds, from the values read (1-based coordinates)."""

    def __init__(self, grid: Grid, edits: SheetEdits) -> None:
        self.grid = grid
        self.edits = edits
        # the guard bounds the total; a range past 100,000 cells is a title, not a table
        owners = ooxml.covered_cells(grid.merged, max_range=100_000)
        #: covered cell -> the top-left cell showing it, 1-based
        self.covered = {(r + 1, c + 1): (r0 + 1, c0 + 1) for (r, c), (r0, c0) in owners.items()}

    def occupied(self, row: int, col: int) -> bool:
        v = self.grid.value(row - 1, col - 1)
        return (v is not None and v != "") or (row, col) in self.edits.cells or (
            (row, col) in self.covered
        )

    def free_columns(self, first: int, rows: range, count: int) -> int:
        """The first column at or after ``first`` with ``count`` empty columns over ``rows``."""
        free: dict[int, bool] = {}  # each column looked at once, down all the rows

        def empty(c: int) -> bool:
            got = free.get(c)
            if got is None:
                got = free[c] = self._empty_column(c, rows)
            return got

        col = first
        while not all(empty(c) for c in range(col, col + count)):
            col += 1
        return col

    def _empty_column(self, col: int, rows: range) -> bool:
        """Whether no cell of column ``col`` over ``rows`` is :meth:`occupied`."""
        grid_rows = self.grid.rows
        cells, covered = self.edits.cells, self.covered
        c = col - 1
        for r in rows:
            if 1 <= r <= len(grid_rows):
                line = grid_rows[r - 1]
                if 0 <= c < len(line):
                    v = line[c]
                    if v is not None and v != "":
                        return False
            if (r, col) in cells or (r, col) in covered:
                return False
        return True

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The cell that shows (row, col): the top-left cell of its merged range."""
        return self.covered.get((row, col), (row, col))

    def put(self, row: int, col: int, value: Any, style: Style | None) -> None:
        if value is None or (row, col) in self.covered:
            return
        self.edits.cells[(row, col)] = (value, style)

    def need(self, row: int, height: float) -> None:
        """Row ``row`` must be at least ``height`` points tall to show the tool's texts."""
        if height > textfit.MIN_HEIGHT and height > self.edits.heights.get(row, 0.0):
            self.edits.heights[row] = height

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


#: the findings column's width, in characters; the computed columns fit their texts, within
#: these bounds
FINDINGS_WIDTH = 46.0
COMPUTED_WIDTH = (10.0, 30.0)


def annotate_table(sheet: Sheet, table: Table, lang: str) -> tuple[int, int]:
    """Computed columns, row colours, marked cells; returns the computed block's columns.
    Each row the tool writes into is made as tall as its added texts need (never lower than
    staff made it)."""
    layout = table.layout
    header = layout.header_row + 1
    last_row = max([header, *[int(r) for r in table.frame.index],
                    *[f.row for f in table.findings if f.row]])
    columns = [*table.kind.computed_columns, ("col.findings", lambda r, lang: None)]
    start = sheet.free_columns(layout.last_column + 2, range(header, last_row + 1), len(columns))
    # in one pass over the records (one row's dictionary at a time): the rows, their colours
    # and each computed column's values
    rows: list[int] = []
    colours: list[str | None] = []
    values: list[list[Any]] = [[] for _ in columns[:-1]]
    for row, rec in table.iter_rows():
        rows.append(row)
        for i, (_, value_of) in enumerate(columns[:-1]):
            values[i].append(value_of(rec, lang))
        colours.append(table.kind.row_fill(rec))
    widths = sheet.edits.widths
    for i, (key, _) in enumerate(columns):
        col = start + i
        if i == len(columns) - 1:
            widths[col] = FINDINGS_WIDTH
        else:
            # each distinct text weighed once (the same level words recur down the table)
            longest = max([textfit.text_width(v) for v in {str(v) for v in values[i]
                                                           if v is not None}] or [0.0])
            widths[col] = min(max(longest + 2, COMPUTED_WIDTH[0]), COMPUTED_WIDTH[1])
        widths[col] = max(widths[col], textfit.width_for_words(messages.text(key, lang),
                                                              bold=True))
        sheet.put(header, col, messages.text(key, lang), HEADER)
        note = table.kind.column_note(key, lang)
        if note:
            sheet.edits.comments[(header, col)] = note
        sheet.need(header, textfit.height_needed(messages.text(key, lang), widths[col],
                                                 bold=True))
    table_cols = range(layout.first_column + 1, layout.last_column + 2)
    plain = Style(border="box", wrap=True)
    styles: dict[str, Style] = {}
    bands: dict[str, tuple[int, int, str]] = {}  # one for each colour, shared by its rows
    # Sheet.put and Sheet.need, written out for the rows: a cell under a merged range is
    # left alone, a row made as tall as its tallest text; each text fitted once per column
    cells, covered, heights = sheet.edits.cells, sheet.covered, sheet.edits.heights
    fitted: list[dict[str, float]] = [{} for _ in values]  # by column: text -> height
    for n, (row, colour) in enumerate(zip(rows, colours, strict=True)):
        if colour is not None:
            sheet.edits.row_fills[row] = bands.get(colour) or bands.setdefault(
                colour, (table_cols.start, table_cols.stop - 1, colour))
        style = (styles.get(colour) or styles.setdefault(
            colour, Style(border="box", wrap=True, fill=colour))) if colour else plain
        for i, column in enumerate(values):
            value = column[n]
            if value is None:
                continue
            col = start + i
            if (row, col) not in covered:
                cells[(row, col)] = (value, style)
            text = value if type(value) is str else str(value)
            height = fitted[i].get(text)
            if height is None:
                height = fitted[i][text] = textfit.height_needed(text, widths[col])
            if height > textfit.MIN_HEIGHT and height > heights.get(row, 0.0):
                heights[row] = height
    findings_col = start + len(columns) - 1
    for row, found in _findings_by_row(table.findings).items():
        notes = [messages.render(f, lang) for f in found]
        texts = "\n".join(f"• {note}" for note in notes)
        colour = ERROR_COLOR if any(f.is_error for f in found) else WARNING_COLOR
        sheet.put(row, findings_col, texts, Style(border="box", wrap=True, color=colour))
        sheet.need(row, textfit.height_needed(texts, FINDINGS_WIDTH))
        for f, note in zip(found, notes, strict=True):
            if f.column is None:
                continue
            at = sheet.anchor(row, ooxml.column_number(f.column))
            sheet.overlay(*at, border="mark")
            old = sheet.edits.comments.get(at)
            sheet.edits.comments[at] = (f"{old}\n{note}" if old else note)[:MAX_COMMENT]
    return start, findings_col


def write_legend(sheet: Sheet, header: int, after_col: int, entries: list[tuple[str, Style]],
                 lang: str) -> None:
    """The colour legend, in a column of its own right of the computed columns, from the
    header row down, as wide as its longest label."""
    entries = [(messages.text("legend.title", lang), Style(bold=True)), *entries,
               (messages.text("legend.finding", lang), Style(border="mark"))]
    col = sheet.free_columns(after_col + 2, range(header, header + len(entries)), 1)
    sheet.edits.widths[col] = max(textfit.width_for_line(label, bold=style.bold)
                                  for label, style in entries)
    for i, (label, style) in enumerate(entries):
        # wrapped: aligned to the top of the staff's (often tall) rows, never actually wrapping
        sheet.put(header + i, col, label, replace(style, wrap=True))


def plan_copy(report: FileReport, findings: tuple[Finding, ...], options: Options,
              titles: dict[str, str]) -> CopyPlan:
    """Everything the annotated copy of ``report`` adds, as a :class:`CopyPlan`; ``findings``
    are the report's and the copy's own (the Summary counts them, the Findings sheet lists
    them)."""
    lang = options.lang
    plan = CopyPlan()
    for table in report.tables:
        title = titles.get(table.sheet)
        if title is None or table.grid is None:
            continue
        edits = plan.edits.setdefault(title, SheetEdits(title))
        sheet = Sheet(table.grid, edits)
        _, findings_col = annotate_table(sheet, table, lang)
        write_legend(sheet, table.header_row, findings_col, table.kind.legend(lang), lang)
    taken = set(titles.values())

    def free_title(wanted: str) -> str:
        return unique_title(taken, wanted)

    t = messages.text
    plan.new_sheets.append(summary_sheet(report, findings, options,
                                         free_title(t("sheet.summary", lang))))
    plan.new_sheets.append(findings_sheet(findings, options, titles,
                                          free_title(t("sheet.findings", lang)),
                                          report.input.name))
    for table in report.tables:
        plan.new_sheets.extend(table.kind.extra_sheets(table, options, free_title))
    return plan


#: Formats whose copy LibreOffice first converts to .xlsx, where it is installed, so that the
#: staff's widths, fonts, wrapping, merges and fills carry over (rebuilt from the values
#: otherwise).
CONVERTED = frozenset({"ods", "xls", "xlsb"})
#: how long LibreOffice may take to convert one workbook, in seconds
CONVERT_TIMEOUT = 120.0


def write_scored_copy(report: FileReport, target: Path, options: Options) -> list[Finding]:
    """Write the annotated copy of an analysed workbook to ``target``; returns the copy's own
    findings: what it neutralised (formulas and links reaching outside the workbook), and,
    for an .ods/.xls copy made without LibreOffice, that the formatting was not carried."""
    if target.resolve() == report.input.resolve():
        raise RejectedFile("file.output_is_input")
    if report.book is None:
        raise RejectedFile("file.output_is_input")  # never: analyse keeps the book read
    fmt = report.format or ""
    if fmt in ("xlsx", "xlsm"):
        own = _write(report, report.input, target, options)
        assert own is not None  # an .xlsx copy is always written (openpyxl if streaming declines)
        return own
    if fmt == "csv":  # a text file has no look to keep
        return _rebuilt(report, target, options, [])
    if fmt.split("+")[0] in CONVERTED or fmt.endswith("+libreoffice"):
        converted = _convert(report)
        if converted is not None:
            try:
                own = _write(report, converted, target, options)
            finally:
                shutil.rmtree(converted.parent, ignore_errors=True)
            if own is not None:
                return own
    lost = [warning("copy.format_not_kept", sheet=None)]
    return [*lost, *_rebuilt(report, target, options, lost)]


def _convert(report: FileReport) -> Path | None:
    """The workbook converted to .xlsx by LibreOffice, or None (not installed, or it failed)."""
    if not libreoffice.available():
        return None
    try:
        return libreoffice.convert(report.input, "xlsx", timeout=CONVERT_TIMEOUT)
    except RejectedFile:
        return None


def _write(report: FileReport, source: Path, target: Path,
           options: Options) -> list[Finding] | None:
    """Annotate the .xlsx/.xlsm ``source`` (the input, or LibreOffice's .xlsx of it) into
    ``target``; None when ``source`` is a conversion the copy cannot take."""
    converted = source != report.input
    if converted:
        names = _sheet_names(source)
        if len(names) != len(report.sheet_names):
            return None
        titles = dict(zip(report.sheet_names, names, strict=True))
    else:
        titles = copy_titles(report)
    own = neutralise.scan_package(source)
    plan = plan_copy(report, (*report.findings, *own), options, titles)

    def write(tmp: Path) -> None:
        if options.backend != "openpyxl" or converted:
            try:
                write_stream(source, plan, tmp)
                return
            except StreamUnsupported:
                if options.backend == "stream" or converted:
                    raise
        _openpyxl(report, plan, titles, tmp)

    try:
        save_atomic(write, target)
    except StreamUnsupported:
        return None  # LibreOffice's .xlsx the stream backend declines: rebuilt instead
    return own


def _rebuilt(report: FileReport, target: Path, options: Options,
             lost: list[Finding]) -> list[Finding]:
    """The copy of an .ods/.xls rebuilt from its values by openpyxl."""
    titles = copy_titles(report)
    plan = plan_copy(report, (*report.findings, *lost), options, titles)
    save_atomic(lambda tmp: _openpyxl(report, plan, titles, tmp), target)
    return []


def _openpyxl(report: FileReport, plan: CopyPlan, titles: dict[str, str], tmp: Path) -> None:
    # openpyxl (about 60 ms and 10 MB to import) only where the stream backend declines
    from .backend_openpyxl import write_openpyxl

    write_openpyxl(report, plan, titles, tmp)


def _sheet_names(xlsx: Path) -> list[str]:
    """The sheet names of an .xlsx, in order (of LibreOffice's conversion: 31 characters at
    most, as Excel requires)."""
    try:
        with zipfile.ZipFile(xlsx) as z:
            root = fromstring(z.read(ooxml.WORKBOOK))
    except (OSError, KeyError, zipfile.BadZipFile, ParseError):
        return []
    sheets = root.find(f"{{{ooxml.MAIN_NS}}}sheets")
    return [s.get("name", "") for s in sheets] if sheets is not None else []
