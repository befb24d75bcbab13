"""xlsb packages (Excel's binary workbook): every XML part entity-free, every worksheet's used
range, counted by the cells that hold a value, within the limits.

A worksheet part (``xl/worksheets/*.bin``) is a stream of BIFF12 records: a type and a size,
each a variable-length integer, then the data. ``BrtRowHdr`` (0) starts a row (its index is the
first four bytes); the cell records (2-11) hold a value, their column in the first four bytes;
``BrtCellBlank`` (1) is a styled empty cell and does not count. Records are read in a bounded
buffer, chunk by chunk: nothing is held whole in memory.
"""

from __future__ import annotations

import struct
import zipfile

from ..model import Limits
from .rejections import check_grid, corrupt
from .zipparts import EntityScan, PartReader, looks_like_xml, prepend

_ROW = 0
_VALUE_CELLS = frozenset(range(2, 12))
_MAX_RECORD = 16 * 1024 * 1024


def _varint(buf: bytes | bytearray, pos: int, most: int) -> tuple[int, int] | None:
    """(value, next position) of a BIFF12 variable-length integer; None when cut off."""
    value = 0
    for i in range(most):
        if pos + i >= len(buf):
            return None
        byte = buf[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, pos + i + 1
    return value, pos + most


class XlsbSheetScan:
    """Used range and cell count of one binary worksheet part."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet = sheet
        self.limits = limits
        self.row = 0
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.buf = bytearray()

    def feed(self, chunk: bytes) -> None:
        buf = self.buf
        buf += chunk
        pos = 0
        while True:
            head = _varint(buf, pos, 2)
            if head is None:
                break
            rtype, p = head
            size = _varint(buf, p, 4)
            if size is None:
                break
            length, p = size
            if length > _MAX_RECORD:
                raise corrupt(f"record of {length} bytes in {self.sheet}")
            if p + length > len(buf):
                break
            if rtype == _ROW and length >= 4:
                self.row = struct.unpack_from("<I", buf, p)[0] + 1
            elif rtype in _VALUE_CELLS and length >= 4:
                col = struct.unpack_from("<I", buf, p)[0] + 1
                self.cells += 1
                self.max_row = max(self.max_row, self.row)
                self.max_col = max(self.max_col, col)
            pos = p + length
        del buf[:pos]
        self.check()

    def check(self) -> None:
        check_grid(self.sheet, self.max_row, self.max_col, self.limits, self.cells)


def scan_xlsb_package(reader: PartReader, by_name: dict[str, zipfile.ZipInfo]) -> None:
    """Every XML part checked for entities; every binary worksheet's used range checked."""
    for info in by_name.values():
        if info.is_dir() or info.file_size == 0:
            continue
        name = info.filename
        gen = reader.chunks(info)
        first = next(gen, b"")
        if name.startswith("xl/worksheets/") and name.endswith(".bin"):
            scan = XlsbSheetScan(name.rsplit("/", 1)[-1], reader.limits)
            for chunk in prepend(first, gen):
                scan.feed(chunk)
            continue
        if not looks_like_xml(first):
            for _chunk in gen:  # inflated to the end, so that a lying size is caught
                pass
            continue
        entities = EntityScan()
        for chunk in prepend(first, gen):
            entities.feed(chunk)
