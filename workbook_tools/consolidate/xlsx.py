"""Writing the consolidated workbook's sheets with xlsxwriter: formats made once, titles,
tables (native Excel tables with filters), rows as tall as their wrapped text needs
(:mod:`workbook_tools.textfit`), and the print set-up every sheet gets (A4, fitted to one page
wide, the header row repeated on every page, a footer with the file, the sheet and the page).

Every text is written with ``write_string``: a unit's cell that begins with ``=``, ``+``,
``-`` or ``@`` stays text (the workbook is also opened with ``strings_to_formulas`` off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import messages, textfit

HEADER_FILL = "#D9D9D9"
MAX_TEXT = 32_000  # Excel's limit of a cell is 32,767 characters

#: The options every consolidated workbook is opened with: text is never taken for a
#: formula, a number or a link.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
}


def rgb(argb: str) -> str:
    """"FFC6EFCE" (the package's ARGB) as "#C6EFCE"."""
    return "#" + argb[-6:]


class Formats:
    """The workbook's formats, each made once (the consolidated workbook, the templates' and
    the assessment sheets' writers share it)."""

    def __init__(self, book: Workbook, border_color: str = "#A6A6A6") -> None:
        self.book = book
        self.border_color = border_color
        self._cache: dict[tuple[Any, ...], Format] = {}

    def get(self, *, bold: bool = False, fill: str | None = None, wrap: bool = True,
            border: bool = True, day: bool = False, size: float | None = None,
            center: bool = False, italic: bool = False) -> Format:
        key = (bold, fill, wrap, border, day, size, center, italic)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"valign": "top"}
            if bold:
                props["bold"] = True
            if italic:
                props["italic"] = True
            if fill:
                props.update(pattern=1, bg_color=fill)
            if wrap:
                props["text_wrap"] = True
            if border:
                props.update(border=1, border_color=self.border_color)
            if day:
                props["num_format"] = "dd.mm.yyyy"
            if size:
                props["font_size"] = size
            if center:
                props["align"] = "center"
            fmt = self._cache[key] = self.book.add_format(props)
        return fmt


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    """One cell: text always as text, numbers as numbers, dates as dates (25.11.2026)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, str(value), fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value)[:MAX_TEXT], fmt)


def _lines_fit(text: str, width: float) -> bool:
    return "\n" not in text and len(text) * 1.35 < width - 1


def row_height(values: Sequence[Any], widths: Sequence[float], bold: bool = False) -> float:
    """The height a row of wrapped cells needs (the tallest cell)."""
    height = textfit.MIN_HEIGHT
    for v, w in zip(values, widths, strict=False):
        if isinstance(v, str) and v and not _lines_fit(v, w):
            height = max(height, textfit.height_needed(v, w, bold=bold))
    return min(height, 409.0)  # Excel's tallest row


class Sheet:
    """One sheet being written, top to bottom."""

    def __init__(self, book: Workbook, formats: Formats, title: str, widths: Sequence[float],
                 lang: str, file_name: str, landscape: bool = False) -> None:
        self.ws = book.add_worksheet(title)
        self.formats = formats
        self.widths = list(widths)
        self.lang = lang
        self.row = 0
        self.header_row: int | None = None
        for i, w in enumerate(self.widths):
            self.ws.set_column(i, i, w)
        ws = self.ws
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        if landscape:
            ws.set_landscape()
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        footer = messages.text("page.footer", lang)
        ws.set_footer(f"&L{file_name.replace('&', '&&')}&C&A&R{footer}")

    @property
    def span(self) -> float:
        return sum(self.widths)

    def title(self, text: str, *, bold: bool = True, size: float | None = None) -> None:
        """A line across the sheet's columns, wrapped."""
        fmt = self.formats.get(bold=bold, border=False, size=size)
        last = max(len(self.widths) - 1, 0)
        if last:
            self.ws.merge_range(self.row, 0, self.row, last, "", fmt)
        self.ws.write_string(self.row, 0, text[:MAX_TEXT], fmt)
        self.ws.set_row(self.row, textfit.height_needed(text, self.span, bold=bold, size=size))
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def table(self, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              fills: Callable[[Sequence[Any]], dict[int, str]] | None = None,
              repeat: bool = True) -> None:
        """A native Excel table (filters on its header) of ``rows`` under ``headers``; the
        header row is repeated on every printed page (``repeat``). ``fills(row)`` gives the
        colour of some of its cells by column."""
        ws, formats = self.ws, self.formats
        head = self.row
        heads = _unique([h or "—" for h in headers])
        ws.set_row(head, row_height(heads, self.widths, bold=True))
        r = head + 1
        plain = formats.get()
        day = formats.get(day=True)
        for values in rows:
            colour = fills(values) if fills else {}
            for c, v in enumerate(values):
                fill = colour.get(c)
                if isinstance(v, date | datetime):
                    fmt = formats.get(day=True, fill=fill) if fill else day
                else:
                    fmt = formats.get(fill=fill) if fill else plain
                put(ws, r, c, v, fmt)
            height = row_height(values, self.widths)
            if height > textfit.MIN_HEIGHT:
                ws.set_row(r, height)
            r += 1
        if r == head + 1:  # a table needs a row under its header
            for c in range(len(heads)):
                ws.write_blank(r, c, None, plain)
            r += 1
        ws.add_table(head, 0, r - 1, len(heads) - 1, {
            "name": name, "style": "Table Style Light 1", "autofilter": True,
            "columns": [{"header": h, "header_format": formats.get(bold=True,
                                                                   fill=HEADER_FILL)}
                        for h in heads],
        })
        if repeat and self.header_row is None:
            self.header_row = head
            ws.repeat_rows(head)
            ws.freeze_panes(head + 1, 0)
        self.row = r


def _unique(headers: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = h.replace("\n", " ")[:250]
        n = seen.get(h.casefold(), 0)
        seen[h.casefold()] = n + 1
        out.append(h if n == 0 else f"{h} ({n + 1})")
    return out
