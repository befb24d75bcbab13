"""Files read for consolidation, a batch at a time (in a worker process): the pipeline's
analysis of each unit's workbook, or the units of a consolidated workbook given as input, as
plain rows.

Every file goes through the guarded reader (``read/``) once; a batch's unit workbooks are
then analysed by the one pipeline (:func:`workbook_tools.pipeline.analyse_books`: their tables
validated together), exactly as ``validate`` does. Only the rows and counts consolidation
needs go back to the parent.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import messages
from ..errors import RejectedFile
from ..kinds.plan import PLAN
from ..kinds.register import REGISTER
from ..model import Book, FileReport, Options, Table
from ..pipeline import analyse_book, analyse_books
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


def _unreadable(path: str, exc: Exception, options: Options) -> Loaded:
    """A failure of the tool itself on one file: its rejection ``file.unreadable`` (the
    traceback with ``options.debug``)."""
    if options.debug:
        raise exc
    return Loaded(path, reason="file.unreadable",
                  reason_params={"detail": f"{type(exc).__name__}: {exc}"[:200]})


def _units(report: FileReport, path: Path, options: Options, administration: str) -> Loaded:
    """The unit a workbook's report describes."""
    file = str(path)
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


def _read(path: str, options: Options, administration: str) -> Loaded | tuple[Book, float]:
    """The workbook as read and when its reading began; or, for a rejected file or a
    consolidated workbook, what it gives."""
    started = time.monotonic()
    try:
        book = read_book(Path(path), options.limits)
    except RejectedFile as exc:
        return Loaded(path, reason=exc.reason, reason_params=dict(exc.params))
    if any(g.name == META_SHEET for g in book.sheets):
        stored = read_consolidated(book, Path(path), administration)
        if stored is not None:
            return stored
    return book, started


def load_many(files: Sequence[tuple[str, str]], options: Options) -> list[Loaded]:
    """Several files read for consolidation, each (path, administration), in order: their
    tables validated together (:func:`workbook_tools.pipeline.analyse_books`). Never raises
    for a bad file (a failure of the tool itself on one file is its rejection
    ``file.unreadable`` alone, unless ``options.debug``)."""
    out: list[Loaded | None] = [None] * len(files)
    todo: list[tuple[int, Book, float]] = []
    for i, (path, administration) in enumerate(files):
        try:
            got = _read(path, options, administration)
        except Exception as exc:
            got = _unreadable(path, exc, options)
        if isinstance(got, Loaded):
            out[i] = got
        else:
            todo.append((i, *got))
    try:
        reports: list[FileReport | None] = list(
            analyse_books([(book, started) for _, book, started in todo], options))
    except Exception:  # one file broke the batch: each file alone, so only it is rejected
        if options.debug:
            raise
        reports = [None] * len(todo)
    for (i, book, started), report in zip(todo, reports, strict=True):
        path, administration = files[i]
        try:
            if report is None:
                report = analyse_book(book, options, None, started)
            out[i] = _units(report, Path(path), options, administration)
        except Exception as exc:
            out[i] = _unreadable(path, exc, options)
    return [loaded for loaded in out if loaded is not None]


__all__ = ["ACTIVITY_FIELDS", "RISK_FIELDS", "cell", "load_many"]
