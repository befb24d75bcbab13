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
from ..ooxml import (
    MAIN_NS,
    REL_NS,
    WORKBOOK,
    open_package,
    parse_rels,
    rels_name,
    remembered,
    resolve,
)
from .ooxml_scan import OoxmlFacts

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_R = re.compile(rb"""\sr\s*=\s*["'](\d{1,7})["']""")
CHUNK = 1 << 20


#: what makes :func:`hidden_xlsx_rows` give up (and tell no hidden rows)
_FAILURES = (OSError, KeyError, ValueError, zipfile.BadZipFile, ParseError, RuntimeError)


def hidden_xlsx_rows(path: Path, limits: Limits) -> dict[str, set[int]]:
    """Hidden rows (0-based) by sheet name; empty where the package cannot tell."""
    try:
        with open_package(path) as z:
            out: dict[str, set[int]] = {}
            for name, part in _sheet_parts(z.read(WORKBOOK), z.read(rels_name(WORKBOOK))):
                rows = _hidden_in(z, part, limits)
                if rows:
                    out[name] = rows
            return out
    except _FAILURES:
        return {}


def hidden_rows_seen(path: Path, limits: Limits, facts: OoxmlFacts | None) -> dict[str, set[int]]:
    """:func:`hidden_xlsx_rows`, told by what the guard saw where it can be: when none of the
    parts the sheets name (found by the same route, from the same bytes) holds a hidden row's
    value (``hidden="1"``, in :data:`.ooxml_scan._HIDDEN_VALUE`'s forms, which every match of
    :data:`_HIDDEN` holds), :func:`hidden_xlsx_rows` finds no row or fails, and gives ``{}``
    either way; the package is then not opened again."""
    if facts is not None and facts.workbook is not None and facts.workbook_rels is not None:
        named: tuple[tuple[str, str], ...] | None
        try:
            named = _named_parts(facts.workbook, facts.workbook_rels)
        except _FAILURES:
            named = None
        if named is not None and facts.no_hidden.issuperset(part for _name, part in named):
            return {}
    return hidden_xlsx_rows(path, limits)


@remembered(64 * 1024, maxsize=32)  # the files of one batch are often of one template
def _named_parts(workbook: bytes, rels: bytes) -> tuple[tuple[str, str], ...]:
    return tuple(_sheet_parts(workbook, rels))


def _sheet_parts(workbook: bytes, rels: bytes) -> list[tuple[str, str]]:
    """(sheet name, worksheet part) of each sheet xl/workbook.xml names, in its order."""
    root = fromstring(workbook)
    by_id = {r.id: r for r in parse_rels(rels)}
    out = []
    for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
        rel = by_id.get(sheet.get(f"{{{REL_NS}}}id", ""))
        if rel is None or rel.mode == "External":
            continue
        out.append((sheet.get("name", ""), resolve(WORKBOOK, rel.target)))
    return out


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
