"""xlsx / xlsm packages: every part entity-free, every worksheet's used range within the limits.

Each worksheet part is streamed through :class:`SheetScan`, which finds the used range, the cell
count and the merged area as calamine would allocate them (cells without ``r=`` placed after the
previous one), from regexes over the raw bytes: no XML parser sees a part before its entity
declarations have been ruled out, and no part is held whole in memory. References, part names
and relationship types come from :mod:`workbook_tools.ooxml`.
"""

from __future__ import annotations

import operator
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .. import ooxml
from ..errors import RejectedFile
from ..model import Limits
from .rejections import cell_count, check_grid, phrase, too_large
from .zipparts import (
    ATTRS,
    EntityScan,
    PartReader,
    TagStream,
    looks_like_xml,
    prepend,
)

_PFX = rb"(?:[A-Za-z_][\w.-]*:)?"
_ATTR_R = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
_ATTR_REF = re.compile(rb"\sref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_ROW_TAG = re.compile(rb"<" + _PFX + rb"(c|row)" + ATTRS)
_RANGE_TAG = re.compile(rb"<" + _PFX + rb"(mergeCell|dimension)" + ATTRS)
_ANY_ATTRS = rb"(?:\s(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*?)?"
_REF_VALUE = rb"\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,10})[\"']"


def _cell_row_patterns(pfx: bytes) -> tuple[re.Pattern[bytes], ...]:
    """(any cell, cell with r= anywhere, row, row with r=, cell that can hold a value, with
    its r=; cell with r= first and whether it can hold a value) for a prefix."""
    return (
        re.compile(rb"<" + pfx + rb"c[\s/>]"),
        re.compile(rb"<" + pfx + rb"c" + _ANY_ATTRS + rb"\sr" + _REF_VALUE),
        # rows that can hold cells (not <row .../>), with and without a plain r=
        re.compile(rb"<" + pfx + rb"row(?:\s(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*)?(?<!/)>"),
        re.compile(
            rb"<" + pfx + rb"row" + _ANY_ATTRS + rb"\sr\s*=\s*[\"']([0-9]{1,10})[\"']"
            rb"(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*(?<!/)>"
        ),
        # a self-closing <c .../> (a styled empty cell) holds no value
        re.compile(
            rb"<" + pfx + rb"c" + _ANY_ATTRS + rb"\sr" + _REF_VALUE
            + rb"(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*(?<!/)>"
        ),
        # cell with r= first, and ">" when it can hold a value: what the previous pattern
        # finds, in the same pass (the tag's rest never holds "<", so no match swallows a cell)
        re.compile(
            rb"<" + pfx + rb"c\sr" + _REF_VALUE
            + rb"(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*+(?:(?<!/)(>))?"
        ),
    )


# SpreadsheetML is nearly always unprefixed; the unprefixed patterns are several times faster
_PLAIN = _cell_row_patterns(b"")
_PREFIXED = _cell_row_patterns(_PFX)
#: every "<c" of a region, with the reference when it is a cell with a plain r= first (the
#: refs of :func:`_cell_row_patterns`' last pattern); (b"", b"") for any other "<c"
_CELL_REFS = re.compile(rb"<c(?:\sr" + _REF_VALUE + rb")?")
_HAS_PREFIX = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
#: what :data:`_HAS_PREFIX` needs (searched for first: far fewer places to try than "<")
_MAY_HAVE_PREFIX = re.compile(rb":(?:c|row)[\s/>]")
#: styled empty cells allowed per cell of the limit (they cost openpyxl, not calamine)
_ELEMENTS_PER_CELL = 4
_first = operator.itemgetter(0)
_second = operator.itemgetter(1)
#: the start of a tag :class:`SheetScan` reads (a longer one is refused, not skipped)
SHEET_TAG_START = re.compile(rb"<" + _PFX + rb"(?:c|row|mergeCell|dimension)\s")
_WB_SHEET = re.compile(rb"<" + _PFX + rb"sheet" + ATTRS)
_REL = re.compile(rb"<" + _PFX + rb"Relationship" + ATTRS)
_ATTR_ANY = re.compile(rb"\s([^\s=/<>]+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
# matched as a suffix, so that Strict OOXML's worksheets (another namespace) count too
_WORKSHEET_TYPE = ooxml.RT_WORKSHEET[ooxml.RT_WORKSHEET.rfind("/") :]
_WORKBOOK_RELS = ooxml.rels_name(ooxml.WORKBOOK)


def _col(letters: bytes) -> int:
    return ooxml.column_number(letters.decode("ascii"))


def _attrs(text: bytes) -> dict[bytes, str]:
    out = {}
    for m in _ATTR_ANY.finditer(text):
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1)] = ooxml.xml_unescape(raw.decode("utf-8", "replace"), quotes=True)
    return out


