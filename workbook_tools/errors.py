"""Exceptions of workbook_tools.

Bad *data* is never raised: it becomes a :class:`~workbook_tools.model.Finding`. Exceptions
are for files the tool cannot use at all, and for misuse of the library::

    WorkbookToolsError
    └── RejectedFile          a file that cannot be used (reason code + parameters)
"""

from __future__ import annotations

from typing import Any


class WorkbookToolsError(Exception):
    """Base of every error raised by workbook_tools."""


class RejectedFile(WorkbookToolsError):
    """A file that cannot be used; ``reason`` is a stable code translated by messages.py."""

    def __init__(self, reason: str, **params: Any) -> None:
        self.reason = reason
        self.params = params
        super().__init__(f"{reason} {params}" if params else reason)
