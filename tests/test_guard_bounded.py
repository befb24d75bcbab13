"""The guard's bounded first pass over worksheet parts, and the hidden rows told by what the
guard saw, against the paths they stand in front of: the same answer (format, or the same
refusal with the same figures) on packages of every odd shape, and the same hidden rows."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from workbook_tools.errors import RejectedFile
from workbook_tools.model import DEFAULT_LIMITS, Limits
from workbook_tools.read import guard, ooxml_scan, zipparts
from workbook_tools.read.hidden import hidden_rows_seen, hidden_xlsx_rows

from . import hostile
from .hostile import NS_MAIN, NS_PKG_REL, NS_REL, sheet_xml, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def _outcome(path: Path, limits: Limits, bounded: bool,
             monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    monkeypatch.setattr(ooxml_scan, "BOUNDED_FIRST", bounded)
    try:
        fmt, facts = guard.inspect_file(path, limits)
    except RejectedFile as exc:
        return ("refused", exc.reason, exc.params)
    return ("read", fmt, facts)


def _rows(n: int, cell: str = '<c r="{col}{r}" t="n"><v>{r}</v></c>', cols: str = "ABCDEFGHIJKLM",
          start: int = 1) -> str:
    """``n`` plain rows of 13 cells: about 600 bytes a row (a chunk is 64 KiB)."""
    return "".join(
        f'<row r="{r}">' + "".join(cell.format(col=c, r=r) for c in cols) + "</row>"
        for r in range(start, start + n)
    )


def _with(odd: str, where: str, n: int = 400) -> str:
    """Plain rows with ``odd`` at the start, in the middle (a later chunk) or at the end."""
    if where == "start":
        return odd + _rows(n, start=n + 10)
    if where == "middle":
        return _rows(n // 2) + odd + _rows(n // 2, start=n + 10)
    return _rows(n) + odd


SMALL = Limits(max_rows=1_000, max_columns=30, max_cells=20_000, max_merged_area=5_000)

ODD: dict[str, str] = {
    "plain": "",
    "a value far right": '<row r="700"><c r="ZZ700"><v>1</v></c></row>',
    "a value far down": '<row r="60000"><c r="A60000"><v>1</v></c></row>',
    "a styled empty cell far right (bounds over, exact within)":
        '<row r="701"><c r="ZZ701" s="1"/></row>',
    "a styled empty cell far down": '<row r="900"><c r="A990000" s="1"/></row>',
    "styled empty cells, many": '<row r="702">' + '<c r="B702" s="1"/>' * 3000 + "</row>",
    "a cell without r= after a far row":
        '<row r="999999"><c r="A999999" s="1"/></row><row><c><v>1</v></c></row>',
    "a cell without r=": '<row r="703"><c><v>1</v></c><c r="B703"><v>2</v></c></row>',
    "a row without r=": '<row><c r="C704"><v>1</v></c></row>',
    "a row with r= not first": '<row spans="1:3" r="705"><c r="A705"><v>1</v></c></row>',
    "a row without r= after a far row, then bad refs":
        '<row r="999"><c r="A1"><v>1</v></c></row><row><c r="B0"><v>1</v></c></row>'
        '<row><c r="C0"><v>1</v></c><c r="D0" x=\'a"b\'><v>1</v></c></row>',
    "rows with attributes before r=": ''.join(
        f'<row hidden="false" r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(800, 900)),
    "a cell with r= not first": '<row r="706"><c s="1" r="XFD706"><v>1</v></c></row>',
    "a bad reference": '<row r="707"><c r="A0"><v>1</v></c><c r="A1:B2"><v>1</v></c></row>',
    "absolute references": '<row r="708"><c r="$AB$708"><v>1</v></c></row>',
    "a quoted > before r=": '<row r="709"><c t="n" cm="a>b" r="XFD709"><v>1</v></c></row>',
    "prefixed cells": '<x:row r="710"><x:c r="AZ710"><x:v>1</x:v></x:c></x:row>',
    "cols and cfRule": '<cols><col min="1" max="3"/></cols>'
                       '<conditionalFormatting><cfRule/></conditionalFormatting>',
    "rowBreaks": '<rowBreaks count="1"><brk id="3"/></rowBreaks>',
    "a merged range": '<mergeCells count="1"><mergeCell ref="A1:C3"/></mergeCells>',
    "a merged range over the limit":
        '<mergeCells count="1"><mergeCell ref="A1:Z4000"/></mergeCells>',
    "a dimension that lies": '<dimension ref="A1:XFD1048576"/>',
    "an entity declaration": '<!DOCTYPE x [<!ENTITY a "b">]>',
    "an exclamation mark in text": '<row r="711"><c r="A711" t="inlineStr"><is><t>Эй!</t></is>'
                                   '</c></row>',
    "a long tag": '<row r="712"><c r="A712" x="' + "y" * (1024 * 1024 + 10) + '"/></row>',
    "text that looks like tags": '<row r="713"><c r="A713" t="inlineStr"><is><t>&lt;c r="ZZ9"'
                                 ' dimension mergeCell :c</t></is></c></row>',
}


@pytest.mark.parametrize("limits", [DEFAULT_LIMITS, SMALL], ids=["default", "small"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("odd", sorted(ODD))
def test_bounded_first_gives_the_exact_answer(odd: str, where: str, limits: Limits,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "odd.xlsx", sheet=sheet_xml(_with(ODD[odd], where)))
    exact = _outcome(path, limits, False, monkeypatch)
    assert _outcome(path, limits, True, monkeypatch) == exact


@pytest.mark.parametrize("builder", [*hostile.HOSTILE, *hostile.VALID],
                         ids=lambda b: b.__name__)
def test_bounded_first_on_every_hostile_file(builder: hostile.Builder, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = builder(tmp_path)
    exact = _outcome(path, DEFAULT_LIMITS, False, monkeypatch)
    assert _outcome(path, DEFAULT_LIMITS, True, monkeypatch) == exact


def test_a_recheck_counts_the_part_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rescanned part is not counted twice against the package's inflated total."""
    body = _with(ODD["a styled empty cell far right (bounds over, exact within)"], "end", 2000)
    path = write_xlsx(tmp_path / "big.xlsx", sheet=sheet_xml(body))
    size = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    limits = Limits(max_columns=30, max_uncompressed_bytes=size + 4096)
    exact = _outcome(path, limits, False, monkeypatch)
    assert exact[:2] == ("read", "xlsx")
    assert _outcome(path, limits, True, monkeypatch) == exact