def _sheet_parts(
    reader: PartReader, by_name: dict[str, zipfile.ZipInfo]
) -> tuple[dict[str, str], bytes | None, bytes | None]:
    """Worksheet part name -> sheet name, from xl/workbook.xml and its relationships; and the
    two parts as read (``None`` where not read)."""
    names: dict[str, str] = {}
    rels_info = by_name.get(_WORKBOOK_RELS)
    rels = workbook = None
    if rels_info is not None:
        targets = {}
        rels = reader.small(rels_info)
        for m in _REL.finditer(rels):
            a = _attrs(m.group(1))
            if a.get(b"TargetMode", "").lower() == "external":
                continue
            if a.get(b"Type", "").endswith(_WORKSHEET_TYPE) and b"Id" in a and b"Target" in a:
                targets[a[b"Id"]] = ooxml.resolve(ooxml.WORKBOOK, a[b"Target"])
        workbook = reader.small(by_name[ooxml.WORKBOOK])
        for m in _WB_SHEET.finditer(workbook):
            a = _attrs(m.group(1))
            rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
            if rid in targets and b"name" in a:
                names[targets[rid]] = a[b"name"]
        for part in targets.values():
            names.setdefault(part, part)
    for name in by_name:
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
            names.setdefault(name, name)
    return names, workbook, rels


class Recheck(Exception):
    """A bounded scan (:attr:`SheetScan.bounded`) cannot vouch for its part: scan it exactly."""


class SheetScan:
    """Used range, cell count and merged area of one worksheet part, as calamine would see it.

    ``bounded``: the first pass over a part. Where a region is plain (no prefixes, every "<c"
    a cell with a plain r= first) it counts every cell as holding a value: the used range and
    the cell count are then bounds of the exact ones, at about half the cost (no tag's rest is
    read). Each such cell is placed by its r= in both exact scans (:meth:`_slow` reads the
    same r=, and ``ooxml.parse_ref`` reads every reference of :data:`_REF_VALUE` as
    :meth:`_fast` does), so its rows' tags change nothing there. When the bounds are within the
    limits, so are the exact figures, and the answer is the exact scan's. A region that is not
    plain goes through :meth:`_fast` (its figures do not depend on earlier regions); one that
    needs :meth:`_slow` (state carried from earlier regions), and any figure over a limit,
    raise :class:`Recheck`: the part is then scanned again, exactly, from its start.
    """

    def __init__(self, sheet: str, limits: Limits, bounded: bool = False) -> None:
        self.sheet = sheet
        self.limits = limits
        self.bounded = bounded
        self.row = 0  # current row (for cells without r=)
        self.col = 0  # column of the previous cell in the row
        self.max_row = 0  # the used range, by the cells that hold a value
        self.max_col = 0
        self.cells = 0  # cells that hold a value
        self.elements = 0  # every <c>, styled empty ones included (bounded more loosely)
        self.merged = 0

    def region(self, text: bytes) -> None:
        if not self.bounded:
            self._region(text)
            return
        try:
            if not self._bounds(text) and not self._fast(text):
                raise Recheck  # the exact scan reads it tag by tag, from its state
            self._region_rest(text)
        except RejectedFile as exc:
            raise Recheck from exc

    def _region(self, text: bytes) -> None:
        if not self._fast(text):
            self._slow(text)
        self._region_rest(text)

    def _region_rest(self, text: bytes) -> None:
        for m in _range_tags(text):
            r = _ATTR_REF.search(m.group(2))
            rng = ooxml.parse_range(r.group(1)) if r else None
            if rng is None:
                continue
            r1, c1, r2, c2 = rng
            if m.group(1) == b"mergeCell":
                self.merged += (r2 - r1 + 1) * (c2 - c1 + 1)
                if self.merged > self.limits.max_merged_area:
                    raise too_large(
                        self.sheet,
                        phrase("unit.merged", cells=cell_count(self.merged)),
                        phrase("unit.merged", cells=cell_count(self.limits.max_merged_area)),
                    )
            # a <dimension> is only a claim: calamine and openpyxl go by the cells themselves
        self.check()

    def _bounds(self, text: bytes) -> bool:
        """Bounds of what :meth:`_fast` finds, where it reads the region (see the class)."""
        if _MAY_HAVE_PREFIX.search(text):
            return False
        refs: list[tuple[bytes, bytes]] = _CELL_REFS.findall(text)
        cols = set(map(_first, refs))
        if b"" in cols:  # a "<c" that is no cell with a plain r= first (<cols>, <c s=...>)
            return False
        if refs:
            self.elements += len(refs)
            self.cells += len(refs)
            self.max_col = max(self.max_col, max(map(_col, cols)))
            self.max_row = max(self.max_row, max(map(int, set(map(_second, refs)))))
        return True

    def _fast(self, text: bytes) -> bool:
        """All in C when every cell and every (non-empty) row carries a plain reference."""
        prefixed = _MAY_HAVE_PREFIX.search(text) and _HAS_PREFIX.search(text)
        cell_any, cell_r, row_open, row_r, cell_value_r, first_value = (
            _PREFIXED if prefixed else _PLAIN
        )
        refs: list[tuple[bytes, ...]] = first_value.findall(text)
        # every "<c" a cell with r= first (rows of cells and nothing else): then the cells
        # are counted without the pattern
        n_cells = len(refs) if not prefixed and text.count(b"<c") == len(refs) \
            else len(cell_any.findall(text))
        if len(refs) == n_cells:
            # every cell has r= first: those that can hold a value are the ones with ">"
            values = [ref for ref in refs if ref[2]]
        else:
            refs = cell_r.findall(text)
            if len(refs) != n_cells:
                return False
            values = cell_value_r.findall(text)
        row_refs = row_r.findall(text)
        if len(row_refs) != len(row_open.findall(text)):
            return False
        if row_refs:
            self.row = int(row_refs[-1])
            self.col = 0
        if refs:
            self.elements += len(refs)
            # the last cell may precede a later <row>: then col over-estimates, never under
            self.col = _col(refs[-1][0])
            if values:
                self.cells += len(values)
                self.max_col = max(self.max_col, max(map(_col, set(map(_first, values)))))
                self.max_row = max(self.max_row, max(map(int, set(map(_second, values)))))
        return True

    def _slow(self, text: bytes) -> None:
        """Tag by tag, following calamine for cells without r= (placed after the previous)."""
        for m in _CELL_ROW_TAG.finditer(text):
            kind, attrs = m.group(1), m.group(2)
            if kind == b"c":
                r = _ATTR_R.search(attrs)
                pos = ooxml.parse_ref(r.group(1)) if r else None
                if pos is None:
                    row, col = max(self.row, 1), self.col + 1
                else:
                    row, col = pos
                self.col = col
                self.elements += 1
                if m.group(3):  # <c .../>: a styled empty cell holds no value
                    continue
                self.cells += 1
                if row > self.max_row:
                    self.max_row = row
                if col > self.max_col:
                    self.max_col = col
            else:
                if m.group(3):  # <row .../> holds no cells: nothing is allocated for it
                    continue
                r = _ATTR_R.search(attrs)
                digits = r.group(1).strip() if r else b""
                if digits.isdigit():
                    self.row = int(digits) if len(digits) <= 10 else ooxml.HUGE_ROW
                else:
                    self.row += 1
                self.col = 0

    def check(self) -> None:
        check_grid(self.sheet, self.max_row, self.max_col, self.limits, self.cells)
        if self.elements > _ELEMENTS_PER_CELL * self.limits.max_cells:
            # styled empty cells cost a parser that loads the formatting (openpyxl) memory
            raise too_large(self.sheet, cell_count(self.elements),
                            cell_count(_ELEMENTS_PER_CELL * self.limits.max_cells))


