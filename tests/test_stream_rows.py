"""The stream backend's plain-row path (``Rows._plain_row``, rows edited as bytes) against the
general one (``Rows._row``): the same copy, part for part, or the same refusal, on rows of every
odd shape a package can hold."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from workbook_tools.annotated.stream import StreamUnsupported, rows, write_stream
from workbook_tools.annotated.stream.copier import Copier
from workbook_tools.annotated.stream.styles import Styles
from workbook_tools.annotated.stream.worksheet import Merged, SheetJob
from workbook_tools.copyplan import CopyPlan, Overlay, SheetEdits, Style

TITLE = "Тизмек"
BOLD = Style(bold=True, wrap=True)

# rows 1-6 as staff wrote them; the cases below replace some of them
BASE = {
    1: '<row r="1"><c r="A1" t="inlineStr"><is><t>№</t></is></c>'
       '<c r="B1" t="inlineStr"><is><t>Функция</t></is></c></row>',
    2: '<row r="2"><c r="A2" t="n"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Жер</t></is></c>'
       '<c r="C2" t="n"><v>3</v></c><c r="D2" s="1" t="n"><v>2</v></c></row>',
    3: '<row r="3" spans="1:4"><c r="A3" s="2" t="n"><v>2</v></c><c r="B3" s="1"/>'
       '<c r="C3" t="n"><v>4</v></c><c r="D3" t="n"><v>1</v></c></row>',
    4: '<row r="4" ht="45" customHeight="1"><c r="A4" t="n"><v>3</v></c>'
       '<c r="C4" t="inlineStr"><is><t>орточо</t></is></c></row>',
    5: '<row r="5"><c r="A5" t="n"><v>4</v></c><c r="B5"><f>1+1</f><v>2</v></c></row>',
    6: '<row r="6"/>',
}

CASES = {
    "as written": {},
    "whitespace between cells": {
        2: '<row r="2">\n  <c r="A2" t="n"><v>1</v></c>\t<c r="B2" t="n"><v>2</v></c>\n</row>'},
    "a space before > and />": {
        2: '<row r="2" ><c r="A2" t="n" ><v>1</v></c><c r="B2" s="1" /></row>'},
    "r= not first": {2: '<row r="2"><c t="n" r="A2"><v>1</v></c><c r="B2"/></row>'},
    "two spaces before r=": {2: '<row r="2"><c  r="A2" t="n"><v>1</v></c></row>'},
    "a cell without r=": {2: '<row r="2"><c t="n"><v>1</v></c></row>'},
    "a cell of another row": {2: '<row r="2"><c r="A3" t="n"><v>1</v></c></row>'},
    "text between cells": {2: '<row r="2"><c r="A2" t="n"><v>1</v></c>x<c r="B2"/></row>'},
    "a stray element": {2: '<row r="2"><c r="A2" t="n"><v>1</v></c><x/></row>'},
    "a cut-off cell": {2: '<row r="2"><c r="A2" t="n"><v>1</v></row>'},
    "a body stretched to a later </c>": {
        2: '<row r="2"><c r="A2" t="n"><v>1</v></c>junk</c></row>'},
    "no-break space between cells": {
        2: '<row r="2"><c r="A2" t="n"><v>1</v></c>\u00a0<c r="B2"/></row>'},
    "cells out of order": {
        2: '<row r="2"><c r="C2" t="n"><v>3</v></c><c r="A2" t="n"><v>1</v></c></row>'},
    "the same cell twice": {
        2: '<row r="2"><c r="A2" t="n"><v>1</v></c><c r="A2" t="n"><v>9</v></c></row>'},
    "rich text and escapes": {
        2: '<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>a&lt;/c&gt;</t></r>'
           '<r><t xml:space="preserve"> b "&gt;</t></r></is></c>'
           '<c r="B2" t="s"><v>0</v></c></row>'},
    "a cell past the colour": {
        2: '<row r="2"><c r="A2" t="n"><v>1</v></c><c r="Z2" t="n"><v>1</v></c></row>'},
    "a row self-closing with spans": {6: '<row r="6" spans="1:3"/>'},
    "row attributes with ht lower": {
        2: '<row r="2" ht="12" customHeight="1" x14ac:dyDescent="0.25">'
           '<c r="A2" t="n"><v>1</v></c></row>'},
    "row attributes with spans and trailing space": {
        2: '<row r="2" spans="1:2" ><c r="A2" t="n"><v>1</v></c></row>'},
    "a row without r=": {2: '<row><c r="A2" t="n"><v>1</v></c></row>'},
    "cells in a row with no ops": {
        7: '<row r="7"><c r="A7" t="n"><v>1</v></c></row>'},
    "a three-letter column": {
        2: '<row r="2"><c r="A2" t="n"><v>1</v></c><c r="AAB2" t="n"><v>1</v></c></row>'},
    "lower-case reference": {2: '<row r="2"><c r="a2" t="n"><v>1</v></c></row>'},
    "single quotes": {2: "<row r='2'><c r='A2' t='n'><v>1</v></c></row>"},
    "a prefixed cell": {2: '<row r="2"><x:c r="A2" t="n"><v>1</v></x:c></row>'},
    "an empty body": {2: '<row r="2"><c r="A2" t="n"></c><c r="B2" s="2"></c></row>'},
    "no value where the plan writes one": {
        3: '<row r="3"><c r="A3" t="n"><v>2</v></c><c r="F3" s="2"/></row>'},
    "a formula to neutralise": {
        5: '<row r="5"><c r="A5" t="str"><f>WEBSERVICE("http://x")</f><v>1</v></c>'
           '<c r="B5"><f>1+1</f><v>2</v></c></row>'},
    "a value where the plan writes one": {
        3: '<row r="3"><c r="F3" t="n"><v>2</v></c></row>'},
}


def _source(tmp: Path, replace: dict[int, str], extra_rows: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    ws["A1"] = 1
    ws["B1"].font = Font(bold=True)
    ws["C1"].fill = PatternFill("solid", fgColor="FF92D050")
    ws["D1"].number_format = "0.00%"
    ws.merge_cells("D5:E6")
    wb.save(tmp / "base.xlsx")
    rows_xml = {**BASE, **replace}
    data = "".join(rows_xml[r] for r in sorted(rows_xml))
    src = tmp / "src.xlsx"
    with zipfile.ZipFile(tmp / "base.xlsx") as a, \
            zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as b:
        for item in a.infolist():
            part = a.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>",
                              b"<sheetData>" + data.encode("utf-8") + b"</sheetData>",
                              part, flags=re.DOTALL)
                if not extra_rows:
                    part = part.replace(b"x14ac:", b"")
            b.writestr(item.filename, part)
    return src


def _plan(values: dict[tuple[int, int], tuple[object, Style | None]] | None = None) -> CopyPlan:
    edits = SheetEdits(TITLE)
    for r in range(1, 7):
        edits.row_fills[r] = (1, 6, "FFFFC7CE" if r % 2 else "FFC6EFCE")
        edits.cells[(r, 6)] = ("Жогорку" if r % 3 else r, BOLD)
        edits.heights[r] = 30.0
    edits.row_fills[8] = (1, 3, "FFFFEB9C")  # a row the sheet does not have
    edits.overlays[(2, 2)] = Overlay(border="mark")
    edits.overlays[(3, 1)] = Overlay(fill="FFFFFF00", border="mark")
    edits.overlays[(4, 9)] = Overlay(border="mark")  # outside the colour
    edits.cells[(2, 1)] = ("never over staff", None)
    edits.cells[(3, 2)] = ("into an empty staff cell", None)
    edits.cells.update(values or {})
    return CopyPlan(edits={TITLE: edits})


def _both(src: Path, plan: CopyPlan, tmp: Path,
          monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """The copy by the plain-row path and by the general path alone (parts, or the refusal)."""
    out = []
    for name, plain in (("plain", True), ("general", False)):
        with monkeypatch.context() as m:
            if not plain:
                m.setattr(rows.Rows, "_plain_row", lambda *_a: None)
            target = tmp / f"{name}.xlsx"
            try:
                write_stream(src, plan, target)
            except StreamUnsupported as exc:
                out.append(("declined", type(exc)))
                continue
            with zipfile.ZipFile(target) as z:
                out.append([(n, z.read(n)) for n in z.namelist()])
    return out[0], out[1]


@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_rows_give_the_general_copy(case: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    src = _source(tmp_path, CASES[case])
    plain, general = _both(src, _plan(), tmp_path, monkeypatch)
    assert plain == general


VALUES = {
    "text with escapes": ("a < b & \"c\" \x07", None),
    "whole number": (7, BOLD),
    "bool (not 1)": (True, BOLD),
    "float": (0.25, None),
    "minus zero": (-0.0, None),
    "decimal": (Decimal("1.50"), None),
    "date": (date(2026, 11, 25), None),
    "none with a style": (None, BOLD),
    "none without a style": (None, None),
    "empty text": ("", BOLD),
    "nan": (float("nan"), None),
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_new_cells_of_every_value_type(kind: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # the same value type in two rows and two columns: remembered, then reused
    value = VALUES[kind]
    values = {(r, c): value for r in (2, 3) for c in (6, 7)}
    values[(4, 7)] = (1, BOLD) if kind != "whole number" else ("1", BOLD)
    src = _source(tmp_path, {})
    plain, general = _both(src, _plan(values), tmp_path, monkeypatch)
    assert plain == general


def test_many_rows_and_attribute_variants(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough rows and distinct cell attributes to pass the remembered-results bounds."""
    many = {r: f'<row r="{r}">' + "".join(
        f'<c r="{col}{r}" s="{(r * 3 + i) % 3}" t="n" x="{r % 50}"><v>{r}</v></c>'
        for i, col in enumerate("ABC")) + "</row>" for r in range(7, 400)}
    src = _source(tmp_path, many)
    plan = _plan()
    edits = plan.edits[TITLE]
    for r in range(7, 400):
        edits.row_fills[r] = (1, 5, ["FFFFC7CE", "FFC6EFCE", "FFFFEB9C"][r % 3])
        edits.cells[(r, 5)] = (f"text {r % 7}", BOLD)
    monkeypatch.setattr(rows, "MAX_RESTYLED", 20)
    monkeypatch.setattr(rows, "MAX_NEW_CELLS", 5)
    plain, general = _both(src, plan, tmp_path, monkeypatch)
    assert plain == general


