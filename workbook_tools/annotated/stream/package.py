"""The package around the parts: the entries of the source zip, relationships parts,
``[Content_Types].xml`` and the names of new parts."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from defusedxml.ElementTree import fromstring

from ... import ooxml
from ...ooxml import CT_NS, PKG_REL_NS, STRICT_HOST, Rel
from .errors import StreamUnsupported
from .xmltext import XML_DECL, decode, esc_attr

#: how much of an entry is read or copied at once
CHUNK = 64 * 1024
#: a worksheet up to this size (uncompressed) is read whole, once, and kept for the copy's
#: rows; a larger one is read in chunks, twice, and never held at once
WHOLE_SHEET = 1024 * 1024

_SHEET_DATA_END = b"</sheetData>"
_ROW_END = b"</row>"


@dataclass
class SheetScan:
    """Where a worksheet's rows are: the bytes before ``<sheetData>`` and after
    ``</sheetData>``, the offsets of the rows between, and whether they hold a formula."""

    head: bytes
    start: int
    end: int
    tail: bytes
    formulas: bool


def load_rels(data: bytes) -> list[Rel]:
    """The relationships of a ``.rels`` part; declined when it is not one."""
    try:
        return ooxml.parse_rels(data)
    except ooxml.NotRelationships as exc:
        raise StreamUnsupported("relationships part") from exc


def render_rels(rels: list[Rel]) -> bytes:
    """A ``.rels`` part holding ``rels``."""
    out = [XML_DECL, f'<Relationships xmlns="{PKG_REL_NS}">']
    for r in rels:
        mode = f' TargetMode="{esc_attr(r.mode)}"' if r.mode else ""
        out.append(f'<Relationship Id="{esc_attr(r.id)}" Type="{esc_attr(r.type)}" '
                   f'Target="{esc_attr(r.target)}"{mode}/>')
    out.append("</Relationships>")
    return "".join(out).encode("utf-8")


def new_rel_id(rels: list[Rel]) -> str:
    """An id no relationship of ``rels`` has: rId and one more than the highest number."""
    taken = {r.id for r in rels}
    n = 1 + max((int(m.group(1)) for r in rels if (m := re.fullmatch(r"rId(\d+)", r.id))),
                default=0)
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


def is_vba_type(kind: str) -> bool:
    """Whether a content type is a macro project's (or its data)."""
    kind = kind.lower()
    return "vbaproject" in kind or "vbadata" in kind


_Types = tuple[dict[str, str], dict[str, str], dict[str, str]]


@ooxml.remembered(64 * 1024, maxsize=64)  # shared: each ContentTypes copies the dicts
def _parse_content_types(data: bytes) -> _Types:
    if STRICT_HOST.encode() in data:
        raise StreamUnsupported("Strict OOXML")
    root = fromstring(data)
    if root.tag != f"{{{CT_NS}}}Types":
        raise StreamUnsupported("[Content_Types].xml")
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    names: dict[str, str] = {}
    for el in root:
        if el.tag == f"{{{CT_NS}}}Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        elif el.tag == f"{{{CT_NS}}}Override":
            name = el.get("PartName", "").lstrip("/")
            overrides[name.lower()] = el.get("ContentType", "")
            names[name.lower()] = name
    return defaults, overrides, names


class ContentTypes:
    """``[Content_Types].xml``: the type of every part, by extension or by name."""

    def __init__(self, data: bytes) -> None:
        parsed = _parse_content_types(data)
        self.defaults = dict(parsed[0])  # extension (lower case) -> type
        self.overrides = dict(parsed[1])  # part name (lower case, no "/") -> type
        self.names = dict(parsed[2])  # part name (lower case) -> as written

    def of(self, part: str) -> str:
        found = self.overrides.get(part.lower())
        if found is not None:
            return found
        return self.defaults.get(part.rpartition(".")[2].lower(), "")

    def override(self, part: str, kind: str) -> None:
        self.overrides[part.lower()] = kind
        self.names.setdefault(part.lower(), part)

    def render(self) -> bytes:
        out = [XML_DECL, f'<Types xmlns="{CT_NS}">']
        out += [f'<Default Extension="{esc_attr(e)}" ContentType="{esc_attr(k)}"/>'
                for e, k in self.defaults.items()]
        out += [f'<Override PartName="/{esc_attr(self.names[p])}" ContentType="{esc_attr(k)}"/>'
                for p, k in self.overrides.items()]
        out.append("</Types>")
        return "".join(out).encode("utf-8")


