"""Writing a :class:`~workbook_tools.copyplan.CopyPlan` with openpyxl.

Loads the staff's .xlsx/.xlsm (macros and external links left behind), or rebuilds an .xls/.ods
from its values, applies the plan and saves. Slower and heavier than the stream backend on large
registers, but it takes any workbook openpyxl can load.
"""

from __future__ import annotations

from copy import copy
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..copyplan import MARGINS, CopyPlan, Overlay, Page, Style
from ..errors import RejectedFile
from ..model import FileReport
from .neutralise import sanitise
from .stream.styles import DATE_FORMAT

_THIN = Side(style="thin", color="FF808080")
_MARK = Side(style="medium", color="FFC00000")
BORDERS = {
    "box": Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
    "mark": Border(left=_MARK, right=_MARK, top=_MARK, bottom=_MARK),
}
WRAP = Alignment(wrap_text=True, vertical="top")


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
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT  # as people write it: 25.11.2026
    return cell


class Styles:
    """openpyxl style objects for the plan's styles, made once, and a cache of style arrays.

    Setting ``cell.fill`` one cell at a time makes openpyxl hash the style objects each time;
    so this class reads and sets openpyxl's style array (``cell._style``) itself.
    on a 10,000-row register that was most of the run. The result for a given (old style, new
    attributes) pair is always the same, so it is computed once. Keys use the identity of the
    style objects, which this object keeps alive.
    """

    def __init__(self) -> None:
        self._objects: dict[Any, dict[str, Any]] = {}
        self._arrays: dict[tuple[Any, ...], Any] = {}

    def attrs(self, style: Style | Overlay) -> dict[str, Any]:
        found = self._objects.get(style)
        if found is not None:
            return found
        out: dict[str, Any] = {}
        if isinstance(style, Style):
            if style.bold or style.size or style.color or style.underline:
                out["font"] = Font(bold=style.bold, size=style.size, color=style.color,
                                   underline="single" if style.underline else None)
            if style.wrap:
                out["alignment"] = WRAP
        if style.fill:
            out["fill"] = PatternFill("solid", fgColor=style.fill)
        if style.border:
            out["border"] = BORDERS[style.border]
        self._objects[style] = out
        return out

    def apply(self, cell: Any, attrs: dict[str, Any]) -> None:
        if not attrs:
            return
        current = cell._style
        key = (tuple(current) if current is not None else None,
               *sorted((k, id(v)) for k, v in attrs.items()))
        done = self._arrays.get(key)
        if done is not None:
            cell._style = copy(done)
            return
        for name, value in attrs.items():
            setattr(cell, name, value)
        self._arrays[key] = copy(cell._style)


def _has_own_fill(cell: Any) -> bool:
    """Whether staff filled the cell; their colour is kept. Fill ids 0 and 1 are the two
    fills every xlsx starts with (none and gray125), so anything above is a fill of theirs."""
    current = cell._style
    return current is not None and current.fillId > 1


def open_source(report: FileReport, titles: dict[str, str]) -> Workbook:
    """The staff's workbook as openpyxl sees it; .xls and .ods are rebuilt from the values
    the pipeline read (the file is not read a second time)."""
    if report.format in ("xlsx", "xlsm"):
        try:
            return load_workbook(report.input, keep_vba=False, keep_links=False, rich_text=False)
        except Exception as exc:  # openpyxl raises many kinds for odd files
            raise RejectedFile("file.corrupt", detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    if report.book is None:
        raise RejectedFile("file.output_failed", detail="the report holds no workbook")
    book = report.book
    wb = Workbook()
    for ws in list(wb.worksheets):
        wb.remove(ws)
    for grid in book.sheets:
        ws = wb.create_sheet(titles.get(grid.name, grid.name[:31]))
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
    return wb


def write_openpyxl(report: FileReport, plan: CopyPlan, titles: dict[str, str],
                   target: Path) -> None:
    """Render ``plan`` over the staff's workbook and save it to ``target``."""
    wb = open_source(report, titles)
    sanitise(wb)  # its findings were made before the plan (neutralise.scan_package)
    styles = Styles()
    for title, edits in plan.edits.items():
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        for row, col in sorted(edits.overlaid()):
            overlay = edits.overlay_at(row, col)
            cell = ws.cell(row=row, column=col)
            if overlay is None or isinstance(cell, MergedCell):
                continue
            if overlay.fill and _has_own_fill(cell):
                overlay = Overlay(None, overlay.border)
            styles.apply(cell, styles.attrs(overlay))
        for (row, col), (value, style) in edits.cells.items():
            existing = ws._cells.get((row, col))  # openpyxl's own map: looking makes no new cell
            if existing is not None and existing.value not in (None, ""):
                continue  # never over the staff's own value
            cell = put(ws, row, col, value)
            if cell is not None and style is not None:
                styles.apply(cell, styles.attrs(style))
        for (row, col), text in edits.comments.items():
            cell = ws.cell(row=row, column=col)
            if isinstance(cell, MergedCell):
                continue
            if cell.comment is not None and cell.comment.text:
                text = f"{cell.comment.text}\n\n{text}"  # the staff's note stays, ours follows
            cell.comment = Comment(text, plan.author, width=320, height=120)
        for col, width in edits.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        for row, height in edits.heights.items():
            dim = ws.row_dimensions[row]
            if dim.height is None or dim.height < height:
                dim.height = height
    for new in plan.new_sheets:
        ws = wb.create_sheet(new.title)
        for r, cells in enumerate(new.rows, start=1):
            for c, (value, style) in enumerate(cells, start=1):
                cell = put(ws, r, c, value)
                if cell is not None and style is not None:
                    styles.apply(cell, styles.attrs(style))
        for (r, c), location in new.links.items():
            cell = ws.cell(row=r, column=c)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location)
        for col, width in new.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        if new.freeze:
            ws.freeze_panes = new.freeze
        for r0, c0, r1, c1 in new.merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        for r, height in new.heights.items():
            ws.row_dimensions[r].height = height
        _page(ws, new.page)
    wb.save(target)


def _page(ws: Worksheet, page: Page) -> None:
    """A4, one page wide, margins, the footer, repeated rows and page breaks."""
    left, right, top, bottom, header, footer = MARGINS
    ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom,
                                  header=header, footer=footer)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if page.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    left_text, centre, right_text = page.footer
    odd = ws.oddFooter
    if odd is not None:
        odd.left.text = left_text or None
        odd.center.text = centre or None
        odd.right.text = right_text or None
    if page.repeat_rows:
        ws.print_title_rows = f"{page.repeat_rows[0]}:{page.repeat_rows[1]}"
    for r in page.breaks:
        ws.row_breaks.append(Break(id=r - 1))