def _ops_cell_by_cell(edits: SheetEdits, covered: Callable[[int, int], bool]
                      ) -> dict[int, list[int]]:
    """The columns each row's edits touch, as the copier found them cell by cell."""
    ops: dict[int, list[int]] = {}
    cells = [*edits.overlays,
             *((row, col) for row, (first, last, _) in edits.row_fills.items()
               for col in range(first, last + 1)),
             *edits.cells]
    for row, col in cells:
        if not covered(row, col):
            cols = ops.setdefault(row, [])
            if col not in cols:
                cols.append(col)
    return {r: c for r, c in ops.items() if c}


@pytest.mark.parametrize("merges", ["", '<mergeCell ref="B2:C3"/><mergeCell ref="A5:F5"/>'])
def test_the_cells_each_row_changes(merges: str) -> None:
    edits = SheetEdits(TITLE)
    edits.overlays[(2, 9)] = Overlay(border="mark")
    edits.overlays[(3, 2)] = Overlay(border="mark")  # covered by B2:C3
    edits.cells[(9, 1)] = ("a row of its own", None)
    edits.cells[(2, 4)] = ("inside the colour", None)
    edits.cells[(2, 7)] = ("past it", None)
    for r in range(1, 7):
        edits.row_fills[r] = (1, 6, "FFFFC7CE")
    edits.row_fills[7] = (3, 2, "FFFFC7CE")  # empty
    edits.row_fills[8] = (1, 1, "FFFFC7CE")
    job = SheetJob(TITLE, "xl/worksheets/sheet1.xml")
    job.tail = f"<mergeCells>{merges}</mergeCells>" if merges else ""
    copier = Copier.__new__(Copier)
    copier._edits(job, edits)
    merged = Merged(job.tail)
    assert job.ops == _ops_cell_by_cell(edits, merged)
    assert list(job.ops) == list(_ops_cell_by_cell(edits, merged))


