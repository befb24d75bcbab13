"""The stream backend: the copy of an .xlsx made by copying its package and streaming the edited
sheets' XML. Plans are built by hand here; every copy is checked by reading it back with openpyxl
(and LibreOffice where it is installed)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from workbook_tools.annotated.neutralise import scan_package
from workbook_tools.annotated.stream import StreamUnsupported, write_stream
from workbook_tools.copyplan import CopyPlan, NewSheet, Overlay, SheetEdits, Style

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEADER = Style(bold=True, fill="FFD9D9D9", border="box", wrap=True)
RED = Style(color="FFC00000", underline=True, size=13)
TITLE = "Тизмек"


# --- helpers -------------------------------------------------------------------------------------


def _register(path: Path, *, comment: bool = False) -> Path:
    """A small register as staff make it: fonts, fills, number formats, merged cells, 2 sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE
    ws["A1"] = "Коррупциялык тобокелдиктердин тизмеги & <план>"
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=14, name="Times New Roman")
    ws.append(["№", "Функция", "Ыктымалдуулук", "Зыян"])
    for c in ws[2]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center")
    ws.append([1, "Жер бөлүп берүү", 3, 2.5])
    ws.append([2, "Сатып алуу", "2 балл", 0.25])
    ws.append([3, "=1+1", None, 1])
    ws["A3"].fill = PatternFill("solid", fgColor="FF92D050")
    ws["D4"].number_format = "0.00%"
    ws["B5"].data_type = "s"  # staff typed "=1+1" as text
    ws["B6"] = "Кийинки бөлүм"
    ws.merge_cells("B6:C7")
    ws.column_dimensions["B"].width = 33
    other = wb.create_sheet("Лист2")
    other["A1"] = "Эскертүү"
    other["B2"] = 12.5
    if comment:
        ws["B3"].comment = Comment("staff's own note", "Staff")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write(src: Path, plan: CopyPlan, tmp: Path, name: str = "out.xlsx") -> Path:
    """The copy of ``src`` with ``plan``; the backend reports nothing (findings of what the copy
    neutralises come from :func:`scan_package`)."""
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp / name
    assert write_stream(src, plan, out) is None
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest, "the source was changed"
    return out


def _values(path: Path) -> dict[str, dict[str, Any]]:
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                       if c.value is not None} for ws in wb.worksheets}


def _rows_sorted(path: Path) -> None:
    """Every sheet's rows ascend, and every row's cells ascend by column."""
    from openpyxl.utils import column_index_from_string

    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            root = ET.fromstring(zf.read(name))
            last_row = 0
            for row in root.iter(f"{MAIN}row"):
                r = int(row.get("r"))
                assert r > last_row, (name, r)
                last_row = r
                last_col = 0
                for c in row.iter(f"{MAIN}c"):
                    m = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r"))
                    assert m and int(m.group(2)) == r
                    col = column_index_from_string(m.group(1))
                    assert col > last_col, (name, c.get("r"))
                    last_col = col
                assert "spans" not in row.attrib or last_col <= int(
                    row.get("spans").split(":")[1])


def _plan() -> CopyPlan:
    edits = SheetEdits(
        TITLE,
        cells={
            (2, 5): ("Тобокелдик деңгээли", HEADER),
            (2, 6): ("Эскертүү", HEADER),
            (3, 5): ("Жогорку", Style(fill="FFFF0000")),
            (3, 6): (6, None),
            (4, 5): ("=1+1", RED),
            (4, 6): (0.5, Style(bold=True)),
            (5, 5): (date(2026, 11, 25), None),
            (9, 2): ("Легенда: <жогорку> & \"орточо\"\x07", Style(bold=True, wrap=True)),
            (3, 2): ("never over staff", None),  # staff's value stays
            (7, 2): ("covered", None),  # inside B6:C7, not its top-left: left alone
        },
        overlays={
            (3, 1): Overlay(fill="FFFFFF00"),  # staff's own green fill stays
            (3, 2): Overlay(fill="FFFFFF00", border="mark"),
            (4, 4): Overlay(border="mark"),  # keeps its percent format
            (8, 3): Overlay(fill="FFFFC000"),  # no cell yet
        },
        comments={(3, 2): "Деңгээли матрицага туура келбейт", (4, 3): "Балл эмес: «2 балл»"},
        widths={5: 16, 6: 40},
    )
    summary = NewSheet(
        "Summary & <итог>",
        rows=[[("Жыйынтык", Style(bold=True, size=13))], [("Баары", None), (3, None)],
              [("=cmd|' /C calc'!A0", None), (None, HEADER)]],
        widths={1: 40, 2: 12},
        links={(2, 1): f"'{TITLE}'!B3"},
        freeze="A2",
    )
    findings = NewSheet("Findings", rows=[[("Барак", HEADER), ("Уячасы", HEADER)]],
                        links={(1, 2): f"'{TITLE}'!E3"}, freeze="B2")
    return CopyPlan(edits={TITLE: edits}, new_sheets=[summary, findings])


