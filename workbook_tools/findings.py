"""Findings are data: what is wrong or worth a look, where, and the stable code that says it.

The same objects feed the annotated copy, the Findings sheet, the terminal and the JSON; their
text is made at the edge by :func:`workbook_tools.messages.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: ``row`` and ``column`` are Excel's (1-based row, column letter) or None."""

    severity: Severity
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: The column key from the schema (e.g. "probability"), for placing the finding.
    field: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def warning(code: str, **kw: Any) -> Finding:
    return Finding(Severity.WARNING, code, **kw)
