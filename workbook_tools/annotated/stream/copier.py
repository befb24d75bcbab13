"""Writing a :class:`~workbook_tools.copyplan.CopyPlan` by copying the .xlsx package as it is.

Every entry of the staff's package is copied entry to entry, in chunks, except what must not
travel (macros, external links, the calculation chain) and the parts the plan changes:

* the edited sheets' XML is streamed row by row; only rows that change are taken apart into
  cells, every other row is copied as the text it was;
* in every sheet, formulas reaching outside the workbook (:func:`safety.dangerous_formula`)
  become their text, and hyperlinks other than web and mail (:data:`safety.SAFE_SCHEMES`) are
  removed, one finding each, as :func:`safety.sanitise` does for the openpyxl backend;
* ``xl/styles.xml`` is edited as text: fonts, fills, borders and cell formats are appended and
  the counts fixed, everything else in it (and its namespace prefixes) stays as written;
* comments (with their legacy VML shapes), column widths and new sheets are added.

Anything this backend does not know how to do safely raises :class:`StreamUnsupported`; the
caller then writes the copy with :mod:`workbook_tools.backend_openpyxl`. The package has been
checked by the guard (no entity declarations, bounded inflation) before it gets here.
"""

from __future__ import annotations

import math
import posixpath
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring

from ... import ooxml
from ...copyplan import CopyPlan, NewSheet, Overlay, SheetEdits, Style
from ...model import Finding
from ...model import warning as _warning
from ..neutralise import SAFE_SCHEMES, dangerous_formula

__all__ = ["StreamUnsupported", "write_stream"]


class StreamUnsupported(Exception):
    """The package has something this backend does not handle; the caller falls back to
    openpyxl."""


# --- names ---------------------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

RT_OFFICE_DOCUMENT = f"{REL_NS}/officeDocument"
RT_WORKSHEET = f"{REL_NS}/worksheet"
RT_COMMENTS = f"{REL_NS}/comments"
RT_VML = f"{REL_NS}/vmlDrawing"
RT_HYPERLINK = f"{REL_NS}/hyperlink"

CT_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORKBOOK_TYPES = {
    CT_SHEET_MAIN,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

WORKBOOK = "xl/workbook.xml"
_CHUNK = 64 * 1024
_ROWS_PER_CHUNK = 500
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# --- small text helpers --------------------------------------------------------------------------

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)')"""


def _clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _ILLEGAL.sub("", text)


def _esc(text: str) -> str:
    return (_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _attr(text: str) -> str:
    return (_esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _get(tag: str, name: str) -> str | None:
    """The (unescaped) value of attribute ``name`` in the start tag text ``tag``."""
    m = re.search(r"(?<![\w:.-])" + re.escape(name) + _ATTR_VALUE, tag)
    if m is None:
        return None
    return unescape(m.group(1) if m.group(1) is not None else m.group(2))


def _set(attrs: str, name: str, value: str) -> str:
    """``attrs`` (the attributes of a start tag) with ``name`` set to ``value``."""
    pattern = re.compile(r"(\s" + re.escape(name) + r")" + _ATTR_VALUE)
    new = f' {name}="{_attr(value)}"'
    if pattern.search(attrs):
        return pattern.sub(lambda _m: new, attrs, count=1)
    return attrs.rstrip() + new


def _drop(attrs: str, name: str) -> str:
    return re.sub(r"\s" + re.escape(name) + _ATTR_VALUE, "", attrs)


def _rel_id_attr(text: str, root: str, rid: str) -> str:
    """The attribute naming relationship ``rid`` on a new child of the root element ``root``
    of ``text``: with the prefix the root declares for relationships, or declared in place."""
    m = re.search(rf"<{root}\b[^>]*>", text)
    if m is not None:
        p = re.search(r"""\sxmlns:([\w.-]+)\s*=\s*["']""" + re.escape(REL_NS) + "[\"']",
                      m.group(0))
        if p is not None:
            return f'{p.group(1)}:id="{rid}"'
    return f'xmlns:r="{REL_NS}" r:id="{rid}"'


def _decode(data: bytes, part: str) -> str:
    head = data[:200]
    m = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.-]+)", head)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        raise StreamUnsupported(f"{part}: encoding {m.group(1).decode()}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StreamUnsupported(f"{part}: not UTF-8") from exc