def _may_hold(text: bytes, word: bytes, letters: tuple[bytes, ...]) -> bool:
    """Whether ``text`` holds ``word``, its ``letters`` looked for first: a search for one byte
    (memchr) is several times faster than for a word, stops at the first one found, and a
    text without one of them cannot hold the word. The letters are those the rows of a sheet
    seldom hold, as each writer writes them (openpyxl: "inlineStr", "xml:space"; Excel:
    "spans", "dyDescent", "customHeight"; LibreOffice rows hold every one)."""
    return all(letter in text for letter in letters) and word in text


#: each name of :data:`_RANGE_TAG`, with its letters to look for first (:func:`_may_hold`)
_RANGE_NAMES = ((b"mergeCell", (b"g", b"l")), (b"dimension", (b"d", b"i", b"m")))


def _range_tags(text: bytes) -> Iterator[re.Match[bytes]]:
    """``_RANGE_TAG.finditer(text)``, tried only at the "<" before each of its names (the
    pattern alone tries every "<"). A match holds no "<" after its first, so matches never
    overlap, and each starts at the last "<" before its name."""
    names = [name for name, letters in _RANGE_NAMES if _may_hold(text, name, letters)]
    if not names:
        return
    starts = set()
    for name in names:
        i = text.find(name)
        while i >= 0:
            starts.add(text.rfind(b"<", 0, i))
            i = text.find(name, i + 1)
    starts.discard(-1)
    for p in sorted(starts):
        m = _RANGE_TAG.match(text, p)
        if m is not None:
            yield m


