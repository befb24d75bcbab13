"""What the annotated copy adds to the staff's workbook, as data.

The annotated copy's writer (``annotated/writer.py``) and the table kinds (``kinds/``) decide
*what* goes into the copy and record it in a :class:`CopyPlan`; a backend renders the plan:
``annotated/backend_openpyxl.py`` loads the workbook with openpyxl (any input: .xls and .ods are
rebuilt from their values), and ``annotated/stream/`` copies an .xlsx package as it is and
streams the edited sheets' XML, which is several times faster and lighter on a large register.
Both render the same plan, so the copy is the same whichever writes it. This module is plain
data and imports nothing of the package: the kinds and the backends meet here.

Coordinates are Excel's: 1-based (row, column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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

    def overlay_at(self, row: int, col: int) -> Overlay | None:
        """The change to one cell: its own overlay, with its row's colour under it."""
        own = self.overlays.get((row, col))
        band = self.row_fills.get(row)
        if band is None or not band[0] <= col <= band[1]:
            return own
        if own is None:
            return Overlay(fill=band[2])
        return Overlay(own.fill or band[2], own.border)

    def overlaid(self) -> set[tuple[int, int]]:
        """Every cell an overlay or a row colour touches."""
        cells = set(self.overlays)
        for row, (first, last, _) in self.row_fills.items():
            cells.update((row, c) for c in range(first, last + 1))
        return cells


@dataclass
class NewSheet:
    """A sheet the tool adds (Summary, Findings, the yearly report)."""

    title: str
    rows: list[list[tuple[Any, Style | None]]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    #: internal hyperlinks: cell -> location ("'Тизмек'!E7"); never made from source text
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    freeze: str | None = None  # e.g. "A2"


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


class SheetWriter:
    """Appends rows to a new sheet of the copy."""

    def __init__(self, sheet: NewSheet, lang: str) -> None:
        self.sheet = sheet
        #: the language of the sheet's texts
        self.lang = lang

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
