"""The one guarded reader: every command reads workbooks through :func:`read_book`.

The guard (``guard.py``) looks at the file before any parser does; then python-calamine reads the
values of every sheet (xlsx, xlsm, xls, ods alike), with merged ranges. Parser errors of any kind
become :class:`RejectedFile`; nothing from here raises anything else for a bad file.
"""

from __future__ import annotations

import time
import zipfile
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from defusedxml.ElementTree import iterparse
from python_calamine import CalamineWorkbook

from ..errors import RejectedFile
from ..model import DEFAULT_LIMITS, Book, Cell, Grid, Limits
from . import guard


def _clean_value(v: Cell) -> Cell:
    if v == "" or v is None:
        return None
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, timedelta | dtime):
        return str(v)
    if isinstance(v, datetime) and v.time() == dtime(0):
        return v.date()
    return v


def read_book(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Book:
    """Read every sheet's values, or raise :class:`RejectedFile` with the reason."""
    path = Path(path)
    started = time.monotonic()
    fmt = guard.inspect(path, limits)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types and sometimes ValueError
        raise _parser_rejection(exc) from exc
    sheets: list[Grid] = []
    ods_merges: dict[str, list[tuple[int, int, int, int]]] | None = None
    try:
        for meta in wb.sheets_metadata:
            if time.monotonic() - started > limits.max_seconds:
                raise RejectedFile("file.timeout", limit=int(limits.max_seconds))
            kind = str(getattr(meta, "typ", "WorkSheet"))
            if "WorkSheet" not in kind:
                continue  # chart sheets, macro sheets
            sheet = wb.get_sheet_by_name(meta.name)
            cells = sheet.height * sheet.width
            if cells > limits.max_cells:
                raise RejectedFile(
                    "file.too_large",
                    sheet=meta.name,
                    detail=f"{sheet.height} x {sheet.width}",
                    limit=f"{limits.max_cells} cells",
                )
            merged = [
                (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
            ]
            rows = sheet.to_python(skip_empty_area=False)
            del sheet  # calamine's own copy of the cells goes before ours grow
            seen: dict[str, str] = {}  # the same text down a column is one object, not 10,000
            for row in rows:  # in place: one copy of a large sheet in memory, not two
                for i, v in enumerate(row):
                    if v == "" or type(v) is not str:
                        row[i] = _clean_value(v)
                    else:
                        row[i] = seen.setdefault(v, v)
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            if fmt == "ods":
                if ods_merges is None:
                    ods_merges = _ods_merged_ranges(path)
                merged = ods_merges.get(meta.name, [])
            visible = "Visible" in str(getattr(meta, "visible", "Visible"))
            sheets.append(Grid(meta.name, rows, merged, visible))
    except RejectedFile:
        raise
    except Exception as exc:
        raise _parser_rejection(exc) from exc
    finally:
        try:
            wb.close()
        except Exception:  # pragma: no cover - closing never matters for correctness
            pass
    return Book(path, fmt, sheets)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges of an .ods file (calamine gives none for ODS): the spanned cells of
    content.xml, found by a streaming parse. The guard has already refused entity declarations
    and inflation past the limits."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    sheet: str | None = None
    row = col = 0
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    sheet, row = el.get(f"{_TABLE}name") or "", 0
                    out.setdefault(sheet, [])
                elif tag == f"{_TABLE}table-row":
                    col = 0
                elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                    rows = int(el.get(f"{_TABLE}number-rows-spanned", "1"))
                    cols = int(el.get(f"{_TABLE}number-columns-spanned", "1"))
                    if sheet is not None and (rows > 1 or cols > 1):
                        out[sheet].append((row, col, row + rows - 1, col + cols - 1))
                continue
            if tag == f"{_TABLE}table-row":
                row += int(el.get(f"{_TABLE}number-rows-repeated", "1"))
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                col += int(el.get(f"{_TABLE}number-columns-repeated", "1"))
            elif tag == f"{_TABLE}table":
                sheet = None
            el.clear()
    return out


def _parser_rejection(exc: Exception) -> RejectedFile:
    detail = f"{type(exc).__name__}: {exc}".strip()
    low = detail.lower()
    if "password" in low or "encrypt" in low:
        return RejectedFile("file.encrypted")
    if len(detail) > 200:
        detail = detail[:200] + "…"
    if "zip" in low or "eof" in low or "invalid" in low or "xml" in low:
        return RejectedFile("file.corrupt", detail=detail)
    return RejectedFile("file.unreadable", detail=detail)

