"""The files a consolidation reads: PATHs (workbooks or folders, searched recursively), with
what is left out and why.

Left out, and listed as skipped: office lock and temporary files (``~$name.xlsx``,
``.~lock.name#``), hidden files, the tool's own scored copies (``*.scored.xlsx``), files
that are not spreadsheets (by their extension; inside folders only), and the consolidation's
own output, roster and previous workbook when they lie in a folder being read. A file named on
its own is read whatever its extension (the reader sniffs its real format) unless it is a
lock file or a scored copy. Hidden folders are not entered. When several folders are given,
each stands for an administration: its name is the administration of the units found in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..inputs import WORKBOOK_SUFFIXES, is_own_output
from .model import Skipped

#: Extensions read inside folders (the reader sniffs the real format of each).
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".xlsb", ".fods")


@dataclass(frozen=True)
class Found:
    """A file to read, and the administration its folder stands for ("" when none)."""

    path: Path
    administration: str = ""


def _skip_reason(path: Path, in_folder: bool) -> str | None:
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock.") or name.endswith("#"):
        return "skip.lock"
    if name.startswith("."):
        return "skip.hidden"
    if is_own_output(path):
        return "skip.scored_copy"
    if in_folder and path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return "skip.not_spreadsheet"
    return None


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted((d for d in dirs if not d.startswith(".")), key=str.casefold)
        for name in sorted(files, key=str.casefold):
            yield Path(root) / name


def discover(paths: Iterable[str | Path], own: Iterable[Path] = (),
             ) -> tuple[list[Found], list[Skipped]]:
    """The files to read, in order, each once, and those skipped. ``own``: the output, roster
    and previous workbook, never read as inputs. With several folders given, the files of
    each carry the folder's name as their administration."""
    given = [Path(p) for p in paths]
    several = sum(1 for p in given if p.is_dir()) > 1
    own_keys = {_key(p) for p in own}
    found: list[Found] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for path in given:
        if path.is_dir():
            admin = path.resolve().name if several else ""
            candidates = [(p, True, admin) for p in _walk(path)]
        else:
            candidates = [(path, False, "")]
        for p, in_folder, admin in candidates:
            key = _key(p)
            if key in seen:
                continue
            seen.add(key)
            if key in own_keys:
                if in_folder:
                    skipped.append(Skipped(str(p), "skip.own"))
                continue
            reason = _skip_reason(p, in_folder)
            if reason:
                skipped.append(Skipped(str(p), reason))
            else:
                found.append(Found(p, admin))
    return found, skipped


def _key(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p.absolute()
