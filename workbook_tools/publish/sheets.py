"""The assessment sheets (баалоо баракчасы, Annex I, point 7): one printed A4 page per risk.

Each risk has a worksheet of its own, printed on one page (fitted to it): the
description of the risk, the function and the unit, the probability and the harm with their
scores and justifications, the sum and the final level, control effectiveness and the residual
level, the management measure of the level (point 6) and the recommended measures (from the
register's column; where it has none, a blank space for the working group), then lines for
the working group's signatures and the date. Every text is written as text; row heights come
from :mod:`workbook_tools.textfit`, so a sheet's texts are never cut. ``to_pdf`` prints the
workbook with LibreOffice.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import messages, textfit
from ..atomic import save_atomic
from ..consolidate.xlsx import MAX_TEXT, WORKBOOK_OPTIONS, Formats, rgb
from ..model import Level
from ..rules import matrix
from ..rules.formats import table_format
from .select import Part, Selection

#: column widths (characters): the label, the score, the justification; 88 in all, A4 portrait
#: at full size between the margins
WIDTHS = (30.0, 16.0, 42.0)
#: the room left for the working group's own measures, in lines
BLANK_LINES = 4
#: signature lines
SIGNATURES = 3
#: the tallest a row may be (Excel's limit); a page holds about 720 points
MAX_ROW = 409.0


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _score(v: Any) -> int | None:
    if isinstance(v, bool) or _blank(v):
        return None
    if isinstance(v, int | float) and float(v).is_integer() and int(v) in matrix.VALID_POINTS:
        return int(v)
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Page:
    """One worksheet written top to bottom: a row of label and value, a row of three cells, a
    line across; each row as tall as its texts need."""

    def __init__(self, ws: Worksheet, formats: Formats) -> None:
        self.ws = ws
        self.f = formats
        self.row = 0

    def _height(self, cells: list[tuple[str, float]], bold: bool = False,
                size: float | None = None, least: float = textfit.MIN_HEIGHT) -> None:
        need = max([least, *(textfit.height_needed(t, w, bold=bold, size=size)
                             for t, w in cells if t)])
        self.ws.set_row(self.row, min(need, MAX_ROW))

    def line(self, text: str, *, bold: bool = False, size: float | None = None,
             italic: bool = False, border: bool = False, least: float = textfit.MIN_HEIGHT,
             fill: str | None = None) -> None:
        fmt = self.f.get(bold=bold, size=size, italic=italic, border=border, fill=fill)
        self.ws.merge_range(self.row, 0, self.row, len(WIDTHS) - 1, "", fmt)
        self.ws.write_string(self.row, 0, text[:MAX_TEXT], fmt)
        self._height([(text, sum(WIDTHS))], bold=bold, size=size, least=least)
        self.row += 1

    def pair(self, label: str, value: str, *, fill: str | None = None, bold_value: bool = False,
             italic: bool = False, least: float = textfit.MIN_HEIGHT) -> None:
        """A label and its value across the two other columns."""
        head = self.f.get(bold=True, fill="#F2F2F2")
        body = self.f.get(fill=fill, bold=bold_value, italic=italic)
        self.ws.write_string(self.row, 0, label, head)
        self.ws.merge_range(self.row, 1, self.row, 2, "", body)
        self.ws.write_string(self.row, 1, value[:MAX_TEXT], body)
        self._height([(label, WIDTHS[0]), (value, WIDTHS[1] + WIDTHS[2])], least=least)
        self.row += 1

    def three(self, a: str, b: str, c: str, *, head: bool = False) -> None:
        fmts = [self.f.get(bold=True, fill="#F2F2F2"),
                self.f.get(bold=head, fill="#F2F2F2" if head else None, center=True),
                self.f.get(bold=head, fill="#F2F2F2" if head else None)]
        for col, (text, fmt) in enumerate(zip((a, b, c), fmts, strict=True)):
            self.ws.write_string(self.row, col, text[:MAX_TEXT], fmt)
        self._height(list(zip((a, b, c), WIDTHS, strict=True)), bold=head)
        self.row += 1

    def gap(self, points: float = textfit.MIN_HEIGHT) -> None:
        self.ws.set_row(self.row, points)
        self.row += 1


def _text(v: Any) -> str:
    return "" if _blank(v) else str(v).strip()


def _sheet(page: _Page, sel: Selection, part: Part, row: int, rec: dict[str, Any], index: int,
           lang: str) -> None:
    """One risk's assessment sheet."""
    t = messages.text
    fmt = table_format(part.table.kind.name)
    label: Callable[[str], str] = lambda key: str(fmt.column(key).label[lang])  # noqa: E731
    none = t("assess.none", lang)

    def said(v: Any) -> str:
        return _text(v) or none

    def scale(v: Any, raw: Any) -> str:
        points = _score(v)
        if points is None:
            return _text(raw) or none
        word = messages.level_name(matrix.POINTS_SCALE[points], lang)
        return t("assess.scale", lang, points=points, word=word)

    def level(v: Any) -> tuple[str, str | None]:
        if not isinstance(v, str):
            return messages.level_name(None, lang), None
        return messages.level_name(v, lang), rgb(matrix.LEVEL_FILL[Level(v)])

    page.line(t("assess.title", lang, index=index), bold=True, size=14)
    page.line(t("assess.basis", lang), italic=True, size=9)
    page.gap(8)
    page.pair(t("assess.unit", lang), sel.unit)
    page.pair(t("assess.source", lang),
              t("assess.where", lang, file=sel.file_name, sheet=part.sheet, row=row))
    if _text(rec.get("section")):
        page.pair(t("assess.section", lang), _text(rec.get("section")))
    if _text(rec.get("number")):
        page.pair(t("assess.number", lang), _text(rec.get("number")))
    page.pair(label("function"), said(rec.get("function")))
    page.pair(label("unit"), said(rec.get("unit")))
    page.pair(label("positions"), said(rec.get("positions")))
    page.pair(label("category"), said(rec.get("category_raw")))
    page.pair(t("assess.description", lang), said(rec.get("cases")), bold_value=True)
    page.gap(8)
    page.three(t("assess.assessment", lang), t("assess.score", lang),
               t("assess.justification", lang), head=True)
    page.three(label("probability"), scale(rec.get("probability"), rec.get("probability_raw")),
               said(rec.get("probability_reason")))
    page.three(label("harm"), scale(rec.get("harm"), rec.get("harm_raw")),
               said(rec.get("harm_reason")))
    total = _score(rec.get("probability")) and _score(rec.get("harm")) and rec.get("score")
    page.pair(t("assess.sum", lang), str(int(total)) if isinstance(total, int | float) else none)
    word, fill = level(rec.get("level"))
    page.pair(t("assess.level", lang), word, fill=fill, bold_value=True)
    stated = rec.get("stated_level")
    page.pair(t("assess.stated", lang),
              messages.level_name(stated, lang) if isinstance(stated, str)
              else said(rec.get("stated_level_raw")))
    control = rec.get("control")
    word = f"word.control.{control}"  # "высокая" эффективность, not the level "высокий"
    page.pair(label("control"), _capital(messages.text(word, lang))
              if isinstance(control, str) and messages.has(word)
              else said(rec.get("control_raw")))
    word, fill = level(rec.get("residual_level"))
    page.pair(messages.text("col.residual", lang), word, fill=fill, bold_value=True)
    measure = rec.get("measure")
    page.pair(t("assess.measure", lang), t(measure, lang) if isinstance(measure, str) else none)
    recommended = _text(rec.get("measures"))
    if recommended:
        page.pair(t("assess.recommended", lang), recommended)
    else:
        page.pair(t("assess.recommended", lang), t("assess.to_fill", lang), italic=True,
                  least=textfit.height_for(BLANK_LINES))
    page.gap(20)
    page.line(t("assess.signatures", lang), bold=True)
    for _ in range(SIGNATURES):
        page.line(t("assess.sign_line", lang), least=30)
    page.gap(10)
    page.line(t("assess.date_line", lang))


