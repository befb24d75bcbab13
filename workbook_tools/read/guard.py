"""The guard in front of every reader: what a file is, and whether it is safe to open.

:func:`inspect` runs before calamine or openpyxl touch a file. It sniffs the format from the
bytes (never from the extension) and refuses, with a :class:`RejectedFile`, anything that could
hurt a parser: zip bombs, XML entity declarations, encrypted packages and sheets whose used range
would make calamine allocate a huge dense grid. Everything is checked from the zip central
directory / the OLE2 directory first, and parts are then streamed in small chunks with their
inflated size bounded; nothing is ever inflated whole into memory.

This module sniffs and dispatches, and checks a zip package's directory; the formats are read
by :mod:`.zipparts` (bounded zip parts, entities, tags), :mod:`.ooxml_scan` (xlsx, xlsm),
:mod:`.ods_scan` (ods) and :mod:`.ole_scan` (xls); the rejections are built by
:mod:`.rejections`.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from .. import ooxml
from ..errors import RejectedFile
from ..model import DEFAULT_LIMITS, Limits
from . import csvfile
from .ods_scan import scan_ods_package
from .ole_scan import inspect_ole
from .ooxml_scan import OoxmlFacts, scan_ooxml_package
from .rejections import (
    bomb,
    byte_count,
    corrupt,
    os_detail,
    too_many_entries,
    unsupported,
)
from .rejections import ratio as ratio_said
from .xlsb_scan import scan_xlsb_package
from .zipparts import EntityScan, PartReader, check_end_record, scan_for

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


#: Formats python-calamine reads; "csv" is read by :mod:`.csvfile`; the others only LibreOffice
#: reads (the reader converts them): Excel 2.x-4.0 worksheets, XML Spreadsheet 2003, flat ODS,
#: Office packages with their parts at odd paths, other zip packages (Apple Numbers...).
CALAMINE_FORMATS = ("xlsx", "xlsm", "xls", "ods", "xlsb")
LIBREOFFICE_FORMATS = ("biff4", "xml2003", "fods", "ooxml", "zip")


def inspect(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Return the format of ``path`` (one of :data:`CALAMINE_FORMATS`, "csv" or
    :data:`LIBREOFFICE_FORMATS`) or raise RejectedFile."""
    return inspect_file(path, limits)[0]


def inspect_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[str, OoxmlFacts | None]:
    """:func:`inspect`, with what the guard saw of an OOXML package (``None`` for others)."""
    path = Path(path)
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise RejectedFile("file.not_found", path=str(path)) from exc
    except OSError as exc:
        raise RejectedFile("file.unreadable", debug=os_detail(exc)) from exc
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
            detail=byte_count(size),
            limit=byte_count(limits.max_file_bytes),
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
            if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
                if size <= ooxml.IN_MEMORY_BYTES:  # read once: no system call for each part
                    data = head + fh.read(max(size - len(head), 0))
                    return _inspect_zip(io.BytesIO(data), len(data), limits)
                return _inspect_zip(fh, size, limits)
            if head.startswith(_OLE_MAGIC):
                return inspect_ole(fh, size, limits), None
            return _other(fh, head, path, size, limits), None
    except RejectedFile:
        raise
    except OSError as exc:
        raise RejectedFile("file.unreadable", debug=os_detail(exc)) from exc
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
        raise corrupt(str(exc) or type(exc).__name__) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _other(fh: BinaryIO, head: bytes, path: Path, size: int, limits: Limits) -> str:
    """Neither zip nor OLE2: an old Excel worksheet, XML spreadsheets, CSV, or not ours."""
    # raw BIFF2-BIFF4 worksheets (Excel 2.x-4.0) start with a bare BOF record, no OLE2 wrapper
    if len(head) >= 4 and head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04") and head[3] == 0:
        return "biff4"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if probe.startswith(b"<"):
        fmt = None
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            fmt = "xml2003"
        elif b"application/vnd.oasis.opendocument.spreadsheet" in head:
            fmt = "fods"
        if fmt is not None:
            # LibreOffice parses it: no entity declaration anywhere, and bounded in size
            if size > limits.max_uncompressed_bytes:
                raise bomb(byte_count(size), byte_count(limits.max_uncompressed_bytes))
            fh.seek(0)
            entities = EntityScan()
            while chunk := fh.read(1 << 16):
                entities.feed(chunk)
            return fmt
    if path.suffix.lower() in (".csv", ".tsv") and csvfile.looks_like_text(head):
        return "csv"
    raise RejectedFile("file.not_spreadsheet")


# --- zip packages (xlsx, xlsm, ods) --------------------------------------------------------------


def _inspect_zip(fh: BinaryIO, size: int, limits: Limits) -> tuple[str, OoxmlFacts | None]:
    check_end_record(fh, size, limits)
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        raise corrupt(str(exc)) from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        raise too_many_entries(len(infos), limits)
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        if info.filename in by_name:
            # readers would disagree on which copy they read: the checked one or the other
            raise corrupt(f"duplicate part {info.filename}")
        by_name[info.filename] = info
        if info.flag_bits & 0x1:
            raise RejectedFile("file.encrypted")
        if info.file_size > limits.max_uncompressed_bytes:
            raise bomb(byte_count(info.file_size), byte_count(limits.max_uncompressed_bytes))
        total += info.file_size
        if info.file_size > limits.ratio_min_bytes:
            ratio = info.file_size // max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise bomb(ratio_said(ratio), ratio_said(limits.max_compression_ratio))
    if total > limits.max_uncompressed_bytes:
        raise bomb(byte_count(total), byte_count(limits.max_uncompressed_bytes))

    reader = PartReader(fh, limits)
    fmt = _zip_format(reader, by_name)
    if fmt == "ods":
        scan_ods_package(reader, by_name)
    elif fmt == "xlsb":
        scan_xlsb_package(reader, by_name)
    else:
        # xlsx, xlsm; and what LibreOffice reads: every part entity-free, sizes within limits
        return fmt, scan_ooxml_package(reader, by_name)
    return fmt, None


def _zip_format(reader: PartReader, by_name: dict[str, zipfile.ZipInfo]) -> str:
    mimetype = by_name.get("mimetype")
    if mimetype is not None:
        mime = reader.head(mimetype, 200).strip()
        if mime == _ODS_MIME:
            if "content.xml" not in by_name:
                raise corrupt("content.xml missing")
            return "ods"
        if mime.startswith(b"application/vnd.oasis.opendocument."):
            raise unsupported("opendocument", mime.decode("ascii", "replace"))
    if ooxml.CONTENT_TYPES in by_name:
        if ooxml.WORKBOOK in by_name:
            if "xl/vbaProject.bin" in by_name:
                return "xlsm"
            ct = scan_for(reader, by_name[ooxml.CONTENT_TYPES], b"macroenabled")
            return "xlsm" if ct else "xlsx"
        if "xl/workbook.bin" in by_name:
            return "xlsb"
        if "word/document.xml" in by_name:
            raise unsupported("docx")
        if "ppt/presentation.xml" in by_name:
            raise unsupported("pptx")
        return "ooxml"  # parts at odd paths: LibreOffice finds them by the relationships
    if ooxml.WORKBOOK in by_name:
        return "ooxml"  # no [Content_Types].xml
    if "content.xml" in by_name:
        return "ods"  # no mimetype entry: calamine needs it, LibreOffice does not
    if any(name.lower().endswith((".xml", ".iwa", ".rels")) for name in by_name):
        return "zip"  # another package (Apple Numbers...): LibreOffice may read it
    raise unsupported("zip")