def _entity_reference(pieces: list[bytes]) -> tuple[bool, bytes]:
    """The scan before (every chunk joined to the tail): (refused, tail)."""
    tail = b""
    for piece in pieces:
        buf = tail + piece
        if any(p in buf for p in zipparts._ENTITY_PATTERNS):
            return True, tail
        tail = buf[-zipparts._ENTITY_KEEP:]
    return False, tail


@pytest.mark.parametrize("text", [b"", b"!", b"<!", b"abc<!DOCTYPE", b"x" * 40 + b"!",
                                  "<!ENTITY".encode("utf-32-be"), b"<!-- a comment -->"])
def test_entity_scan_as_before(text: bytes) -> None:
    data = text + b"abcdefghij" * 5 + text
    for cut in range(len(data) + 1):
        for cut2 in (cut, cut + 1, cut + 7, cut + 40):
            pieces = [data[:cut], data[cut:cut2], data[cut2:]]
            refused, tail = _entity_reference(pieces)
            scan = zipparts.EntityScan()
            try:
                for piece in pieces:
                    scan.feed(piece)
            except RejectedFile:
                assert refused
                continue
            assert not refused
            assert scan.tail == tail


HIDDEN_TEXTS = [
    b'<row r="3" hidden="1">', b"<row r='3' hidden = 'true' >", b'<row r="3" hidden="false">',
    b'<row r="3" hidden="0"><c r="A3"/></row><row r="4" hidden\n=\n"1">', b"hidde", b"hidden",
    b'hidden="tru', b'<t>hidden</t><row hidden="1"', b'hidhidden="1"', b'hidden= "t1"',
    b'<c r="A1"><v>1</v></c>', b'<protection hidden="1"/>',
]


@pytest.mark.parametrize("data", HIDDEN_TEXTS)
def test_hidden_scan_finds_the_value_across_every_cut(data: bytes) -> None:
    expected = bool(ooxml_scan._HIDDEN_VALUE.search(data))
    for cut in range(len(data) + 1):
        for cut2 in range(cut, len(data) + 1):
            scan = ooxml_scan.HiddenScan()
            for piece in (data[:cut], data[cut:cut2], data[cut2:]):
                scan.feed(piece)
            assert scan.found == expected, (cut, cut2)


def test_hidden_scan_carries_a_value_cut_by_long_spaces() -> None:
    data = b'<row r="1" hidden' + b" " * 200_000 + b'="1">'
    for size in (1000, 65536, 70000):
        scan = ooxml_scan.HiddenScan()
        for at in range(0, len(data), size):
            scan.feed(data[at:at + size])
        assert scan.found  # found, or taken as found: never missed
    scan = ooxml_scan.HiddenScan()
    for _ in range(150):
        scan.feed((b"x" * 99 + b"h") * 10)
    assert not scan.found


