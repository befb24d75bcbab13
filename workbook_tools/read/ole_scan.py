"""OLE2 compound files (xls, and the wrapper of encrypted OOXML): format, encryption, grid size.

A minimal reader of the CFB header, FAT, directory and streams (:class:`Cfb`, no olefile) finds
the Workbook stream without loading it; the BIFF records are then read one by one for FILEPASS
(encryption) and each worksheet's DIMENSIONS, bounded by record counts, never by the file's own
sizes.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..errors import RejectedFile
from ..model import Limits
from .rejections import check_grid, corrupt, unsupported

_END = 0xFFFFFFFE
_MAX_DIR_ENTRIES = 10_000


class Cfb:
    """A minimal reader of the CFB header, FAT, directory and streams (no olefile)."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        fh.seek(0)
        hdr = fh.read(512)
        if len(hdr) < 512:
            raise corrupt("OLE2 header cut off")
        shift, mini_shift = struct.unpack("<HH", hdr[30:34])
        if shift not in (9, 12) or mini_shift != 6:
            raise corrupt("bad OLE2 sector size")
        self.ss = 1 << shift
        (
            n_fat,
            first_dir,
            _tx,
            self.mini_cutoff,
            first_minifat,
            n_minifat,
            first_difat,
            n_difat,
        ) = struct.unpack("<8L", hdr[44:76])
        self.n_sectors = max((size - self.ss) // self.ss + 1, 0)
        if n_fat > self.n_sectors:
            raise corrupt("bad OLE2 FAT size")
        fat_ids = [s for s in struct.unpack("<109L", hdr[76:512])[:n_fat]]
        sid, seen = first_difat, 0
        per = self.ss // 4 - 1
        while len(fat_ids) < n_fat and sid < self.n_sectors and seen <= n_difat:
            ids = struct.unpack(f"<{per + 1}L", self._sector(sid))
            fat_ids.extend(ids[:per])
            sid, seen = ids[per], seen + 1
        fat = array("L" if array("L").itemsize == 4 else "I")
        for fsid in fat_ids[:n_fat]:
            fat.frombytes(self._sector(fsid))
        if fat.itemsize != 4:
            raise corrupt("unsupported platform")  # pragma: no cover
        if struct.pack("=H", 1) != b"\x01\x00":
            fat.byteswap()  # pragma: no cover
        self.fat = fat
        self.entries: dict[str, tuple[int, int, int]] = {}  # name -> (type, start, size)
        self.root: tuple[int, int] = (_END, 0)
        for i, sid in enumerate(self._chain(first_dir, self.fat)):
            data = self._sector(sid)
            for off in range(0, self.ss, 128):
                self._dir_entry(data[off : off + 128], first=(i == 0 and off == 0))
            if len(self.entries) > _MAX_DIR_ENTRIES:
                break
        self.first_minifat, self.n_minifat = first_minifat, n_minifat

    def _dir_entry(self, e: bytes, first: bool) -> None:
        name_len = struct.unpack("<H", e[64:66])[0]
        kind = e[66]
        if kind == 0 or not 2 <= name_len <= 64:
            return
        name = e[: name_len - 2].decode("utf-16-le", "replace")
        start = struct.unpack("<L", e[116:120])[0]
        size = struct.unpack("<Q", e[120:128])[0]
        if self.ss == 512:
            size &= 0xFFFFFFFF
        if first and kind == 5:
            self.root = (start, size)
        self.entries.setdefault(name.casefold(), (kind, start, size))

    def _sector(self, sid: int) -> bytes:
        if sid >= self.n_sectors:
            raise corrupt("OLE2 sector out of range")
        self.fh.seek((sid + 1) * self.ss)
        data = self.fh.read(self.ss)
        if len(data) < self.ss:
            data += bytes(self.ss - len(data))  # the last sector may be short
        return data

    def _chain(self, start: int, fat: array) -> Iterator[int]:
        sid, count = start, 0
        while sid != _END:
            if sid >= len(fat) or count > len(fat):
                raise corrupt("bad OLE2 sector chain")
            yield sid
            sid, count = fat[sid], count + 1

    def stream(self, name: str) -> tuple[int, int, int] | None:
        entry = self.entries.get(name.casefold())
        return entry if entry is not None and entry[0] == 2 else None

    def reader(self, start: int, size: int, regular: bool = False) -> Callable[[int, int], bytes]:
        """read(offset, n) over a stream, without loading it whole."""
        if size < self.mini_cutoff and not regular:
            data = self._mini_stream_bytes(start, size)
            return lambda off, n: data[off : off + n]
        chain = array("L" if array("L").itemsize == 4 else "I")
        for sid in self._chain(start, self.fat):
            chain.append(sid)
            if len(chain) * self.ss >= size:
                break
        ss = self.ss

        def read(off: int, n: int) -> bytes:
            out = bytearray()
            end = min(off + n, size)
            while off < end:
                idx, inner = divmod(off, ss)
                if idx >= len(chain):
                    break
                piece = self._sector(chain[idx])[inner : inner + end - off]
                out += piece
                off += len(piece)
            return bytes(out)

        return read

    def _mini_stream_bytes(self, start: int, size: int) -> bytes:
        minifat = array("L" if array("L").itemsize == 4 else "I")
        for n, sid in enumerate(self._chain(self.first_minifat, self.fat)):
            if n >= self.n_minifat:
                break
            minifat.frombytes(self._sector(sid))
        # the mini stream lives in the root entry's stream, always in regular sectors
        root_read = self.reader(*self.root, regular=True)
        out = bytearray()
        for msid in self._chain(start, minifat):
            out += root_read(msid * 64, 64)
            if len(out) >= size:
                break
        return bytes(out[:size])


def inspect_ole(fh: BinaryIO, size: int, limits: Limits) -> str:
    """"xls", or RejectedFile: encrypted, not a workbook, or a sheet over the limits."""
    cfb = Cfb(fh, size)
    names = cfb.entries
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise RejectedFile("file.encrypted")
    wb = cfb.stream("Workbook") or cfb.stream("Book")
    if wb is None:
        if "worddocument" in names:
            raise unsupported("doc")
        if "powerpoint document" in names:
            raise unsupported("ppt")
        raise unsupported("ole", "OLE2 compound file without a workbook")
    _check_biff(cfb.reader(wb[1], wb[2]), wb[2], limits)
    return "xls"


_BOF_IDS = (0x0809, 0x0409, 0x0209, 0x0009)
_MAX_GLOBAL_RECORDS = 100_000


def _check_biff(read: Callable[[int, int], bytes], size: int, limits: Limits) -> None:
    """FILEPASS in the globals and the DIMENSIONS record of each worksheet.

    DIMENSIONS can understate the cells; calamine builds its grid from the cells themselves.
    Scanning every cell record is too slow for the guard, so a lying .xls is only bounded by the
    BIFF8 grid of 65 536 rows x 256 columns.
    """
    off = 0
    sheets: list[tuple[int, str]] = []
    for n in range(_MAX_GLOBAL_RECORDS):
        head = read(off, 4)
        if len(head) < 4:
            break
        rid, rlen = struct.unpack("<HH", head)
        if n == 0 and rid not in _BOF_IDS:
            raise corrupt("no BOF record in the Workbook stream")
        if rid == 0x002F:  # FILEPASS: the workbook is encrypted
            raise RejectedFile("file.encrypted")
        if rid == 0x0085 and rlen >= 8:  # BOUNDSHEET
            data = read(off + 4, rlen)
            pos, _state, dtype = struct.unpack("<LBB", data[:6])
            if dtype == 0:
                sheets.append((pos, _biff_sheet_name(data[6:])))
        if rid == 0x000A:  # EOF of the globals
            break
        off += 4 + rlen
    for pos, name in sheets:
        if pos >= size:
            continue
        rows, cols = _biff_dimensions(read, pos)
        check_grid(name, rows, cols, limits)


def _biff_sheet_name(data: bytes) -> str:
    if len(data) < 2:
        return "?"
    cch, flags = data[0], data[1]
    if flags & 0x1:
        return data[2 : 2 + 2 * cch].decode("utf-16-le", "replace")
    return data[2 : 2 + cch].decode("latin-1")


def _biff_dimensions(read: Callable[[int, int], bytes], off: int) -> tuple[int, int]:
    for _ in range(1000):
        head = read(off, 4)
        if len(head) < 4:
            break
        rid, rlen = struct.unpack("<HH", head)
        if rid == 0x0200:  # DIMENSIONS: first row, last row + 1, first col, last col + 1
            data = read(off + 4, rlen)
            if rlen >= 14:
                _r0, r1, _c0, c1 = struct.unpack("<LLHH", data[:12])
            elif rlen >= 8:
                _r0, r1, _c0, c1 = struct.unpack("<HHHH", data[:8])
            else:
                break
            return r1, c1
        if rid == 0x000A:
            break
        off += 4 + rlen
    return 0, 0
