"""The JSON document of a run: one shape for every command and every other system.

``{"files": [{"input", "output", "status", "reason", "tables": [...], "findings": [...]}]}``;
see the README for every field. Levels are the codes zero/low/medium/high, scores integers or
null, Excel rows 1-based.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .. import messages
from ..kinds.base import plain
from ..model import FileReport, Finding, Table


def table_rows(table: Table) -> list[dict[str, Any]]:
    """The rows of a table as the JSON document gives them: its kind's fields."""
    return [table.kind.json_row(row, rec) for row, rec in table.records()]


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "severity": f.severity.value,
        "code": f.code,
        "sheet": f.sheet,
        "row": f.row,
        "column": f.column,
        "value": plain(f.value),
        "message": messages.render(f, lang),
    }


def file_dict(report: FileReport, lang: str = messages.DEFAULT_LANG) -> dict[str, Any]:
    return {
        "input": str(report.input),
        "output": str(report.output) if report.output else None,
        "status": report.status,
        "reason": messages.rejection(report, lang),
        "reason_code": report.reason,
        "tables": [
            {
                "sheet": t.sheet,
                "kind": t.kind.name,
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


def iter_dumps(reports: Iterable[FileReport],
               lang: str = messages.DEFAULT_LANG) -> Iterator[str]:
    """:func:`dumps`, in pieces: each file's part is made (and the report may be let go) as
    soon as that file is done. Joined, the pieces are exactly ``dumps(list(reports), lang)``."""
    first = True
    for report in reports:
        text = json.dumps(file_dict(report, lang), ensure_ascii=False, indent=2)
        yield ("{\n  \"files\": [\n    " if first else ",\n    ") + text.replace("\n", "\n    ")
        first = False
    yield '{\n  "files": []\n}' if first else "\n  ]\n}"