STYLES_XML = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
    '</border></borders><cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>")
COLOURS = ["FFFFC7CE", "FFC6EFCE", "FFFFEB9C"]
TEXTS = ["Жогорку", "Орточо", "Төмөн", "a < b"]


def _new_cells_plan(n: int) -> tuple[dict[int, str], SheetEdits]:
    """Plain rows 1..n and a plan adding cells to them: equal but distinct Style and Overlay
    objects in every row, shared ones too, and a marked cell inside each even row's colour
    (an Overlay made for it, cell by cell)."""
    sheet = {r: f'<row r="{r}"><c r="A{r}" t="n"><v>{r}</v></c><c r="B{r}" s="1"/></row>'
             for r in range(1, n + 1)}
    edits = SheetEdits(TITLE)
    for r in range(1, n + 1):
        edits.row_fills[r] = (1, 6, COLOURS[r % 3])
        if r % 2 == 0:
            edits.overlays[(r, 4)] = Overlay(border="mark")  # inside the colour
        edits.overlays[(r, 12)] = Overlay(border="mark")  # past it, a new object each row
        edits.cells[(r, 5)] = (TEXTS[r % 4], Style(bold=True, wrap=True))
        edits.cells[(r, 6)] = (TEXTS[r % 2], BOLD)
        edits.cells[(r, 7)] = (r % 3, None if r % 2 else Style(bold=True))
        edits.cells[(r, 9)] = (None, Style(bold=True) if r % 3 else None)
        edits.cells[(r, 10)] = ("", Style(bold=True))
        edits.cells[(r, 11)] = (r / 4, None)  # a float: never remembered
    return sheet, edits


