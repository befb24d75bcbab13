"""What a spreadsheet package is made of: the one place this knowledge is written.

Column letters and A1 references, part names and relationships, the namespaces and content
types of SpreadsheetML, and the patterns of cells, formulas, hyperlinks and merged ranges in a
worksheet's XML. The guard (``read/``), the neutralisation scan and the stream backend
(``annotated/``) all read packages through these; none writes its own.

References come as text (``str``) from parsed XML, or as bytes from the guard's and the scan's
chunked reads: the functions taking references accept both.
"""

from __future__ import annotations

import functools
import io
import os
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ParamSpec, TypeVar

from defusedxml.ElementTree import fromstring

# --- column letters and A1 references -----------------------------------------------------------

@lru_cache(maxsize=20_000)
def xml_unescape(text: str, quotes: bool = False) -> str:
    """``xml.sax.saxutils.unescape`` (``&lt;``, ``&gt;``, with ``quotes`` ``&quot;`` and
    ``&apos;``, then ``&amp;``), without importing it: it brings ``urllib.request`` (about
    17 ms of every start-up)."""
    if "&" not in text:
        return text
    text = text.replace("&gt;", ">").replace("&lt;", "<")
    if quotes:
        text = text.replace("&quot;", '"').replace("&apos;", "'")
    return text.replace("&amp;", "&")


def column_letter(col: int) -> str:
    """The letters of 1-based column ``col``: 1 -> "A", 28 -> "AB", 16384 -> "XFD"."""
    if col < 1:
        raise ValueError(col)
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=20_000)  # bounded: hostile files may spell letters many ways
def column_number(letters: str) -> int:
    """The 1-based column of ``letters``: "A" -> 1, "AB" -> 28 (any case)."""
    if not letters or not letters.isascii() or not letters.isalpha():
        raise ValueError(letters)
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def a1(row: int, col: int) -> str:
    """The reference of a cell, 1-based: (7, 5) -> "E7"."""
    return f"{column_letter(col)}{row}"


def quoted_title(sheet: str) -> str:
    """A sheet's name as a formula, a link or a defined name quotes it."""
    return "'" + sheet.replace("'", "''") + "'"


def range_ref(r0: int, c0: int, r1: int, c1: int) -> str:
    """The reference of a range, 1-based: "A1:E7"."""
    return f"{a1(r0, c0)}:{a1(r1, c1)}"


_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
#: what a reference past four letters or ten digits counts as: beyond any limit, never parsed
HUGE_COLUMN = 10**9
HUGE_ROW = 10**10


