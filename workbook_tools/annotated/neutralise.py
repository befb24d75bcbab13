"""What must not travel from an untrusted workbook into the copies others open.

The annotated copy keeps what staff wrote, but not what could act on the machine of whoever
opens it: formulas that reach outside the workbook (other files, the web, DDE, macros) become
their text, hyperlinks to anything but the web or mail lose their target, and defined names
pointing into other files or calling such functions are dropped. External link parts and
macros are left behind. Each neutralised thing is a finding, so nothing is lost silently.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import fromstring

from .. import ooxml
from ..model import Finding
from ..model import warning as _warning

#: Functions that fetch, call or run something outside the workbook.
DANGEROUS_FUNCTIONS = (
    "WEBSERVICE", "FILTERXML", "HYPERLINK", "RTD", "CALL", "REGISTER", "REGISTER.ID", "EXEC",
    "DDE", "DDEAUTO", "IMPORTXML", "IMPORTDATA", "IMPORTHTML", "IMPORTRANGE", "IMAGE", "INFO",
    "CUBEVALUE", "CUBEMEMBER", "SQL.REQUEST",
)
# Excel stores newer functions with a prefix in the file: _xlfn.WEBSERVICE, _xlfn.IMAGE.
_FUNCTION = re.compile(r"(?<![A-Z0-9_])(?:_xlfn\.|_xludf\.|_xlws\.)?("
                       + "|".join(map(re.escape, DANGEROUS_FUNCTIONS)) + r")\s*\(",
                       re.IGNORECASE)
#: An external reference ('[1]Sheet'!A1, 'C:\x\[b.xlsx]S'!A1, http://...) or a DDE pipe (cmd|'...').
EXTERNAL = re.compile(r"\[[^\]]*\]|\w\|'|\|\s*'|://|\\\\")
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def dangerous_formula(text: str) -> bool:
    """Whether a formula reaches outside the workbook."""
    return bool(_FUNCTION.search(text) or EXTERNAL.search(text))


def translate(formula: str, origin: str, dest: str) -> str:
    """A shared formula's text (without "="), written for cell ``origin``, as it reads in cell
    ``dest``: what the copy writes as text there; the text as it is when openpyxl cannot move
    it."""
    from openpyxl.formula.translate import Translator  # only for files with shared formulas

    try:
        return Translator("=" + formula, origin=origin).translate_formula(dest)[1:]
    except Exception:  # any error: the formula keeps the text it has
        return formula


def sanitise(wb: Any) -> list[Finding]:
    """Neutralise, in place, what in ``wb`` could act outside it; one finding for each."""
    out: list[Finding] = []
    for ws in wb.worksheets:
        for (row, col), cell in list(ws._cells.items()):  # no new cells
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and dangerous_formula(value):
                cell.value = value
                cell.data_type = "s"  # kept as the text it was, never evaluated
                out.append(_warning("formula.neutralised", sheet=ws.title, row=row,
                                       column=ooxml.column_letter(col), value=value))
            elif cell.data_type == "f" and not isinstance(value, str):
                # array and data-table formulas: keep their text only
                text = getattr(value, "text", None) or str(value)
                if dangerous_formula(text):
                    cell.value = text
                    cell.data_type = "s"
                    out.append(_warning("formula.neutralised", sheet=ws.title, row=row,
                                           column=ooxml.column_letter(col), value=text))
            link = cell.hyperlink
            if link is not None and link.target and not str(link.target).lower().startswith(
                SAFE_SCHEMES
            ):
                out.append(_warning("link.removed", sheet=ws.title, row=row,
                                       column=ooxml.column_letter(col), value=str(link.target)))
                cell.hyperlink = None
    names = getattr(wb, "defined_names", None)
    if names is not None:
        for name in list(names):
            defined = names[name]
            if defined.value and dangerous_formula(str(defined.value)):
                out.append(_warning("link.removed", value=f"{name}: {defined.value}"))
                del names[name]
    return out


# --- the same rules, read from the package before the copy is made ------------------------------

_WORKBOOK_SHEET = f"{{{ooxml.MAIN_NS}}}sheet"
_DEFINED_NAME = f"{{{ooxml.MAIN_NS}}}definedName"
_SHEET_RID = f"{{{ooxml.REL_NS}}}id"


def _unescape(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace"))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, ooxml.Rel]:
    """Relationships of ``part``, by id."""
    name = ooxml.rels_name(part)
    if name not in zf.namelist():
        return {}
    return {r.id: r for r in ooxml.parse_rels(zf.read(name))}


def scan_package(path: str | Path) -> list[Finding]:
    """What the copy of an .xlsx/.xlsm will neutralise, as findings, read from the package:
    formulas reaching outside the workbook, hyperlinks other than web and mail, external links
    and names pointing into other files. This is the one place these findings are made; both
    backends neutralise exactly these (the rules are :func:`dangerous_formula` and
    :data:`SAFE_SCHEMES`) and report nothing. The guard has checked the package."""
    out: list[Finding] = []
    with ooxml.open_package(path) as zf:
        workbook = ooxml.WORKBOOK
        names = set(zf.namelist())
        if workbook not in names:
            return out
        root = fromstring(zf.read(workbook))
        rels = _rels(zf, workbook)
        for rel in rels.values():
            if rel.type.endswith("/externalLink"):
                out.append(_warning("link.removed", value=ooxml.resolve(workbook, rel.target)))
        for name in root.iter(_DEFINED_NAME):
            if name.text and dangerous_formula(name.text):
                out.append(_warning("link.removed", value=f"{name.get('name')}: {name.text}"))
        for sheet in root.iter(_WORKBOOK_SHEET):
            title = sheet.get("name", "")
            sheet_rel = rels.get(sheet.get(_SHEET_RID, ""))
            if sheet_rel is None or not sheet_rel.type.endswith("/worksheet"):
                continue
            part = ooxml.resolve(workbook, sheet_rel.target)
            if part not in names:
                continue
            present = _contains(zf, part, (b"<f", b"<hyperlink"))
            if not present:
                continue  # most sheets: nothing to look at, and never all in memory
            data = zf.read(part)
            out.extend(_scan_formulas(title, data))
            if b"<hyperlink" in present:
                out.extend(_scan_links(title, data, _rels(zf, part)))
    return out


def _contains(zf: zipfile.ZipFile, part: str, needles: tuple[bytes, ...]) -> set[bytes]:
    """Which of ``needles`` a part holds, read in chunks (a needle may span two)."""
    found: set[bytes] = set()
    keep = max(map(len, needles)) - 1
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(1 << 20):
            window = tail + chunk
            found.update(n for n in needles if n in window)
            if len(found) == len(needles):
                break
            tail = window[-keep:]
    return found


def _scan_links(title: str, data: bytes, rels: dict[str, ooxml.Rel]) -> list[Finding]:
    out: list[Finding] = []
    for m in ooxml.HYPERLINK_B.finditer(data):
        ids = [a or b for a, b in ooxml.REL_ID_B.findall(m.group(1))]
        attr = ooxml.REF_ATTR_B.search(m.group(1))
        ref = ooxml.parse_range(attr.group(1)) if attr else None  # its first cell
        for rid in ids:
            rel = rels.get(rid.decode())
            if rel is not None and rel.type.endswith("/hyperlink") and \
                    not rel.target.lower().startswith(SAFE_SCHEMES):
                out.append(_warning(
                    "link.removed", sheet=title, row=ref[0] if ref else None,
                    column=ooxml.column_letter(ref[1]) if ref else None, value=rel.target))
    return out


def _scan_formulas(title: str, data: bytes) -> list[Finding]:
    if b"<f" not in data:
        return []
    out: list[Finding] = []
    dangerous_shared: dict[bytes, tuple[str, str]] = {}  # si -> (master's text, its cell)
    for cell in ooxml.CELL_B.finditer(data):
        body = cell.group(2)
        if not body or b"<f" not in body:
            continue
        f = ooxml.FORMULA_B.search(body)
        ref = ooxml.CELL_R_B.search(cell.group(1))
        if f is None or ref is None:
            continue
        text = _unescape(f.group(2) or b"")
        si = ooxml.SHARED_INDEX_B.search(f.group(1)) if ooxml.SHARED_B.search(f.group(1)) \
            else None
        bad = bool(text) and dangerous_formula(text)
        at = (ref.group(1) + ref.group(2)).decode()
        if si is not None:
            master = dangerous_shared.get(si.group(1))
            if bad:
                dangerous_shared[si.group(1)] = (text, at)
            elif not text and master is not None:
                bad, text = True, translate(master[0], master[1], at)
        if bad:
            out.append(_warning("formula.neutralised", sheet=title, row=int(ref.group(2)),
                                column=ref.group(1).decode(), value=f"={text}"))
    return out
