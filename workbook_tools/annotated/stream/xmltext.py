"""The XML of any part, as text: escaping what the copy writes, reading and changing the
attributes of a start tag, and decoding a part (UTF-8 only)."""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from ...ooxml import REL_NS
from .errors import StreamUnsupported

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)')"""


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _ILLEGAL.sub("", text)


def esc(text: str) -> str:
    """``text`` as element content."""
    return (clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def esc_attr(text: str) -> str:
    """``text`` as an attribute value (between double quotes)."""
    return (esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


@lru_cache(maxsize=256)
def _get_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w:.-])" + re.escape(name) + _ATTR_VALUE)


@lru_cache(maxsize=256)
def _set_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(\s" + re.escape(name) + r")" + _ATTR_VALUE)


def get_attr(tag: str, name: str) -> str | None:
    """The (unescaped) value of attribute ``name`` in the start tag text ``tag``."""
    m = _get_pattern(name).search(tag)
    if m is None:
        return None
    return unescape(m.group(1) if m.group(1) is not None else m.group(2))


def set_attr(attrs: str, name: str, value: str) -> str:
    """``attrs`` (the attributes of a start tag) with ``name`` set to ``value``."""
    pattern = _set_pattern(name)
    new = f' {name}="{esc_attr(value)}"'
    if pattern.search(attrs):
        return pattern.sub(lambda _m: new, attrs, count=1)
    return attrs.rstrip() + new


def drop_attr(attrs: str, name: str) -> str:
    """``attrs`` (the attributes of a start tag) without ``name``."""
    return re.sub(r"\s" + re.escape(name) + _ATTR_VALUE, "", attrs)


def rel_id_attr(text: str, root: str, rid: str) -> str:
    """The attribute naming relationship ``rid`` on a new child of the root element ``root``
    of ``text``: with the prefix the root declares for relationships, or declared in place."""
    m = re.search(rf"<{root}\b[^>]*>", text)
    if m is not None:
        p = re.search(r"""\sxmlns:([\w.-]+)\s*=\s*["']""" + re.escape(REL_NS) + "[\"']",
                      m.group(0))
        if p is not None:
            return f'{p.group(1)}:id="{rid}"'
    return f'xmlns:r="{REL_NS}" r:id="{rid}"'


def decode(data: bytes | bytearray, part: str) -> str:
    """The text of part ``part``; declined unless it is UTF-8."""
    head = data[:200]
    m = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.-]+)", head)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        raise StreamUnsupported(f"{part}: encoding {m.group(1).decode()}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StreamUnsupported(f"{part}: not UTF-8") from exc
