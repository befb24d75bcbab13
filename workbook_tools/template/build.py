"""Writing a blank (or pre-filled) self-scoring template with xlsxwriter.

xlsxwriter, not openpyxl: it writes data validation with input messages, conditional formats,
sheet protection, print titles and fit-to-width exactly as Excel does, and it leaves formulas
without cached values and marks the workbook for a full recalculation on load, so Excel and
LibreOffice compute every formula when the file is opened.

Sheets: the table (title, unit, header, ``rows`` pre-filled rows and blank rows below, every
computed cell a formula of :mod:`.formulas`); the reference (the matrix, both scales and the
measures of Annex I, coloured; for a plan, the status colours and the deadline forms); the
instructions; a hidden list sheet the drop-downs take their values from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .. import messages, textfit
from ..atomic import save_atomic
from ..kinds.plan import STATUS_FILL
from ..model import DEFAULT_RESIDUAL_RULE, Level, ResidualRule
from ..rules import matrix
from ..rules.formats import table_format
from . import formulas as fx
from .columns import COLUMNS, SECTION_COLUMN, Col, letter, position

WORKBOOK_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False,
                    "strings_to_urls": False}
#: Rows of a blank template (and blank rows under pre-filled ones).
BLANK_ROWS = 40
#: The table's header row (0-based): title, unit and a note above it.
HEADER_ROW = 3
GREY = "#F2F2F2"
HEADER_GREY = "#D9D9D9"


def _hex(argb: str) -> str:
    return "#" + argb[-6:]


@dataclass
class Row:
    """One row written into a template: staff's values by column key, or a section name."""

    values: Mapping[str, Any] = field(default_factory=dict)
    section: str | None = None


@dataclass(frozen=True)
class TemplateSpec:
    kind: str  # "register" | "plan"
    lang: str = messages.DEFAULT_LANG
    unit: str | None = None
    residual: ResidualRule = DEFAULT_RESIDUAL_RULE
    #: lines written under the instructions (the findings of --from)
    notes: tuple[str, ...] = ()


def words(vocab: str, codes: Sequence[str], lang: str) -> list[str]:
    """The vocabulary's words of ``codes`` in ``lang``, capitalised, for a drop-down."""
    out = []
    for code in codes:
        w = messages.text(f"word.{vocab}.{code}", lang)
        out.append(w[:1].upper() + w[1:])
    return out


CATEGORY_CODES = ("systemic", "potential", "situational")
CONTROL_CODES = (Level.HIGH.value, Level.MEDIUM.value, Level.LOW.value)
STATUS_CODES = ("done", "in_progress", "partly_done", "not_started")


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base = {"font_size": 10, "valign": "top", "text_wrap": True, "border": 1}
        self.header = book.add_format({**base, "bold": True, "bg_color": HEADER_GREY,
                                       "align": "center", "valign": "vcenter"})
        self.input = book.add_format({**base, "locked": False})
        self.date_input = book.add_format({**base, "locked": False, "num_format": "dd.mm.yyyy",
                                           "align": "left"})
        self.formula = book.add_format({**base, "bg_color": GREY})
        self.date_formula = book.add_format({**base, "bg_color": GREY,
                                             "num_format": "dd.mm.yyyy"})
        self.section = book.add_format({**base, "locked": False, "bold": True})
        self.title = book.add_format({"bold": True, "font_size": 13, "text_wrap": True,
                                      "valign": "top"})
        self.plain = book.add_format({"font_size": 10, "text_wrap": True, "valign": "top"})
        self.italic = book.add_format({"font_size": 9, "italic": True, "text_wrap": True,
                                       "valign": "top"})
        self.bold = book.add_format({"font_size": 10, "bold": True, "text_wrap": True,
                                     "valign": "top"})
        self.cell = book.add_format({**base})
        self.center = book.add_format({**base, "align": "center"})
        self.mark = book.add_format({"font_color": "#C00000", "bold": True})
        self.fills: dict[str, Format] = {}
        self.book = book

    def fill(self, argb: str, *, center: bool = False, bold: bool = False) -> Format:
        key = f"{argb}{center}{bold}"
        if key not in self.fills:
            self.fills[key] = self.book.add_format({
                "font_size": 10, "valign": "top", "text_wrap": True, "border": 1,
                "bg_color": _hex(argb), "align": "center" if center else "left", "bold": bold})
        return self.fills[key]


