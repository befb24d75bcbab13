"""What the annotated copy adds to the staff's workbook, as data.

The annotated copy's writer (``annotated/writer.py``) and the table kinds (``kinds/``) decide
*what* goes into the copy and record it in a :class:`CopyPlan`; a backend renders the plan:
``annotated/backend_openpyxl.py`` loads the workbook with openpyxl (any input: .xls and .ods are
rebuilt from their values), and ``annotated/stream/`` copies an .xlsx package as it is and
streams the edited sheets' XML, which is several times faster and lighter on a large register.
Both render the same plan, so the copy is the same whichever writes it. This module is plain
data and imports nothing of the package but :mod:`~workbook_tools.textfit` (how much room a
text needs): the kinds and the backends meet here.

Coordinates are Excel's: 1-based (row, column).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import textfit


@dataclass(frozen=True)
class Style:
    """A cell style the tool writes: hashable, so backends can cache what it becomes."""

    bold: bool = False
    size: float | None = None  # font size; None keeps the default
    color: str | None = None  # font colour, ARGB ("FFC00000")
    underline: bool = False
    fill: str | None = None  # solid fill, ARGB
    border: str | None = None  # "box" (thin grey) or "mark" (medium red: a cell with findings)
    wrap: bool = False  # wrap text, aligned to the top


@dataclass(frozen=True)
class Overlay:
    """A change to a cell staff wrote: its value and its other formatting stay."""

    fill: str | None = None  # applied only when the cell has no fill of its own
    border: str | None = None  # "mark": always applied


@lru_cache(maxsize=64)
def band_overlay(fill: str) -> Overlay:
    """A row colour's overlay (one object for each colour: a large sheet has one per cell)."""
    return Overlay(fill=fill)


@dataclass
class SheetEdits:
    """The edits of one of the staff's sheets."""

    title: str
    #: new cells written by the tool (value, style); text is always written as text
    cells: dict[tuple[int, int], tuple[Any, Style | None]] = field(default_factory=dict)
    #: changes to cells staff wrote (the cell may also be empty)
    overlays: dict[tuple[int, int], Overlay] = field(default_factory=dict)
    #: a row's colour: row -> (first column, last column, ARGB), an Overlay(fill) on each cell
    row_fills: dict[int, tuple[int, int, str]] = field(default_factory=dict)
    #: comments, by cell (the top-left cell of a merged range)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    #: widths of the new columns, by 1-based column
    widths: dict[int, float] = field(default_factory=dict)
    #: the least height (points) a row needs to show what the tool wrote in it; a row staff
    #: made taller keeps its height
    heights: dict[int, float] = field(default_factory=dict)

    def overlay_at(self, row: int, col: int) -> Overlay | None:
        """The change to one cell: its own overlay, with its row's colour under it."""
        own = self.overlays.get((row, col))
        band = self.row_fills.get(row)
        if band is None or not band[0] <= col <= band[1]:
            return own
        if own is None:
            return band_overlay(band[2])
        return Overlay(own.fill or band[2], own.border)

    def overlaid(self) -> set[tuple[int, int]]:
        """Every cell an overlay or a row colour touches."""
        cells = set(self.overlays)
        for row, (first, last, _) in self.row_fills.items():
            cells.update((row, c) for c in range(first, last + 1))
        return cells


@dataclass(frozen=True)
class Page:
    """How a sheet the tool adds prints: on A4, fitted to one page wide."""

    landscape: bool = False
    #: rows printed again at the top of every page (first, last), 1-based
    repeat_rows: tuple[int, int] | None = None
    #: a page break above each of these rows
    breaks: tuple[int, ...] = ()
    #: the footer: left, centre and right parts, in Excel's header/footer codes (&P, &N, &A)
    footer: tuple[str, str, str] = ("", "&A", "&P / &N")


