"""The consolidated workbook as data: which columns each of its sheets holds (the writer
writes them, the reader reads them back), and a consolidated workbook read back as its units.

The workbook carries a hidden sheet, :data:`META_SHEET`, that says it is one and where its
tables are: its name, the day it was made for, and for each table its sheet, header row and
the key of each column. A consolidated workbook given as input (a district over its
administrations) or as ``--previous`` is read by those keys, whatever the language it was
written in; the words of levels and statuses are read back in any of the three languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from .. import messages
from ..model import Book, Grid, Level
from ..rules import matrix
from ..rules.formats import table_format
from ..rules.plan import STATUSES
from .model import ACTIVITY_FIELDS, RISK_FIELDS, Loaded, UnitFile
from .names import unit_key

META_SHEET = "wbt_consolidated"
MARKER = "workbook_tools consolidated workbook"
VERSION = 1

#: The columns of the Units sheet, in order.
UNIT_FIELDS: tuple[str, ...] = (
    "administration", "unit", "files", "file_date", "rows", "high", "medium", "low",
    "unscored", "errors", "warnings", "activities", "overdue", "due_soon", "done",
)

_OWN_HEADERS = {
    "administration": "cons.col.administration", "unit": "cons.col.unit",
    "file": "summary.file", "files": "cons.col.files", "sheet": "cons.col.sheet",
    "row": "cons.col.row", "section": "cons.col.section", "score": "col.sum",
    "level": "col.level", "residual_level": "col.residual", "measure": "col.measure",
    "findings": "col.findings", "due_start": "col.due_start", "due_end": "col.due_end",
    "next_due": "col.next_due", "status": "col.status", "file_date": "cons.col.file_date",
    "rows": "cons.col.rows", "unscored": "level.none", "errors": "cons.col.errors",
    "warnings": "cons.col.warnings", "activities": "cons.col.activities",
    "overdue": "status.overdue", "due_soon": "status.due_soon", "done": "status.done",
    "high": "level.high", "medium": "level.medium", "low": "level.low",
}
_FORMAT_KEYS = {"unit_column": "unit", "typed_status": "status"}


def header(key: str, kind: str, lang: str) -> str:
    """The header of a column of the consolidated workbook, in ``lang``."""
    if key in _OWN_HEADERS:
        return messages.text(_OWN_HEADERS[key], lang)
    fmt = table_format(kind)
    spec_key = _FORMAT_KEYS.get(key, key)
    if spec_key in fmt.by_key:
        return fmt.column(spec_key).label[lang]
    return key


# --- words read back ---------------------------------------------------------------------------


#: every level code a stored workbook may hold
LEVEL_CODES = tuple(lv.value for lv in Level)


@cache
def _words() -> dict[str, dict[str, str]]:
    levels = {unit_key(messages.level_name(code, lang)): code
              for code in LEVEL_CODES for lang in messages.LANGS}
    measures = {unit_key(messages.text(key.replace("measure.", "measure_short."), lang)): key
                for key in matrix.MEASURE_KEY.values() for lang in messages.LANGS}
    statuses = {unit_key(messages.text(f"status.{s}", lang)): s
                for s in STATUSES for lang in messages.LANGS}
    return {"level": levels, "residual_level": levels, "measure": measures, "status": statuses}


def _code(key: str, v: Any) -> Any:
    words = _words().get(key)
    if words is None or not isinstance(v, str):
        return v
    return words.get(unit_key(v))


def _plain(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, datetime) and v.time() == datetime.min.time():
        return v.date()
    return v


# --- reading a consolidated workbook back -------------------------------------------------------


def _meta(grid: Grid) -> dict[str, list[Any]] | None:
    if grid.value(0, 0) != MARKER:
        return None
    return {str(row[0]): list(row[1:]) for row in grid.rows[1:] if row and row[0]}


def _table(book: Book, spec: Sequence[Any]) -> tuple[list[str], list[list[Any]]]:
    """The keys and rows of one table the meta sheet points to."""
    if len(spec) < 4:
        return [], []
    sheet, header_row, count = spec[0], spec[1], spec[2]
    keys = [str(k) for k in spec[3:] if k]
    grid = next((g for g in book.sheets if g.name == sheet), None)
    if grid is None or not isinstance(header_row, int | float) or not isinstance(
            count, int | float):
        return keys, []
    rows = grid.rows[int(header_row):int(header_row) + int(count)]
    return keys, [row for row in rows if any(v is not None for v in row)]


def _tuples(keys: list[str], rows: list[list[Any]], fields: tuple[str, ...],
            ) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        rec = {k: _code(k, _plain(row[i])) if i < len(row) else None
               for i, k in enumerate(keys)}
        out.append({f: rec.get(f) for f in fields})
    return out


def _as_day(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            return None
    return None


def read_consolidated(book: Book, path: Path, administration: str = "",
                      fill: bool = True) -> Loaded | None:
    """The units of a consolidated workbook (None when ``book`` is not one): each keeps its
    administration, or (``fill``) takes the workbook's own name when it had none."""
    grid = next((g for g in book.sheets if g.name == META_SHEET), None)
    meta = _meta(grid) if grid is not None else None
    if meta is None:
        return None
    name = str((meta.get("name") or [""])[0] or "") or administration or path.stem
    units: dict[tuple[str, str], UnitFile] = {}

    def unit_of(rec: dict[str, Any]) -> UnitFile:
        admin = str(rec.get("administration") or "") or (name if fill else "")
        unit = str(rec.get("unit") or "")
        key = (unit_key(admin), unit_key(unit))
        if key not in units:
            modified = rec.get("file_date")
            units[key] = UnitFile(
                unit, "consolidated", admin, str(rec.get("files") or path.name),
                modified if isinstance(modified, datetime) else None, "consolidated",
                via=path.name)
        return units[key]

    keys, rows = _table(book, meta.get("units", []))
    for rec in _tuples(keys, rows, UNIT_FIELDS):
        u = unit_of(rec)
        u.errors = int(rec.get("errors") or 0)
        u.warnings = int(rec.get("warnings") or 0)
    for part, fields, target in (("risks", RISK_FIELDS, "risks"),
                                 ("activities", ACTIVITY_FIELDS, "activities")):
        keys, rows = _table(book, meta.get(part, []))
        for rec in _tuples(keys, rows, fields):
            u = unit_of(rec)
            rec["administration"] = u.administration
            getattr(u, target).append(tuple(rec[f] for f in fields))
    for u in units.values():
        u.parts = tuple(p for p, rows_ in (("register", u.risks), ("plan", u.activities))
                        if rows_)
    as_of = _as_day((meta.get("as_of") or [None])[0])
    return Loaded(str(path), list(units.values()), stored_as_of=as_of, stored_name=name)


def meta_rows(name: str, as_of: date,
              tables: dict[str, tuple[str, int, int, Sequence[str]]]) -> list[list[Any]]:
    """The hidden sheet's rows: what :func:`read_consolidated` reads. ``tables``: for each
    table its sheet, the Excel row of its header, its number of rows, its column keys."""
    rows: list[list[Any]] = [[MARKER, VERSION], ["name", name], ["as_of", as_of.isoformat()]]
    for part, (sheet, header_row, count, keys) in tables.items():
        rows.append([part, sheet, header_row, count, *keys])
    return rows