def _resolve(base: str, target: str) -> str:
    """The part name a relationship of ``base`` points at."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    folder = posixpath.dirname(base)
    return posixpath.normpath(posixpath.join(folder, target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


_letter = ooxml.column_letter
_col = ooxml.column_number


_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref.strip())
    if m is None:
        raise StreamUnsupported(f"cell reference {ref!r}")
    return int(m.group(2)), _col(m.group(1))


def _parse_range(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r0, c0 = _parse_ref(first)
    r1, c1 = _parse_ref(last) if last else (r0, c0)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


# --- package parts: relationships and content types ----------------------------------------------


@dataclass
class Rel:
    id: str
    type: str
    target: str
    mode: str = ""


def _parse_rels(data: bytes) -> list[Rel]:
    root = fromstring(data)
    if root.tag != f"{{{PKG_REL_NS}}}Relationships":
        raise StreamUnsupported("relationships part")
    return [
        Rel(r.get("Id", ""), r.get("Type", ""), r.get("Target", ""), r.get("TargetMode", ""))
        for r in root
        if r.tag == f"{{{PKG_REL_NS}}}Relationship"
    ]


def _render_rels(rels: list[Rel]) -> bytes:
    out = [_XML_DECL, f'<Relationships xmlns="{PKG_REL_NS}">']
    for r in rels:
        mode = f' TargetMode="{_attr(r.mode)}"' if r.mode else ""
        out.append(f'<Relationship Id="{_attr(r.id)}" Type="{_attr(r.type)}" '
                   f'Target="{_attr(r.target)}"{mode}/>')
    out.append("</Relationships>")
    return "".join(out).encode("utf-8")


def _new_rel_id(rels: list[Rel]) -> str:
    taken = {r.id for r in rels}
    n = 1 + max((int(m.group(1)) for r in rels if (m := re.fullmatch(r"rId(\d+)", r.id))),
                default=0)
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


class ContentTypes:
    def __init__(self, data: bytes) -> None:
        if b"purl.oclc.org" in data:
            raise StreamUnsupported("Strict OOXML")
        root = fromstring(data)
        if root.tag != f"{{{CT_NS}}}Types":
            raise StreamUnsupported("[Content_Types].xml")
        self.defaults: dict[str, str] = {}  # extension (lower case) -> type
        self.overrides: dict[str, str] = {}  # part name (lower case, no "/") -> type
        self.names: dict[str, str] = {}  # part name (lower case) -> as written
        for el in root:
            if el.tag == f"{{{CT_NS}}}Default":
                self.defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            elif el.tag == f"{{{CT_NS}}}Override":
                name = el.get("PartName", "").lstrip("/")
                self.overrides[name.lower()] = el.get("ContentType", "")
                self.names[name.lower()] = name

    def of(self, part: str) -> str:
        found = self.overrides.get(part.lower())
        if found is not None:
            return found
        return self.defaults.get(part.rpartition(".")[2].lower(), "")

    def override(self, part: str, kind: str) -> None:
        self.overrides[part.lower()] = kind
        self.names.setdefault(part.lower(), part)

    def render(self) -> bytes:
        out = [_XML_DECL, f'<Types xmlns="{CT_NS}">']
        out += [f'<Default Extension="{_attr(e)}" ContentType="{_attr(k)}"/>'
                for e, k in self.defaults.items()]
        out += [f'<Override PartName="/{_attr(self.names[p])}" ContentType="{_attr(k)}"/>'
                for p, k in self.overrides.items()]
        out.append("</Types>")
        return "".join(out).encode("utf-8")


def _is_vba_type(kind: str) -> bool:
    kind = kind.lower()
    return "vbaproject" in kind or "vbadata" in kind


# --- styles.xml ----------------------------------------------------------------------------------

_XF = re.compile(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.DOTALL)
_XF_START = re.compile(r"<xf\b([^>]*?)(/?)>")
_ALIGNMENT = re.compile(r"<alignment\b[^>]*?(?:/>|>.*?</alignment>)", re.DOTALL)
_FONT = re.compile(r"<font\b[^>]*?(?:/>|>.*?</font>)", re.DOTALL)
_FONT_PART = re.compile(r"<(sz|color|name|family|charset|scheme)\b[^>]*?(?:/>|>.*?</\1>)",
                        re.DOTALL)
_ARGB = re.compile(r"[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?")
_SECTIONS = {"fonts": r"<font\b", "fills": r"<fill\b", "borders": r"<border\b"}
_SIDE = {"box": ("thin", "FF808080"), "mark": ("medium", "FFC00000")}


def _section(text: str, name: str) -> tuple[int, int, int]:
    """(start of the start tag, end of it, start of the end tag) of ``<name>`` in styles.xml."""
    m = re.search(rf"<{name}\b[^>]*?(/?)>", text)
    if m is None or m.group(1):
        raise StreamUnsupported(f"styles.xml: no <{name}>")
    end = text.find(f"</{name}>", m.end())
    if end < 0:
        raise StreamUnsupported(f"styles.xml: <{name}> not closed")
    return m.start(), m.end(), end


class Styles:
    """The workbook's styles.xml, with the fonts, fills, borders and cell formats the plan needs
    appended. Results are cached: a Style over a base format, an Overlay over a cell's format."""

    def __init__(self, text: str) -> None:
        root = re.search(r"<(\w+:)?styleSheet\b([^>]*)>", text)
        if root is None or root.group(1) or f'xmlns="{MAIN_NS}"' not in root.group(2):
            raise StreamUnsupported("styles.xml: not the main namespace as default")
        self.text = text
        self.counts: dict[str, int] = {}
        for name, child in _SECTIONS.items():
            _, start, end = _section(text, name)
            self.counts[name] = len(re.findall(child, text[start:end]))
        _, start, end = _section(text, "cellXfs")
        self.xfs = _XF.findall(text[start:end])
        if not self.xfs:
            raise StreamUnsupported("styles.xml: no cell formats")
        self.base_xfs = len(self.xfs)
        _, start, end = _section(text, "fonts")
        first = _FONT.search(text, start, end)
        self.font0: dict[str, str] = {}
        if first is not None:
            for m in _FONT_PART.finditer(first.group(0)):
                self.font0.setdefault(m.group(1), m.group(0))
        self.added: dict[str, list[str]] = {name: [] for name in _SECTIONS}
        self._parts: dict[Any, int] = {}
        self._xf: dict[Any, int] = {}

    # the pieces
    def _add(self, section: str, key: Any, xml: str) -> int:
        found = self._parts.get(key)
        if found is None:
            found = self._parts[key] = self.counts[section] + len(self.added[section])
            self.added[section].append(xml)
        return found

    def font(self, style: Style) -> int:
        size = f"{style.size:g}" if style.size else None
        parts = []
        if style.bold:
            parts.append("<b/>")
        if style.underline:
            parts.append("<u/>")
        if size:
            parts.append(f'<sz val="{size}"/>')
        elif "sz" in self.font0:
            parts.append(self.font0["sz"])
        if style.color:
            parts.append(f'<color rgb="{_argb(style.color)}"/>')
        elif "color" in self.font0:
            parts.append(self.font0["color"])
        parts += [self.font0[k] for k in ("name", "family", "charset", "scheme")
                  if k in self.font0]
        key = ("font", style.bold, size, style.color, style.underline)
        return self._add("fonts", key, "<font>" + "".join(parts) + "</font>")

    def fill(self, argb: str) -> int:
        xml = (f'<fill><patternFill patternType="solid"><fgColor rgb="{_argb(argb)}"/>'
               '<bgColor indexed="64"/></patternFill></fill>')
        return self._add("fills", ("fill", argb), xml)

    def border(self, kind: str) -> int:
        if kind not in _SIDE:
            raise StreamUnsupported(f"border {kind!r}")
        line, color = _SIDE[kind]
        side = f' style="{line}"><color rgb="{color}"/>'
        xml = ("<border>" + "".join(f"<{s}{side}</{s}>" for s in ("left", "right", "top", "bottom"))
               + "<diagonal/></border>")
        return self._add("borders", ("border", kind), xml)

    def fill_id(self, xf: int) -> int:
        m = _XF_START.match(self._xf_raw(xf))
        value = _get(m.group(1), "fillId") if m else None
        return int(value) if value and value.isdigit() else 0

    def _xf_raw(self, xf: int) -> str:
        if not 0 <= xf < len(self.xfs):
            raise StreamUnsupported(f"cell format {xf} does not exist")
        return self.xfs[xf]

    def _derive(self, base: int, changes: dict[str, int], wrap: bool) -> int:
        raw = self._xf_raw(base)
        m = _XF_START.match(raw)
        if m is None:
            raise StreamUnsupported("styles.xml: cell format")
        attrs, rest = m.group(1), "" if m.group(2) else raw[m.end():-len("</xf>")]
        for name, value in changes.items():
            attrs = _set(attrs, name, str(value))
            apply = {"fontId": "applyFont", "fillId": "applyFill", "borderId": "applyBorder",
                     "numFmtId": "applyNumberFormat"}[name]
            attrs = _set(attrs, apply, "1")
        if wrap:
            rest = '<alignment wrapText="1" vertical="top"/>' + _ALIGNMENT.sub("", rest)
            attrs = _set(attrs, "applyAlignment", "1")
        xml = f"<xf{attrs}>{rest}</xf>" if rest else f"<xf{attrs}/>"
        self.xfs.append(xml)
        return len(self.xfs) - 1

    # what the plan asks for
    def style(self, base: int, style: Style | None, numfmt: int | None = None) -> int:
        """The format of ``base`` with ``style`` (and a number format) applied over it."""
        if style is None and numfmt is None:
            return base
        key = ("style", base, style, numfmt)
        found = self._xf.get(key)
        if found is not None:
            return found
        changes: dict[str, int] = {}
        if numfmt is not None:
            changes["numFmtId"] = numfmt
        if style is not None:
            if style.bold or style.size or style.color or style.underline:
                changes["fontId"] = self.font(style)
            if style.fill:
                changes["fillId"] = self.fill(style.fill)
            if style.border:
                changes["borderId"] = self.border(style.border)
        wrap = style is not None and style.wrap
        found = self._derive(base, changes, wrap) if changes or wrap else base
        self._xf[key] = found
        return found

    def overlay(self, base: int, overlay: Overlay) -> int:
        """The format of a staff cell with ``overlay``: its fill only where it has none."""
        key = ("overlay", base, overlay)
        found = self._xf.get(key)
        if found is not None:
            return found
        changes: dict[str, int] = {}
        if overlay.fill and self.fill_id(base) <= 1:
            changes["fillId"] = self.fill(overlay.fill)
        if overlay.border:
            changes["borderId"] = self.border(overlay.border)
        found = self._derive(base, changes, False) if changes else base
        self._xf[key] = found
        return found

    def changed(self) -> bool:
        return len(self.xfs) > self.base_xfs

    def render(self) -> bytes:
        text = self.text
        for name in (*_SECTIONS, "cellXfs"):
            if name == "cellXfs":
                new, total = self.xfs[self.base_xfs:], len(self.xfs)
            else:
                new = self.added[name]
                total = self.counts[name] + len(new)
            if not new:
                continue
            start, start_end, end = _section(text, name)
            tag = text[start:start_end]
            m = re.match(rf"<{name}\b([^>]*?)>", tag)
            assert m is not None
            tag = f"<{name}{_set(m.group(1), 'count', str(total))}>"
            text = text[:start] + tag + text[start_end:end] + "".join(new) + text[end:]
        return text.encode("utf-8")


