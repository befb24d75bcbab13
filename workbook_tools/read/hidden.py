"""Rows staff hid in an .xlsx/.xlsm (calamine does not say): ``<row r="12" hidden="1">`` in each
worksheet part, found by streaming the part in pieces. The guard has already checked the package
(entities, sizes); a part this cannot read simply has no hidden rows: hidden rows are told on
the Summary, never a reason to refuse a file."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring

from ..model import Limits
from ..ooxml import MAIN_NS, REL_NS, WORKBOOK, parse_rels, rels_name, resolve

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_R = re.compile(rb"""\sr\s*=\s*["'](\d{1,7})["']""")
CHUNK = 1 << 20


def hidden_xlsx_rows(path: Path, limits: Limits) -> dict[str, set[int]]:
    """Hidden rows (0-based) by sheet name; empty where the package cannot tell."""
    try:
        with zipfile.ZipFile(path) as z:
            root = fromstring(z.read(WORKBOOK))
            by_id = {r.id: r for r in parse_rels(z.read(rels_name(WORKBOOK)))}
            out: dict[str, set[int]] = {}
            for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
                rel = by_id.get(sheet.get(f"{{{REL_NS}}}id", ""))
                if rel is None or rel.mode == "External":
                    continue
                rows = _hidden_in(z, resolve(WORKBOOK, rel.target), limits)
                if rows:
                    out[sheet.get("name", "")] = rows
            return out
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ParseError, RuntimeError):
        return {}


def _hidden_in(z: zipfile.ZipFile, part: str, limits: Limits) -> set[int]:
    rows: set[int] = set()
    tail = b""
    with z.open(part) as fh:
        while chunk := fh.read(CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag cut at the piece's end is read with the next piece
            body, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            if b"hidden" not in body:
                continue
            for m in _ROW.finditer(body):
                attrs = m.group(1)
                if _HIDDEN.search(attrs) and (r := _R.search(attrs)):
                    row = int(r.group(1)) - 1
                    if 0 <= row < limits.max_rows:
                        rows.add(row)
    return rows