@dataclass
class NewSheet:
    """A sheet the tool adds (Summary, Findings, the yearly report)."""

    title: str
    rows: list[list[tuple[Any, Style | None]]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    #: internal hyperlinks: cell -> location ("'Тизмек'!E7"); never made from source text
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    freeze: str | None = None  # e.g. "A2"
    #: merged ranges (first row, first column, last row, last column), 1-based
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: row heights in points, by 1-based row: every row the tool writes has one
    heights: dict[int, float] = field(default_factory=dict)
    page: Page = field(default_factory=Page)


@dataclass
class CopyPlan:
    """Everything the copy adds, in the order the sheets appear."""

    edits: dict[str, SheetEdits] = field(default_factory=dict)  # by the copy's sheet title
    new_sheets: list[NewSheet] = field(default_factory=list)
    #: comment author
    author: str = "workbook_tools"


# --- the tool's own styles -----------------------------------------------------------------------

HEADER_FILL = "FFD9D9D9"
ERROR_COLOR = "FFC00000"
WARNING_COLOR = "FF9C5700"
LINK_COLOR = "FF0563C1"
HEADER = Style(bold=True, fill=HEADER_FILL, border="box", wrap=True)


# A report's cells share their styles (a Summary lists every high risk of a large register).
@lru_cache(maxsize=256)
def _cell_style(bold: bool, size: float | None, fill: str | None, border: str | None,
                color: str | None) -> Style:
    return Style(bold=bold, size=size, fill=fill, border=border, wrap=True, color=color)


@lru_cache(maxsize=256)
def _filler_style(fill: str | None, border: str | None) -> Style:
    return Style(fill=fill, border=border)


class SheetWriter:
    """Appends rows to a new sheet of the copy, laid out as a report: every row gets the height
    its wrapped texts need in their columns (:mod:`~workbook_tools.textfit`), a value may span
    several columns (merged), and :meth:`finish` puts the page breaks between blocks."""

    def __init__(self, sheet: NewSheet, lang: str) -> None:
        self.sheet = sheet
        #: the language of the sheet's texts
        self.lang = lang
        self._blocks: list[int] = [1]

    @property
    def row(self) -> int:
        """The Excel row the next line goes to."""
        return len(self.sheet.rows) + 1

    @property
    def columns(self) -> int:
        """How many columns the sheet's layout has (its widths)."""
        return max(self.sheet.widths, default=1)

    def width(self, col: int, span: int = 1) -> float:
        """The width in characters of ``span`` columns from ``col``."""
        return sum(self.sheet.widths.get(c, DEFAULT_WIDTH) for c in range(col, col + span))

    def line(self, *values: Any, bold: bool = False, size: float | None = None,
             fills: Sequence[str | None] | None = None, border: str | None = None,
             color: str | None = None, spans: Sequence[int] | None = None) -> int:
        """One row: ``values`` from column A, the i-th over ``spans[i]`` columns (merged);
        its height fits the tallest wrapped text."""
        r = self.row
        cells: list[tuple[Any, Style | None]] = []
        height = textfit.height_for(1, size)
        col = 1
        for i, v in enumerate(values):
            span = spans[i] if spans and i < len(spans) else 1
            fill = fills[i] if fills and i < len(fills) else None
            cells.append((v, _cell_style(bold, size, fill, border, color)))
            if span > 1:
                # the covered cells carry the border, so a merged box is drawn whole
                filler = _filler_style(fill, border) if fill or border else None
                cells.extend([(None, filler)] * (span - 1))
                self.sheet.merges.append((r, col, r, col + span - 1))
            if v is not None and str(v) != "":
                need = textfit.height_needed(v, self.width(col, span), bold=bold, size=size)
                height = max(height, need)
            col += span
        self.sheet.rows.append(cells)
        self.sheet.heights[r] = height
        return r

    def text(self, value: Any, *, bold: bool = False, size: float | None = None,
             color: str | None = None) -> int:
        """A paragraph across the sheet's whole width."""
        return self.line(value, bold=bold, size=size, color=color, spans=[self.columns])

    def gap(self) -> None:
        self.sheet.heights[self.row] = GAP_HEIGHT
        self.sheet.rows.append([])

    def block(self) -> None:
        """A new block starts at the next row: a page break may go above it, never inside."""
        if self.row not in self._blocks:
            self._blocks.append(self.row)

    def finish(self, *, landscape: bool = False, repeat_rows: tuple[int, int] | None = None,
               footer: tuple[str, str, str] = ("", "&A", "&P / &N")) -> None:
        """Set how the sheet prints: A4, one page wide, breaks between blocks."""
        heights = [self.sheet.heights.get(r, textfit.MIN_HEIGHT) for r in range(1, self.row)]
        widths = [self.sheet.widths.get(c, DEFAULT_WIDTH) for c in range(1, self.columns + 1)]
        breaks = page_breaks(heights, widths, self._blocks, landscape=landscape,
                             repeat_rows=repeat_rows)
        self.sheet.page = Page(landscape, repeat_rows, breaks, footer)


#: Excel's default column width, in characters
DEFAULT_WIDTH = 8.43
#: the height of an empty row between blocks, in points
GAP_HEIGHT = 9.0
#: page margins in inches: left, right, top, bottom, header, footer (both backends write them)
MARGINS = (0.5, 0.5, 0.6, 0.7, 0.3, 0.3)
#: A4 in inches
A4 = (8.27, 11.69)


def page_breaks(heights: Sequence[float], widths: Sequence[float], blocks: Sequence[int], *,
                landscape: bool = False,
                repeat_rows: tuple[int, int] | None = None) -> tuple[int, ...]:
    """The rows a page break goes above, so that no block is split unless it is longer than a
    page: A4 fitted to one page wide shrinks the sheet, so a page holds ``1/scale`` times more
    points of rows."""
    page_w, page_h = (A4[1], A4[0]) if landscape else A4
    left, right, top, bottom, _, _ = MARGINS
    room_px = (page_w - left - right) * 96
    total_px = sum(textfit.column_pixels(w) for w in widths) or 1.0
    scale = min(1.0, room_px / total_px)
    room = (page_h - top - bottom) * 72 / scale
    repeat = sum(heights[r - 1] for r in range(repeat_rows[0], repeat_rows[1] + 1)
                 if r - 1 < len(heights)) if repeat_rows else 0.0
    starts = sorted({b for b in blocks if 1 <= b <= len(heights)} | {1})
    breaks: list[int] = []
    used = 0.0
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(heights) + 1
        h = sum(heights[start - 1:end - 1])
        if used and used + h > room and h <= room - repeat:
            # a block that fits on a page starts a new one; a longer one is split by its own
            # rows wherever it starts, so it follows on at once
            breaks.append(start)
            used = repeat
        used += h
        while used > room:  # a block longer than a page: its own rows break it
            used -= room - repeat
    return tuple(breaks)