def _page(ws: Worksheet, lang: str, file_name: str, *, landscape: bool) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    footer = messages.text("page.footer", lang)
    ws.set_footer(f"&L{file_name.replace('&', '&&')}&C&A&R{footer}")


class _Writer:
    def __init__(self, book: Workbook, spec: TemplateSpec, file_name: str) -> None:
        self.book, self.spec, self.lang = book, spec, spec.lang
        self.file_name = file_name
        self.f = _Formats(book)
        self.cols = COLUMNS[spec.kind]
        self.pos = position(spec.kind)
        self.deadline_refs: fx.DeadlineRefs | None = None
        #: a table of scored risks (the register); else of dated activities (the plan)
        self.scored = "probability" in self.pos

    def t(self, code: str, **params: Any) -> str:
        return messages.text(code, self.lang, **params)

    # --- the hidden sheet of lists ----------------------------------------------------------

    def lists(self) -> None:
        ws = self.book.add_worksheet(self.t("template.sheet.lists"))
        ws.hide()
        ws.protect()
        if self.scored:
            return
        forms = fx.deadline_table(self.lang)
        date_fmt = self.book.add_format({"num_format": "dd.mm.yyyy"})
        for r, form in enumerate(forms, start=1):
            ws.write_string(r, 0, form.text)
            for c, day in ((1, form.start), (2, form.end)):
                if day is None:
                    ws.write_number(r, c, 0)
                else:
                    ws.write_datetime(r, c, datetime(day.year, day.month, day.day), date_fmt)
            ws.write_number(r, 3, int(form.recurring))
            ws.write_number(r, 4, int(form.continuous))
        sheet = "'" + ws.name.replace("'", "''") + "'"
        last = len(forms) + 1

        def rng(col: int) -> str:
            return f"{sheet}!${letter(col)}$2:${letter(col)}${last}"

        self.deadline_refs = fx.DeadlineRefs(rng(0), rng(1), rng(2), rng(3), rng(4))

    # --- the table --------------------------------------------------------------------------

    def table(self, rows: Sequence[Row]) -> None:
        kind, lang, f = self.spec.kind, self.lang, self.f
        ws = self.book.add_worksheet(self.t(f"template.sheet.{kind}"))
        _page(ws, lang, self.file_name, landscape=True)
        last_col = len(self.cols) - 1
        span = sum(c.width for c in self.cols)
        for i, c in enumerate(self.cols):
            ws.set_column(i, i, c.width)
        title = table_format(kind).title[lang]
        ws.merge_range(0, 0, 0, last_col, title, f.title)
        ws.set_row(0, textfit.height_needed(title, span, bold=True, size=13))
        unit = (self.t("template.unit", unit=self.spec.unit) if self.spec.unit
                else self.t("template.unit_blank"))
        ws.merge_range(1, 0, 1, last_col, unit, f.bold)
        note = self.t("template.computed_note")
        ws.merge_range(2, 0, 2, last_col, note, f.italic)
        header_height = 15.0
        for i, c in enumerate(self.cols):
            text = c.title(kind, lang)
            ws.write_string(HEADER_ROW, i, text, f.header)
            header_height = max(header_height,
                                textfit.height_needed(text, c.width, bold=True, size=10))
        ws.set_row(HEADER_ROW, header_height)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.repeat_rows(HEADER_ROW)
        first = HEADER_ROW + 1
        total = len(rows) + BLANK_ROWS
        for n in range(total):
            row = rows[n] if n < len(rows) else Row()
            self._row(ws, first + n, row)
        last = first + total - 1
        ws.print_area(0, 0, last, last_col)
        ws.autofilter(HEADER_ROW, 0, last, last_col)
        self._validation(ws, first, last)
        self._colours(ws, first, last)
        ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True,
                        "autofilter": True, "sort": True})
        ws.activate()

    def _row(self, ws: Worksheet, r: int, row: Row) -> None:
        f = self.f
        refs = {c.key: f"${letter(i)}{r + 1}" for i, c in enumerate(self.cols)}
        texts: list[tuple[str, float]] = []
        for i, c in enumerate(self.cols):
            if c.formula:
                formula = self._formula(c.key, refs)
                fmt = f.date_formula if c.key == "due" else f.formula
                ws.write_formula(r, i, formula, fmt, "")
                continue
            value = row.values.get(c.key)
            if row.section is not None and c.key == SECTION_COLUMN[self.spec.kind]:
                value = row.section
            # a deadline typed as a date keeps its date format; a year typed as a number stays
            # a number (a date format would show 2026 as 18.07.1905)
            fmt = f.section if row.section is not None else (
                f.date_input if isinstance(value, date) else f.input)
            self._value(ws, r, i, value, fmt)
            if isinstance(value, str):
                texts.append((value, c.width))
        if texts:
            ws.set_row(r, max(textfit.height_needed(t, w, size=10) for t, w in texts))

    @staticmethod
    def _value(ws: Worksheet, r: int, c: int, value: Any, fmt: Format) -> None:
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_string(r, c, str(value), fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, value, fmt)
        elif isinstance(value, date):
            ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def _formula(self, key: str, refs: dict[str, str]) -> str:
        lang = self.lang
        if key == "sum":
            return fx.score_sum(refs["probability"], refs["harm"], refs["cases"])
        if key == "stated_level":
            return fx.level(refs["sum"], lang)
        if key == "residual":
            return fx.residual(refs["sum"], refs["control"], lang, self.spec.residual)
        if key == "measure":
            return fx.measure(refs["sum"], lang)
        if key == "due":
            assert self.deadline_refs is not None
            return fx.due_day(refs["deadline"], refs["activity"], refs["status"],
                              self.deadline_refs)
        if key == "state":
            return fx.state(refs["due"], refs["deadline"], refs["activity"], refs["status"],
                            lang)
        raise KeyError(key)  # pragma: no cover - COLUMNS and this list go together

    def _list(self, ws: Worksheet, key: str, first: int, last: int, source: Any,
              title: str, message: str, *, strict: bool = True) -> None:
        c = self.pos[key]
        options: dict[str, Any] = {
            "validate": "list", "source": source, "input_title": title[:32],
            "input_message": message[:255], "show_error": strict,
            "error_title": self.t("template.error_title")[:32],
            "error_message": self.t("template.error")[:255],
        }
        ws.data_validation(first, c, last, c, options)

    def _validation(self, ws: Worksheet, first: int, last: int) -> None:
        t, lang = self.t, self.lang
        if self.scored:
            scores = [str(p) for p in matrix.VALID_POINTS]
            for key in ("probability", "harm"):
                self._list(ws, key, first, last, scores, t(f"template.input.{key}_title"),
                           t(f"template.input.{key}"))
            self._list(ws, "category", first, last, words("categories", CATEGORY_CODES, lang),
                       t("template.input.category_title"), t("template.input.category"))
            control = words("control", CONTROL_CODES, lang)
            self._list(ws, "control", first, last, control, t("template.input.control_title"),
                       t("template.input.control", high=control[0]))
            for key in ("probability_reason", "harm_reason"):
                c = self.pos[key]
                ws.data_validation(first, c, last, c, {
                    "validate": "any", "input_title": t("template.input.reason_title")[:32],
                    "input_message": t("template.input.reason")[:255]})
        else:
            assert self.deadline_refs is not None
            self._list(ws, "deadline", first, last, "=" + self.deadline_refs.text,
                       t("template.input.deadline_title"), t("template.input.deadline"),
                       strict=False)
            status = words("statuses", STATUS_CODES, lang)
            self._list(ws, "status", first, last, status, t("template.input.status_title"),
                       t("template.input.status", done=status[0]))

    def _colours(self, ws: Worksheet, first: int, last: int) -> None:
        """Rows coloured by the computed level (the plan: by the computed state); the marks
        of unread entries in red."""
        last_col = len(self.cols) - 1
        top = first + 1
        marked: tuple[str, ...]
        if self.scored:
            col = letter(self.pos["stated_level"])
            shades = [(messages.level_name(lv, self.lang), matrix.LEVEL_FILL[lv])
                      for lv in matrix.MATRIX_LEVELS]
            marked = ("sum", "stated_level", "residual")
        else:
            col = letter(self.pos["state"])
            shades = [(messages.text(f"status.{s}", self.lang), STATUS_FILL[s])
                      for s in ("overdue", "due_soon", "done", "on_track", "ongoing")]
            marked = ("due", "state")
        for word, argb in shades:
            ws.conditional_format(first, 0, last, last_col, {
                "type": "formula", "criteria": f"=${col}{top}={fx.quote(word)}",
                "format": self.book.add_format({"bg_color": _hex(argb)})})
        for key in marked:
            c = self.pos[key]
            for mark in (fx.INVALID, fx.INCOMPLETE, fx.UNREAD):
                ws.conditional_format(first, c, last, c, {
                    "type": "cell", "criteria": "==", "value": fx.quote(mark),
                    "format": self.f.mark})

    # --- the reference sheet ----------------------------------------------------------------

    def reference(self) -> None:
        ws = self.book.add_worksheet(self.t("template.sheet.reference"))
        _page(ws, self.lang, self.file_name, landscape=False)
        ws.protect()
        if self.scored:
            _Reference(ws, self).register()
        else:
            _Reference(ws, self).plan()

    # --- the instructions -------------------------------------------------------------------

    def instructions(self) -> None:
        ws = self.book.add_worksheet(self.t("template.sheet.instructions"))
        _page(ws, self.lang, self.file_name, landscape=False)
        ws.protect()
        width = 100.0
        ws.set_column(0, 0, width)
        lines = [(self.t("template.howto.title"), self.f.title, 13.0)]
        lines += [(line, self.f.plain, 10.0)
                  for line in self.t(f"template.howto.{self.spec.kind}").split("\n")]
        if self.scored:
            low = messages.level_name(self.spec.residual.low_becomes, self.lang)
            lines.append((self.t("template.howto.setting", low=low), self.f.plain, 10.0))
        lines.append((self.t("template.howto.send"), self.f.bold, 10.0))
        lines += [(note, self.f.plain, 10.0) for note in self.spec.notes]
        for r, (text, fmt, size) in enumerate(lines):
            ws.write_string(r, 0, text, fmt)
            ws.set_row(r, textfit.height_needed(text, width, size=size) + 4)


