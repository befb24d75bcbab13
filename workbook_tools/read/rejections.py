"""How the guard refuses a file, for every format: the rejections and the sizes they state.

Each :class:`RejectedFile` carries a reason code and parameters: sizes are given in every
language (``{"ky": "12 005 сап", "ru": "12 005 строк", "en": "12 005 rows"}``, from the
``unit.*`` texts, digits grouped by spaces), and what a parser or a structure check said is kept
under ``debug``, which no text shows (``--debug`` prints it). :func:`check_grid` bounds the used
range and the cell count of one sheet, whatever format it came from.
"""

from __future__ import annotations

from typing import Any

from .. import messages, ooxml
from ..errors import RejectedFile
from ..model import Limits

Said = dict[str, str]  # a parameter in every language


def number(n: int) -> str:
    """``n`` with its digits grouped by spaces: 12005 -> "12 005"."""
    return f"{n:,}".replace(",", " ")


def amount(n: int, unit: str) -> Said:
    """``n`` of a unit ("rows", "columns", "cells", "bytes", "entries") in every language."""
    out = {}
    for lang in messages.LANGS:
        said = messages.counted(n, f"unit.{unit}", lang)
        out[lang] = number(n) + said[len(str(n)):]
    return out


def phrase(code: str, **params: Any) -> Said:
    """The text ``code`` in every language, its parameters given in every language or plain."""
    return {
        lang: messages.text(code, lang, **{
            k: v[lang] if isinstance(v, dict) else v for k, v in params.items()
        })
        for lang in messages.LANGS
    }


def byte_count(n: int) -> Said:
    """A size in bytes, in every language: 12005 -> "12 005 байт" / "12 005 bytes"."""
    return amount(n, "bytes")


def cell_count(n: int) -> Said:
    return amount(n, "cells")


def plain(text: str, limit: int = 80) -> str:
    """A short, printable one-line text fit for a message parameter."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def os_detail(exc: OSError) -> str:
    return plain(exc.strerror or type(exc).__name__)


def corrupt(detail: str) -> RejectedFile:
    """A damaged file; ``detail`` (what was found, in English) is for ``--debug`` only."""
    return RejectedFile("file.corrupt", debug=plain(detail))


def unsupported(kind: str, debug: str = "") -> RejectedFile:
    """A format the tool cannot read: ``kind`` is a ``format.*`` text code."""
    return RejectedFile("file.unsupported_format", detail=phrase(f"format.{kind}"),
                        **({"debug": plain(debug)} if debug else {}))


def bomb(detail: Said, limit: Said) -> RejectedFile:
    return RejectedFile("file.zip_bomb", detail=detail, limit=limit)


def too_many_entries(n: int, limits: Limits) -> RejectedFile:
    return bomb(amount(n, "entries"), amount(limits.max_zip_entries, "entries"))


def ratio(n: int) -> Said:
    return phrase("unit.ratio", n=number(n))


def too_large(sheet: str, detail: Said, limit: Said) -> RejectedFile:
    return RejectedFile("file.too_large", sheet=plain(sheet), detail=detail, limit=limit)


def check_grid(sheet: str, rows: int, cols: int, limits: Limits, cells: int = 0) -> None:
    """Refuse a used range (or cell count) over the limits, naming the sheet."""
    if rows > limits.max_rows:
        raise too_large(sheet, amount(rows, "rows"), amount(limits.max_rows, "rows"))
    if cols > limits.max_columns:
        raise too_large(sheet, amount(cols, "columns"), amount(limits.max_columns, "columns"))
    area = max(rows * cols, cells)
    if area > limits.max_cells:
        detail = cell_count(area)
        if rows and cols:
            ref = ooxml.range_ref(1, 1, rows, cols)
            detail = {lang: f"{ref}, {text}" for lang, text in detail.items()}
        raise too_large(sheet, detail, cell_count(limits.max_cells))