def _rows_job(sheet: dict[int, str], edits: SheetEdits) -> SheetJob:
    """A job over these rows, its ops found as the copier finds them."""
    job = SheetJob(TITLE, "xl/worksheets/sheet1.xml")
    data = "".join(sheet[r] for r in sorted(sheet)).encode("utf-8")
    job.pieces = lambda: iter([data])
    Copier.__new__(Copier)._edits(job, edits)
    return job


@pytest.mark.parametrize("max_new_cells", [None, 1, 2])
def test_remembered_new_cells_give_what_fresh_ones_give(
        max_new_cells: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """One Rows for the sheet (new cells remembered by their overlay and style objects; with
    a small MAX_NEW_CELLS, forgotten again and again) and a fresh Rows for each row: the same
    rows and the same styles.xml."""
    if max_new_cells is not None:
        monkeypatch.setattr(rows, "MAX_NEW_CELLS", max_new_cells)
    sheet, edits = _new_cells_plan(60)
    calls = 0
    new_cell = rows.Rows._new_cell

    def counted(self: rows.Rows, *args: object) -> bytes:
        nonlocal calls
        calls += 1
        return new_cell(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(rows.Rows, "_new_cell", counted)
    job = _rows_job(sheet, edits)
    styles = Styles(STYLES_XML)
    one = rows.Rows(job, styles)
    got = b"".join(one.render())
    if max_new_cells is None:
        assert 0 < len(one._new_cells) < calls - 60  # more than one cell a row remembered
    else:
        assert 0 < len(one._new_cells) <= max_new_cells
    fresh_styles = Styles(STYLES_XML)
    want = []
    for r in sorted(sheet):
        row_job = _rows_job({r: sheet[r]}, edits)
        row_job.ops = {r: job.ops[r]}
        want.append(b"".join(rows.Rows(row_job, fresh_styles).render()))
    assert got == b"".join(want)
    assert styles.render() == fresh_styles.render()
    # the plan's cells are there
    assert b'<c r="E60"' in got and b'<c r="D60"' in got and b'<c r="L1"' in got
