"""CSV files, as other systems export them: UTF-8 with or without BOM, UTF-16 (with its BOM) or
Windows-1251; comma, semicolon or tab. The whole file becomes one sheet named after the file,
bounded by the same limits as any sheet; every value stays the text it was (the rules parse
numbers and words the same way from text)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..model import Cell, Grid, Limits
from .rejections import check_grid, corrupt

_DELIMITERS = (",", ";", "\t")


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file look like text a CSV export holds."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    text = _decode(head, strict=False)
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return bool(text) and printable >= 0.95 * len(text)


def _decode(data: bytes, strict: bool = True) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "strict" if strict else "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "strict" if strict else "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not strict and exc.start > len(data) - 4:
            return data[: exc.start].decode("utf-8")  # a character cut by the end of the head
        return data.decode("cp1251", "replace")


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    best, best_score = ",", -1
    for d in _DELIMITERS:
        counts = [line.count(d) for line in lines]
        if not counts or max(counts) == 0:
            continue
        # the delimiter found in the most lines, most evenly
        score = sum(1 for c in counts if c) * 1000 + min(c for c in counts if c)
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv(path: Path, limits: Limits) -> Grid:
    """The file as one sheet, or RejectedFile (too large, or not decodable)."""
    data = path.read_bytes()
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise corrupt(f"CSV not decodable: {exc}") from exc
    rows: list[list[Cell]] = []
    width = cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:64 * 1024]))
    try:
        for record in reader:
            row: list[Cell] = [v if v.strip() else None for v in record]
            rows.append(row)
            width = max(width, len(row))
            cells += sum(1 for v in row if v is not None)
            if len(rows) > limits.max_rows or width > limits.max_columns:
                check_grid(path.name, len(rows), width, limits, cells)
    except csv.Error as exc:
        raise corrupt(f"CSV: {exc}") from exc
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    check_grid(path.name, len(rows), width, limits, cells)
    return Grid(path.stem[:31] or "CSV", rows)
