"""Relationships and content types are parsed once a process for small parts (workbooks made
from one template share them): every caller still gets its own lists and dicts to change, and
a part that is not what it should be is declined every time it is asked for."""

from __future__ import annotations

import dataclasses
from xml.etree.ElementTree import ParseError

import pytest

from workbook_tools import ooxml
from workbook_tools.annotated.stream.errors import StreamUnsupported
from workbook_tools.annotated.stream.package import ContentTypes, load_rels

RELS = (b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId2" Type="http://x/hyperlink" Target="https://a.kg"'
        b' TargetMode="External"/></Relationships>')
TYPES = (b'<?xml version="1.0" encoding="UTF-8"?>'
         b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         b'<Default Extension="xml" ContentType="application/xml"/>'
         b'<Override PartName="/xl/Workbook.xml" ContentType="wb"/></Types>')


def _big_rels() -> bytes:
    """Relationships past the size remembered."""
    one = b'<Relationship Id="rId{}" Type="http://x/t" Target="t{}.xml"/>'
    body = b"".join(one.replace(b"{}", str(i).encode()) for i in range(400))
    data = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships">' + body + b"</Relationships>")
    assert len(data) > ooxml._REMEMBERED_RELS
    return data


@pytest.mark.parametrize("data", [RELS, _big_rels()], ids=["small", "large"])
def test_each_caller_gets_its_own_list(data: bytes) -> None:
    first = ooxml.parse_rels(data)
    first.append(ooxml.Rel("rId99", "t", "x"))  # the copier adds to its list
    second = ooxml.parse_rels(data)
    assert second == first[:-1] and second is not first
    assert ooxml.Rel("rId99", "t", "x") not in second


def test_small_parts_are_parsed_once() -> None:
    memo = ooxml._parse_rels.memo  # type: ignore[attr-defined]
    memo.cache_clear()
    for _ in range(3):
        ooxml.parse_rels(RELS)
    info = memo.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    ooxml.parse_rels(_big_rels())
    assert memo.cache_info().misses == 1  # a large part is not kept


#: (the arguments, whether they are remembered): texts and bytes counted together against a
#: limit of 4, other arguments not counted
ARGUMENTS = [
    (("abcd",), True),
    (("abcde",), False),
    ((b"ab", "cd"), True),
    ((b"ab", "cde"), False),
    (("ab", 10**9, (1, 2, 3, 4, 5)), True),
    ((b"",), True),
]


@pytest.mark.parametrize(("args", "kept"), ARGUMENTS)
def test_remembered_counts_the_texts_against_its_limit(args: tuple[object, ...],
                                                       kept: bool) -> None:
    calls: list[tuple[object, ...]] = []

    @ooxml.remembered(4, maxsize=8)
    def work(*got: object) -> list[object]:
        calls.append(got)
        return list(got)

    first, second = work(*args), work(*args)
    assert first == second == list(args)
    assert len(calls) == (1 if kept else 2)
    assert (first is second) is kept  # what is remembered is shared: callers copy it
    assert work.memo.cache_info().currsize == int(kept)  # type: ignore[attr-defined]


def test_relationships_cannot_be_changed_in_place() -> None:
    rel = ooxml.parse_rels(RELS)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rel.target = "elsewhere.xml"  # type: ignore[misc]


@pytest.mark.parametrize(("data", "error"), [
    (b"<Types/>", StreamUnsupported),
    (RELS.replace(b"Relationships", b"X"), StreamUnsupported),
    (b"<notxml", ParseError),
])
def test_what_is_not_relationships_is_declined_each_time(data: bytes,
                                                         error: type[Exception]) -> None:
    for _ in range(2):
        with pytest.raises(error):
            load_rels(data)


def test_content_types_are_each_reader_own() -> None:
    one, two = ContentTypes(TYPES), ContentTypes(TYPES)
    one.override("xl/worksheets/sheet2.xml", "ws")
    del one.defaults["xml"]
    assert two.of("xl/worksheets/sheet2.xml") == "application/xml"
    assert ContentTypes(TYPES).of("xl/workbook.xml") == "wb"
    assert ContentTypes(TYPES).names == {"xl/workbook.xml": "xl/Workbook.xml"}


@pytest.mark.parametrize(("data", "said"), [
    (TYPES.replace(b"Types", b"Other"), "[Content_Types].xml"),
    (TYPES.replace(b"application/xml", b"http://purl.oclc.org/x"), "Strict OOXML"),
])
def test_content_types_declined_each_time(data: bytes, said: str) -> None:
    for _ in range(2):
        with pytest.raises(StreamUnsupported, match=said.replace("[", r"\[").replace("]", r"\]")):
            ContentTypes(data)
