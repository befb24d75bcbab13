"""The guard's one-pass cell scan and its C-speed pre-checks, against what they replace: the
same used range, cell count and element count on sheets of every odd shape, the same
refusals."""

from __future__ import annotations

import re

import pytest

from workbook_tools.errors import RejectedFile
from workbook_tools.model import DEFAULT_LIMITS
from workbook_tools.read import ooxml_scan, zipparts
from workbook_tools.read.ooxml_scan import _ANY_ATTRS, _PFX, _REF_VALUE, SheetScan

_REST = rb"(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*(?<!/)>"


def _reference(text: bytes, prefixed: bool) -> tuple[int, int, int, int] | None:
    """(cells, elements, max row, max column) as the two-pass scan found them; None where it
    left the region to the tag-by-tag scan."""
    pfx = _PFX if prefixed else b""
    n_cells = len(re.findall(rb"<" + pfx + rb"c[\s/>]", text))
    refs = re.findall(rb"<" + pfx + rb"c\sr" + _REF_VALUE, text)
    if len(refs) != n_cells:
        refs = re.findall(rb"<" + pfx + rb"c" + _ANY_ATTRS + rb"\sr" + _REF_VALUE, text)
        if len(refs) != n_cells:
            return None
    values = re.findall(rb"<" + pfx + rb"c" + _ANY_ATTRS + rb"\sr" + _REF_VALUE + _REST, text)
    max_col = max((ooxml_scan._col(v[0]) for v in values), default=0)
    max_row = max((int(v[1]) for v in values), default=0)
    return len(values), len(refs), max_row, max_col


REGIONS = {
    "plain": b'<row r="1"><c r="A1" t="n"><v>1</v></c><c r="B1"/><c r="C1" s="2">'
             b'<v>2</v></c></row>',
    "styled empty cells last": b'<row r="2"><c r="A2"><v>1</v></c><c r="Z2" s="1"/></row>',
    "a quoted > in an attribute": b'<row r="3"><c r="D3" x="a>b"><v>1</v></c>'
                                  b'<c r="E3" x="a/>"/></row>',
    "r= not first": b'<row r="4"><c s="1" r="F4"><v>1</v></c><c r="A4"><v>2</v></c></row>',
    "a cell without r=": b'<row r="5"><c><v>1</v></c><c r="B5"><v>2</v></c></row>',
    "absolute and lower-case refs": b'<row r="6"><c r="$b$6"><v>1</v></c></row>',
    "tab before r=": b'<row r="7"><c\tr="C7"><v>1</v></c></row>',
    "other c-elements": b'<cols><col min="1" max="3"/></cols><row r="8"><c r="A8"><v>1</v>'
                        b'</c></row><conditionalFormatting><cfRule/></conditionalFormatting>',
    "a cut-off tag": b'<row r="9"><c r="A9" t="n"',
    "an unbalanced quote": b'<row r="10"><c r="A10" t="n><v>1</v></c></row>',
    "self-closing with a space": b'<row r="11"><c r="A11" / ><c r="B11" /></row>',
    "a < inside a value": b'<row r="12"><c r="A12" x="<"><v>1</v></c></row>',
    "prefixed": b'<x:row r="13"><x:c r="A13"><x:v>1</x:v></x:c><x:c r="C13"/></x:row>',
    "a prefix in text only": b'<row r="14"><c r="A14" t="inlineStr"><is><t>a:c b:row</t></is>'
                             b'</c></row>',
    "no cells": b'<row r="15"/><row r="16"></row>',
}


@pytest.mark.parametrize("name", sorted(REGIONS))
def test_one_pass_finds_what_two_did(name: str) -> None:
    text = REGIONS[name]
    prefixed = bool(ooxml_scan._HAS_PREFIX.search(text))
    expected = _reference(text, prefixed)
    scan = SheetScan("Лист1", DEFAULT_LIMITS)
    done = scan._fast(text)
    assert done == (expected is not None)
    if expected is not None:
        assert (scan.cells, scan.elements, scan.max_row, scan.max_col) == expected


def test_every_entity_declaration_holds_what_the_pre_check_looks_for() -> None:
    assert all(b"<!" in p or b"\x00!" in p for p in zipparts._ENTITY_PATTERNS)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le",
                                      "utf-32-be"])
@pytest.mark.parametrize("cut", [1, 2, 3, 5, 9])
def test_a_declaration_cut_across_chunks_is_refused(encoding: str, cut: int) -> None:
    data = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>').encode(encoding)
    at = data.find("<!DOCTYPE".encode(encoding)) + cut
    scan = zipparts.EntityScan()
    with pytest.raises(RejectedFile):
        scan.feed(data[:at])
        scan.feed(data[at:])


def test_text_with_exclamation_marks_is_not_refused() -> None:
    scan = zipparts.EntityScan()
    scan.feed(b"<t>Wow! <b>!</b> a!b</t>")
    scan.feed("!\x00".encode("utf-16-le"))
