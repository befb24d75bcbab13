"""What must not travel from an untrusted workbook into the copies others open.

The annotated copy keeps what staff wrote, but not what could act on the machine of whoever
opens it: formulas that reach outside the workbook (other files, the web, DDE, macros) become
their text, hyperlinks to anything but the web or mail lose their target, and defined names
pointing into other files or calling such functions are dropped. External link parts and
macros are left behind. Each neutralised thing is a finding, so nothing is lost silently.
"""

from __future__ import annotations

import re
from typing import Any

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


def sanitise(wb: Any) -> list[Finding]:
    """Neutralise, in place, what in ``wb`` could act outside it; one finding for each."""
    out: list[Finding] = []
    for ws in wb.worksheets:
        for (row, col), cell in list(ws._cells.items()):  # noqa: SLF001 - no new cells
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

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.DOTALL)
_SHARED = re.compile(rb'\bt="shared"')
_SI = re.compile(rb'\bsi="(\d+)"')
_HYPERLINK = re.compile(rb"<hyperlink\b([^>]*?)/?>")
_RID = re.compile(rb'\br:id="([^"]+)"|\bid="([^"]+)"')
_HREF = re.compile(rb'\bref="([A-Z]{1,3})(\d+)')


def _unescape(raw: bytes) -> str:
    import html

    return html.unescape(raw.decode("utf-8", "replace"))


def _rels(zf: Any, part: str) -> dict[str, tuple[str, str, str]]:
    """Relationships of ``part``: id -> (type, target, target mode)."""
    from defusedxml.ElementTree import fromstring

    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels not in zf.namelist():
        return {}
    root = fromstring(zf.read(rels))
    return {
        r.get("Id", ""): (r.get("Type", ""), r.get("Target", ""), r.get("TargetMode", ""))
        for r in root.iter(_PKG_REL)
    }


def _join(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.rsplit("/", 1)[0].split("/") if "/" in base else []
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def scan_package(path: Any) -> list[Finding]:
    """What the copy of an .xlsx/.xlsm will neutralise, as findings, read from the package:
    formulas reaching outside the workbook, hyperlinks other than web and mail, external links
    and names pointing into other files. Both backends neutralise exactly these (the rules are
    :func:`dangerous_formula` and :data:`SAFE_SCHEMES`). The guard has checked the package."""
    import zipfile

    from defusedxml.ElementTree import fromstring

    out: list[Finding] = []
    with zipfile.ZipFile(path) as zf:
        workbook = "xl/workbook.xml"
        if workbook not in zf.namelist():
            return out
        root = fromstring(zf.read(workbook))
        rels = _rels(zf, workbook)
        for kind, target, _ in rels.values():
            if kind.endswith("/externalLink"):
                out.append(_warning("link.removed", value=_join(workbook, target)))
        for name in root.iter(f"{_MAIN}definedName"):
            if name.text and dangerous_formula(name.text):
                out.append(_warning("link.removed",
                                       value=f"{name.get('name')}: {name.text}"))
        for sheet in root.iter(f"{_MAIN}sheet"):
            title = sheet.get("name", "")
            rel = rels.get(sheet.get(f"{{{_REL_NS}}}id", ""))
            if rel is None or not rel[0].endswith("/worksheet"):
                continue
            part = _join(workbook, rel[1])
            if part not in zf.namelist():
                continue
            present = _contains(zf, part, (b"<f", b"<hyperlink"))
            if not present:
                continue  # most sheets: nothing to look at, and never all in memory
            data = zf.read(part)
            out.extend(_scan_sheet(title, data))
            if b"<hyperlink" in present:
                sheet_rels = _rels(zf, part)
                for m in _HYPERLINK.finditer(data):
                    ids = [a or b for a, b in _RID.findall(m.group(1))]
                    ref = _HREF.search(m.group(1))
                    for rid in ids:
                        kind, target, mode = sheet_rels.get(rid.decode(), ("", "", ""))
                        if kind.endswith("/hyperlink") and not target.lower().startswith(
                            SAFE_SCHEMES
                        ):
                            out.append(_warning(
                                "link.removed", sheet=title,
                                row=int(ref.group(2)) if ref else None,
                                column=ref.group(1).decode() if ref else None, value=target))
    return out


def _contains(zf: Any, part: str, needles: tuple[bytes, ...]) -> set[bytes]:
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


def _scan_sheet(title: str, data: bytes) -> list[Finding]:
    if b"<f" not in data:
        return []
    out: list[Finding] = []
    dangerous_shared: set[bytes] = set()
    for cell in _CELL.finditer(data):
        body = cell.group(2)
        if not body or b"<f" not in body:
            continue
        f = _FORMULA.search(body)
        ref = _REF.search(cell.group(1))
        if f is None or ref is None:
            continue
        text = _unescape(f.group(2) or b"")
        si = _SI.search(f.group(1)) if _SHARED.search(f.group(1)) else None
        bad = bool(text) and dangerous_formula(text)
        if si is not None:
            if bad:
                dangerous_shared.add(si.group(1))
            elif not text and si.group(1) in dangerous_shared:
                bad, text = True, f"(shared formula {si.group(1).decode()})"
        if bad:
            out.append(_warning("formula.neutralised", sheet=title, row=int(ref.group(2)),
                                   column=ref.group(1).decode(), value=f"={text}"))
    return out
