"""The JSON document of a run: one shape for every command and every other system.

``{"files": [{"input", "output", "status", "reason", "tables": [...], "findings": [...]}]}``;
see the README for every field. Levels are the codes zero/low/medium/high, scores integers or
null, Excel rows 1-based.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd

from . import messages
from .findings import Finding
from .pipeline import FileReport, Table

REGISTER_FIELDS = (
    "row", "section", "function", "probability", "harm", "score", "level", "stated_level",
    "control", "residual_level",
)
PLAN_FIELDS = (
    "row", "section", "task", "activity", "deadline", "due_start", "due_end", "recurring",
    "responsible", "funding", "status",
)


def _plain(v: Any) -> Any:
    """A JSON-safe value: pandas' missing values become null, numpy numbers Python ones."""
    if v is None:
        return None
    if isinstance(v, (list, dict)):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def _score(v: Any) -> int | None:
    v = _plain(v)
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int | float) and float(v).is_integer() and 1 <= v <= 3:
        return int(v)
    return None


def table_rows(table: Table) -> list[dict[str, Any]]:
    """The rows of a table as the JSON document gives them."""
    fields = REGISTER_FIELDS if table.kind == "register" else PLAN_FIELDS
    frame = table.frame
    out: list[dict[str, Any]] = []
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        item: dict[str, Any] = {}
        for name in fields:
            if name == "row":
                item[name] = int(row)
            elif name in ("probability", "harm"):
                item[name] = _score(rec.get(name))
            elif name == "deadline":
                item[name] = _plain(rec.get("deadline_raw"))
            elif name == "recurring":
                item[name] = bool(rec.get(name)) if _plain(rec.get(name)) is not None else False
            else:
                item[name] = _plain(rec.get(name))
        out.append(item)
    return out


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "severity": f.severity.value,
        "code": f.code,
        "sheet": f.sheet,
        "row": f.row,
        "column": f.column,
        "value": _plain(f.value),
        "message": messages.render(f, lang),
    }


def file_dict(report: FileReport, lang: str = messages.DEFAULT_LANG) -> dict[str, Any]:
    return {
        "input": str(report.input),
        "output": str(report.output) if report.output else None,
        "status": report.status,
        "reason": report.reason_text(lang),
        "reason_code": report.reason,
        "tables": [
            {
                "sheet": t.sheet,
                "kind": t.kind,
                "header_row": t.header_row,
                "rows": table_rows(t),
            }
            for t in report.tables
        ],
        "findings": [finding_dict(f, lang) for f in report.findings],
    }


def document(reports: list[FileReport], lang: str = messages.DEFAULT_LANG) -> dict[str, Any]:
    return {"files": [file_dict(r, lang) for r in reports]}


def dumps(reports: list[FileReport], lang: str = messages.DEFAULT_LANG) -> str:
    return json.dumps(document(reports, lang), ensure_ascii=False, indent=2)
