"""``Package.scan_sheet`` and ``row_pieces``: a small sheet read whole (``_scan_whole``) gives
the same scan and the same rows as the chunked reading a large sheet gets, chunk boundaries
falling anywhere (inside tags, inside ``</sheetData>``, inside a UTF-8 character)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from workbook_tools.annotated.stream import StreamUnsupported, copier, package, write_stream
from workbook_tools.annotated.stream.package import Package, SheetScan
from workbook_tools.copyplan import CopyPlan, Overlay, SheetEdits, Style

PART = "xl/worksheets/sheet1.xml"
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:C3"/><sheetFormatPr defaultRowHeight="15"/>'
        '<cols><col min="1" max="2" width="20" customWidth="1"/></cols>')
ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Функция</t></is></c>'
        '<c r="B1" t="n"><v>1</v></c></row>'
        '<row r="2" spans="1:3"><c r="A2" t="inlineStr"><is><t>Жер «бөлүү»</t></is></c>'
        '<c r="B2" s="1"/></row><row r="3"/>')
FORMULA_ROWS = ROWS + '<row r="4"><c r="C4"><f>SUM(B1:B2)</f><v>1</v></c></row>'
MERGES = '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
# `<formula>` starts as a formula does: outside sheetData it is none
COND = ('<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
        '<formula>A1&gt;0</formula></cfRule></conditionalFormatting>')
TAIL = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
END = "</worksheet>"

#: name -> (worksheet XML, (rows, tail, formulas) expected, or the refusal's message)
CASES: dict[str, tuple[str, tuple[str, str, bool] | str]] = {
    "rows without formulas": (
        HEAD + f"<sheetData>{ROWS}</sheetData>" + TAIL + END, (ROWS, TAIL + END, False)),
    "rows with a formula": (
        HEAD + f"<sheetData>{FORMULA_ROWS}</sheetData>" + TAIL + END,
        (FORMULA_ROWS, TAIL + END, True)),
    "empty, self-closed, a tail after it": (
        HEAD + "<sheetData/>" + MERGES + TAIL + END, ("", MERGES + TAIL + END, False)),
    "self-closed with a space": (HEAD + "<sheetData />" + TAIL + END, ("", TAIL + END, False)),
    "empty, open and closed": (
        HEAD + "<sheetData></sheetData>" + TAIL + END, ("", TAIL + END, False)),
    "a space in the start tag": (
        HEAD + f"<sheetData >{ROWS}</sheetData>" + TAIL + END, (ROWS, TAIL + END, False)),
    "a line break in the start tag": (
        HEAD + f"<sheetData\n>{FORMULA_ROWS}</sheetData>" + TAIL + END,
        (FORMULA_ROWS, TAIL + END, True)),
    "mergeCells and a <formula> after sheetData": (
        HEAD + f"<sheetData>{ROWS}</sheetData>" + MERGES + COND + TAIL + END,
        (ROWS, MERGES + COND + TAIL + END, False)),
    "</sheetData> ends the part": (HEAD + f"<sheetData>{ROWS}</sheetData>", (ROWS, "", False)),
    "whitespace between rows": (
        HEAD + "<sheetData>\n  " + ROWS.replace("</row>", "</row>\n  ") + "</sheetData>" + END,
        ("\n  " + ROWS.replace("</row>", "</row>\n  "), END, False)),
    "no sheetData": (HEAD + TAIL + END, "no sheetData"),
    "a longer name than sheetData": (
        HEAD + f"<sheetDataX>{ROWS}</sheetDataX>" + END, "no sheetData"),
    "<sheetData ends the part": (HEAD + "<sheetData", "no sheetData"),
    "start tag not closed": (HEAD + '<sheetData x="1"', "no sheetData"),
    "sheetData not closed": (HEAD + f"<sheetData>{ROWS}" + END, "sheetData not closed"),
}
CHUNKS = [1, 7, 13, 64, package.CHUNK]


def _package(xml: str) -> Package:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(PART, xml.encode("utf-8"))
        z.writestr("xl/other.xml", b"<x/>")
    return Package(zipfile.ZipFile(buf))


def _scan(xml: str) -> tuple[SheetScan, list[bytes]] | str:
    """The scan and the pieces of the rows (read twice: a job reads them twice), or the
    refusal's message."""
    pkg = _package(xml)
    try:
        scan = pkg.scan_sheet(PART)
    except StreamUnsupported as exc:
        return str(exc)
    pieces = list(pkg.row_pieces(PART, scan.start, scan.end))
    assert list(pkg.row_pieces(PART, scan.start, scan.end)) == pieces
    return scan, pieces


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_whole_and_chunked_scans_agree(case: str, chunk: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    xml, want = CASES[case]
    whole = _scan(xml)
    with monkeypatch.context() as m:
        m.setattr(package, "WHOLE_SHEET", -1)
        m.setattr(package, "CHUNK", chunk)
        chunked = _scan(xml)
    if isinstance(want, str):
        assert whole == chunked == f"{PART}: {want}"
        return
    assert not isinstance(whole, str) and not isinstance(chunked, str)
    rows, tail, formulas = want
    data = xml.encode("utf-8")
    expected = SheetScan(data[:data.find(b"<sheetData")], whole[0].start, whole[0].end,
                         tail.encode("utf-8"), formulas)
    assert whole[0] == chunked[0] == expected
    assert data[whole[0].start:whole[0].end] == rows.encode("utf-8")
    assert b"".join(whole[1]) == b"".join(chunked[1]) == rows.encode("utf-8")
    assert len(whole[1]) == (1 if rows else 0)  # the kept sheet, in one piece
    assert all(p.endswith(b"</row>") for p in chunked[1][:-1])


@pytest.mark.parametrize(("limit", "pieces"), [(0, 1), (-1, 3)])
def test_the_size_limit_is_inclusive(limit: int, pieces: int,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet exactly WHOLE_SHEET long is read whole (one piece); a byte more, in chunks
    (a piece per ``</row>``: row 3 closes itself)."""
    xml = HEAD + f"<sheetData>{FORMULA_ROWS}</sheetData>" + TAIL + END
    monkeypatch.setattr(package, "WHOLE_SHEET", len(xml.encode("utf-8")) + limit)
    monkeypatch.setattr(package, "CHUNK", 13)
    got = _scan(xml)
    assert not isinstance(got, str)
    assert len(got[1]) == pieces


def _source(tmp: Path) -> Path:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "Тизмек"
    for r in range(1, 40):
        ws.append([r, f"Функция {r}", None, "=A1+1" if r % 7 == 0 else r * 2.5])
    ws.merge_cells("B41:C41")
    wb.save(tmp / "src.xlsx")
    return tmp / "src.xlsx"


def test_the_copy_is_the_same_whole_or_in_chunks(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """write_stream's copy, part by part, with the sheet read whole and in 13-byte chunks."""
    src = _source(tmp_path)
    edits = SheetEdits("Тизмек")
    for r in range(2, 40):
        edits.row_fills[r] = (1, 4, "FFFFC7CE" if r % 2 else "FFC6EFCE")
        edits.cells[(r, 5)] = (f"level {r % 3}", Style(bold=True, wrap=True))
    edits.overlays[(3, 2)] = Overlay(border="mark")
    plan = CopyPlan(edits={"Тизмек": edits})
    out = []
    for name, limit in (("whole", package.WHOLE_SHEET), ("chunked", -1)):
        with monkeypatch.context() as m:
            m.setattr(package, "WHOLE_SHEET", limit)
            m.setattr(package, "CHUNK", 13)
            write_stream(src, plan, tmp_path / f"{name}.xlsx")
        with zipfile.ZipFile(tmp_path / f"{name}.xlsx") as z:
            out.append([(n, z.read(n)) for n in z.namelist()])
    assert out[0] == out[1]
    sheet = dict(out[0])[PART]
    assert b"level 1" in sheet and b"FFC6EFCE" not in sheet  # edited (colours go to styles)


def test_the_copy_is_the_same_in_memory_or_on_the_file(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A small package's copy is made in memory and written in one piece; a large one is
    written to the file as it is made: the same copy, part for part, each deflated alike (a
    source's parts over IN_MEMORY_COPY stand for a large one)."""
    src = _source(tmp_path)
    edits = SheetEdits("Тизмек")
    for r in range(2, 40):
        edits.row_fills[r] = (1, 4, "FFFFC7CE")
        edits.cells[(r, 5)] = (r, Style(border="box"))
    plan = CopyPlan(edits={"Тизмек": edits})
    made: list[bool] = []
    real = copier.Copier.write

    def write(self: copier.Copier, target: Path, in_memory: bool = False) -> None:
        made.append(in_memory)
        real(self, target, in_memory)

    monkeypatch.setattr(copier.Copier, "write", write)
    write_stream(src, plan, tmp_path / "memory.xlsx")
    monkeypatch.setattr(copier, "IN_MEMORY_COPY", 0)
    write_stream(src, plan, tmp_path / "file.xlsx")
    assert made == [True, False]
    assert (tmp_path / "memory.xlsx").read_bytes()[:4] == b"PK\x03\x04"
    with zipfile.ZipFile(tmp_path / "memory.xlsx") as a, \
            zipfile.ZipFile(tmp_path / "file.xlsx") as b:
        assert [(i.filename, a.read(i)) for i in a.infolist()] == \
            [(i.filename, b.read(i)) for i in b.infolist()]
        assert [(i.filename, i.CRC, i.compress_size) for i in a.infolist()] == \
            [(i.filename, i.CRC, i.compress_size) for i in b.infolist()]
