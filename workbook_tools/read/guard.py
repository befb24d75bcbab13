"""The guard in front of every reader: what a file is, and whether it is safe to open.

:func:`inspect` runs before calamine or openpyxl touch a file. It sniffs the format from the
bytes (never from the extension) and refuses, with a :class:`RejectedFile`, anything that could
hurt a parser: zip bombs, XML entity declarations, encrypted packages and sheets whose used range
would make calamine allocate a huge dense grid. Everything is checked from the zip central
directory / the OLE2 directory first, and parts are then streamed in small chunks with their
inflated size bounded; nothing is ever inflated whole into memory.
"""

from __future__ import annotations

import operator
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import unescape

from ..errors import RejectedFile
from ..model import DEFAULT_LIMITS, Limits

_CHUNK = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# a start tag longer than this (attributes padded to hide a cell reference) is refused
_MAX_TAG = 1024 * 1024


def inspect(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Return the format of ``path`` ("xlsx", "xlsm", "xls" or "ods") or raise RejectedFile."""
    path = Path(path)
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise RejectedFile("file.not_found", path=str(path)) from exc
    except OSError as exc:
        raise RejectedFile("file.unreadable", detail=_os_detail(exc)) from exc
    if not stat.S_ISREG(st.st_mode):  # a directory, a FIFO, a device: not a file to read
        raise RejectedFile("file.not_found", path=str(path))
    size = st.st_size
    if size == 0:
        raise RejectedFile("file.empty")
    if size > limits.max_file_bytes:
        # no sheet yet: the file itself is too large; its name stands in for the sheet
        raise RejectedFile(
            "file.too_large",
            sheet=path.name,
            detail=_bytes(size),
            limit=_bytes(limits.max_file_bytes),
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
            if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
                return _inspect_zip(fh, size, limits)
            if head.startswith(_OLE_MAGIC):
                return _inspect_ole(fh, size, limits)
            _not_spreadsheet(head)
    except RejectedFile:
        raise
    except OSError as exc:
        raise RejectedFile("file.unreadable", detail=_os_detail(exc)) from exc
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        struct.error,
        ValueError,
        LookupError,
        OverflowError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        # malformed structures the explicit checks did not name: the file is damaged
        raise RejectedFile("file.corrupt", detail=_plain(str(exc) or type(exc).__name__)) from exc
    raise AssertionError("unreachable")  # pragma: no cover


# --- small helpers -------------------------------------------------------------------------------


def _bytes(n: int) -> str:
    return f"{n:,}".replace(",", " ") + " bytes"


def _num(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _plain(text: str, limit: int = 80) -> str:
    """A short, printable one-line text fit for a message parameter."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _os_detail(exc: OSError) -> str:
    return _plain(exc.strerror or type(exc).__name__)


def _corrupt(detail: str) -> RejectedFile:
    return RejectedFile("file.corrupt", detail=_plain(detail))


def _unsupported(detail: str) -> RejectedFile:
    return RejectedFile("file.unsupported_format", detail=_plain(detail))


def _not_spreadsheet(head: bytes) -> None:
    # raw BIFF2-BIFF4 worksheets (Excel 2.x-4.0) start with a bare BOF record, no OLE2 wrapper
    if len(head) >= 4 and head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04") and head[3] == 0:
        raise _unsupported("Excel 2.x-4.0 worksheet")
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if probe.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise _unsupported("XML Spreadsheet 2003")
    raise RejectedFile("file.not_spreadsheet")


# --- zip packages (xlsx, xlsm, ods) --------------------------------------------------------------


def _inspect_zip(fh: BinaryIO, size: int, limits: Limits) -> str:
    _check_end_record(fh, size, limits)
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        raise _corrupt(str(exc)) from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        raise _too_many_entries(len(infos), limits)
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        if info.filename in by_name:
            # readers would disagree on which copy they read: the checked one or the other
            raise _corrupt(f"duplicate part {info.filename}")
        by_name[info.filename] = info
        if info.flag_bits & 0x1:
            raise RejectedFile("file.encrypted")
        if info.file_size > limits.max_uncompressed_bytes:
            raise _bomb(_bytes(info.file_size), _bytes(limits.max_uncompressed_bytes))
        total += info.file_size
        if info.file_size > limits.ratio_min_bytes:
            ratio = info.file_size // max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise _bomb(f"ratio {_num(ratio)}:1", f"{_num(limits.max_compression_ratio)}:1")
    if total > limits.max_uncompressed_bytes:
        raise _bomb(_bytes(total), _bytes(limits.max_uncompressed_bytes))

    reader = _PartReader(fh, limits)
    fmt = _zip_format(reader, by_name)
    if fmt == "ods":
        _scan_ods_package(reader, by_name)
    else:
        _scan_ooxml_package(reader, by_name)
    return fmt


def _too_many_entries(n: int, limits: Limits) -> RejectedFile:
    return _bomb(f"{_num(n)} entries", f"{_num(limits.max_zip_entries)} entries")


def _bomb(detail: str, limit: str) -> RejectedFile:
    return RejectedFile("file.zip_bomb", detail=detail, limit=limit)


def _check_end_record(fh: BinaryIO, size: int, limits: Limits) -> None:
    """Read the entry count from the end record before zipfile builds one object per entry."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise _corrupt("zip directory not found (file cut off?)")
    _sig, _d, _cd, _n_disk, n_total, cd_size, _cd_off, _c = struct.unpack(
        "<4s4H2LH", tail[pos : pos + 22]
    )
    if n_total == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and tail[loc : loc + 4] == b"PK\x06\x07":
            z64_off = struct.unpack("<Q", tail[loc + 8 : loc + 16])[0]
            fh.seek(z64_off)
            rec = fh.read(56)
            if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
                n_total, cd_size = struct.unpack("<QQ", rec[32:48])
    if n_total > limits.max_zip_entries:
        raise _too_many_entries(n_total, limits)
    # the count can lie; the directory's size cannot exceed what that many entries need
    if cd_size > limits.max_zip_entries * 512 + 65536:
        raise _bomb(f"zip directory {_bytes(cd_size)}", f"{_num(limits.max_zip_entries)} entries")


class _PartReader:
    """Streams zip entries in bounded chunks, trusting neither declared sizes nor zipfile."""

    def __init__(self, fh: BinaryIO, limits: Limits) -> None:
        self.fh = fh
        self.limits = limits
        self.inflated = 0  # over the whole package

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        fh = self.fh
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise _corrupt(f"bad local header of {info.filename}")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        declared = info.file_size
        left = info.compress_size
        produced = 0
        crc = 0
        if info.compress_type == zipfile.ZIP_STORED:
            if left != declared:
                raise _corrupt(f"bad sizes of {info.filename}")
            while left > 0:
                data = fh.read(min(_CHUNK, left))
                if not data:
                    raise _corrupt(f"{info.filename} is cut off")
                left -= len(data)
                produced += len(data)
                self._count(len(data))
                crc = zlib.crc32(data, crc)
                yield data
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            dec = zlib.decompressobj(-15)
            while not dec.eof:
                if dec.unconsumed_tail:
                    data = dec.unconsumed_tail
                elif left > 0:
                    data = fh.read(min(_CHUNK, left))
                    if not data:
                        raise _corrupt(f"{info.filename} is cut off")
                    left -= len(data)
                else:
                    data = b""
                out = dec.decompress(data, _CHUNK)
                if not out:
                    if not data:
                        break
                    continue
                produced += len(out)
                if produced > declared:
                    # the central directory understated this entry: a bomb in disguise
                    raise _bomb(
                        f"more than the declared {_bytes(declared)}",
                        _bytes(declared),
                    )
                self._count(len(out))
                crc = zlib.crc32(out, crc)
                yield out
            if not dec.eof:
                raise _corrupt(f"{info.filename} is cut off")
        else:
            raise _unsupported(f"zip compression method {info.compress_type}")
        if produced != declared or crc != info.CRC:
            raise _corrupt(f"damaged part {info.filename}")

    def _count(self, n: int) -> None:
        self.inflated += n
        if self.inflated > self.limits.max_uncompressed_bytes:
            raise _bomb(
                f"more than {_bytes(self.limits.max_uncompressed_bytes)}",
                _bytes(self.limits.max_uncompressed_bytes),
            )

    def head(self, info: zipfile.ZipInfo, n: int) -> bytes:
        """The first ``n`` inflated bytes of a part (the rest is not inflated)."""
        buf = b""
        gen = self.chunks(info)
        try:
            for chunk in gen:
                buf += chunk
                if len(buf) >= n:
                    break
        finally:
            gen.close()
        return buf[:n]

    def small(self, info: zipfile.ZipInfo, cap: int = 16 * 1024 * 1024) -> bytes:
        """A whole small part (workbook.xml, rels), checked for entities; b"" if over ``cap``."""
        if info.file_size > cap:
            return b""
        scan = _EntityScan()
        parts = []
        for chunk in self.chunks(info):
            scan.feed(chunk)
            parts.append(chunk)
        return b"".join(parts)


def _zip_format(reader: _PartReader, by_name: dict[str, zipfile.ZipInfo]) -> str:
    mimetype = by_name.get("mimetype")
    if mimetype is not None:
        mime = reader.head(mimetype, 200).strip()
        if mime == _ODS_MIME:
            if "content.xml" not in by_name:
                raise _corrupt("content.xml missing")
            return "ods"
        if mime.startswith(b"application/vnd.oasis.opendocument."):
            kind = mime.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise _unsupported(f"OpenDocument {kind}")
    if "[Content_Types].xml" in by_name:
        if "xl/workbook.xml" in by_name:
            if "xl/vbaProject.bin" in by_name:
                return "xlsm"
            ct = _scan_for(reader, by_name["[Content_Types].xml"], b"macroenabled")
            return "xlsm" if ct else "xlsx"
        if "xl/workbook.bin" in by_name:
            raise _unsupported("Excel binary workbook, .xlsb")
        if "word/document.xml" in by_name:
            raise _unsupported("Word document, .docx")
        if "ppt/presentation.xml" in by_name:
            raise _unsupported("PowerPoint presentation, .pptx")
        raise _unsupported("Office package without a workbook")
    if "xl/workbook.xml" in by_name:
        raise _corrupt("[Content_Types].xml missing")
    if "content.xml" in by_name:
        raise _corrupt("mimetype missing")
    raise _unsupported("zip archive")


def _scan_for(reader: _PartReader, info: zipfile.ZipInfo, needle: bytes) -> bool:
    """Whether the part holds ``needle`` (lower case; matched case-insensitively)."""
    scan = _EntityScan()
    tail = b""
    found = False
    for chunk in reader.chunks(info):
        scan.feed(chunk)
        buf = tail + chunk.lower()
        found = found or needle in buf
        tail = buf[-len(needle) :]
    return found


# --- entity declarations -------------------------------------------------------------------------

_ENTITY_PATTERNS = tuple(
    word.encode(enc)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_ENTITY_KEEP = max(len(p) for p in _ENTITY_PATTERNS) - 1


class _EntityScan:
    """Refuses a DOCTYPE / ENTITY declaration in any encoding expat reads, across chunk ends."""

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        for pattern in _ENTITY_PATTERNS:
            if pattern in buf:
                raise RejectedFile("file.entities")
        self.tail = buf[-_ENTITY_KEEP:]


def _looks_like_xml(first: bytes) -> bool:
    probe = first.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    return probe.startswith(b"<") or first[:2] in (b"\xff\xfe", b"\xfe\xff")


class _TagStream:
    """Feeds complete start tags to ``on_region``: each region ends just before a ``<``."""

    def __init__(self, on_region: Callable[[bytes], None], tag_start: re.Pattern[bytes]) -> None:
        self.on_region = on_region
        self.tag_start = tag_start
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        cut = buf.rfind(b"<")
        if cut <= 0:
            cut = 0 if cut == 0 else len(buf)
        if cut:
            self.on_region(buf[:cut])
        self.tail = buf[cut:]
        if len(self.tail) > _MAX_TAG:
            if self.tag_start.match(self.tail):
                raise _corrupt("XML tag too long")
            self.tail = b""  # inside text: nothing of interest until the next "<"

    def close(self) -> None:
        if self.tail:
            self.on_region(self.tail)
            self.tail = b""


# an attribute list whose quoted values may hold ">" but never "<"
_ATTRS = rb"((?:\s+[^\s=/<>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>"
_PFX = rb"(?:[A-Za-z_][\w.-]*:)?"
_ATTR_R = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")
_ATTR_REF = re.compile(rb"\sref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_REF = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)")


def _col_number(letters: bytes) -> int:
    if len(letters) > 4:
        return 10**9
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _parse_ref(ref: bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, of an A1 reference; None when it is not one."""
    m = _CELL_REF.fullmatch(ref.strip())
    if not m:
        return None
    digits = m.group(2)
    row = int(digits) if len(digits) <= 10 else 10**10
    return row, _col_number(m.group(1))


def _parse_range(ref: bytes) -> tuple[int, int, int, int] | None:
    first, _, last = ref.strip().partition(b":")
    a = _parse_ref(first)
    b = _parse_ref(last) if last else a
    if a is None or b is None:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


# --- xlsx / xlsm ---------------------------------------------------------------------------------

_CELL_ROW_TAG = re.compile(rb"<" + _PFX + rb"(c|row)" + _ATTRS)
_RANGE_TAG = re.compile(rb"<" + _PFX + rb"(mergeCell|dimension)" + _ATTRS)
_ANY_ATTRS = rb"(?:\s(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*?)?"
_REF_VALUE = rb"\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,10})[\"']"


def _cell_row_patterns(pfx: bytes) -> tuple[re.Pattern[bytes], ...]:
    """(any cell, cell with r= first, cell with r= anywhere, row, row with r=) for a prefix."""
    return (
        re.compile(rb"<" + pfx + rb"c[\s/>]"),
        re.compile(rb"<" + pfx + rb"c\sr" + _REF_VALUE),
        re.compile(rb"<" + pfx + rb"c" + _ANY_ATTRS + rb"\sr" + _REF_VALUE),
        # rows that can hold cells (not <row .../>), with and without a plain r=
        re.compile(rb"<" + pfx + rb"row(?:\s(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*)?(?<!/)>"),
        re.compile(
            rb"<" + pfx + rb"row" + _ANY_ATTRS + rb"\sr\s*=\s*[\"']([0-9]{1,10})[\"']"
            rb"(?:[^>\"'<]|\"[^\"<]*\"|'[^'<]*')*(?<!/)>"
        ),
    )


# SpreadsheetML is nearly always unprefixed; the unprefixed patterns are several times faster
_PLAIN = _cell_row_patterns(b"")
_PREFIXED = _cell_row_patterns(_PFX)
_HAS_PREFIX = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_first = operator.itemgetter(0)
_second = operator.itemgetter(1)
_SHEET_TAG_START = re.compile(rb"<" + _PFX + rb"(?:c|row|mergeCell|dimension)\s")
_WB_SHEET = re.compile(rb"<" + _PFX + rb"sheet" + _ATTRS)
_REL = re.compile(rb"<" + _PFX + rb"Relationship" + _ATTRS)
_ATTR_ANY = re.compile(rb"\s([^\s=/<>]+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")


def _attrs(text: bytes) -> dict[bytes, str]:
    out = {}
    for m in _ATTR_ANY.finditer(text):
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1)] = unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
    return out