def parse_ref(ref: str | bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, of an A1 reference ("$B$7" too); None when it is not one.
    A column past four letters or a row past ten digits comes back as :data:`HUGE_COLUMN` /
    :data:`HUGE_ROW` (beyond any limit) rather than as a number built from hostile text."""
    text, space = _text(ref)
    return _ref(text.strip(space))


#: what ``bytes.strip()`` removes
_ASCII_SPACE = " \t\n\r\x0b\x0c"


def _text(ref: str | bytes) -> tuple[str, str | None]:
    """``ref`` as text, and the whitespace around it: bytes lose only ASCII whitespace, as
    ``bytes.strip()`` would (the guard's chunked reads), text loses any."""
    if isinstance(ref, bytes):
        return ref.decode("ascii", "replace"), _ASCII_SPACE
    return ref, None


def _ref(text: str) -> tuple[int, int] | None:
    m = _REF.fullmatch(text)
    if m is None:
        return None
    letters, digits = m.groups()
    col = column_number(letters) if len(letters) <= 4 else HUGE_COLUMN
    row = int(digits) if len(digits) <= 10 else HUGE_ROW
    return row, col


def parse_range(ref: str | bytes) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column), 1-based, of "A1:C3" or "B2";
    None when it is not a range."""
    text, space = _text(ref)
    first, _, last = text.strip(space).partition(":")
    a = _ref(first.strip(space))
    b = _ref(last.strip(space)) if last else a
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


def covered_cells(ranges: list[tuple[int, int, int, int]], max_range: int | None = None,
                  max_total: int | None = None) -> dict[tuple[int, int], tuple[int, int]]:
    """Merged ranges (0-based inclusive) as a map from each covered cell to the top-left cell
    that shows its value (the top-left cells themselves are not in it). A range larger than
    ``max_range`` is skipped; past ``max_total`` cells in all, the rest are left out."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    total = 0
    for r0, c0, r1, c1 in ranges:
        size = (r1 - r0 + 1) * (c1 - c0 + 1)
        if max_range is not None and size > max_range:
            continue
        total += size
        if max_total is not None and total > max_total:
            break
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    owner[(r, c)] = (r0, c0)
    return owner


# --- namespaces, relationship and content types -------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
#: Strict OOXML's namespaces live under this host
STRICT_HOST = "purl.oclc.org"

RT_OFFICE_DOCUMENT = f"{REL_NS}/officeDocument"
RT_WORKSHEET = f"{REL_NS}/worksheet"
RT_STYLES = f"{REL_NS}/styles"
RT_COMMENTS = f"{REL_NS}/comments"
RT_VML = f"{REL_NS}/vmlDrawing"

CT_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORKBOOK_TYPES = frozenset({
    CT_SHEET_MAIN,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
})
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

# --- part names ---------------------------------------------------------------------------------

WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"


_P = ParamSpec("_P")
_R = TypeVar("_R")


def remembered(limit: int, maxsize: int) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """A function of parts' contents, remembered (its last ``maxsize`` calls) when its text
    and bytes arguments come to at most ``limit`` characters or bytes together: the workbooks
    made from one template share their small parts, file after file. Longer ones are worked
    out each time and never kept (a hostile file's are not held by a process that runs for
    months). What it returns is shared: a caller copies it before changing it. The memo
    itself is the function's ``memo`` (``cache_info``, ``cache_clear``)."""

    def decorate(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        memo = lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if sum(len(a) for a in args if isinstance(a, str | bytes)) <= limit:
                return memo(*args, **kwargs)  # type: ignore[arg-type]
            return fn(*args, **kwargs)

        call.memo = memo  # type: ignore[attr-defined]
        return call

    return decorate


#: a package up to this size is read into memory whole, in one read, before its zip is opened:
#: its parts are then read without the seek, read and tell the system is asked for each chunk
#: of a file (most of the cost of reading a small workbook's parts)
IN_MEMORY_BYTES = 8 * 1024 * 1024


def open_package(path: str | Path) -> zipfile.ZipFile:
    """The zip package at ``path``: from memory when it is at most :data:`IN_MEMORY_BYTES`,
    else read from the file as it is needed. Raises what ``open`` and ``zipfile`` raise."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size <= IN_MEMORY_BYTES:
            return zipfile.ZipFile(io.BytesIO(fh.read(IN_MEMORY_BYTES + 1)))
    return zipfile.ZipFile(path)


def resolve(base: str, target: str) -> str:
    """The part name a relationship of part ``base`` points at ("" for the package root)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    folder = posixpath.dirname(base)
    return posixpath.normpath(posixpath.join(folder, target))


def rels_name(part: str) -> str:
    """The relationships part of ``part``: xl/workbook.xml -> xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def source_of(rels_part: str) -> str:
    """The part a relationships part belongs to (the inverse of :func:`rels_name`)."""
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


# --- relationships ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rel:
    """One relationship of a part: its id, type, target and mode ("External" or "")."""

    id: str
    type: str
    target: str
    mode: str = ""


class NotRelationships(ValueError):
    """A relationships part whose root is not <Relationships>."""


def parse_rels(data: bytes) -> list[Rel]:
    """The relationships of a ``.rels`` part (parsed without entities: defusedxml); a small
    part once a process (:func:`remembered`)."""
    return list(_parse_rels(data))


#: the largest ``.rels`` part :func:`parse_rels` remembers
_REMEMBERED_RELS = 16 * 1024


@remembered(_REMEMBERED_RELS, maxsize=256)
def _parse_rels(data: bytes) -> tuple[Rel, ...]:
    root = fromstring(data)
    if root.tag != f"{{{PKG_REL_NS}}}Relationships":
        raise NotRelationships(root.tag)
    return tuple(
        Rel(r.get("Id", ""), r.get("Type", ""), r.get("Target", ""), r.get("TargetMode", ""))
        for r in root
        if r.tag == f"{{{PKG_REL_NS}}}Relationship"
    )


# --- worksheet XML ------------------------------------------------------------------------------

#: a cell: its attributes and its content
CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
CELL_B = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
#: a cell's reference attribute: letters, row
CELL_R = re.compile(r"""\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
CELL_R_B = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
#: a formula: its attributes and its text
FORMULA = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.DOTALL)
FORMULA_B = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.DOTALL)
#: a shared formula's attributes: t="shared", and its index si="n"
SHARED = re.compile(r"""\bt\s*=\s*["']shared["']""")
SHARED_B = re.compile(rb"""\bt\s*=\s*["']shared["']""")
SHARED_INDEX_B = re.compile(rb"""\bsi\s*=\s*["'](\d+)["']""")
#: one hyperlink element, and its attributes
HYPERLINK = re.compile(r"<hyperlink\b[^>]*?(?:/>|>.*?</hyperlink>)", re.DOTALL)
HYPERLINK_B = re.compile(rb"<hyperlink\b([^>]*?)/?>")
#: an attribute naming a relationship (r:id, with whatever prefix)
REL_ID = re.compile(r"""\s[\w.-]+:id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
REL_ID_B = re.compile(rb"""\s[\w.-]+:id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: a ref="..." attribute (a hyperlink's, a merged range's, the dimension's)
REF_ATTR_B = re.compile(rb"""\sref\s*=\s*["']([^"']*)["']""")
#: a merged range's element, and its attributes
MERGE_CELL = re.compile(r"<mergeCell\b([^>]*?)/?>")
