"""How the guard refuses a file, for every format: the rejections and the sizes they state.

Each :class:`RejectedFile` carries a reason code and short, printable parameters (sizes in
plain digits grouped by spaces, texts cut to one line); :func:`check_grid` bounds the used range
and the cell count of one sheet, whatever format it came from.
"""

from __future__ import annotations

from .. import ooxml
from ..errors import RejectedFile
from ..model import Limits


def number(n: int) -> str:
    """``n`` with its digits grouped by spaces: 12005 -> "12 005"."""
    return f"{n:,}".replace(",", " ")


def byte_count(n: int) -> str:
    """A size in bytes: 12005 -> "12 005 bytes"."""
    return number(n) + " bytes"


def plain(text: str, limit: int = 80) -> str:
    """A short, printable one-line text fit for a message parameter."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def os_detail(exc: OSError) -> str:
    return plain(exc.strerror or type(exc).__name__)


def corrupt(detail: str) -> RejectedFile:
    return RejectedFile("file.corrupt", detail=plain(detail))


def unsupported(detail: str) -> RejectedFile:
    return RejectedFile("file.unsupported_format", detail=plain(detail))


def bomb(detail: str, limit: str) -> RejectedFile:
    return RejectedFile("file.zip_bomb", detail=detail, limit=limit)


def too_many_entries(n: int, limits: Limits) -> RejectedFile:
    return bomb(f"{number(n)} entries", f"{number(limits.max_zip_entries)} entries")


def too_large(sheet: str, detail: str, limit: str) -> RejectedFile:
    return RejectedFile("file.too_large", sheet=plain(sheet), detail=detail, limit=limit)


def check_grid(sheet: str, rows: int, cols: int, limits: Limits, cells: int = 0) -> None:
    """Refuse a used range (or cell count) over the limits, naming the sheet."""
    if rows > limits.max_rows:
        raise too_large(sheet, f"{number(rows)} rows", f"{number(limits.max_rows)} rows")
    if cols > limits.max_columns:
        raise too_large(sheet, f"{number(cols)} columns", f"{number(limits.max_columns)} columns")
    area = max(rows * cols, cells)
    if area > limits.max_cells:
        detail = f"{number(area)} cells"
        if rows and cols:
            detail = f"{ooxml.range_ref(1, 1, rows, cols)}, {detail}"
        raise too_large(sheet, detail, f"{number(limits.max_cells)} cells")