def _argb(color: str) -> str:
    if not _ARGB.fullmatch(color):
        raise StreamUnsupported(f"colour {color!r}")
    return color.upper() if len(color) == 8 else "FF" + color.upper()


# --- cell values ---------------------------------------------------------------------------------

_EPOCH = datetime(1899, 12, 30)


def _value(value: Any) -> tuple[str, str, int | None] | None:
    """(t attribute, cell content, number format) for a value the tool writes; None: no value.
    Text is always written as text, never as a formula."""
    if value is None:
        return None
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # numpy scalars from pandas
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>", None
    if isinstance(value, int | Decimal):
        return "", f"<v>{value}</v>", None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return "", f"<v>{value!r}</v>", None
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return "", f"<v>{serial!r}</v>", 22
    if isinstance(value, date):
        return "", f"<v>{(value - _EPOCH.date()).days}</v>", 14
    if isinstance(value, dtime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return "", f"<v>{seconds / 86400!r}</v>", 21
    text = _clean(str(value))
    if not text:
        return None
    return ' t="inlineStr"', f'<is><t xml:space="preserve">{_esc(text)}</t></is>', None


def _cell(ref: str, xf: int, value: tuple[str, str, int | None] | None) -> str:
    s = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    return f'<c r="{ref}"{s}{value[0]}>{value[1]}</c>'


# --- worksheets ----------------------------------------------------------------------------------

_ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.DOTALL)
_ROW_B = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.DOTALL)
_ROW_R_B = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_ROW_START = re.compile(r"<row\b([^>]*?)(/?)>")
_ROW_R = re.compile(r"""\sr\s*=\s*["'](\d+)["']""")
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_CELL_B = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.DOTALL)
_CELL_R = re.compile(r"""\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_CELL_S = re.compile(r"""\ss\s*=\s*["'](\d+)["']""")
#: a cell, with its reference taken at once when ``r`` comes first (as Excel, LibreOffice and
#: openpyxl write it): letters, row, the other attributes, the content
_CELL_FAST = re.compile(r"""<c\b(?:\s+r="([A-Z]{1,3})(\d+)")?([^>]*?)(?:/>|>(.*?)</c>)""",
                        re.DOTALL)
_C_START = re.compile(r"<c\b([^>]*?)(/?>)")
_FORMULA = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.DOTALL)
_SHARED = re.compile(r"""\bt\s*=\s*["']shared["']""")
_MERGE = re.compile(r"<mergeCell\b([^>]*?)/?>")
_HYPERLINKS = re.compile(r"<hyperlinks\b[^>]*?(?:/>|>.*?</hyperlinks>)", re.DOTALL)
_HYPERLINK = re.compile(r"<hyperlink\b[^>]*?(?:/>|>.*?</hyperlink>)", re.DOTALL)
_REL_ID = re.compile(r"""\s[\w.-]+:id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LEGACY = re.compile(r"<legacyDrawing\b([^>]*?)/?>")
_DIMENSION = re.compile(r"<dimension\b([^>]*?)/?>")
_COLS_EL = re.compile(r"<cols\b[^>]*?(?:/>|>(.*?)</cols>)", re.DOTALL)
_COL_EL = re.compile(r"<col\b([^>]*?)(?:/>|>.*?</col>)", re.DOTALL)
#: what follows <legacyDrawing> in CT_Worksheet
_AFTER_LEGACY = re.compile(r"<(?:legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
                           r"webPublishItems|tableParts|extLst|mc:AlternateContent)\b|</worksheet>")


@dataclass(slots=True)
class Op:
    """What happens to one cell of an edited sheet."""

    overlay: Overlay | None = None
    has_value: bool = False
    value: Any = None
    style: Style | None = None


@dataclass
class SheetJob:
    title: str
    part: str
    rels: list[Rel] = field(default_factory=list)
    rels_changed: bool = False
    head: str = ""
    #: the sheet's text and where its rows are in it (kept as offsets: a 10,000-row sheet's
    #: rows are not copied into a string of their own)
    source: bytes | bytearray = b""
    start: int = 0
    end: int = 0
    tail: str = ""
    #: the columns the plan changes, by row (the changes themselves stay in ``edits``)
    ops: dict[int, list[int]] = field(default_factory=dict)
    edits: SheetEdits | None = None
    neutralise: bool = False
    masters: dict[str, tuple[str, str]] = field(default_factory=dict)  # si -> (text, ref)


class Copier:
    def __init__(self, zin: zipfile.ZipFile, plan: CopyPlan) -> None:
        self.zin = zin
        self.plan = plan
        self.infos = {i.filename: i for i in zin.infolist()}
        self.findings: list[Finding] = []
        self.drop: set[str] = set()
        self.replace: dict[str, bytes] = {}  # part -> new bytes (new parts too)
        self.jobs: dict[str, SheetJob] = {}  # sheet part -> rewrite
        self.new_parts: list[str] = []
        self._new_sheet_elements: list[str] = []
        self._next_block: int | None = None
        self.styles_part: str | None = None

    # reading
    def read(self, part: str) -> bytes:
        info = self.infos.get(part)
        if info is None:
            raise StreamUnsupported(f"missing part {part}")
        return self.zin.read(info)

    def _read_into(self, part: str) -> bytearray:
        """A part's bytes in one buffer filled chunk by chunk (``ZipFile.read`` would hold the
        chunks and their join at once: twice a large sheet)."""
        info = self.infos.get(part)
        if info is None:
            raise StreamUnsupported(f"missing part {part}")
        buf = bytearray(info.file_size)  # the guard bounded the declared size
        pos = 0
        with self.zin.open(info) as fh, memoryview(buf) as view:
            while chunk := fh.read(_CHUNK):
                if pos + len(chunk) > len(buf):
                    raise StreamUnsupported(f"{part}: longer than declared")
                view[pos:pos + len(chunk)] = chunk
                pos += len(chunk)
        if pos != len(buf):
            raise StreamUnsupported(f"{part}: shorter than declared")
        return buf

    def text(self, part: str) -> str:
        return _decode(self.read(part), part)

    def rels(self, part: str) -> list[Rel]:
        name = _rels_name(part)
        return _parse_rels(self.read(name)) if name in self.infos else []

    def _free_name(self, pattern: str) -> str:
        taken = {n.lower() for n in (*self.infos, *self.replace, *self.new_parts)}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        self.new_parts.append(pattern.format(n))
        return pattern.format(n)

    # the plan
    def prepare(self) -> None:
        if "[Content_Types].xml" not in self.infos:
            raise StreamUnsupported("no [Content_Types].xml")
        self.types = ContentTypes(self.read("[Content_Types].xml"))
        types_before = self.types.render()
        root_rels = _parse_rels(self.read("_rels/.rels"))
        main = [r for r in root_rels if r.type == RT_OFFICE_DOCUMENT]
        if len(main) != 1 or _resolve("", main[0].target) != WORKBOOK:
            raise StreamUnsupported("the workbook is not xl/workbook.xml")
        if self.types.of(WORKBOOK) not in WORKBOOK_TYPES:
            raise StreamUnsupported(f"workbook content type {self.types.of(WORKBOOK)}")
        self._find_drops()
        workbook = self.text(WORKBOOK)
        if "purl.oclc.org" in workbook[:4096]:
            raise StreamUnsupported("Strict OOXML")
        m = re.search(r"<(\w+:)?workbook\b([^>]*)>", workbook)
        if m is None or m.group(1) or f'xmlns="{MAIN_NS}"' not in m.group(2):
            raise StreamUnsupported("workbook.xml: not the main namespace as default")
        self.wb_rels = [r for r in self.rels(WORKBOOK)
                        if not self._dropped_rel(WORKBOOK, r)]
        by_id = {r.id: r for r in self.rels(WORKBOOK)}
        root = fromstring(workbook.encode("utf-8"))
        sheets = root.find(f"{{{MAIN_NS}}}sheets")
        if sheets is None:
            raise StreamUnsupported("workbook.xml: no sheets")
        styles_part = next((_resolve(WORKBOOK, r.target) for r in self.wb_rels
                            if r.type == f"{REL_NS}/styles"), None)
        self.styles = Styles(self.text(styles_part)) if styles_part else None
        self.sheet_ids = [int(s.get("sheetId", "0")) for s in sheets]
        for sheet in sheets:
            title = sheet.get("name", "")
            rel = by_id.get(sheet.get(f"{{{REL_NS}}}id", ""))
            if rel is None or rel.type != RT_WORKSHEET or rel.mode == "External":
                raise StreamUnsupported(f"sheet {title!r} is not a worksheet")
            part = _resolve(WORKBOOK, rel.target)
            if self.types.of(part) != CT_WORKSHEET:
                raise StreamUnsupported(f"sheet {title!r}: content type {self.types.of(part)}")
            self._prepare_sheet(title, part, self.plan.edits.get(title))
        if (self.plan.new_sheets or any(j.ops for j in self.jobs.values())) and not self.styles:
            raise StreamUnsupported("no styles.xml")
        out = self._workbook(workbook)
        for new in self.plan.new_sheets:
            self._new_sheet(new, workbook)
        if self._new_sheet_elements:
            end = out.find("</sheets>")
            if end < 0:
                raise StreamUnsupported("workbook.xml: <sheets> not closed")
            out = out[:end] + "".join(self._new_sheet_elements) + out[end:]
        if out != workbook:
            self.replace[WORKBOOK] = out.encode("utf-8")
        if self.wb_rels != self.rels(WORKBOOK):
            self.replace[_rels_name(WORKBOOK)] = _render_rels(self.wb_rels)
        self.styles_part = styles_part
        if self.types.render() != types_before:
            self.replace["[Content_Types].xml"] = self.types.render()

    def _find_drops(self) -> None:
        """Macros, external links and the calculation chain: parts, their relationships."""
        drop: set[str] = set()
        for name in self.infos:
            kind = self.types.of(name)
            if (_is_vba_type(kind) or name.lower().startswith("xl/externallinks/")
                    or name.lower() in ("xl/calcchain.xml", "xl/vbaproject.bin")):
                drop.add(name)
        for rels_part in [n for n in self.infos if n.endswith(".rels")]:
            for r in _parse_rels(self.read(rels_part)):
                if r.mode != "External" and self._bad_type(r.type):
                    drop.add(_resolve(_source_of(rels_part), r.target))
        for name in list(drop):
            drop.add(_rels_name(name))
        self.drop = {n for n in drop if n in self.infos}
        wb_rels = self.rels(WORKBOOK)
        for r in wb_rels:
            if r.type.endswith("/externalLink"):
                self.findings.append(_warning("link.removed",
                                                 value=_resolve(WORKBOOK, r.target)))
        types = self.types
        for ext in [e for e, k in types.defaults.items() if _is_vba_type(k)]:
            if any(n.lower().endswith("." + ext) and n not in self.drop
                   and n.lower() not in types.overrides for n in self.infos):
                raise StreamUnsupported(f"parts .{ext} typed as macros")
            del types.defaults[ext]
        dropped = {n.lower() for n in self.drop}
        for name, kind in list(types.overrides.items()):
            if name in dropped or _is_vba_type(kind):
                del types.overrides[name]
        if types.of(WORKBOOK) != CT_SHEET_MAIN:
            types.override(WORKBOOK, CT_SHEET_MAIN)
        # every other relationships part that points at what is dropped
        for rels_part in [n for n in self.infos if n.endswith(".rels") and n not in self.drop]:
            source = _source_of(rels_part)
            rels = _parse_rels(self.read(rels_part))
            kept = [r for r in rels if not self._dropped_rel(source, r)]
            if len(kept) != len(rels):
                self.replace[rels_part] = _render_rels(kept)

    @staticmethod
    def _bad_type(kind: str) -> bool:
        low = kind.lower()
        return "vba" in low or low.endswith("/externallink") or low.endswith("/calcchain")

    def _dropped_rel(self, source: str, r: Rel) -> bool:
        if self._bad_type(r.type):
            return True
        return r.mode != "External" and _resolve(source, r.target) in self.drop

    # workbook.xml
    def _workbook(self, workbook: str) -> str:
        out = re.sub(r"<externalReferences\b[^>]*?(?:/>|>.*?</externalReferences>)", "",
                     workbook, flags=re.DOTALL)

        def name(m: re.Match[str]) -> str:
            text = unescape(m.group(2) or "")
            if dangerous_formula(text):
                self.findings.append(_warning(
                    "link.removed", value=f"{_get(m.group(1), 'name')}: {text}"))
                return ""
            return m.group(0)

        out = re.sub(r"<definedName\b([^>]*?)(?:/>|>(.*?)</definedName>)", name, out,
                     flags=re.DOTALL)
        return re.sub(r"<definedNames\b[^>]*>\s*</definedNames>", "", out)

    # sheets
    def _prepare_sheet(self, title: str, part: str, edits: SheetEdits | None) -> None:
        info = self.infos.get(part)
        if info is None:
            raise StreamUnsupported(f"missing sheet part {part}")
        if edits is None and not self._may_need_change(info):
            return
        # The rows stay bytes (decoded one row at a time, only where something changes): a
        # large sheet is never held as bytes and text at once.
        data = self._read_into(part)
        i = data.find(b"<sheetData")
        if i < 0 or data[i + 10: i + 11] not in (b">", b"/", b" ", b"\t", b"\r", b"\n"):
            raise StreamUnsupported(f"{part}: no sheetData")
        head = _decode(data[:i], part)
        root = re.search(r"<(\w+:)?worksheet\b([^>]*)>", head[:8192])
        if root is None or root.group(1) or f'xmlns="{MAIN_NS}"' not in root.group(2):
            raise StreamUnsupported(f"{part}: not the main namespace as default")
        job = SheetJob(title, part, self.rels(part))
        start_end = data.find(b">", i) + 1
        job.source = data
        if data[start_end - 2: start_end - 1] == b"/":
            job.head, job.tail = head, _decode(data[start_end:], part)
            job.start = job.end = start_end
        else:
            j = data.find(b"</sheetData>", start_end)
            if j < 0:
                raise StreamUnsupported(f"{part}: sheetData not closed")
            job.head, job.start, job.end = head, start_end, j
            job.tail = _decode(data[j + len(b"</sheetData>"):], part)
        self._formulas(job)
        self._hyperlinks(job)
        if edits is not None:
            self._edits(job, edits)
        if edits is not None or job.neutralise or job.rels_changed:
            self.jobs[part] = job
        if job.rels_changed:
            self.replace[_rels_name(part)] = _render_rels(job.rels)

    def _may_need_change(self, info: zipfile.ZipInfo) -> bool:
        """Whether an unedited sheet has formulas or hyperlinks (read in chunks)."""
        tail = b""
        with self.zin.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                text = tail + chunk
                if b"<f" in text or b"<hyperlink" in text:
                    return True
                tail = text[-16:]
        return False

    def _formulas(self, job: SheetJob) -> None:
        if job.source.find(b"<f", job.start, job.end) < 0:
            return
        for raw in _CELL_B.finditer(job.source, job.start, job.end):
            if b"<f" not in raw.group(0):
                continue
            cell = _CELL.match(raw.group(0).decode("utf-8"))
            if cell is None:
                continue
            body = cell.group(2)
            if not body or "<f" not in body:
                continue
            f = _FORMULA.search(body)
            if f is None:
                continue
            text = unescape(f.group(2) or "")
            shared = _SHARED.search(f.group(1))
            if shared and text:
                si = _get(f.group(1), "si")
                ref = _CELL_R.search(cell.group(1))
                if si is not None and ref is not None:
                    job.masters[si] = (text, ref.group(1) + ref.group(2))
            if text and dangerous_formula(text):
                job.neutralise = True
        if not job.neutralise:
            job.masters.clear()

    def _hyperlinks(self, job: SheetJob) -> None:
        m = _HYPERLINKS.search(job.tail)
        if m is None:
            return
        by_id = {r.id: r for r in job.rels}
        removed: set[str] = set()

        def link(h: re.Match[str]) -> str:
            rid = _REL_ID.search(h.group(0))
            if rid is None:
                return h.group(0)
            rel = by_id.get(rid.group(1) if rid.group(1) is not None else rid.group(2))
            if rel is None or not rel.type.endswith("/hyperlink") or \
                    rel.target.lower().startswith(SAFE_SCHEMES):
                return h.group(0)
            ref = _get(h.group(0), "ref") or ""
            first = _REF.match(ref)
            self.findings.append(_warning(
                "link.removed", sheet=job.title,
                row=int(first.group(2)) if first else None,
                column=first.group(1) if first else None, value=rel.target))
            removed.add(rel.id)
            return ""

        new = _HYPERLINK.sub(link, m.group(0))
        if not removed:
            return
        if "<hyperlink" not in new[len("<hyperlinks"):]:
            new = ""
        job.tail = job.tail[:m.start()] + new + job.tail[m.end():]
        still = set(_REL_ID_ALL.findall(job.head + job.tail))
        job.rels = [r for r in job.rels if r.id not in removed or r.id in still]
        job.rels_changed = True

    def _edits(self, job: SheetJob, edits: SheetEdits) -> None:
        merged = _Merged(job.tail)
        covered = merged if merged.rows else (lambda _r, _c: False)
        ops = job.ops
        job.edits = edits
        for source in (edits.overlaid(), edits.cells):
            for row, col in source:
                if not covered(row, col):
                    cols = ops.get(row)
                    if cols is None:
                        ops[row] = [col]
                    else:
                        cols.append(col)
        self._widths(job, edits.widths)
        self._dimension(job)
        comments = {rc: text for rc, text in edits.comments.items() if not covered(*rc)}
        if comments:
            self._comments(job, comments)

    def _widths(self, job: SheetJob, widths: dict[int, float]) -> None:
        if not widths:
            return
        m = _COLS_EL.search(job.head)
        cols: list[tuple[int, int, str]] = []
        if m is not None:
            for c in _COL_EL.finditer(m.group(1) or ""):
                lo, hi = _get(c.group(1), "min"), _get(c.group(1), "max")
                if not (lo and hi and lo.isdigit() and hi.isdigit()):
                    raise StreamUnsupported("<col> without min/max")
                cols.append((int(lo), int(hi), c.group(1)))
        for col, width in sorted(widths.items()):
            w = f"{float(width):g}"
            new_attrs = f' min="{col}" max="{col}" width="{w}" customWidth="1"'
            for i, (lo, hi, attrs) in enumerate(cols):
                if lo <= col <= hi:
                    pieces = []
                    if lo < col:
                        pieces.append((lo, col - 1, _set(_set(attrs, "min", str(lo)), "max",
                                                         str(col - 1))))
                    one = _set(_set(_set(_set(attrs, "min", str(col)), "max", str(col)),
                                    "width", w), "customWidth", "1")
                    pieces.append((col, col, one))
                    if col < hi:
                        pieces.append((col + 1, hi, _set(_set(attrs, "min", str(col + 1)),
                                                         "max", str(hi))))
                    cols[i:i + 1] = pieces
                    break
            else:
                cols.append((col, col, new_attrs))
            cols.sort(key=lambda c: c[0])
        xml = "<cols>" + "".join(f"<col{a}/>" for _, _, a in cols) + "</cols>"
        if m is not None:
            job.head = job.head[:m.start()] + xml + job.head[m.end():]
        else:
            job.head += xml  # <cols> comes right before <sheetData>

    def _dimension(self, job: SheetJob) -> None:
        if not job.ops:
            return
        m = _DIMENSION.search(job.head)
        if m is None:
            return
        ref = _get(m.group(1), "ref") or "A1"
        try:
            r0, c0, r1, c1 = _parse_range(ref)
        except StreamUnsupported:
            return
        rows = list(job.ops)
        cols = [c for cells in job.ops.values() for c in cells]
        r0, r1 = min(r0, *rows), max(r1, *rows)
        c0, c1 = min(c0, *cols), max(c1, *cols)
        new = f"{_letter(c0)}{r0}:{_letter(c1)}{r1}"
        tag = f"<dimension{_set(m.group(1), 'ref', new)}/>"
        job.head = job.head[:m.start()] + tag + job.head[m.end():]

    # comments
    def _comments(self, job: SheetJob, comments: dict[tuple[int, int], str]) -> None:
        if any("threadedcomment" in r.type.lower() for r in job.rels):
            raise StreamUnsupported("threaded comments")
        author = self.plan.author
        legacy = _LEGACY.search(job.tail)
        comment_rels = [r for r in job.rels if r.type == RT_COMMENTS]
        if len(comment_rels) > 1:
            raise StreamUnsupported("more than one comments part")
        vml_part = None
        if legacy is not None:
            rid = _REL_ID.search(legacy.group(0))
            rel = next((r for r in job.rels if rid and r.id in rid.groups()), None)
            if rel is None or rel.type != RT_VML:
                raise StreamUnsupported("legacyDrawing without its VML part")
            vml_part = _resolve(job.part, rel.target)
        elif comment_rels:
            raise StreamUnsupported("comments without a legacyDrawing")
        if comment_rels:
            part = _resolve(job.part, comment_rels[0].target)
            text = self.text(part)
            self.replace[part] = _merge_comments(text, comments, author).encode("utf-8")
        else:
            part = self._free_name("xl/comments{}.xml")
            self.replace[part] = _comments_xml(comments, author).encode("utf-8")
            job.rels.append(Rel(_new_rel_id(job.rels), RT_COMMENTS,
                                posixpath.relpath(part, posixpath.dirname(job.part))))
            self.types.override(part, CT_COMMENTS)
        if vml_part is not None:
            vml = self.text(vml_part)
            self.replace[vml_part] = self._merge_vml(vml, comments).encode("utf-8")
        else:
            vml_part = self._free_name("xl/drawings/vmlDrawing{}.vml")
            block = self._block()
            self.replace[vml_part] = self._vml(comments, block).encode("utf-8")
            rid = _new_rel_id(job.rels)
            job.rels.append(Rel(rid, RT_VML,
                                posixpath.relpath(vml_part, posixpath.dirname(job.part))))
            if self.types.of(vml_part) != CT_VML:
                self.types.defaults.setdefault("vml", CT_VML)
                if self.types.of(vml_part) != CT_VML:  # vml taken by another type
                    self.types.override(vml_part, CT_VML)
            at = _AFTER_LEGACY.search(job.tail)
            if at is None:
                raise StreamUnsupported("worksheet not closed")
            element = f"<legacyDrawing {_rel_id_attr(job.head, 'worksheet', rid)}/>"
            job.tail = job.tail[:at.start()] + element + job.tail[at.start():]
        job.rels_changed = True

    def _block(self) -> int:
        """A free block of VML shape ids (o:idmap) across the package."""
        if self._next_block is None:
            used = [0]
            for name in self.infos:
                if name.lower().endswith(".vml"):
                    data = self.read(name)
                    for m in re.finditer(rb"""data\s*=\s*["']([\d,\s]+)["']""", data):
                        used += [int(x) for x in re.findall(rb"\d+", m.group(1))]
            self._next_block = max(used) + 1
        block = self._next_block
        self._next_block += 1
        return block

    def _vml(self, comments: dict[tuple[int, int], str], block: int) -> str:
        blocks = range(block, block + len(comments) // 1024 + 1)
        self._next_block = blocks[-1] + 1
        shapes = "".join(_vml_shape(block * 1024 + i + 1, r, c)
                         for i, (r, c) in enumerate(sorted(comments)))
        return (
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
            f' <o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
            f'data="{",".join(map(str, blocks))}"/></o:shapelayout>\n'
            + _shapetype("v", "o") + shapes + "</xml>"
        )

    def _merge_vml(self, vml: str, comments: dict[tuple[int, int], str]) -> str:
        root = re.search(r"<xml\b[^>]*>", vml)
        if root is None:
            raise StreamUnsupported("VML without <xml>")
        prefixes = []
        for ns in _VML_NS:
            m = re.search(r"""\sxmlns:([\w.-]+)\s*=\s*["']""" + re.escape(ns) + "[\"']",
                          root.group(0))
            if m is None:
                raise StreamUnsupported("VML namespaces not declared on its root")
            prefixes.append(m.group(1))
        v, o, x = prefixes
        end = vml.rfind("</xml>")
        if end < 0:
            raise StreamUnsupported("VML not closed")
        xv, xx = re.escape(v), re.escape(x)

        def shape(m: re.Match[str]) -> str:
            text = m.group(0)
            if not re.search(r"""ObjectType\s*=\s*["']Note["']""", text):
                return text
            r = re.search(rf"<{xx}:Row>\s*(\d+)\s*</{xx}:Row>", text)
            c = re.search(rf"<{xx}:Column>\s*(\d+)\s*</{xx}:Column>", text)
            if r and c and (int(r.group(1)) + 1, int(c.group(1)) + 1) in comments:
                return ""  # our comment replaces the one at that cell
            return text

        vml = re.sub(rf"<{xv}:shape\b[^>]*>.*?</{xv}:shape>", shape, vml, flags=re.DOTALL)
        end = vml.rfind("</xml>")
        ids = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
        start = max(ids, default=1024) + 1
        shapes = "".join(_vml_shape(start + i, r, c, v, o, x)
                         for i, (r, c) in enumerate(sorted(comments)))
        types = "" if re.search(r"""id\s*=\s*["']_x0000_t202["']""", vml) else \
            _shapetype(v, o)
        return vml[:end] + types + shapes + vml[end:]

    # new sheets
    def _new_sheet(self, new: NewSheet, workbook: str) -> None:
        assert self.styles is not None
        part = self._free_name("xl/worksheets/sheet{}.xml")
        self.replace[part] = _new_sheet_xml(new, self.styles).encode("utf-8")
        rid = _new_rel_id(self.wb_rels)
        self.wb_rels.append(Rel(rid, RT_WORKSHEET, posixpath.relpath(part, "xl")))
        self.types.override(part, CT_WORKSHEET)
        sheet_id = max(self.sheet_ids, default=0) + 1
        self.sheet_ids.append(sheet_id)
        self._new_sheet_elements.append(
            f'<sheet name="{_attr(new.title)}" sheetId="{sheet_id}" '
            f"{_rel_id_attr(workbook, 'workbook', rid)}/>")

    # writing
    def write(self, target: Path) -> list[Finding]:
        self.prepare()
        stamp = time.localtime()[:6]
        defer_styles = any(job.ops for job in self.jobs.values())
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            done: set[str] = set()
            for info in self.zin.infolist():
                name = info.filename
                if name in self.drop or name == self.styles_part and defer_styles:
                    continue  # styles.xml comes last: the sheets add cell formats
                out = zipfile.ZipInfo(name, date_time=info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                out.external_attr = info.external_attr
                if name in self.jobs:
                    with zout.open(out, "w", force_zip64=True) as dst:
                        for piece in self._sheet(self.jobs[name]):
                            dst.write(piece if isinstance(piece, bytes)
                                      else piece.encode("utf-8"))
                elif name in self.replace:
                    zout.writestr(out, self.replace[name])
                elif name == self.styles_part and self.styles and self.styles.changed():
                    zout.writestr(out, self.styles.render())
                elif info.is_dir():
                    zout.writestr(out, b"")
                else:
                    out.file_size = info.file_size
                    with self.zin.open(info) as src, zout.open(out, "w") as dst:
                        shutil.copyfileobj(src, dst, _CHUNK)
                done.add(name)
            if self.styles_part is not None and self.styles is not None \
                    and self.styles_part not in done:
                info = self.infos[self.styles_part]
                out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                out.external_attr = info.external_attr
                zout.writestr(out, self.styles.render() if self.styles.changed()
                              else self.read(self.styles_part))
                done.add(info.filename)
            for name, data in self.replace.items():
                if name not in done:
                    out = zipfile.ZipInfo(name, date_time=stamp)
                    out.compress_type = zipfile.ZIP_DEFLATED
                    zout.writestr(out, data)
        return self.findings

    def _sheet(self, job: SheetJob) -> Iterator[str | bytes]:
        yield job.head
        yield "<sheetData>"
        yield from _Rows(job, self.styles, self.findings).render()
        yield "</sheetData>"
        yield job.tail


_REL_ID_ALL = re.compile(r"""\s[\w.-]+:id\s*=\s*["']([^"']*)["']""")


def _source_of(rels_part: str) -> str:
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


class _Merged:
    """Whether a cell is covered by a merged range (and is not its top-left cell)."""

    def __init__(self, tail: str) -> None:
        self.rows: dict[int, list[tuple[int, int, bool]]] = {}
        for m in _MERGE.finditer(tail):
            ref = _get(m.group(1), "ref")
            if not ref:
                continue
            r0, c0, r1, c1 = _parse_range(ref)
            for r in range(r0, r1 + 1):
                self.rows.setdefault(r, []).append((c0, c1, r == r0))

    def __call__(self, row: int, col: int) -> bool:
        spans = self.rows.get(row)
        return spans is not None and any(c0 <= col <= c1 and not (first and col == c0)
                   for c0, c1, first in spans)


class _Rows:
    """The rows of a sheet being rewritten, in chunks of text."""

    def __init__(self, job: SheetJob, styles: Styles | None, findings: list[Finding]) -> None:
        self.job = job
        self.styles = styles
        self.findings = findings
        self._overlays: dict[tuple[int, str | None, str | None], int] = {}

    def render(self) -> Iterator[bytes]:
        """The rows, as UTF-8: untouched rows as they were, changed ones decoded, edited and
        encoded again."""
        job = self.job
        body = job.source
        wanted = sorted(job.ops)
        k = 0
        pos = job.start
        last = 0
        out: list[bytes] = []
        for m in _ROW_B.finditer(body, job.start, job.end):
            gap = body[pos:m.start()]
            if gap.strip():
                raise StreamUnsupported(f"{job.part}: unexpected text in sheetData")
            pos = m.end()
            row = m.group(0)
            start = row[: row.find(b">")]
            rm = _ROW_R_B.search(start)
            r = int(rm.group(1)) if rm else last + 1
            if r <= last:
                raise StreamUnsupported(f"{job.part}: rows out of order")
            last = r
            while k < len(wanted) and wanted[k] < r:
                out.append(self._row(wanted[k], None, job.ops[wanted[k]]).encode("utf-8"))
                k += 1
            ops = None
            if k < len(wanted) and wanted[k] == r:
                ops = job.ops[r]
                k += 1
            if ops is not None or (job.neutralise and b"<f" in row):
                try:
                    text = row.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise StreamUnsupported(f"{job.part}: not UTF-8") from exc
                out.append(gap + self._row(r, text, ops).encode("utf-8"))
            else:
                out.append(gap + row)
            if len(out) >= _ROWS_PER_CHUNK:
                yield b"".join(out)
                out = []
        rest = body[pos:job.end]
        if rest.strip():
            raise StreamUnsupported(f"{job.part}: unexpected text in sheetData")
        out.append(rest)
        while k < len(wanted):
            out.append(self._row(wanted[k], None, job.ops[wanted[k]]).encode("utf-8"))
            k += 1
        yield b"".join(out)

    def _ops(self, r: int) -> dict[int, Op]:
        edits = self.job.edits
        assert edits is not None
        out: dict[int, Op] = {}
        for col in self.job.ops[r]:
            if col in out:
                continue
            cell = edits.cells.get((r, col))
            if cell is None:
                out[col] = Op(edits.overlay_at(r, col))
            else:
                out[col] = Op(edits.overlay_at(r, col), True, cell[0], cell[1])
        return out

    def _row(self, r: int, row: str | None, cols: list[int] | None) -> str:
        ops = self._ops(r) if cols is not None else None
        if row is None:
            row_attrs, inner = f' r="{r}"', ""
        else:
            m = _ROW_START.match(row)
            if m is None:
                raise StreamUnsupported("row")
            row_attrs = m.group(1)
            inner = "" if m.group(2) else row[m.end(): -len("</row>")]
            if not m.group(2) and not row.endswith("</row>"):
                raise StreamUnsupported("row")
        cells: list[tuple[int, str]] = []
        where: dict[int, int] = {}
        pos = 0
        digits_r = str(r)
        neutralise = self.job.neutralise
        for cm in _CELL_FAST.finditer(inner):
            start = cm.start()
            if start != pos and inner[pos:start].strip():
                raise StreamUnsupported(f"unexpected text in row {r}")
            pos = cm.end()
            letters, digits, attrs, body = cm.groups()
            if letters is None:
                ref = _CELL_R.search(attrs)
                if ref is None:
                    raise StreamUnsupported(f"a cell of row {r} without its reference")
                letters, digits = ref.groups()
            if digits != digits_r:
                raise StreamUnsupported(f"a cell of row {r} with the reference {letters}{digits}")
            col = _col(letters)
            xml = cm.group(0)
            if neutralise and body and "<f" in body:
                text = self._neutralise(r, letters, attrs, body)
                if text is not None:
                    cell = _CELL.match(text)
                    assert cell is not None
                    xml, attrs, body = text, cell.group(1), cell.group(2)
            if ops is not None:
                op = ops.get(col)
                if op is not None:
                    xml = self._apply(r, col, attrs, body, op, xml)
            where[col] = len(cells)
            cells.append((col, xml))
        if inner[pos:].strip():
            raise StreamUnsupported(f"unexpected text in row {r}")
        added = False
        if ops is not None:
            for col, op in ops.items():
                if col in where:
                    continue
                xml = self._apply(r, col, None, None, op, "")
                if xml:
                    cells.append((col, xml))
                    added = True
        if added:
            cells.sort(key=lambda c: c[0])
            row_attrs = _drop(row_attrs, "spans")
        return f"<row{row_attrs}>" + "".join(x for _, x in cells) + "</row>"

    def _apply(self, r: int, col: int, attrs: str | None, body: str | None, op: Op,
               xml: str) -> str:
        """The cell at (r, col) with ``op`` applied; ``xml`` is its current text."""
        styles = self.styles
        assert styles is not None
        sm = _CELL_S.search(attrs) if attrs else None
        base = int(sm.group(1)) if sm else 0
        xf = base
        overlay = op.overlay
        if overlay is not None:
            key = (base, overlay.fill, overlay.border)
            found = self._overlays.get(key)
            if found is None:
                found = self._overlays[key] = styles.overlay(base, overlay)
            xf = found
        empty = not body or not ("<v" in body or "<is" in body or "<f" in body)
        ref = f"{_letter(col)}{r}"
        if op.has_value and empty:
            value = _value(op.value)
            xf = styles.style(xf, op.style, value[2] if value else None)
            if attrs is None and value is None and xf == 0:
                return ""
            return _cell(ref, xf, value)
        if attrs is None:  # a cell that does not exist yet, for an overlay
            return _cell(ref, xf, None) if xf else ""
        if xf == base:
            return xml
        m = _C_START.match(xml)
        assert m is not None
        new_attrs = (_CELL_S.sub(f' s="{xf}"', m.group(1)) if sm
                     else m.group(1).rstrip() + f' s="{xf}"')
        return f"<c{new_attrs}{m.group(2)}" + xml[m.end():]

    def _neutralise(self, r: int, letters: str, attrs: str, body: str) -> str | None:
        f = _FORMULA.search(body)
        if f is None:
            return None
        text = unescape(f.group(2) or "")
        if not text and _SHARED.search(f.group(1)):
            si = _get(f.group(1), "si")
            master = self.job.masters.get(si or "")
            if master is None or not dangerous_formula(master[0]):
                return None
            text = _translate(master[0], master[1], f"{letters}{r}")
        if not text or not dangerous_formula(text):
            return None
        self.findings.append(_warning("formula.neutralised", sheet=self.job.title, row=r,
                                         column=letters, value=f"={text}"))
        sm = _CELL_S.search(attrs)
        s = f' s="{sm.group(1)}"' if sm and sm.group(1) != "0" else ""
        return (f'<c r="{letters}{r}"{s} t="inlineStr"><is><t xml:space="preserve">'
                f"{_esc('=' + text)}</t></is></c>")


def _translate(formula: str, origin: str, dest: str) -> str:
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + formula, origin=origin).translate_formula(dest)[1:]
    except Exception:  # noqa: BLE001 - the text of a formula openpyxl cannot move
        return formula


# --- comments ------------------------------------------------------------------------------------

_VML_NS = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
           "urn:schemas-microsoft-com:office:excel")


def _shapetype(v: str, o: str) -> str:
    return (
        f' <{v}:shapetype id="_x0000_t202" coordsize="21600,21600" {o}:spt="202" '
        'path="m,l,21600r21600,l21600,xe">\n'
        f'  <{v}:stroke joinstyle="miter"/>\n'
        f'  <{v}:path gradientshapeok="t" {o}:connecttype="rect"/>\n'
        f" </{v}:shapetype>\n"
    )


def _vml_shape(shape_id: int, row: int, col: int, v: str = "v", o: str = "o",
               x: str = "x") -> str:
    """The legacy shape Excel draws a note with (row and column 0-based inside)."""
    r, c = row - 1, col - 1
    return (
        f' <{v}:shape id="_x0000_s{shape_id}" type="#_x0000_t202" '
        "style='position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240pt;"
        f"height:90pt;z-index:1;visibility:hidden' fillcolor=\"#ffffe1\" "
        f'{o}:insetmode="auto">\n'
        f'  <{v}:fill color2="#ffffe1"/>\n'
        f'  <{v}:shadow on="t" color="black" obscured="t"/>\n'
        f'  <{v}:path {o}:connecttype="none"/>\n'
        f"  <{v}:textbox style='mso-direction-alt:auto'><div style='text-align:left'></div>"
        f"</{v}:textbox>\n"
        f'  <{x}:ClientData ObjectType="Note">\n'
        f"   <{x}:MoveWithCells/>\n   <{x}:SizeWithCells/>\n"
        f"   <{x}:Anchor>{c + 1}, 15, {max(r - 1, 0)}, 10, {c + 5}, 15, {r + 5}, 4</{x}:Anchor>\n"
        f"   <{x}:AutoFill>False</{x}:AutoFill>\n"
        f"   <{x}:Row>{r}</{x}:Row>\n   <{x}:Column>{c}</{x}:Column>\n"
        f"  </{x}:ClientData>\n </{v}:shape>\n"
    )


def _comment(ref: str, author_id: int, text: str) -> str:
    return (f'<comment ref="{ref}" authorId="{author_id}"><text>'
            f'<t xml:space="preserve">{_esc(text)}</t></text></comment>')


def _comments_xml(comments: dict[tuple[int, int], str], author: str) -> str:
    body = "".join(_comment(f"{_letter(c)}{r}", 0, text)
                   for (r, c), text in sorted(comments.items()))
    return (f'{_XML_DECL}<comments xmlns="{MAIN_NS}"><authors><author>{_esc(author)}</author>'
            f"</authors><commentList>{body}</commentList></comments>")


def _merge_comments(text: str, comments: dict[tuple[int, int], str], author: str) -> str:
    root = re.search(r"<(\w+:)?comments\b([^>]*)>", text)
    if root is None or root.group(1) or f'xmlns="{MAIN_NS}"' not in root.group(2):
        raise StreamUnsupported("comments part: not the main namespace as default")
    authors = re.search(r"<authors\b[^>]*?(?:/>|>(.*?)</authors>)", text, re.DOTALL)
    if authors is None:
        raise StreamUnsupported("comments part without authors")
    names = [unescape(a) for a in re.findall(r"<author>(.*?)</author>", authors.group(1) or "",
                                              re.DOTALL)]
    if author in names:
        author_id = names.index(author)
    else:
        author_id = len(names)
        new = f"<authors>{authors.group(1) or ''}<author>{_esc(author)}</author></authors>"
        text = text[:authors.start()] + new + text[authors.end():]
    refs = {f"{_letter(c)}{r}" for r, c in comments}
    theirs: dict[str, str] = {}

    def keep(m: re.Match[str]) -> str:
        ref = _get(m.group(1), "ref") or ""
        if ref not in refs:
            return m.group(0)
        # the staff's own note on that cell stays, ours follows it in one comment
        theirs[ref] = unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", m.group(0),
                                                  re.DOTALL)))
        return ""

    text = re.sub(r"<comment\b([^>]*?)(?:/>|>.*?</comment>)", keep, text, flags=re.DOTALL)

    def merged(ref: str, note: str) -> str:
        return f"{theirs[ref]}\n\n{note}" if theirs.get(ref) else note

    ours = "".join(_comment(ref := f"{_letter(c)}{r}", author_id, merged(ref, t))
                   for (r, c), t in sorted(comments.items()))
    end = text.find("</commentList>")
    if end >= 0:
        return text[:end] + ours + text[end:]
    m = re.search(r"<commentList\b[^>]*/>", text)
    if m is None:
        raise StreamUnsupported("comments part without commentList")
    return text[:m.start()] + f"<commentList>{ours}</commentList>" + text[m.end():]