# --- hidden rows ---------------------------------------------------------------------------------

_HIDDEN_ROW = '<row r="5" hidden="1"><c r="A5"><v>1</v></c></row>'


def _wb(sheets: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS_MAIN}" '
            f'xmlns:r="{NS_REL}"><sheets>{sheets}</sheets></workbook>')


def _rels(*rels: tuple[str, str]) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG_REL}">'
            + "".join(f'<Relationship Id="{i}" Type="{NS_REL}/worksheet" Target="{t}"/>'
                      for i, t in rels)
            + "</Relationships>").encode()


HIDDEN_CASES: dict[str, dict[str, Any]] = {
    "none": {},
    "a hidden row": {"sheet": sheet_xml(_rows(3) + _HIDDEN_ROW)},
    "rows that say they are not hidden": {"sheet": sheet_xml(
        _rows(3, cell='<c r="{col}{r}"><v>1</v></c>').replace("<row ", '<row hidden="false" ')
        + _HIDDEN_ROW.replace('hidden="1"', 'hidden="0"'))},
    "hidden only in styles": {"extra": {"xl/styles.xml": b'<styleSheet><protection '
                                                         b'hidden="1"/></styleSheet>'}},
    "a hidden sheet, no hidden row": {
        "workbook": _wb('<sheet name="Risks" sheetId="1" r:id="rId1" state="hidden"/>')},
    "a hidden column": {"sheet": sheet_xml(_rows(3), '<cols><col min="1" max="1" hidden="1"/>'
                                                     '</cols>')},
    "a second sheet's part with hidden rows, named by its relationship": {
        "workbook": _wb('<sheet name="Risks" sheetId="1" r:id="rId1"/>'
                        '<sheet name="Другой" sheetId="2" r:id="rId9"/>'),
        "extra": {"xl/_rels/workbook.xml.rels": _rels(("rId1", "worksheets/sheet1.xml"),
                                                      ("rId9", "odd/place.xml")),
                  "odd/place.xml": sheet_xml(_HIDDEN_ROW).encode()}},
    "a sheet's part missing": {
        "workbook": _wb('<sheet name="Risks" sheetId="1" r:id="rId1"/>'
                        '<sheet name="Нет" sheetId="2" r:id="rId9"/>'),
        "extra": {"xl/_rels/workbook.xml.rels": _rels(("rId1", "worksheets/sheet1.xml"),
                                                      ("rId9", "worksheets/none.xml"))}},
    "a sheet's part missing, another with hidden rows": {
        "sheet": sheet_xml(_rows(3) + _HIDDEN_ROW),
        "workbook": _wb('<sheet name="Risks" sheetId="1" r:id="rId1"/>'
                        '<sheet name="Нет" sheetId="2" r:id="rId9"/>'),
        "extra": {"xl/_rels/workbook.xml.rels": _rels(("rId1", "worksheets/sheet1.xml"),
                                                      ("rId9", "worksheets/none.xml"))}},
    "a sheet named as the workbook part": {
        "workbook": _wb('<sheet name="hidden" sheetId="1" r:id="rId1"/>'),
        "extra": {"xl/_rels/workbook.xml.rels": _rels(("rId1", "workbook.xml"))}},
    "broken workbook.xml": {"workbook": "<workbook"},
    "no relationships part": {"extra": {"xl/_rels/workbook.xml.rels": b""}},
    "a prefixed hidden row": {"sheet": sheet_xml(
        _rows(2) + '<x:row r="9" hidden="true"><x:c r="A9"><x:v>1</x:v></x:c></x:row>')},
    "a hidden row far into the part": {"sheet": sheet_xml(_rows(900) + _HIDDEN_ROW)},
}


@pytest.mark.parametrize("case", sorted(HIDDEN_CASES))
def test_hidden_rows_told_by_the_guard_are_the_same(case: str, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", **HIDDEN_CASES[case])
    try:
        _fmt, facts = guard.inspect_file(path)
    except RejectedFile:
        pytest.skip("refused by the guard: never read")
    assert hidden_rows_seen(path, DEFAULT_LIMITS, facts) == hidden_xlsx_rows(path, DEFAULT_LIMITS)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "sample_workbooks").glob("*.xlsx")))
def test_hidden_rows_of_the_samples(name: str) -> None:
    path = ROOT / "sample_workbooks" / name
    _fmt, facts = guard.inspect_file(path)
    assert hidden_rows_seen(path, DEFAULT_LIMITS, facts) == hidden_xlsx_rows(path, DEFAULT_LIMITS)