class _Reference:
    """The reference sheet, row by row."""

    def __init__(self, ws: Worksheet, w: _Writer) -> None:
        self.ws, self.w, self.f, self.r = ws, w, w.f, 0

    def line(self, text: str, fmt: Format, span: float, last_col: int) -> None:
        self.ws.merge_range(self.r, 0, self.r, last_col, text, fmt)
        self.ws.set_row(self.r, textfit.height_needed(text, span, bold=True, size=10) + 2)
        self.r += 1

    #: columns: the level (or sum), three of the matrix's harm columns, the rest of a
    #: description, the points
    WIDTHS = (16.0, 12.0, 12.0, 12.0, 40.0, 8.0)

    def text_row(self, first: str, text: str, fill: Format, points: int | None | bool = False,
                 ) -> None:
        """A level, a text merged over the middle columns, and the points (None: the column
        left for a header) when given."""
        ws, last = self.ws, len(self.WIDTHS) - 1
        ws.write_string(self.r, 0, first, fill)
        end = last - 1 if points is not False else last
        ws.merge_range(self.r, 1, self.r, end, text, fill)
        if isinstance(points, int) and not isinstance(points, bool):
            ws.write_number(self.r, last, points, fill)
        width = sum(self.WIDTHS[1:end + 1])
        ws.set_row(self.r, textfit.height_needed(text, width, size=10))
        self.r += 1

    def register(self) -> None:
        ws, w, f = self.ws, self.w, self.f
        for i, width in enumerate(self.WIDTHS):
            ws.set_column(i, i, width)
        span, last_col = sum(self.WIDTHS), len(self.WIDTHS) - 1
        self.line(w.t("template.ref.title"), f.title, span, last_col)
        for scale in ("probability", "harm"):
            self.r += 1
            self.line(w.t(f"template.ref.{scale}"), f.bold, span, last_col)
            self.text_row(w.t("template.ref.level"), w.t("template.ref.description"), f.header,
                          None)
            ws.write_string(self.r - 1, last_col, w.t("template.ref.points"), f.header)
            for p in matrix.VALID_POINTS:
                lv = matrix.POINTS_SCALE[p]
                self.text_row(messages.level_name(lv, w.lang),
                              w.t(f"template.scale.{scale}.{p}"),
                              f.fill(matrix.LEVEL_FILL[lv]), p)
        self.r += 1
        self.line(w.t("template.ref.matrix"), f.bold, span, last_col)
        self.matrix()
        self.r += 1
        self.line(w.t("template.ref.category"), f.bold, span, last_col)
        ws.write_string(self.r, 0, w.t("template.ref.sum"), f.header)
        ws.write_string(self.r, 1, w.t("template.ref.level"), f.header)
        self.r += 1
        for total, lv in matrix.CATEGORY_BY_SUM.items():
            ws.write_number(self.r, 0, total, f.fill(matrix.LEVEL_FILL[lv], center=True))
            ws.write_string(self.r, 1, messages.level_name(lv, w.lang),
                            f.fill(matrix.LEVEL_FILL[lv]))
            self.r += 1
        self.r += 1
        low = messages.level_name(w.spec.residual.low_becomes, w.lang)
        self.line(w.t("template.ref.residual", low=low), f.plain, span, last_col)
        self.r += 1
        self.line(w.t("template.ref.measures"), f.bold, span, last_col)
        self.text_row(w.t("template.ref.level"), w.t("template.ref.measure"), f.header)
        for lv in (Level.LOW, Level.MEDIUM, Level.HIGH):
            self.text_row(messages.level_name(lv, w.lang),
                          messages.text(matrix.MEASURE_KEY[lv], w.lang),
                          f.fill(matrix.LEVEL_FILL[lv]))

    def matrix(self) -> None:
        """Table 3: probability rows by harm columns, each cell its sum in its level's colour."""
        ws, w, f = self.ws, self.w, self.f
        points = matrix.VALID_POINTS

        def word(p: int) -> str:
            return f"{p} ({messages.level_name(matrix.POINTS_SCALE[p], w.lang)})"

        ws.write_string(self.r, 0, "↓ / →", f.header)
        for j, h in enumerate(points):
            ws.write_string(self.r, 1 + j, word(h), f.header)
        self.r += 1
        for p in points:
            ws.write_string(self.r, 0, word(p), f.header)
            for j, h in enumerate(points):
                total = matrix.MATRIX[(p, h)]
                lv = matrix.CATEGORY_BY_SUM[total]
                ws.write_number(self.r, 1 + j, total,
                                f.fill(matrix.LEVEL_FILL[lv], center=True, bold=True))
            self.r += 1

    def plan(self) -> None:
        ws, w, f = self.ws, self.w, self.f
        widths = (30.0, 16.0, 16.0)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        span, last_col = sum(widths), len(widths) - 1
        self.line(messages.text("template.col.state", w.lang), f.title, span, last_col)
        for code in ("overdue", "due_soon", "on_track", "ongoing", "done", "no_deadline"):
            ws.merge_range(self.r, 0, self.r, last_col, messages.text(f"status.{code}", w.lang),
                           f.fill(STATUS_FILL[code]))
            self.r += 1
        self.r += 1
        self.line(w.t("template.input.deadline_title"), f.title, span, last_col)
        date_fmt = self.w.book.add_format({"num_format": "dd.mm.yyyy", "border": 1,
                                           "font_size": 10})
        for form in fx.deadline_table(w.lang):
            ws.write_string(self.r, 0, form.text, f.cell)
            for c, day in ((1, form.start), (2, form.end)):
                if day is None:
                    ws.write_blank(self.r, c, None, f.cell)
                else:
                    ws.write_datetime(self.r, c, datetime(day.year, day.month, day.day),
                                      date_fmt)
            self.r += 1