# --- the copy ------------------------------------------------------------------------------------


def test_empty_plan_copies_every_entry_byte_for_byte(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx", comment=True)
    assert scan_package(src) == []
    out = _write(src, CopyPlan(), tmp_path)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in b.infolist())


def test_staff_workbook_is_kept(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx")
    out = _write(src, _plan(), tmp_path)
    before, after = _values(src), _values(out)
    for sheet, cells in before.items():
        for ref, value in cells.items():
            assert after[sheet][ref] == value, (sheet, ref)
    wb = load_workbook(out)
    ws = wb[TITLE]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:D1", "B6:C7"}
    assert ws["A1"].font.b and ws["A1"].font.sz == 14 and ws["A1"].font.name == "Times New Roman"
    assert ws["B2"].alignment.horizontal == "center"
    assert ws["D4"].number_format == "0.00%"
    assert ws["B5"].value == "=1+1" and ws["B5"].data_type == "s"
    assert ws["B3"].value == "Жер бөлүп берүү"  # the plan never writes over staff's value
    assert ws["B7"].value is None
    assert ws.column_dimensions["B"].width == 33
    assert wb["Лист2"]["B2"].value == 12.5
    _rows_sorted(out)


def test_new_cells_have_their_values_and_styles(tmp_path: Path) -> None:
    out = _write(_register(tmp_path / "in.xlsx"), _plan(), tmp_path)
    ws = load_workbook(out)[TITLE]
    head = ws["E2"]
    assert head.value == "Тобокелдик деңгээли"
    assert head.font.b and head.fill.fill_type == "solid" and head.fill.fgColor.rgb == "FFD9D9D9"
    assert head.border.left.style == "thin" and head.border.bottom.color.rgb == "FF808080"
    assert head.alignment.wrap_text and head.alignment.vertical == "top"
    assert ws["E3"].fill.fgColor.rgb == "FFFF0000"
    assert ws["F3"].value == 6 and ws["F3"].data_type == "n"
    assert ws["E4"].value == "=1+1" and ws["E4"].data_type == "s"  # text, never a formula
    assert ws["E4"].font.color.rgb == "FFC00000" and ws["E4"].font.u == "single"
    assert ws["E4"].font.sz == 13
    assert ws["F4"].value == 0.5 and ws["F4"].font.b
    assert ws["E5"].value.date() == date(2026, 11, 25)
    assert ws["B9"].value == 'Легенда: <жогорку> & "орточо"'  # control character dropped
    assert ws["B9"].alignment.wrap_text


def test_overlays_keep_staff_fills_and_formats(tmp_path: Path) -> None:
    out = _write(_register(tmp_path / "in.xlsx"), _plan(), tmp_path)
    ws = load_workbook(out)[TITLE]
    assert ws["A3"].fill.fgColor.rgb == "FF92D050"  # staff's own fill
    assert ws["B3"].fill.fgColor.rgb == "FFFFFF00"
    assert ws["B3"].border.top.style == "medium" and ws["B3"].border.top.color.rgb == "FFC00000"
    assert ws["D4"].border.right.style == "medium" and ws["D4"].number_format == "0.00%"
    assert ws["D4"].value == 0.25
    assert ws["C8"].value is None and ws["C8"].fill.fgColor.rgb == "FFFFC000"
    assert ws["B2"].font.b  # a cell with no overlay keeps everything


def test_comments_widths_dimension(tmp_path: Path) -> None:
    out = _write(_register(tmp_path / "in.xlsx"), _plan(), tmp_path)
    ws = load_workbook(out)[TITLE]
    assert ws["B3"].comment.text == "Деңгээли матрицага туура келбейт"
    assert ws["C4"].comment.text == "Балл эмес: «2 балл»"
    assert ws.column_dimensions["E"].width == 16 and ws.column_dimensions["F"].width == 40
    assert ws.column_dimensions["B"].width == 33
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        types = zf.read("[Content_Types].xml").decode()
        vml = [n for n in zf.namelist() if n.endswith(".vml")]
        assert len(vml) == 1
        shapes = zf.read(vml[0]).decode()
    assert re.search(r'<dimension ref="A1:F9" ?/>', sheet)
    assert sheet.index("<legacyDrawing") > sheet.index("</sheetData>")
    assert 'Extension="vml"' in types and "comments+xml" in types
    assert shapes.count('ObjectType="Note"') == 2
    assert "<x:Row>2</x:Row>" in shapes and "<x:Column>1</x:Column>" in shapes


def test_new_sheets(tmp_path: Path) -> None:
    out = _write(_register(tmp_path / "in.xlsx"), _plan(), tmp_path)
    wb = load_workbook(out)
    assert wb.sheetnames == [TITLE, "Лист2", "Summary & <итог>", "Findings"]
    ws = wb["Summary & <итог>"]
    assert ws["A1"].value == "Жыйынтык" and ws["A1"].font.b and ws["A1"].font.sz == 13
    assert ws["B2"].value == 3
    assert ws["A3"].value == "=cmd|' /C calc'!A0" and ws["A3"].data_type == "s"
    assert ws["B3"].value is None and ws["B3"].fill.fgColor.rgb == "FFD9D9D9"
    assert ws["A2"].hyperlink.location == f"'{TITLE}'!B3"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 40
    findings = wb["Findings"]
    assert findings.freeze_panes == "B2"
    assert findings["B1"].hyperlink.location == f"'{TITLE}'!E3"
    with zipfile.ZipFile(out) as zf:
        ids = [s.get("sheetId") for s in ET.fromstring(zf.read("xl/workbook.xml")).iter(
            f"{MAIN}sheet")]
    assert len(set(ids)) == 4


def test_a_row_that_does_not_exist_is_created_in_order(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A2"] = "a"
    ws["A10"] = "b"
    ws["C10"] = "c"
    wb.save(tmp_path / "in.xlsx")
    plan = CopyPlan(edits={"Sheet": SheetEdits(
        "Sheet", cells={(1, 1): ("first", None), (5, 2): ("mid", None), (10, 2): ("B", None),
                        (10, 5): ("E", None), (12, 1): ("last", None)})})
    out = _write(tmp_path / "in.xlsx", plan, tmp_path)
    assert _values(out)["Sheet"] == {"A1": "first", "A2": "a", "B5": "mid", "A10": "b",
                                     "B10": "B", "C10": "c", "E10": "E", "A12": "last"}
    _rows_sorted(out)


def test_existing_cols_are_split_not_overlapped(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = 1
    ws.column_dimensions.group("B", "F", hidden=False)
    ws.column_dimensions["B"].width = 9
    wb.save(tmp_path / "in.xlsx")
    with zipfile.ZipFile(tmp_path / "in.xlsx") as zf:
        assert re.search(r'<col [^>]*min="2" max="6"', zf.read("xl/worksheets/sheet1.xml").decode())
    plan = CopyPlan(edits={"Sheet": SheetEdits("Sheet", widths={4: 25, 8: 30})})
    out = _write(tmp_path / "in.xlsx", plan, tmp_path)
    with zipfile.ZipFile(out) as zf:
        root = ET.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    spans = [(int(c.get("min")), int(c.get("max")), c.get("width"))
             for c in root.iter(f"{MAIN}col")]
    assert [(a, b) for a, b, _ in spans] == [(2, 3), (4, 4), (5, 6), (8, 8)]
    assert spans[1][2] == "25" and spans[3][2] == "30"


# --- what must not travel ------------------------------------------------------------------------


def test_dangerous_formula_becomes_text_safe_formula_stays(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = '=WEBSERVICE("http://x")'
    ws["A2"] = "=1+1"
    ws["A3"] = "=_xlfn.IMAGE(\"http://x/a.png\")"
    wb.create_sheet("Other")["B2"] = "=SUM(1,2)"
    wb.save(tmp_path / "in.xlsx")
    out = _write(tmp_path / "in.xlsx", CopyPlan(), tmp_path)
    ws = load_workbook(out)["Data"]
    assert ws["A1"].value == '=WEBSERVICE("http://x")' and ws["A1"].data_type == "s"
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "f"
    assert ws["A3"].data_type == "s"
    assert load_workbook(out)["Other"]["B2"].data_type == "f"
    findings = scan_package(tmp_path / "in.xlsx")
    assert [(f.code, f.sheet, f.row, f.column, f.value) for f in findings] == [
        ("formula.neutralised", "Data", 1, "A", '=WEBSERVICE("http://x")'),
        ("formula.neutralised", "Data", 3, "A", '=_xlfn.IMAGE("http://x/a.png")'),
    ]
    with zipfile.ZipFile(tmp_path / "in.xlsx") as a, zipfile.ZipFile(out) as b:
        # a sheet with nothing to neutralise and no edits is copied as it was
        assert a.read("xl/worksheets/sheet2.xml") == b.read("xl/worksheets/sheet2.xml")


def _patch(src: Path, target: Path, edit: Callable[[str, bytes], bytes | None],
           extra: dict[str, bytes] | None = None) -> Path:
    """A copy of the package ``src`` with entries edited (None drops one) and added."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as b:
        for item in a.infolist():
            data = edit(item.filename, a.read(item.filename))
            if data is not None:
                b.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            b.writestr(name, data)
    return target


def test_shared_formulas_of_a_dangerous_master_are_all_neutralised(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active["B1"] = "x"
    wb.save(tmp_path / "plain.xlsx")
    rows = ('<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">WEBSERVICE(B1)</f>'
            '<v>0</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'
            '<row r="2"><c r="A2"><f t="shared" si="0"/><v>0</v></c></row>'
            '<row r="3"><c r="A3"><f t="shared" si="0"/><v>0</v></c>'
            '<c r="C3"><f t="shared" ref="C3:C4" si="1">B3*2</f><v>0</v></c></row>'
            '<row r="4"><c r="C4"><f t="shared" si="1"/><v>0</v></c></row>')

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb"<sheetData>.*</sheetData>|<sheetData ?/>",
                          f"<sheetData>{rows}</sheetData>".encode(), data, flags=re.DOTALL)
        return data

    src = _patch(tmp_path / "plain.xlsx", tmp_path / "shared.xlsx", edit)
    out = _write(src, CopyPlan(), tmp_path)
    ws = load_workbook(out).active
    assert [ws[f"A{r}"].value for r in (1, 2, 3)] == [
        "=WEBSERVICE(B1)", "=WEBSERVICE(B2)", "=WEBSERVICE(B3)"]
    assert {ws[f"A{r}"].data_type for r in (1, 2, 3)} == {"s"}
    assert ws["C4"].data_type == "f"  # a safe shared formula stays
    # the findings show each cell's formula as the copy writes it
    assert [(f.code, f.row, f.column, f.value) for f in scan_package(src)] == [
        ("formula.neutralised", 1, "A", "=WEBSERVICE(B1)"),
        ("formula.neutralised", 2, "A", "=WEBSERVICE(B2)"),
        ("formula.neutralised", 3, "A", "=WEBSERVICE(B3)")]


def test_hyperlinks_other_than_web_and_mail_are_removed(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "web"
    ws["A1"].hyperlink = "https://example.org/"
    ws["A2"] = "file"
    ws["A2"].hyperlink = r"file:///C:/Windows/System32/calc.exe"
    ws["A3"] = "mail"
    ws["A3"].hyperlink = "mailto:a@example.org"
    wb.save(tmp_path / "in.xlsx")
    out = _write(tmp_path / "in.xlsx", CopyPlan(), tmp_path)
    ws = load_workbook(out).active
    assert ws["A1"].hyperlink.target == "https://example.org/"
    assert ws["A2"].hyperlink is None and ws["A2"].value == "file"
    assert ws["A3"].hyperlink.target == "mailto:a@example.org"
    findings = scan_package(tmp_path / "in.xlsx")
    assert [(f.code, f.row, f.column) for f in findings] == [("link.removed", 2, "A")]
    with zipfile.ZipFile(out) as zf:
        rels = zf.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert "calc.exe" not in rels and "example.org" in rels


def _xlsm(src: Path, target: Path) -> Path:
    """``src`` made macro-enabled as Excel saves it: the VBA part, its relationship and types."""
    macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                macro)
            return data.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                b'"application/vnd.ms-office.vbaProject"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type='
                                b'"http://schemas.microsoft.com/office/2006/relationships/'
                                b'vbaProject" Target="vbaProject.bin"/></Relationships>')
        return data

    out = _patch(src, target, edit, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 508})
    with zipfile.ZipFile(out) as zf:
        assert macro in zf.read("[Content_Types].xml")
    return out


def test_xlsm_loses_its_macros(tmp_path: Path) -> None:
    src = _xlsm(_register(tmp_path / "in.xlsx"), tmp_path / "in.xlsm")
    out = _write(src, _plan(), tmp_path)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    assert "xl/vbaProject.bin" not in names
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "sheet.main+xml" in types
    assert "vbaProject" not in rels
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == [TITLE, "Лист2"]
    assert wb[TITLE]["E3"].value == "Жогорку"


def test_external_links_and_calc_chain_are_dropped(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "=[1]Sheet1!A1"
    ws["A2"] = "=1+1"
    wb.save(tmp_path / "plain.xlsx")
    ext_rel = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
               "externalLink")
    chain_rel = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                 "calcChain")

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", (
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                b'<Override PartName="/xl/calcChain.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/>'
                b"</Types>"))
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", (
                f'<Relationship Id="rIdX" Type="{ext_rel}" '
                'Target="externalLinks/externalLink1.xml"/>'
                f'<Relationship Id="rIdC" Type="{chain_rel}" Target="calcChain.xml"/>'
                "</Relationships>").encode())
        if name == "xl/workbook.xml":
            data = re.sub(rb"<definedNames ?/>|<definedNames>.*?</definedNames>", b"", data)
            return data.replace(b"</sheets>", (
                b'</sheets><externalReferences><externalReference r:id="rIdX"/>'
                b'</externalReferences><definedNames><definedName name="far">[1]Sheet1!$A$1'
                b'</definedName><definedName name="near">Sheet!$A$2</definedName>'
                b"</definedNames>"))
        return data

    src = _patch(tmp_path / "plain.xlsx", tmp_path / "ext.xlsx", edit, {
        "xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalLink>',
        "xl/externalLinks/_rels/externalLink1.xml.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/externalLinkPath" Target="file:///C:/secret/book.xlsx" '
            b'TargetMode="External"/></Relationships>'),
        "xl/calcChain.xml": b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><c r="A1" i="1"/></calcChain>',
    })
    out = _write(src, CopyPlan(), tmp_path)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    assert not [n for n in names if "externalLink" in n or "calcChain" in n]
    assert "externalReferences" not in workbook and "far" not in workbook and "near" in workbook
    assert "externalLink" not in rels and "calcChain" not in rels
    assert "externalLink" not in types and "calcChain" not in types
    wb = load_workbook(out)
    assert wb.active["A1"].value == "=[1]Sheet1!A1" and wb.active["A1"].data_type == "s"
    assert wb.active["A2"].data_type == "f"
    assert sorted((f.code, str(f.value)) for f in scan_package(src)) == [
        ("formula.neutralised", "=[1]Sheet1!A1"),
        ("link.removed", "far: [1]Sheet1!$A$1"),
        ("link.removed", "xl/externalLinks/externalLink1.xml"),
    ]


# --- comments already in the workbook ------------------------------------------------------------


def test_comments_merge_into_an_existing_comments_part(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx", comment=True)
    plan = _plan()
    plan.edits[TITLE].comments[(5, 1)] = "Дагы бир"
    out = _write(src, plan, tmp_path)
    ws = load_workbook(out)[TITLE]
    # staff's note on the same cell stays, ours follows it (as in the openpyxl backend)
    assert ws["B3"].comment.text == "staff's own note\n\nДеңгээли матрицага туура келбейт"
    assert ws["C4"].comment.text == "Балл эмес: «2 балл»"
    assert ws["A5"].comment.text == "Дагы бир"
    with zipfile.ZipFile(out) as zf:
        vml = [n for n in zf.namelist() if n.endswith(".vml")]
        comments = [n for n in zf.namelist() if "comment" in n.lower() and n.endswith(".xml")]
        assert len(vml) == 1 and len(comments) == 1
        shapes = zf.read(vml[0]).decode()
    assert shapes.count('ObjectType="Note"') == 3


def test_staff_comment_elsewhere_is_kept(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx", comment=True)
    plan = CopyPlan(edits={TITLE: SheetEdits(TITLE, comments={(4, 2): "ours"})})
    out = _write(src, plan, tmp_path)
    ws = load_workbook(out)[TITLE]
    assert ws["B3"].comment.text == "staff's own note"
    assert ws["B4"].comment.text == "ours"


# --- what is declined ----------------------------------------------------------------------------


def test_strict_ooxml_is_declined(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                            b"http://purl.oclc.org/ooxml/spreadsheetml/main")

    strict = _patch(src, tmp_path / "strict.xlsx", edit)
    with pytest.raises(StreamUnsupported):
        write_stream(strict, _plan(), tmp_path / "out.xlsx")


def test_prefixed_main_namespace_is_declined(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = data.decode()
        text = re.sub(r"<(/?)(?!\?)", r"<\1x:", text)
        text = text.replace('xmlns="', 'xmlns:x="', 1)
        return text.encode()

    prefixed = _patch(src, tmp_path / "prefixed.xlsx", edit)
    assert load_workbook(prefixed)[TITLE]["B3"].value == "Жер бөлүп берүү"
    with pytest.raises(StreamUnsupported):
        write_stream(prefixed, _plan(), tmp_path / "out.xlsx")


def test_a_sheet_that_is_not_a_worksheet_is_declined(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd."
                                b"openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                                b"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd."
                                b"ms-excel.macrosheet+xml")
        return data

    macro = _patch(src, tmp_path / "macrosheet.xlsx", edit)
    with pytest.raises(StreamUnsupported):
        write_stream(macro, CopyPlan(), tmp_path / "out.xlsx")


def test_a_cell_without_a_reference_in_an_edited_row_is_declined(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<c r="A3"', b"<c", 1)
        return data

    odd = _patch(src, tmp_path / "odd.xlsx", edit)
    with pytest.raises(StreamUnsupported):
        write_stream(odd, _plan(), tmp_path / "out.xlsx")


# --- the bundled samples, and files LibreOffice wrote --------------------------------------------


def _plan_for(path: Path) -> CopyPlan:
    """Five new columns on every row, a fill on each staff cell, a comment, a new sheet."""
    wb = load_workbook(path)
    edits = {}
    for ws in wb.worksheets:
        width = ws.max_column
        e = SheetEdits(ws.title)
        for r in range(1, ws.max_row + 1):
            for i in range(5):
                e.cells[(r, width + 1 + i)] = (
                    [f"row {r}", r, r / 4, "=SUM(A1)", None][i], HEADER if r == 1 else None)
            for c in range(1, width + 1):
                e.overlays[(r, c)] = Overlay(fill="FFFFEB9C", border="mark" if r % 7 else None)
        e.comments[(1, 1)] = f"{ws.title}: comment"
        e.widths = {width + 1 + i: 18 for i in range(5)}
        edits[ws.title] = e
    new = NewSheet("Summary", rows=[[("Sheets", HEADER), (len(wb.sheetnames), None)]],
                   links={(1, 1): f"'{wb.sheetnames[0]}'!A1"}, freeze="A2")
    return CopyPlan(edits=edits, new_sheets=[new])


def _check_plan_applied(src: Path, out: Path, plan: CopyPlan) -> None:
    before, after = _values(src), _values(out)
    for sheet, cells in before.items():
        for ref, value in cells.items():
            assert after[sheet][ref] == value, (sheet, ref)
    wb = load_workbook(out)
    original = load_workbook(src)
    for title, edits in plan.edits.items():
        ws, old = wb[title], original[title]
        for (r, c), (value, _style) in edits.cells.items():
            if value is not None and old.cell(r, c).value is None:
                assert ws.cell(r, c).value == value
        for (r, c) in list(edits.overlays)[:200]:
            cell, was = ws.cell(r, c), old.cell(r, c)
            if type(was).__name__ == "MergedCell":
                continue
            assert repr(cell.font) == repr(was.font) and cell.number_format == was.number_format
            if was.fill.fill_type is None:
                assert cell.fill.fgColor.rgb == "FFFFEB9C"
            else:
                assert repr(cell.fill) == repr(was.fill)
        assert ws["A1"].comment.text == f"{title}: comment"
    assert wb.sheetnames[-1] == "Summary"
    _rows_sorted(out)


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.xlsx")))
def test_bundled_samples(sample: str, tmp_path: Path) -> None:
    src = SAMPLES / sample
    plan = _plan_for(src)
    out = _write(src, plan, tmp_path)
    _check_plan_applied(src, out, plan)


@pytest.fixture
def lo_xlsx(lo_convert: Callable, tmp_path: Path) -> Path:
    """The register, with a staff comment, as LibreOffice saves an xlsx (shared strings, its
    own styles.xml and VML)."""
    src = _register(tmp_path / "lo_src" / "register.xlsx", comment=True)
    return lo_convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")


def test_a_workbook_libreoffice_wrote(lo_xlsx: Path, tmp_path: Path) -> None:
    plan = _plan_for(lo_xlsx)
    out = _write(lo_xlsx, plan, tmp_path)
    _check_plan_applied(lo_xlsx, out, plan)
    ws = load_workbook(out)[TITLE]
    assert ws["B3"].comment.text.strip() == "staff's own note"


def _same_in_libreoffice(out: Path, convert: Callable, tmp: Path) -> None:
    back = convert(out, "xlsx", tmp)
    mine, theirs = _values(out), _values(back)
    assert list(theirs) == list(mine)
    for sheet, cells in mine.items():
        for ref, value in cells.items():
            got = theirs[sheet].get(ref)
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert float(got) == pytest.approx(float(value)), (sheet, ref)
            elif hasattr(value, "date"):
                assert got == value, (sheet, ref)
            else:
                assert got == value, (sheet, ref)


def test_libreoffice_opens_the_copies(lo_convert: Callable, lo_xlsx: Path,
                                      tmp_path: Path) -> None:
    register = _register(tmp_path / "in.xlsx", comment=True)
    xlsm = _xlsm(_register(tmp_path / "m" / "in.xlsx"), tmp_path / "in.xlsm")
    sample = SAMPLES / "mixed_register_and_plan.xlsx"
    for i, (src, plan) in enumerate([(register, _plan()), (xlsm, _plan()),
                                     (sample, _plan_for(sample)),
                                     (lo_xlsx, _plan_for(lo_xlsx))]):
        out = _write(src, plan, tmp_path, f"copy{i}.xlsx")
        _same_in_libreoffice(out, lo_convert, tmp_path / f"back{i}")


def test_an_empty_sheet_gets_its_rows(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Бош"
    wb.create_sheet("Other")["A1"] = 1
    wb.save(tmp_path / "plain.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData></sheetData>", b"<sheetData/>")
        return data

    src = _patch(tmp_path / "plain.xlsx", tmp_path / "in.xlsx", edit)
    with zipfile.ZipFile(src) as zf:
        assert b"<sheetData/>" in zf.read("xl/worksheets/sheet1.xml")
    plan = CopyPlan(edits={"Бош": SheetEdits(
        "Бош", cells={(2, 3): ("x", HEADER), (1, 1): (1.5, None)},
        overlays={(3, 3): Overlay(border="mark")}, comments={(2, 3): "note"}, widths={3: 20})})
    out = _write(tmp_path / "in.xlsx", plan, tmp_path)
    ws = load_workbook(out)["Бош"]
    assert ws["A1"].value == 1.5 and ws["C2"].value == "x" and ws["C2"].font.b
    assert ws["C3"].border.left.style == "medium" and ws["C2"].comment.text == "note"
    assert ws.column_dimensions["C"].width == 20
    _rows_sorted(out)


def test_the_copy_is_deflated_at_its_level(tmp_path: Path) -> None:
    """Every part of a scored copy is deflated at ``COMPRESS_LEVEL`` (zlib's fast levels): a
    part written whole compresses, at that level and no other of 3 and 6, to its size."""
    import zlib

    from workbook_tools.annotated.stream.copier import COMPRESS_LEVEL
    from workbook_tools.pipeline import score_file

    src = Path(__file__).resolve().parent.parent / "sample_workbooks" / \
        "dostuk_apparat_register.xlsx"
    written = score_file(src, tmp_path)
    assert written.output is not None

    def size(data: bytes, level: int) -> int:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(c.compress(data) + c.flush())

    with zipfile.ZipFile(written.output) as z:
        infos = [i for i in z.infolist() if i.file_size > 2000]
        assert infos and all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
        at_level = [i.compress_size == size(z.read(i), COMPRESS_LEVEL) for i in infos]
        at_six = [i.compress_size == size(z.read(i), 6) for i in infos]
    assert any(at_level) and not any(at_six)