#: whether worksheet parts are scanned first for bounds (:class:`SheetScan`); tests compare
#: the answers with this off
BOUNDED_FIRST = True
#: what the tag of a hidden row holds (:mod:`.hidden` looks for it in a row's attributes); a
#: part that does not hold it anywhere has no hidden row
_HIDDEN_VALUE = re.compile(rb"hidden\s*=\s*[\"'](?:1|true)[\"']")
#: a start of :data:`_HIDDEN_VALUE` that a chunk's end may cut (fullmatched up to the end)
_HIDDEN_OPEN = re.compile(rb"hidden\s*(?:=\s*(?:[\"'](?:1|t|tr|tru|true)?)?)?")
#: a cut value carried longer than this (spaces after "hidden") is taken as found
_HIDDEN_CARRY = 1 << 16
_HIDDEN_LETTERS = (b"h", b"i", b"d")


class HiddenScan:
    """Whether a part's bytes hold :data:`_HIDDEN_VALUE` anywhere, across chunk ends (the word
    looked for after its letters, :func:`_may_hold`). A value cut at a chunk's end is carried
    to the next."""

    def __init__(self) -> None:
        self.tail = b""  # an open value ("hidden" first), or the last 5 bytes
        self.found = False

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        tail = self.tail
        joined = tail.startswith(b"hidden") or b"hidden" in tail + chunk[:5]
        buf = tail + chunk if joined else chunk  # joined only where a value may be cut
        if _may_hold(buf, b"hidden", _HIDDEN_LETTERS):
            if _HIDDEN_VALUE.search(buf):
                self.found = True
                return
            # only the last "hidden" may open a value not closed yet: a value's rest holds none
            at = buf.rfind(b"hidden")
            if _HIDDEN_OPEN.fullmatch(buf, at):
                self.tail = buf[at:]
                self.found = len(self.tail) > _HIDDEN_CARRY
                return
        self.tail = buf[-5:] if joined or len(chunk) >= 5 else (tail + chunk)[-5:]


@dataclass(frozen=True)
class OoxmlFacts:
    """What the guard saw of an xlsx package, for the reader: xl/workbook.xml and its
    relationships as inflated (``None`` where absent or too large to keep), and the parts
    read whole, at their declared size, whose bytes hold no hidden row's value
    (:class:`HiddenScan`)."""

    workbook: bytes | None
    workbook_rels: bytes | None
    no_hidden: frozenset[str]


def scan_ooxml_package(reader: PartReader, by_name: dict[str, zipfile.ZipInfo]) -> OoxmlFacts:
    """Every XML part checked for entities; every worksheet's used range checked."""
    sheets, workbook, rels = _sheet_parts(reader, by_name)
    no_hidden = set()
    for info in by_name.values():
        if info.is_dir() or info.file_size == 0:
            continue
        name = info.filename
        sheet = sheets.get(name)
        hidden = HiddenScan()
        if sheet is not None and BOUNDED_FIRST:
            inflated, mismatched = reader.inflated, len(reader.mismatched)
            try:
                _scan_part(reader, info, sheet, hidden, bounded=True)
            except Recheck:
                reader.inflated = inflated
                del reader.mismatched[mismatched:]
                hidden = HiddenScan()
                _scan_part(reader, info, sheet, hidden, bounded=False)
        else:
            _scan_part(reader, info, sheet, hidden, bounded=False)
        if not hidden.found:
            no_hidden.add(name)
    if {ooxml.WORKBOOK, _WORKBOOK_RELS}.intersection(reader.mismatched):
        workbook = rels = None  # read otherwise than zipfile would: not kept
    return OoxmlFacts(workbook or None, rels or None,
                      frozenset(no_hidden.difference(reader.mismatched)))


def _scan_part(reader: PartReader, info: zipfile.ZipInfo, sheet: str | None,
               hidden: HiddenScan, bounded: bool) -> None:
    gen = reader.chunks(info)
    first = next(gen, b"")
    if sheet is None and (not looks_like_xml(first) or info.filename.lower().endswith(".svg")):
        # images and binary parts (vbaProject.bin): no reader parses them as XML, but
        # they are still inflated to the end so that a lying size is caught here
        for chunk in prepend(first, gen):
            hidden.feed(chunk)
        return
    entities = EntityScan()
    scan = SheetScan(sheet, reader.limits, bounded) if sheet is not None else None
    tags = TagStream(scan.region, SHEET_TAG_START) if scan is not None else None
    for chunk in prepend(first, gen):
        entities.feed(chunk)
        hidden.feed(chunk)
        if tags is not None:
            tags.feed(chunk)
    if tags is not None and scan is not None:
        tags.close()
        if bounded:
            try:
                scan.check()
            except RejectedFile as exc:
                raise Recheck from exc
        else:
            scan.check()
