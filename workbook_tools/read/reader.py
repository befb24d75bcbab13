"""The one guarded reader: every command reads workbooks through :func:`read_book`.

The guard (``guard.py``) looks at the file before any parser does; then python-calamine reads the
values of every sheet (xlsx, xlsm, xls, ods, xlsb alike), with merged ranges; CSV is read by
``csvfile.py``; what only LibreOffice reads is converted by it (``libreoffice.py``). Macro, dialog
and chart sheets are skipped with a finding. Parser errors of any kind become
:class:`RejectedFile` (their text under ``debug``); nothing from here raises anything else for a
bad file.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from defusedxml.ElementTree import iterparse
from python_calamine import CalamineWorkbook

from ..errors import RejectedFile
from ..model import DEFAULT_LIMITS, Book, Cell, Finding, Grid, Limits, Severity
from . import guard, libreoffice
from .csvfile import read_csv
from .hidden import hidden_rows_seen
from .ooxml_scan import OoxmlFacts
from .rejections import check_grid, phrase, plain, unsupported


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


_EXACT = 2**53


def _clean_rows(rows: list[list[Cell]]) -> None:
    """Every value through :func:`_clean_value`, row by row (one row copied at a time, not the
    sheet); the same text down a column becomes one object, not 10,000. Text and floats, nearly
    every cell, are cleaned inline as :func:`_clean_value` would."""
    seen: dict[str, str] = {}
    intern = seen.setdefault
    clean = _clean_value
    for j, row in enumerate(rows):
        rows[j] = [
            (intern(v, v) if v else None) if type(v) is str
            else (int(v) if v.is_integer() and -_EXACT < v < _EXACT else v)
            if type(v) is float else clean(v)
            for v in row
        ]


def read_book(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Book:
    """Read every sheet's values, or raise :class:`RejectedFile` with the reason.

    The guard first; then python-calamine (or the CSV reader); where the fast reader cannot
    read a file the guard passed, LibreOffice converts it (:func:`_read_converted`). A workbook
    encrypted only with Excel's default read-only password is decrypted first. What was done
    on the way in is in ``Book.notes`` (findings).
    """
    path = Path(path)
    started = time.monotonic()
    try:
        fmt, facts = guard.inspect_file(path, limits)
    except RejectedFile as exc:
        if exc.reason != "file.encrypted":
            raise
        return _read_decrypted(path, limits, exc)
    notes: list[Finding] = []
    if fmt == "csv":
        return Book(path, "csv", [read_csv(path, limits)], notes)
    if fmt in guard.CALAMINE_FORMATS:
        try:
            return Book(path, fmt, _read_calamine(path, fmt, limits, started, notes, facts),
                        notes)
        except RejectedFile as exc:
            if exc.reason != "file.corrupt":
                raise
            return _read_converted(path, fmt, limits, exc)
    return _read_converted(path, fmt, limits, None)


#: The password Excel uses for "read-only recommended" workbooks: they open without asking.
DEFAULT_PASSWORD = "VelvetSweatshop"


def _read_decrypted(path: Path, limits: Limits, refused: RejectedFile) -> Book:
    """A workbook encrypted with Excel's default read-only password, decrypted (msoffcrypto)
    into a private temporary folder and read from there; any other password is a rejection."""
    import msoffcrypto  # only for encrypted files

    work = Path(tempfile.mkdtemp(prefix="wbt-dec-"))
    try:
        plain_copy = work / "decrypted"
        try:
            with path.open("rb") as fh, plain_copy.open("wb") as out:
                office = msoffcrypto.OfficeFile(fh)
                office.load_key(password=DEFAULT_PASSWORD)
                office.decrypt(out)
        except Exception as exc:  # a real password, or an encryption msoffcrypto cannot undo
            raise RejectedFile("file.encrypted", debug=plain(f"{type(exc).__name__}: {exc}")) \
                from exc
        inner = read_book(plain_copy, limits)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    note = Finding(Severity.WARNING, "file.decrypted")
    return Book(path, f"{inner.format}+decrypted", inner.sheets, [note, *inner.notes])


def _read_converted(path: Path, fmt: str, limits: Limits, failure: RejectedFile | None) -> Book:
    """The reader of last resort: LibreOffice converts the file to .xlsx (private profile, no
    macros, a hard time limit), and the copy goes through the guard and calamine."""
    debug = failure.params.get("debug", "") if failure is not None else ""
    if not libreoffice.available():
        raise RejectedFile("file.libreoffice_missing", format=phrase(f"format.{fmt}"),
                           **({"debug": debug} if debug else {}))
    try:
        with libreoffice.converted(path, "xlsx", timeout=limits.convert_seconds) as out:
            inner = read_book(out, limits)
    except libreoffice.LibreOfficeError as exc:
        if exc.reason == "file.libreoffice_failed" and fmt == "zip":
            raise unsupported("zip", exc.output) from exc
        exc.params.setdefault("debug", plain(f"{debug} {exc.output}".strip(), 400))
        raise
    note = Finding(Severity.WARNING, "file.converted", params={"format": phrase(f"format.{fmt}")})
    return Book(path, f"{fmt}+libreoffice", inner.sheets, [note, *inner.notes])


#: calamine's names of the sheets that are no tables, and the text that names each kind
_NOT_TABLES = {"MacroSheet": "sheetkind.macro", "DialogSheet": "sheetkind.dialog",
               "ChartSheet": "sheetkind.chart", "Vba": "sheetkind.vba"}


def _read_calamine(path: Path, fmt: str, limits: Limits, started: float,
                   notes: list[Finding], facts: OoxmlFacts | None = None) -> list[Grid]:
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # calamine's own errors; a Rust panic is a BaseException
        raise _parser_rejection(exc) from exc
    sheets: list[Grid] = []
    ods_merges: dict[str, list[tuple[int, int, int, int]]] | None = None
    hidden: dict[str, set[int]] | None = None
    try:
        for meta in wb.sheets_metadata:
            if time.monotonic() - started > limits.max_seconds:
                raise RejectedFile("file.timeout", limit=int(limits.max_seconds))
            kind = str(getattr(meta, "typ", "WorkSheet")).rsplit(".", 1)[-1]
            if kind != "WorkSheet":
                what = _NOT_TABLES.get(kind, "sheetkind.other")
                notes.append(Finding(Severity.WARNING, "sheet.skipped", sheet=meta.name,
                                     params={"kind": phrase(what)}))
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            check_grid(meta.name, sheet.height, sheet.width, limits)
            merged = [
                (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
            ]
            rows = sheet.to_python(skip_empty_area=False)
            del sheet  # calamine's own copy of the cells goes before ours grow
            _clean_rows(rows)
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            if fmt == "ods":
                if ods_merges is None:
                    ods_merges, hidden = _ods_layout(path, limits)
                merged = ods_merges.get(meta.name, [])
            elif hidden is None:
                hidden = hidden_rows_seen(path, limits, facts) if fmt in ("xlsx", "xlsm") \
                    else {}
            visible = "Visible" in str(getattr(meta, "visible", "Visible"))
            sheets.append(Grid(meta.name, rows, merged, visible,
                               frozenset(r for r in (hidden or {}).get(meta.name, ())
                                         if r < len(rows))))
    except RejectedFile:
        raise
    except BaseException as exc:  # calamine's own errors; a Rust panic is a BaseException
        raise _parser_rejection(exc) from exc
    finally:
        try:
            wb.close()
        except Exception:  # pragma: no cover - closing never matters for correctness
            pass
    return sheets


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_layout(path: Path, limits: Limits) -> tuple[dict[str, list[tuple[int, int, int, int]]],
                                                    dict[str, set[int]]]:
    """Merged ranges and hidden rows of an .ods file (calamine gives neither for ODS): the
    spanned cells and collapsed rows of content.xml, found by a streaming parse. The guard has
    already refused entity declarations and inflation past the limits."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    hidden: dict[str, set[int]] = {}
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
                repeated = int(el.get(f"{_TABLE}number-rows-repeated", "1"))
                if (sheet is not None and el.get(f"{_TABLE}visibility") in ("collapse", "filter")
                        and row < limits.max_rows):
                    hidden.setdefault(sheet, set()).update(
                        range(row, min(row + repeated, limits.max_rows)))
                row += repeated
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                col += int(el.get(f"{_TABLE}number-columns-repeated", "1"))
            elif tag == f"{_TABLE}table":
                sheet = None
            el.clear()
    return out, hidden


def _parser_rejection(exc: BaseException) -> RejectedFile:
    """A parser's failure as a rejection; its text is kept for ``--debug`` only. An interrupt
    is no failure of the parser: it goes on up."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc
    detail = plain(f"{type(exc).__name__}: {exc}".strip(), 400)
    low = detail.lower()
    if "password" in low or "encrypt" in low:
        return RejectedFile("file.encrypted", debug=detail)
    return RejectedFile("file.corrupt", debug=detail)