def _print_setup(ws: Worksheet, file_name: str, footer: str) -> None:
    """A4 portrait, the whole sheet on one page (a risk whose texts are very long is printed
    smaller rather than on two pages), the file, the sheet and the page in the footer."""
    for i, w in enumerate(WIDTHS):
        ws.set_column(i, i, w)
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.5, right=0.4, top=0.5, bottom=0.6)
    ws.hide_gridlines(2)
    ws.set_footer(f"&L{file_name.replace('&', '&&')}&C&A&R{footer}")


@dataclass(frozen=True)
class Written:
    """What ``write_sheets`` wrote: the workbook and how many sheets (risks) it holds."""

    path: Path
    count: int


def write_sheets(sel: Selection, target: str | Path, lang: str) -> Written:
    """The assessment sheets of every register's rows in ``sel``, written (atomically) to
    ``target``. Raises ``OSError`` when it cannot be written."""
    target = Path(target)

    def write(tmp: Path) -> int:
        count = 0
        book = Workbook(str(tmp), WORKBOOK_OPTIONS)
        formats = Formats(book, border_color="#808080")
        footer = messages.text("page.footer", lang)
        for part in sel.registers:
            for row, rec in part.rows:
                count += 1
                ws = book.add_worksheet(messages.text("assess.tab", lang, index=count)[:31])
                _print_setup(ws, target.name, footer)
                _sheet(_Page(ws, formats), sel, part, row, rec, count, lang)
        book.close()
        return count

    return Written(target, save_atomic(write, target))


def to_pdf(xlsx: Path, target: Path) -> Path:
    """The workbook printed to PDF by LibreOffice (headless, private profile, time limit);
    raises :class:`~workbook_tools.read.libreoffice.LibreOfficeError`."""
    from ..read.libreoffice import converted

    with converted(xlsx, "pdf") as pdf:
        save_atomic(lambda tmp: shutil.copyfile(pdf, tmp), target)
    return target