def _sheet_parts(reader: _PartReader, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Worksheet part name -> sheet name, from xl/workbook.xml and its relationships."""
    names: dict[str, str] = {}
    rels_info = by_name.get("xl/_rels/workbook.xml.rels")
    if rels_info is not None:
        targets = {}
        for m in _REL.finditer(reader.small(rels_info)):
            a = _attrs(m.group(1))
            if a.get(b"TargetMode", "").lower() == "external":
                continue
            if a.get(b"Type", "").endswith("/worksheet") and b"Id" in a and b"Target" in a:
                target = a[b"Target"]
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                targets[a[b"Id"]] = posixpath.normpath(part)
        for m in _WB_SHEET.finditer(reader.small(by_name["xl/workbook.xml"])):
            a = _attrs(m.group(1))
            rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
            if rid in targets and b"name" in a:
                names[targets[rid]] = a[b"name"]
        for part in targets.values():
            names.setdefault(part, part)
    for name in by_name:
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
            names.setdefault(name, name)
    return names


class _SheetScan:
    """Used range, cell count and merged area of one worksheet part, as calamine would see it."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet = sheet
        self.limits = limits
        self.row = 0  # current row (for cells without r=)
        self.col = 0  # column of the previous cell in the row
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.merged = 0

    def region(self, text: bytes) -> None:
        if not self._fast(text):
            self._slow(text)
        for m in _RANGE_TAG.finditer(text):
            r = _ATTR_REF.search(m.group(2))
            rng = _parse_range(r.group(1)) if r else None
            if rng is None:
                continue
            r1, c1, r2, c2 = rng
            if m.group(1) == b"mergeCell":
                self.merged += (r2 - r1 + 1) * (c2 - c1 + 1)
                if self.merged > self.limits.max_merged_area:
                    raise self._too_large(
                        f"merged area {_num(self.merged)} cells",
                        f"{_num(self.limits.max_merged_area)} cells",
                    )
            else:
                # the dimension is only a claim, but openpyxl (read-only) trusts it
                self.max_row = max(self.max_row, r2)
                self.max_col = max(self.max_col, c2)
        self.check()

    def _fast(self, text: bytes) -> bool:
        """All in C when every cell and every (non-empty) row carries a plain reference."""
        cell_any, cell_r_first, cell_r, row_open, row_r = (
            _PREFIXED if _HAS_PREFIX.search(text) else _PLAIN
        )
        n_cells = len(cell_any.findall(text))
        refs = cell_r_first.findall(text)
        if len(refs) != n_cells:
            refs = cell_r.findall(text)
            if len(refs) != n_cells:
                return False
        row_refs = row_r.findall(text)
        if len(row_refs) != len(row_open.findall(text)):
            return False
        if row_refs:
            self.row = int(row_refs[-1])
            self.col = 0
        if refs:
            self.cells += len(refs)
            # the last cell may precede a later <row>: then col over-estimates, never under
            self.col = _col_number(refs[-1][0])
            self.max_col = max(self.max_col, max(map(_col_number, set(map(_first, refs)))))
            self.max_row = max(self.max_row, max(map(int, set(map(_second, refs)))))
        return True

    def _slow(self, text: bytes) -> None:
        """Tag by tag, following calamine for cells without r= (placed after the previous)."""
        for m in _CELL_ROW_TAG.finditer(text):
            kind, attrs = m.group(1), m.group(2)
            if kind == b"c":
                r = _ATTR_R.search(attrs)
                pos = _parse_ref(r.group(1)) if r else None
                if pos is None:
                    row, col = max(self.row, 1), self.col + 1
                else:
                    row, col = pos
                self.col = col
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
                    self.row = int(digits) if len(digits) <= 10 else 10**10
                else:
                    self.row += 1
                self.col = 0

    def check(self) -> None:
        check_grid(self.sheet, self.max_row, self.max_col, self.limits, self.cells)

    def _too_large(self, detail: str, limit: str) -> RejectedFile:
        return RejectedFile("file.too_large", sheet=_plain(self.sheet), detail=detail, limit=limit)


def check_grid(sheet: str, rows: int, cols: int, limits: Limits, cells: int = 0) -> None:
    """Refuse a used range (or cell count) over the limits, naming the sheet."""

    def fail(detail: str, limit: str) -> RejectedFile:
        return RejectedFile("file.too_large", sheet=_plain(sheet), detail=detail, limit=limit)

    if rows > limits.max_rows:
        raise fail(f"{_num(rows)} rows", f"{_num(limits.max_rows)} rows")
    if cols > limits.max_columns:
        raise fail(f"{_num(cols)} columns", f"{_num(limits.max_columns)} columns")
    area = max(rows * cols, cells)
    if area > limits.max_cells:
        detail = f"{_num(area)} cells"
        if rows and cols:
            detail = f"{_a1(rows, cols)}, {detail}"
        raise fail(detail, f"{_num(limits.max_cells)} cells")


def _a1(row: int, col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"A1:{letters}{row}"


def _scan_ooxml_package(reader: _PartReader, by_name: dict[str, zipfile.ZipInfo]) -> None:
    sheets = _sheet_parts(reader, by_name)
    for info in by_name.values():
        if info.is_dir() or info.file_size == 0:
            continue
        name = info.filename
        sheet = sheets.get(name)
        gen = reader.chunks(info)
        first = next(gen, b"")
        if sheet is None and (not _looks_like_xml(first) or name.lower().endswith(".svg")):
            # images and binary parts (vbaProject.bin): no reader parses them as XML, but
            # they are still inflated to the end so that a lying size is caught here
            for _chunk in gen:
                pass
            continue
        entities = _EntityScan()
        scan = _SheetScan(sheet, reader.limits) if sheet is not None else None
        tags = _TagStream(scan.region, _SHEET_TAG_START) if scan is not None else None
        for chunk in _prepend(first, gen):
            entities.feed(chunk)
            if tags is not None:
                tags.feed(chunk)
        if tags is not None and scan is not None:
            tags.close()
            scan.check()


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


# --- ods -----------------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(table:table|table:table-row|table:table-cell|table:covered-table-cell)"
    + _ATTRS
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


class _OdsScan:
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
                    self.sheet = unescape(raw.decode("utf-8", "replace"))
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


def _scan_ods_package(reader: _PartReader, by_name: dict[str, zipfile.ZipInfo]) -> None:
    manifest = by_name.get("META-INF/manifest.xml")
    if manifest is not None and _scan_for(reader, manifest, b"encryption-data"):
        raise RejectedFile("file.encrypted")
    for info in by_name.values():
        if info.is_dir() or info.file_size == 0:
            continue
        gen = reader.chunks(info)
        first = next(gen, b"")
        name = info.filename
        if name != "content.xml" and (not _looks_like_xml(first) or name.lower().endswith(".svg")):
            for _chunk in gen:
                pass
            continue
        entities = _EntityScan()
        scan = _OdsScan(reader.limits) if name == "content.xml" else None
        tags = _TagStream(scan.region, _ODS_TAG_START) if scan is not None else None
        for chunk in _prepend(first, gen):
            entities.feed(chunk)
            if tags is not None:
                tags.feed(chunk)
        if tags is not None:
            tags.close()


# --- OLE2 compound files (xls, encrypted OOXML) --------------------------------------------------

_END = 0xFFFFFFFE
_MAX_DIR_ENTRIES = 10_000


class _Cfb:
    """A minimal reader of the CFB header, FAT, directory and streams (no olefile)."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        fh.seek(0)
        hdr = fh.read(512)
        if len(hdr) < 512:
            raise _corrupt("OLE2 header cut off")
        shift, mini_shift = struct.unpack("<HH", hdr[30:34])
        if shift not in (9, 12) or mini_shift != 6:
            raise _corrupt("bad OLE2 sector size")
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
            raise _corrupt("bad OLE2 FAT size")
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
            raise _corrupt("unsupported platform")  # pragma: no cover
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
            raise _corrupt("OLE2 sector out of range")
        self.fh.seek((sid + 1) * self.ss)
        data = self.fh.read(self.ss)
        if len(data) < self.ss:
            data += bytes(self.ss - len(data))  # the last sector may be short
        return data

    def _chain(self, start: int, fat: array) -> Iterator[int]:
        sid, count = start, 0
        while sid != _END:
            if sid >= len(fat) or count > len(fat):
                raise _corrupt("bad OLE2 sector chain")
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


def _inspect_ole(fh: BinaryIO, size: int, limits: Limits) -> str:
    cfb = _Cfb(fh, size)
    names = cfb.entries
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise RejectedFile("file.encrypted")
    wb = cfb.stream("Workbook") or cfb.stream("Book")
    if wb is None:
        if "worddocument" in names:
            raise _unsupported("Word document, .doc")
        if "powerpoint document" in names:
            raise _unsupported("PowerPoint presentation, .ppt")
        raise _unsupported("OLE2 compound file without a workbook")
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
            raise _corrupt("no BOF record in the Workbook stream")
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