def build_template(kind: str, target: str | Path, *, lang: str = messages.DEFAULT_LANG,
                   unit: str | None = None, rows: Sequence[Row] = (),
                   residual: ResidualRule = DEFAULT_RESIDUAL_RULE,
                   notes: Sequence[str] = ()) -> Path:
    """Write the template of ``kind`` ("register" or "plan") to ``target``, atomically;
    ``rows`` pre-filled (``--from``), then :data:`BLANK_ROWS` blank ones. Raises ``OSError``
    (or xlsxwriter's own error) when it cannot be written."""
    if kind not in COLUMNS:
        raise ValueError(kind)
    target = Path(target)
    spec = TemplateSpec(kind, lang, unit, residual, tuple(notes))

    def write(tmp: Path) -> None:
        book = Workbook(str(tmp), WORKBOOK_OPTIONS)
        book.set_properties({"title": table_format(kind).title[lang],
                             "subject": f"workbook-tools template {kind}",
                             "keywords": "workbook-tools template"})
        w = _Writer(book, spec, target.name)
        w.lists()
        w.table(rows)
        w.reference()
        w.instructions()
        book.worksheets_objs.sort(key=lambda s: s.hidden)  # the list sheet last
        book.close()

    save_atomic(write, target)
    return target


__all__ = ["BLANK_ROWS", "Col", "Row", "build_template"]
