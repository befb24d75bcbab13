"""Zip packages (xlsx, xlsm, ods), read without trusting them: bounded, chunked and entity-free.

The entry count and the central directory's size are checked from the end record before
zipfile lists the entries; parts are then inflated chunk by chunk (:class:`PartReader`) with the
inflated total, each part's declared size and its CRC enforced; every XML part is scanned for
DOCTYPE / ENTITY declarations (:class:`EntityScan`) before anything parses it; and start tags
are fed whole, however long they are up to a bound, to the format scans (:class:`TagStream`).
Nothing is ever inflated whole into memory.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from typing import BinaryIO

from ..errors import RejectedFile
from ..model import Limits
from .rejections import (
    amount,
    bomb,
    byte_count,
    corrupt,
    phrase,
    ratio,
    too_many_entries,
    unsupported,
)

_CHUNK = 64 * 1024
# a start tag longer than this (attributes padded to hide a cell reference) is refused
_MAX_TAG = 1024 * 1024

#: an attribute list whose quoted values may hold ">" but never "<", then "/" if self-closing
ATTRS = rb"((?:\s+[^\s=/<>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>"


def check_end_record(fh: BinaryIO, size: int, limits: Limits) -> None:
    """Read the entry count from the end record before zipfile builds one object per entry."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise corrupt("zip directory not found: the file is cut off")
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
        raise too_many_entries(n_total, limits)
    # the count can lie; the directory's size cannot exceed what that many entries need
    if cd_size > limits.max_zip_entries * 512 + 65536:
        raise bomb(
            phrase("unit.directory", size=byte_count(cd_size)),
            amount(limits.max_zip_entries, "entries"),
        )


class PartReader:
    """Streams zip entries in bounded chunks, trusting neither declared sizes nor zipfile."""

    def __init__(self, fh: BinaryIO, limits: Limits) -> None:
        self.fh = fh
        self.limits = limits
        self.inflated = 0  # over the whole package
        #: parts whose inflated size differs from the directory's
        self.mismatched: list[str] = []

    def chunks(self, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
        fh = self.fh
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise corrupt(f"bad local header of {info.filename}")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        declared = info.file_size
        left = info.compress_size
        produced = 0
        crc = 0
        if info.compress_type == zipfile.ZIP_STORED:
            if left != declared:
                raise corrupt(f"bad sizes of {info.filename}")
            while left > 0:
                data = fh.read(min(_CHUNK, left))
                if not data:
                    raise corrupt(f"{info.filename} is cut off")
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
                        raise corrupt(f"{info.filename} is cut off")
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
                    # the central directory understated this entry: judged by the limits on
                    # what it really inflates to (the package total, and the ratio), not by
                    # the declaration alone
                    self._check_ratio(produced, info.compress_size)
                self._count(len(out))
                crc = zlib.crc32(out, crc)
                yield out
            if not dec.eof:
                raise corrupt(f"{info.filename} is cut off")
        else:
            raise unsupported("zip_method", f"zip compression method {info.compress_type}")
        if produced != declared:
            # a wrong size in the directory (some writers get it wrong): the part is read
            # whole and within the limits; a reader that trusts the size may fail, and then
            # LibreOffice reads the file
            self.mismatched.append(info.filename)
        elif crc != info.CRC:
            raise corrupt(f"damaged part {info.filename}")

    def _count(self, n: int) -> None:
        self.inflated += n
        if self.inflated > self.limits.max_uncompressed_bytes:
            limit = byte_count(self.limits.max_uncompressed_bytes)
            raise bomb(phrase("unit.more_than", size=limit), limit)

    def _check_ratio(self, produced: int, compressed: int) -> None:
        if produced > self.limits.ratio_min_bytes:
            n = produced // max(compressed, 1)
            if n > self.limits.max_compression_ratio:
                raise bomb(ratio(n), ratio(self.limits.max_compression_ratio))

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
        scan = EntityScan()
        parts = []
        for chunk in self.chunks(info):
            scan.feed(chunk)
            parts.append(chunk)
        return b"".join(parts)


def scan_for(reader: PartReader, info: zipfile.ZipInfo, needle: bytes) -> bool:
    """Whether the part holds ``needle`` (lower case; matched case-insensitively)."""
    scan = EntityScan()
    tail = b""
    found = False
    for chunk in reader.chunks(info):
        scan.feed(chunk)
        buf = tail + chunk.lower()
        found = found or needle in buf
        tail = buf[-len(needle) :]
    return found


def prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    """``first`` (unless empty), then ``rest``: a part's chunks after its first was looked at."""
    if first:
        yield first
    yield from rest


# --- entity declarations -------------------------------------------------------------------------

_ENTITY_PATTERNS = tuple(
    word.encode(enc)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_ENTITY_KEEP = max(len(p) for p in _ENTITY_PATTERNS) - 1


class EntityScan:
    """Refuses a DOCTYPE / ENTITY declaration in any encoding expat reads, across chunk ends."""

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        # every pattern holds "!" in every encoding: where neither the chunk nor the tail kept
        # from the last one holds it (one memchr each), none of the ten can be there, and the
        # two are not joined (a copy of every chunk)
        if b"!" in chunk or b"!" in self.tail:
            buf = self.tail + chunk
            # "<!" (UTF-8) or "\x00!" (UTF-16, UTF-32): two searches in C tell whether the
            # ten are worth looking for
            if b"<!" in buf or b"\x00!" in buf:
                for pattern in _ENTITY_PATTERNS:
                    if pattern in buf:
                        raise RejectedFile("file.entities")
            self.tail = buf[-_ENTITY_KEEP:]
        elif len(chunk) >= _ENTITY_KEEP:
            self.tail = chunk[-_ENTITY_KEEP:]
        else:
            self.tail = (self.tail + chunk)[-_ENTITY_KEEP:]


def looks_like_xml(first: bytes) -> bool:
    """Whether a part's first chunk starts like XML (in UTF-8 or UTF-16, after a BOM)."""
    probe = first.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    return probe.startswith(b"<") or first[:2] in (b"\xff\xfe", b"\xfe\xff")


class TagStream:
    """Feeds complete start tags to ``on_region``: each region ends just before a ``<``."""

    def __init__(self, on_region: Callable[[bytes], None], tag_start: re.Pattern[bytes]) -> None:
        self.on_region = on_region
        self.tag_start = tag_start
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        last = chunk.rfind(b"<")
        if last > 0 or (last == 0 and self.tail):
            # the region ends at the chunk's last "<": the tail and the chunk up to it, in one
            # copy (not the two of joining them, then cutting)
            self.on_region(b"".join((self.tail, memoryview(chunk)[:last])))
            self.tail = chunk[last:]
        else:
            buf = self.tail + chunk
            cut = buf.rfind(b"<")
            if cut <= 0:
                cut = 0 if cut == 0 else len(buf)
            if cut:
                self.on_region(buf[:cut])
            self.tail = buf[cut:]
        if len(self.tail) > _MAX_TAG:
            if self.tag_start.match(self.tail):
                raise corrupt("XML tag too long")
            self.tail = b""  # inside text: nothing of interest until the next "<"

    def close(self) -> None:
        if self.tail:
            self.on_region(self.tail)
            self.tail = b""