def test_hidden_rows_are_found_where_they_are(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", **HIDDEN_CASES["a hidden row"])
    _fmt, facts = guard.inspect_file(path)
    assert hidden_rows_seen(path, DEFAULT_LIMITS, facts) == {"Risks": {4}}


class _Regions(list[bytes]):
    def region(self, text: bytes) -> None:
        self.append(text)


def _regions_before(pieces: list[bytes]) -> list[bytes]:
    """TagStream's regions as they were cut before (every chunk joined to the tail)."""
    out, tail = [], b""
    for piece in pieces:
        buf = tail + piece
        cut = buf.rfind(b"<")
        if cut <= 0:
            cut = 0 if cut == 0 else len(buf)
        if cut:
            out.append(buf[:cut])
        tail = buf[cut:]
    if tail:
        out.append(tail)
    return out


@pytest.mark.parametrize("data", [b'<row r="1"><c r="A1"><v>1</v></c></row>', b"<<a<", b"abc",
                                  b"<", b"x<y", b'<c r="A1" x="<>">text without tags</c>'])
def test_tag_stream_cuts_the_same_regions(data: bytes) -> None:
    for cut in range(len(data) + 1):
        for cut2 in range(cut, len(data) + 1):
            pieces = [data[:cut], data[cut:cut2], data[cut2:]]
            got = _Regions()
            stream = zipparts.TagStream(got.region, ooxml_scan.SHEET_TAG_START)
            for piece in pieces:
                stream.feed(piece)
            stream.close()
            assert list(got) == _regions_before(pieces)


RANGE_TEXTS = [
    b"",
    b'<dimension ref="A1:M10"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>',
    b'</sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3:D4"/>'
    b"</mergeCells>",
    b'<x:dimension ref="A1"/><x:mergeCell ref="A1:Z99"/><ab.c-d:mergeCell ref="B1:B2" />',
    b'<c r="A1" t="inlineStr"><is><t>dimension mergeCell &lt;mergeCell ref="A1:Z9"/&gt;</t></is>'
    b"</c>",
    b'<mergeCell ref="A1:B2" x=">"/><mergeCell ref=\'C1:D2\'/><mergeCellX ref="A1:B3"/>',
    b"<mergeCell <dimension ref=\"A1\"/> dimension<",
    b'<mergeCell ref="A1:B2"',
    b"mergeCell",
    b'<  mergeCell ref="A1:B2"/><mergeCell\nref="A1:B5"\n/>',
]


@pytest.mark.parametrize("text", RANGE_TEXTS)
def test_range_tags_as_the_pattern_finds_them(text: bytes) -> None:
    def spans(matches: Any) -> list[tuple[Any, ...]]:
        return [(m.span(), m.groups()) for m in matches]

    assert spans(ooxml_scan._range_tags(text)) == spans(ooxml_scan._RANGE_TAG.finditer(text))


def test_each_probe_is_a_letter_of_its_word() -> None:
    for name, letters in (*ooxml_scan._RANGE_NAMES, (b"hidden", ooxml_scan._HIDDEN_LETTERS)):
        assert all(len(p) == 1 and p in name for p in letters)


def test_rows_that_say_they_are_not_hidden_are_not_read_again(tmp_path: Path) -> None:
    """LibreOffice writes hidden="false" on every row: no second read for them."""
    path = write_xlsx(tmp_path / "lo.xlsx", **HIDDEN_CASES["rows that say they are not hidden"])
    _fmt, facts = guard.inspect_file(path)
    assert facts is not None and "xl/worksheets/sheet1.xml" in facts.no_hidden


def test_every_plain_reference_is_read_alike_by_both_exact_scans() -> None:
    """The bounded pass relies on it: a plain cell is placed by its r= alone."""
    import itertools
    import re

    from workbook_tools.ooxml import parse_ref

    cell = re.compile(rb"<c\sr" + ooxml_scan._REF_VALUE)
    letters = [b"A", b"z", b"Zz", b"XFD", b"aBc", b"ZZZZ", b"AAAA"]
    digits = [b"0", b"1", b"007", b"10024", b"1048576", b"9999999999", b"0000000000"]
    for col, row, (d1, d2) in itertools.product(letters, digits,
                                                [(b"", b""), (b"$", b""), (b"", b"$"),
                                                 (b"$", b"$")]):
        ref = d1 + col + d2 + row
        m = cell.match(b'<c r="' + ref + b'"')
        assert m is not None
        assert parse_ref(ref) == (int(m.group(2)), ooxml_scan._col(m.group(1))), ref