class Package:
    """The source package being copied: its entries, read whole or chunk by chunk, and the
    parts the copy replaces or adds (``replace``)."""

    def __init__(self, zin: zipfile.ZipFile) -> None:
        self.zin = zin
        self.infos = {i.filename: i for i in zin.infolist()}
        self.replace: dict[str, bytes] = {}  # part -> new bytes (new parts too)
        self.new_parts: list[str] = []
        self._rels: dict[str, list[Rel]] = {}  # a relationships part, parsed once
        self._whole: dict[str, bytes] = {}  # small sheets, read once (WHOLE_SHEET)

    def read(self, part: str) -> bytes:
        info = self.infos.get(part)
        if info is None:
            raise StreamUnsupported(f"missing part {part}")
        return self.zin.read(info)

    def scan_sheet(self, part: str) -> SheetScan:
        """A worksheet read once in chunks, keeping only what is around its rows: a large
        sheet's rows are never held at once (:meth:`row_pieces` streams them again)."""
        info = self.infos.get(part)
        if info is None:
            raise StreamUnsupported(f"missing sheet part {part}")
        if info.file_size <= WHOLE_SHEET:
            return self._scan_whole(part, info)
        buf = bytearray()
        base = 0  # the offset of buf[0] in the part
        head: bytes | None = None
        start = end = -1
        formulas = False
        with self.zin.open(info) as fh:
            while chunk := fh.read(CHUNK):
                buf += chunk
                if head is None:
                    i = buf.find(b"<sheetData")
                    if i < 0 or len(buf) < i + 11:
                        continue
                    if buf[i + 10: i + 11] not in (b">", b"/", b" ", b"\t", b"\r", b"\n"):
                        raise StreamUnsupported(f"{part}: no sheetData")
                    k = buf.find(b">", i)
                    if k < 0:
                        continue
                    head, start = bytes(buf[:i]), k + 1
                    if buf[k - 1: k] == b"/":
                        end = start
                    del buf[:start]
                    base = start
                if end < 0:
                    j = buf.find(_SHEET_DATA_END)
                    if j < 0:  # keep what could be the start of </sheetData> or of <f
                        formulas = formulas or buf.find(b"<f") >= 0
                        drop = max(len(buf) - len(_SHEET_DATA_END), 0)
                        del buf[:drop]
                        base += drop
                        continue
                    formulas = formulas or buf.find(b"<f", 0, j) >= 0
                    end = base + j
                    del buf[:j + len(_SHEET_DATA_END)]
        if head is None:
            raise StreamUnsupported(f"{part}: no sheetData")
        if end < 0:
            raise StreamUnsupported(f"{part}: sheetData not closed")
        return SheetScan(head, start, end, bytes(buf), formulas)

    def _scan_whole(self, part: str, info: zipfile.ZipInfo) -> SheetScan:
        """:meth:`scan_sheet` of a small sheet, read whole and kept for :meth:`row_pieces`."""
        data = self.zin.read(info)
        i = data.find(b"<sheetData")
        if i < 0 or data[i + 10: i + 11] not in (b">", b"/", b" ", b"\t", b"\r", b"\n"):
            raise StreamUnsupported(f"{part}: no sheetData")
        k = data.find(b">", i)
        if k < 0:
            raise StreamUnsupported(f"{part}: no sheetData")
        start = k + 1
        if data[k - 1: k] == b"/":
            end = start
            tail = data[start:]
        else:
            end = data.find(_SHEET_DATA_END, start)
            if end < 0:
                raise StreamUnsupported(f"{part}: sheetData not closed")
            tail = data[end + len(_SHEET_DATA_END):]
        self._whole[part] = data
        return SheetScan(data[:i], start, end, tail, data.find(b"<f", start, end) >= 0)

    def row_pieces(self, part: str, start: int, end: int) -> Iterator[bytes]:
        """The bytes of ``part`` from ``start`` to ``end``, in pieces that each end after a
        ``</row>`` (the last one: whatever remains), read again from the package (a small
        sheet: taken from what :meth:`scan_sheet` kept, in one piece)."""
        whole = self._whole.get(part)
        if whole is not None:
            if end > start:
                yield whole[start:end]
            return
        carry = b""
        pos = 0
        with self.zin.open(self.infos[part]) as fh:
            while pos < end and (chunk := fh.read(CHUNK)):
                lo, hi = max(start - pos, 0), min(end - pos, len(chunk))
                pos += len(chunk)
                if hi <= lo:
                    continue
                data = carry + chunk[lo:hi]
                cut = data.rfind(_ROW_END)
                if cut < 0:
                    carry = data
                    continue
                cut += len(_ROW_END)
                yield data[:cut]
                carry = data[cut:]
        if carry:
            yield carry

    def text(self, part: str) -> str:
        return decode(self.read(part), part)

    def rels(self, part: str) -> list[Rel]:
        """The relationships of ``part`` (none when it has no relationships part)."""
        name = ooxml.rels_name(part)
        return self.rels_part(name) if name in self.infos else []

    def rels_part(self, name: str) -> list[Rel]:
        """The relationships the source's part ``name`` (a ``.rels``) holds: a new list each
        time (callers add to it), the part parsed once."""
        found = self._rels.get(name)
        if found is None:
            found = self._rels[name] = load_rels(self.read(name))
        return list(found)

    def free_name(self, pattern: str) -> str:
        """A name for a new part, ``pattern`` with the first number no part has taken."""
        taken = {n.lower() for n in (*self.infos, *self.replace, *self.new_parts)}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        self.new_parts.append(pattern.format(n))
        return pattern.format(n)
