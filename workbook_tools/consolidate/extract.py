"""One file read for consolidation (run in a worker process): the pipeline's analysis of a
unit's workbook, or the units of a consolidated workbook given as input, as plain rows.

Every file goes through the guarded reader (``read/``) once; a unit's workbook is then
analysed by the one pipeline (:func:`workbook_tools.pipeline.analyse_book`), exactly as
``validate`` does. Only the rows and counts consolidation needs go back to the parent.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import messages
from ..errors import RejectedFile
from ..kinds.plan import PLAN
from ..kinds.register import REGISTER
from ..model import Book, Options, Table
from ..pipeline import analyse_book
from ..read.reader import read_book
from . import names
from .model import ACTIVITY_FIELDS, RISK_FIELDS, Loaded, UnitFile
from .stored import META_SHEET, read_consolidated


def cell(v: Any) -> Any:
    """A value as the consolidated workbook writes it: None, str, int, float, bool or a date."""
    if v is None or isinstance(v, str | bool | int | float | date):
        if isinstance(v, float) and v != v:  # NaN
            return None
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if hasattr(v, "item"):  # numpy numbers
        return cell(v.item())
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


_RISK_SOURCE = {  # consolidated field -> the frame's column (raw where staff's words are codes)
    "number": "number_raw", "category": "category_raw", "stated_level": "stated_level_raw",
    "unit_column": "unit", "control": "control_raw",
}
_ACTIVITY_SOURCE = {
    "number": "number_raw", "deadline": "deadline_raw", "typed_status": "status_raw",
}
_SCORES = ("probability", "harm")


def _row_findings(table: Table, lang: str) -> dict[int, str]:
    by_row: dict[int, list[str]] = defaultdict(list)
    for f in table.findings:
        if f.row is not None:
            by_row[f.row].append(messages.render(f, lang))
    return {r: "\n".join(texts)[:1000] for r, texts in by_row.items()}


def _rows(table: Table, fields: tuple[str, ...], source: dict[str, str], unit: str,
          administration: str, file: str, lang: str) -> list[tuple[Any, ...]]:
    notes = _row_findings(table, lang)
    frame = table.frame
    rows = [int(r) for r in frame.index]
    n = len(rows)
    # column by column (a frame's rows as dicts cost more than the analysis of a small file)
    columns: list[list[Any]] = []
    for key in fields:
        if key == "administration":
            columns.append([administration or None] * n)
        elif key == "unit":
            columns.append([unit] * n)
        elif key == "file":
            columns.append([file] * n)
        elif key == "sheet":
            columns.append([table.sheet] * n)
        elif key == "row":
            columns.append(rows)
        elif key == "findings":
            columns.append([notes.get(r) for r in rows])
        elif key in _SCORES:
            parsed = [cell(v) for v in frame[key].tolist()] if key in frame else [None] * n
            raw = frame[f"{key}_raw"].tolist() if f"{key}_raw" in frame else [None] * n
            columns.append([v if v is not None else cell(w) for v, w in zip(parsed, raw,
                                                                             strict=True)])
        else:
            col = source.get(key, key)
            columns.append([cell(v) for v in frame[col].tolist()] if col in frame
                           else [None] * n)
    return list(zip(*columns, strict=True)) if n else []


def _unit_name(tables: list[Table], path: Path) -> tuple[str, str]:
    for t in tables:
        if t.grid is not None:
            found = names.name_from_sheet(t.grid, t.layout.header_row)
            if found:
                return found
    for t in tables:
        if t.kind is REGISTER and "unit" in t.frame.columns:
            name = names.name_from_column(t.frame["unit"])
            if name:
                return name, "column"
    return names.name_from_file(path), "file"


def _modified(path: Path) -> tuple[datetime | None, str]:
    stamp = names.workbook_modified(path)
    if stamp is not None:
        return stamp, "workbook"
    return names.file_modified(path), "file"


def load_book(book: Book, path: Path, options: Options, administration: str,
              started: float | None = None) -> Loaded:
    """The units a workbook already read holds."""
    file = str(path)
    if any(g.name == META_SHEET for g in book.sheets):
        stored = read_consolidated(book, path, administration)
        if stored is not None:
            return stored
    report = analyse_book(book, options, None, started)
    if report.status == "rejected":
        return Loaded(file, reason=report.reason, reason_params=dict(report.reason_params))
    tables = list(report.tables)
    unit, source = _unit_name(tables, path)
    modified, modified_source = _modified(path)
    lang = options.lang
    name = path.name
    risks = [r for t in tables if t.kind is REGISTER
             for r in _rows(t, RISK_FIELDS, _RISK_SOURCE, unit, administration, name, lang)]
    activities = [r for t in tables if t.kind is PLAN
                  for r in _rows(t, ACTIVITY_FIELDS, _ACTIVITY_SOURCE, unit, administration,
                                 name, lang)]
    parts = tuple(p for p, kind in (("register", REGISTER), ("plan", PLAN))
                  if any(t.kind is kind for t in tables))
    errors = sum(1 for f in report.findings if f.is_error)
    uf = UnitFile(unit, source, administration, file, modified, modified_source, risks,
                  activities, errors, len(report.findings) - errors, parts)
    return Loaded(file, [uf], has_errors=errors > 0)


def load(path: str, options: Options, administration: str = "") -> Loaded:
    """Read one file for consolidation; never raises for a bad file (a failure of the tool
    itself becomes the file's rejection ``file.unreadable``, unless ``options.debug``)."""
    started = time.monotonic()
    try:
        try:
            book = read_book(Path(path), options.limits)
        except RejectedFile as exc:
            return Loaded(path, reason=exc.reason, reason_params=dict(exc.params))
        return load_book(book, Path(path), options, administration, started)
    except Exception as exc:
        if options.debug:
            raise
        return Loaded(path, reason="file.unreadable",
                      reason_params={"detail": f"{type(exc).__name__}: {exc}"[:200]})


def load_for_pool(args: tuple[str, Options, str]) -> Loaded:
    """:func:`load` with its arguments in one tuple (for ``Executor.map``-style calls)."""
    return load(*args)


__all__ = ["ACTIVITY_FIELDS", "RISK_FIELDS", "cell", "load", "load_book", "load_for_pool"]
