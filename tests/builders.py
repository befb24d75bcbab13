"""Build small register workbooks with openpyxl, the way staff lay them out.

Layout written by :func:`make_register` (Excel rows, 1-based):

* ``title_rows``: one text per row from row 1 (merged across the table when ``merge_titles``);
* the header row: row ``len(title_rows) + 1`` (or two rows when ``header2`` is given);
* the row of column numbers when ``number_row`` (``number_row=True`` writes 1..n, a list writes
  the list, e.g. the seed's typo "1 2 3 5 6 6 7");
* then ``rows`` in order: a :class:`Section` is a section row, a ``dict`` is a risk by column key
  (see :data:`KEYS`), a ``list`` is written cell by cell, ``None`` is a blank row;
* then ``after`` (signature lines), each a list of cells.

:func:`data_row` gives the Excel row of the i-th item of ``rows``. Every ``str`` cell is typed
as text (``data_type = "s"``), so "=1+1" typed by staff stays text as Excel stores it.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sample_workbooks.headers import REGISTER_KEYS, REGISTER_KY, REGISTER_RU

#: The register's column keys and its standard header in Kyrgyz and Russian: one definition
#: with the sample workbooks (sample_workbooks/headers.py).
KEYS = REGISTER_KEYS
KY_HEADER = REGISTER_KY
RU_HEADER = REGISTER_RU


@dataclass(frozen=True)
class Section:
    """A section row: the name of a kind of function, e.g. "Кызмат көрсөтүү функциясы"."""

    name: str
    merged: bool = True
    column: int = 1  # 0-based column of the header where the name is typed (after №)


def risk(number: Any = 1, *, function: Any = "Маалымкат берүү", cases: Any = "Пара алуу",
         category: Any = "Потенциалдуу", level: Any = None, unit: Any = "Аппарат",
         positions: Any = "Адис", other: Any = "Ооба", p: Any = 2, p_reason: Any = "негиз",
         h: Any = 2, h_reason: Any = "негиз", control: Any = None) -> dict[str, Any]:
    """One risk row by column key, filled with plausible defaults."""
    return {
        "number": number, "function": function, "cases": cases, "category": category,
        "stated_level": level, "unit": unit, "positions": positions, "other_bodies": other,
        "probability": p, "probability_reason": p_reason, "harm": h, "harm_reason": h_reason,
        "control": control,
    }


def header_row(title_rows: list[str] | tuple[str, ...] = (), header2: Any = None) -> int:
    """The Excel row of the (first) header row."""
    return len(title_rows) + 1


def data_row(index: int, title_rows: list[str] | tuple[str, ...] = (), number_row: Any = True,
             header2: Any = None) -> int:
    """The Excel row of ``rows[index]``."""
    return len(title_rows) + 1 + (2 if header2 else 1) + (1 if number_row else 0) + index


def _set(ws: Any, row: int, col: int, value: Any) -> None:
    if value is None:
        return
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # typed text, never a formula


def make_register(
    path: str | Path,
    *,
    header: list[Any] | None = None,
    rows: Sequence[Any] = (),
    title_rows: list[str] | tuple[str, ...] = (),
    number_row: bool | list[Any] = True,
    header2: list[Any] | None = None,
    merges: Sequence[str] = (),
    hidden_rows: Sequence[int] = (),
    after: Sequence[list[Any]] = (),
    sheet: str = "Тизме",
    merge_titles: bool = True,
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> Path:
    """Write a register workbook at ``path`` (see the module docstring); returns the path."""
    path = Path(path)
    header = list(KY_HEADER if header is None else header)
    width = len(header)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    r = 1
    for text in title_rows:
        _set(ws, r, 1, text)
        if merge_titles and width > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    for c, text in enumerate(header, start=1):
        _set(ws, r, c, text)
    r += 1
    if header2 is not None:
        for c, text in enumerate(header2, start=1):
            _set(ws, r, c, text)
        r += 1
    if number_row:
        numbers = list(range(1, width + 1)) if number_row is True else list(number_row)
        for c, n in enumerate(numbers, start=1):
            _set(ws, r, c, n)
        r += 1
    for item in rows:
        if isinstance(item, Section):
            _set(ws, r, item.column + 1, item.name)
            if item.merged:
                ws.merge_cells(start_row=r, start_column=item.column + 1, end_row=r,
                               end_column=width)
        elif isinstance(item, dict):
            keys = KEYS if len(header) == len(KEYS) else KEYS[:width]
            for c, key in enumerate(keys, start=1):
                _set(ws, r, c, item.get(key))
        elif isinstance(item, list | tuple):
            for c, v in enumerate(item, start=1):
                _set(ws, r, c, v)
        r += 1
    for line in after:
        r += 1
        for c, v in enumerate(line, start=1):
            _set(ws, r, c, v)
    for rng in merges:
        ws.merge_cells(rng)
    for hidden in hidden_rows:
        ws.row_dimensions[hidden].hidden = True
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 18
    for name, cells in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for i, line in enumerate(cells, start=1):
            for c, v in enumerate(line, start=1):
                _set(other, i, c, v)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def add_vba_part(path: Path, target: Path) -> Path:
    """Copy an xlsx to ``target`` (an .xlsm) with a dummy ``xl/vbaProject.bin`` entry."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\x00" * 512)
    return target


SOFFICE = shutil.which("soffice")


def soffice_convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """Convert ``src`` with LibreOffice headless into ``outdir``; returns the converted file."""
    outdir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [SOFFICE or "soffice", "--headless", "--norestore",
         f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    ext = fmt.split(":")[0]
    out = outdir / f"{src.stem}.{ext}"
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"soffice failed: {done.stdout}\n{done.stderr}")
    return out


#: The warning every register built here gets when it has high or medium risks: no
#: recommended-measures column (Annex I, point 7; issue 13). Tests about other things leave it
#: out with :func:`without_measures`.
MEASURES_MISSING = "measures.missing"


def without_measures(findings: Sequence[Any]) -> tuple[Any, ...]:
    """``findings`` but the table's ``measures.missing`` warning."""
    return tuple(f for f in findings if f.code != MEASURES_MISSING)
