"""What the tool takes as input: the paths given on the command line made into workbook files,
and the tool's own outputs told apart from the workbooks staff keep.

* A folder means the workbooks in it (``validate sample_workbooks``, with or without a trailing
  slash), as consolidation will read it; a pattern the shell did not expand (``'*.xlsx'``, as
  Windows cmd passes it) is expanded here. Either way the tool's own copies (``*.scored.*``),
  office lock files (``~$name.xlsx``, ``.~lock.name#``) and hidden files are left out, so
  scoring a folder twice writes no ``*.scored.scored.xlsx``.
* A scored copy given on purpose is still read, but its own sheets (Summary, Findings, the
  yearly report) are not taken for tables: :func:`own_sheets` finds them by what the copy
  writes in their first cell.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from . import messages
from .model import Grid

#: The extensions of the workbooks a folder or pattern yields (the reader sniffs the real format).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: What the names of the tool's copies carry: ``register.scored.xlsx``, ``a (2).scored.xlsx``.
SCORED = ".scored"
_PATTERN_CHARS = re.compile(r"[*?\[]")


def is_own_output(path: Path) -> bool:
    """Whether ``path`` is named as the tool's own scored copy."""
    return Path(path.stem).suffix == SCORED or path.stem.endswith(SCORED)


def _skipped(path: Path) -> bool:
    name = path.name
    return (name.startswith(("~$", ".")) or is_own_output(path)
            or path.suffix.lower() not in WORKBOOK_SUFFIXES)


def _workbooks(paths: Iterable[Path]) -> list[Path]:
    return sorted((p for p in paths if p.is_file() and not _skipped(p)),
                  key=lambda p: str(p).casefold())


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The workbook files ``paths`` mean, in order, each once.

    A folder gives the workbooks directly in it (none: the folder itself is kept, and the
    reader rejects it); a pattern with ``*``, ``?`` or ``[`` that names
    no existing file gives the workbooks it matches (none: the pattern itself is kept, so the
    reader reports it as not found). A file named on its own is kept as given, even a scored
    copy: the pipeline recognises it and says so.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():  # a folder without workbooks is kept: the reader says what it is
            found = _workbooks(path.iterdir()) or [path]
        elif not path.exists() and _PATTERN_CHARS.search(str(given)):
            found = _workbooks(Path(p) for p in glob.glob(str(given)))
            found = found or [path]
        else:
            found = [path]
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


# --- the copy's own sheets ----------------------------------------------------------------------


def _pattern(code: str) -> str:
    """A text of the catalogue, in every language, as a regular expression ({x}: anything)."""
    parts = []
    for lang in messages.LANGS:
        template = messages.text(code, lang)
        pieces = re.split(r"\{\w+\}", template)
        parts.append(".+?".join(re.escape(p) for p in pieces))
    return "|".join(parts)


#: How each sheet the copy adds begins: (row, column, text code, anything may follow), 0-based.
#: The Summary: its title, then "File: name"; the Findings sheet: its first three headers; the
#: yearly report: its title.
_SIGNATURES: tuple[tuple[tuple[int, int, str, bool], ...], ...] = (
    ((0, 0, "summary.title", False), (1, 0, "summary.file", True)),
    ((0, 0, "summary.title.register", False), (1, 0, "summary.file", True)),
    ((0, 0, "summary.title.plan", False), (1, 0, "summary.file", True)),
    ((0, 0, "findings.severity", False), (0, 1, "summary.sheet", False),
     (0, 2, "findings.cell", False)),
    ((0, 0, "yearly.title", False),),
)


@cache
def _compiled(code: str, more: bool) -> re.Pattern[str]:
    return re.compile(f"(?:{_pattern(code)}){'.*' if more else ''}", re.DOTALL)


@cache
def _starts(code: str) -> tuple[str, ...]:
    """How the text begins in each language (up to its first ``{x}``): a cell beginning
    otherwise cannot match, and is let go without compiling the pattern (most workbooks)."""
    return tuple(re.split(r"\{\w+\}", messages.text(code, lang))[0] for lang in messages.LANGS)


def _is_own(grid: Grid) -> bool:
    for signature in _SIGNATURES:
        if all(isinstance(v := grid.value(r, c), str)
               and (text := v.strip()).startswith(_starts(code))
               and _compiled(code, more).fullmatch(text)
               for r, c, code, more in signature):
            return True
    return False


def own_sheets(sheets: Iterable[Grid]) -> list[str]:
    """The names of the sheets the tool itself added to a scored copy (none in a workbook
    staff keep)."""
    return [g.name for g in sheets if _is_own(g)]