# --- new sheets ----------------------------------------------------------------------------------


def _new_sheet_xml(new: NewSheet, styles: Styles) -> str:
    rows: list[str] = []
    max_col = 0
    for r, cells in enumerate(new.rows, start=1):
        out = []
        for c, (value, style) in enumerate(cells, start=1):
            v = _value(value)
            xf = styles.style(0, style, v[2] if v else None)
            if v is None and xf == 0:
                continue
            out.append(_cell(f"{_letter(c)}{r}", xf, v))
            max_col = max(max_col, c)
        if out:
            rows.append(f'<row r="{r}">' + "".join(out) + "</row>")
    for _r, c in new.links:
        max_col = max(max_col, c)
    max_row = max([len(new.rows), *(r for r, _ in new.links)], default=0)
    dim = f"A1:{_letter(max_col)}{max_row}" if max_row and max_col else "A1"
    parts = [_XML_DECL, f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
             f'<dimension ref="{dim}"/>', _sheet_views(new.freeze),
             '<sheetFormatPr defaultRowHeight="15"/>']
    if new.widths:
        parts.append("<cols>" + "".join(
            f'<col min="{c}" max="{c}" width="{float(w):g}" customWidth="1"/>'
            for c, w in sorted(new.widths.items())) + "</cols>")
    parts.append("<sheetData>" + "".join(rows) + "</sheetData>")
    if new.links:
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{_letter(c)}{r}" location="{_attr(loc)}"/>'
            for (r, c), loc in sorted(new.links.items())) + "</hyperlinks>")
    parts.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
                 'footer="0.5"/></worksheet>')
    return "".join(parts)


