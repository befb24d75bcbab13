"""What must not travel from an untrusted workbook into the copies others open.

The annotated copy keeps what staff wrote, but not what could act on the machine of whoever
opens it: formulas that reach outside the workbook (other files, the web, DDE, macros) become
their text, hyperlinks to anything but the web or mail lose their target, and names pointing
into other files are dropped. openpyxl's ``keep_links=False`` already drops the external link
parts and ``keep_vba=False`` the macros. Each neutralised thing is a finding, so nothing is lost
silently.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import get_column_letter

from . import findings as fnd
from .findings import Finding

#: Functions that fetch, call or run something outside the workbook.
DANGEROUS_FUNCTIONS = (
    "WEBSERVICE", "FILTERXML", "HYPERLINK", "RTD", "CALL", "REGISTER", "REGISTER.ID", "EXEC",
    "DDE", "DDEAUTO", "IMPORTXML", "IMPORTDATA", "IMPORTHTML", "IMPORTRANGE", "IMAGE", "INFO",
    "CUBEVALUE", "CUBEMEMBER", "SQL.REQUEST",
)
_FUNCTION = re.compile(r"(?<![A-Z0-9_.])(" + "|".join(map(re.escape, DANGEROUS_FUNCTIONS))
                       + r")\s*\(", re.IGNORECASE)
#: An external reference ('[1]Sheet'!A1, 'C:\x\[b.xlsx]S'!A1, http://...) or a DDE pipe (cmd|'...').
_EXTERNAL = re.compile(r"\[[^\]]*\]|\w\|'|\|\s*'|://|\\\\")
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def dangerous_formula(text: str) -> bool:
    """Whether a formula reaches outside the workbook."""
    return bool(_FUNCTION.search(text) or _EXTERNAL.search(text))


def sanitise(wb: Any) -> list[Finding]:
    """Neutralise, in place, what in ``wb`` could act outside it; one finding for each."""
    out: list[Finding] = []
    for ws in wb.worksheets:
        for (row, col), cell in list(ws._cells.items()):  # noqa: SLF001 - no new cells
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and dangerous_formula(value):
                cell.value = value
                cell.data_type = "s"  # kept as the text it was, never evaluated
                out.append(fnd.warning("formula.neutralised", sheet=ws.title, row=row,
                                       column=get_column_letter(col), value=value))
            elif cell.data_type == "f" and not isinstance(value, str):
                # array and data-table formulas: keep their text only
                text = getattr(value, "text", None) or str(value)
                if dangerous_formula(text):
                    cell.value = text
                    cell.data_type = "s"
                    out.append(fnd.warning("formula.neutralised", sheet=ws.title, row=row,
                                           column=get_column_letter(col), value=text))
            link = cell.hyperlink
            if link is not None and link.target and not str(link.target).lower().startswith(
                SAFE_SCHEMES
            ):
                out.append(fnd.warning("link.removed", sheet=ws.title, row=row,
                                       column=get_column_letter(col), value=str(link.target)))
                cell.hyperlink = None
    names = getattr(wb, "defined_names", None)
    if names is not None:
        for name in list(names):
            defined = names[name]
            if defined.value and _EXTERNAL.search(str(defined.value)):
                out.append(fnd.warning("link.removed", value=f"{name}: {defined.value}"))
                del names[name]
    return out
