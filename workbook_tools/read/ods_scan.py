"""ods packages: no encryption, every part entity-free, every table's used range within limits.

content.xml is streamed through :class:`OdsScan`, which follows calamine: huge repeat counts on
empty trailing rows and cells cost nothing, repeats of rows and cells that hold something (and
the empty ones between them) widen the range. Regexes over the raw bytes, chunk by chunk: no XML
parser sees a part before its entity declarations have been ruled out.
"""

from __future__ import annotations

import re
import zipfile

from ..errors import RejectedFile
from ..model import Limits
from ..ooxml import xml_unescape
from .rejections import check_grid
from .zipparts import ATTRS, EntityScan, PartReader, TagStream, looks_like_xml, prepend, scan_for

_ODS_TAG = re.compile(
    rb"<(table:table|table:table-row|table:table-cell|table:covered-table-cell)"
    + ATTRS
    + rb"|</(table:table|table:table-row)\s*>"
)
_ODS_TAG_START = re.compile(rb"<table:table")
_ODS_ROWS_REP = re.compile(rb"\stable:number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_COLS_REP = re.compile(rb"\stable:number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_VALUE = re.compile(rb"\soffice:value-type\s*=")
_ODS_NAME = re.compile(rb"\stable:name\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")


def _repeat(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    m = pattern.search(attrs)
    if not m:
        return 1
    digits = m.group(1)
    return max(int(digits), 1) if len(digits) <= 12 else 10**12


class OdsScan:
    """Effective used range of each table in content.xml.

    LibreOffice writes huge repeat counts on empty trailing rows and cells; calamine skips
    those, so only repeats of rows and cells that hold something widen the range (as do empty
    rows and cells *between* contents, which calamine fills in).
    Tags are matched with the conventional ``table:`` prefix, as calamine matches them.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.sheet = "?"
        self._new_table()

    def _new_table(self) -> None:
        self.row_pos = 0
        self.used_rows = 0
        self.used_cols = 0
        self.cells = 0
        self.in_row = False
        self.row_rep = 1
        self.col_pos = 0
        self.row_end = 0  # end column of the last content cell in the current row
        self.row_cells = 0

    def region(self, text: bytes) -> None:
        for m in _ODS_TAG.finditer(text):
            kind, attrs, selfclose, closing = m.group(1), m.group(2), m.group(3), m.group(4)
            if closing == b"table:table-row":
                self._end_row()
            elif closing == b"table:table":
                self._end_row()
                self._new_table()
            elif kind == b"table:table":
                self._new_table()
                nm = _ODS_NAME.search(attrs)
                if nm:
                    raw = nm.group(1) if nm.group(1) is not None else nm.group(2)
                    self.sheet = xml_unescape(raw.decode("utf-8", "replace"))
            elif kind == b"table:table-row":
                self._end_row()
                self.in_row = True
                self.row_rep = _repeat(_ODS_ROWS_REP, attrs)
                self.col_pos = 0
                self.row_end = 0
                self.row_cells = 0
                if selfclose:
                    self._end_row()
            elif kind is not None and self.in_row:  # a cell or a covered cell
                rep = _repeat(_ODS_COLS_REP, attrs)
                self.col_pos += rep
                if not selfclose or _ODS_VALUE.search(attrs):
                    self.row_end = self.col_pos
                    self.row_cells += rep
        self._check()

    def _end_row(self) -> None:
        if not self.in_row:
            return
        self.in_row = False
        if self.row_end:
            self.used_rows = self.row_pos + self.row_rep
            self.used_cols = max(self.used_cols, self.row_end)
            self.cells += self.row_cells * self.row_rep
        self.row_pos += self.row_rep
        self._check()

    def _check(self) -> None:
        check_grid(self.sheet, self.used_rows, self.used_cols, self.limits, self.cells)


def scan_ods_package(reader: PartReader, by_name: dict[str, zipfile.ZipInfo]) -> None:
    """No encryption; every XML part checked for entities; content.xml's used ranges checked."""
    manifest = by_name.get("META-INF/manifest.xml")
    if manifest is not None and scan_for(reader, manifest, b"encryption-data"):
        raise RejectedFile("file.encrypted")
    for info in by_name.values():
        if info.is_dir() or info.file_size == 0:
            continue
        gen = reader.chunks(info)
        first = next(gen, b"")
        name = info.filename
        if name != "content.xml" and (not looks_like_xml(first) or name.lower().endswith(".svg")):
            for _chunk in gen:
                pass
            continue
        entities = EntityScan()
        scan = OdsScan(reader.limits) if name == "content.xml" else None
        tags = TagStream(scan.region, _ODS_TAG_START) if scan is not None else None
        for chunk in prepend(first, gen):
            entities.feed(chunk)
            if tags is not None:
                tags.feed(chunk)
        if tags is not None:
            tags.close()
