"""``xl/styles.xml``, edited as text: the fonts, fills, borders and cell formats the plan needs
are appended and the counts fixed; everything else in it (and its prefixes) stays as written."""

from __future__ import annotations

import re
from typing import Any

from ...copyplan import Overlay, Style
from ...ooxml import MAIN_NS, remembered
from .errors import StreamUnsupported
from .xmltext import get_attr, set_attr

_XF = re.compile(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.DOTALL)
_XF_START = re.compile(r"<xf\b([^>]*?)(/?)>")
_ALIGNMENT = re.compile(r"<alignment\b[^>]*?(?:/>|>.*?</alignment>)", re.DOTALL)
_FONT = re.compile(r"<font\b[^>]*?(?:/>|>.*?</font>)", re.DOTALL)
_FONT_PART = re.compile(r"<(sz|color|name|family|charset|scheme)\b[^>]*?(?:/>|>.*?</\1>)",
                        re.DOTALL)
_ARGB = re.compile(r"[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?")
_SECTIONS = {"fonts": r"<font\b", "fills": r"<fill\b", "borders": r"<border\b"}
_NUMFMT = re.compile(r"<numFmt\b([^>]*?)/?>")
#: how the dates the tool writes are shown: as people write them
DATE_FORMAT = "DD.MM.YYYY"
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
        self._date_fmt: int | None = None
        self._new_numfmt: str | None = None
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
        value = get_attr(m.group(1), "fillId") if m else None
        return int(value) if value and value.isdigit() else 0

    def _xf_raw(self, xf: int) -> str:
        if not 0 <= xf < len(self.xfs):
            raise StreamUnsupported(f"cell format {xf} does not exist")
        return self.xfs[xf]

    def _derive(self, base: int, changes: dict[str, int], wrap: bool) -> int:
        self.xfs.append(_derived(self._xf_raw(base), tuple(changes.items()), wrap))
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
        if numfmt == 14:  # a date: written as people write it, whatever the locale
            numfmt = self.date_format()
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

    def date_format(self) -> int:
        """The id of the number format DATE_FORMAT (25.11.2026), added when missing."""
        if self._date_fmt is not None:
            return self._date_fmt
        ids = [0]
        for m in _NUMFMT.finditer(self.text):
            fid, code = get_attr(m.group(1), "numFmtId"), get_attr(m.group(1), "formatCode")
            if fid and fid.isdigit():
                if code == DATE_FORMAT:
                    self._date_fmt = int(fid)
                    return self._date_fmt
                ids.append(int(fid))
        self._date_fmt = max(163, *ids) + 1
        self._new_numfmt = f'<numFmt numFmtId="{self._date_fmt}" formatCode="{DATE_FORMAT}"/>'
        return self._date_fmt

    def render(self) -> bytes:
        text = self.text
        if self._new_numfmt:
            m = re.search(r"<numFmts\b([^>]*?)(/?)>", text)
            if m is not None and not m.group(2):
                count = len(_NUMFMT.findall(text)) + 1
                tag = f"<numFmts{set_attr(m.group(1), 'count', str(count))}>"
                text = text[:m.start()] + tag + self._new_numfmt + text[m.end():]
            else:
                if m is not None:  # an empty <numFmts/>
                    text = text[:m.start()] + text[m.end():]
                root = re.search(r"<styleSheet\b[^>]*>", text)
                assert root is not None
                text = (text[:root.end()] + f'<numFmts count="1">{self._new_numfmt}</numFmts>'
                        + text[root.end():])
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
            tag = f"<{name}{set_attr(m.group(1), 'count', str(total))}>"
            text = text[:start] + tag + text[start_end:end] + "".join(new) + text[end:]
        return text.encode("utf-8")


_APPLY = {"fontId": "applyFont", "fillId": "applyFill", "borderId": "applyBorder",
          "numFmtId": "applyNumberFormat"}


#: the longest ``<xf>`` whose derived formats are remembered (a real one is under 300
#: characters; a hostile one is worked out each time, never kept)
_REMEMBERED_XF = 1024


@remembered(_REMEMBERED_XF, maxsize=4096)
def _derived(raw: str, changes: tuple[tuple[str, int], ...], wrap: bool) -> str:
    """The cell format ``raw`` (an ``<xf>``) with ``changes`` (attribute, id) made and, with
    ``wrap``, wrapped text aligned to the top. Remembered: files made from one template ask
    for the same formats, file after file."""
    m = _XF_START.match(raw)
    if m is None:
        raise StreamUnsupported("styles.xml: cell format")
    attrs, rest = m.group(1), "" if m.group(2) else raw[m.end():-len("</xf>")]
    for name, value in changes:
        attrs = set_attr(attrs, name, str(value))
        attrs = set_attr(attrs, _APPLY[name], "1")
    if wrap:
        rest = '<alignment wrapText="1" vertical="top"/>' + _ALIGNMENT.sub("", rest)
        attrs = set_attr(attrs, "applyAlignment", "1")
    return f"<xf{attrs}>{rest}</xf>" if rest else f"<xf{attrs}/>"


def _argb(color: str) -> str:
    if not _ARGB.fullmatch(color):
        raise StreamUnsupported(f"colour {color!r}")
    return color.upper() if len(color) == 8 else "FF" + color.upper()