def _sheet_views(freeze: str | None) -> str:
    view = '<sheetViews><sheetView workbookViewId="0"{}</sheetView></sheetViews>'
    if not freeze:
        return view.format(">")
    row, col = _parse_ref(freeze)
    x, y = col - 1, row - 1
    if not x and not y:
        return view.format(">")
    pane = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
    splits = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    cell = f"{_letter(col)}{row}"
    return view.format(
        f'><pane{splits} topLeftCell="{cell}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{cell}" sqref="{cell}"/>')


# --- entry point ---------------------------------------------------------------------------------


def write_stream(source: Path, plan: CopyPlan, target: Path) -> list[Finding]:
    """Write the copy of the .xlsx/.xlsm ``source`` with ``plan`` applied to ``target`` (a
    temporary path chosen by the caller, who renames it atomically). Returns the findings of
    what was neutralised (formula.neutralised, link.removed), like safety.sanitise."""
    try:
        with zipfile.ZipFile(source) as zin:
            return Copier(zin, plan).write(Path(target))
    except StreamUnsupported:
        raise
    except (zipfile.BadZipFile, ParseError, ValueError, KeyError, IndexError, UnicodeError,
            zipfile.LargeZipFile) as exc:
        raise StreamUnsupported(f"{type(exc).__name__}: {exc}") from exc
