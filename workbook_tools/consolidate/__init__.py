"""Consolidation: every unit's registers and plans into one workbook (``workbook-tools
consolidate``), as a library.

:func:`consolidate` is the entry point (the command line and the drop folder call it):
it reads every file (:func:`collect`), writes the consolidated workbook
(:func:`write_consolidated`) and returns a :class:`ConsolidationResult` with the data, the
output's path and the exit code. :func:`document` is its JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..model import DEFAULT_OPTIONS, Options
from .collect import Progress, collect, default_name
from .document import document
from .model import Consolidation, ConsolidationResult
from .workbook import write_consolidated

__all__ = ["Consolidation", "ConsolidationResult", "collect", "consolidate", "document",
           "write_consolidated"]


def exit_code(cons: Consolidation) -> int:
    """0 every file read without error findings; 1 some file rejected or with errors (or the
    roster or previous workbook could not be read)."""
    if cons.rejected or cons.error_files or cons.roster_rejected or cons.previous_rejected:
        return 1
    return 0


def consolidate(paths: Iterable[str | Path], output: str | Path,
                options: Options = DEFAULT_OPTIONS, roster: str | Path | None = None,
                previous: str | Path | None = None, jobs: int = 1,
                progress: Progress | None = None, name: str | None = None,
                unit_names: Mapping[Path, str] | None = None) -> ConsolidationResult:
    """Consolidate the workbooks ``paths`` (files or folders, searched recursively) into
    ``output``. Never raises for bad input: rejected files are listed in the result; when the
    output cannot be written, ``output`` is None, ``output_error`` says why and the exit code
    is 2. ``name``: what this consolidation's units are called as an administration when it
    is itself consolidated again (default: the output's file name)."""
    output = Path(output)
    cons = collect(paths, options, roster=Path(roster) if roster else None,
                   previous=Path(previous) if previous else None, jobs=jobs,
                   progress=progress, exclude=[output], name=name or default_name(output),
                   unit_names=unit_names)
    try:
        written = write_consolidated(cons, output, options)
    except Exception as exc:  # disk full, no permission, a folder in the way...
        if options.debug:
            raise
        return ConsolidationResult(cons, None, 2, f"{type(exc).__name__}: {exc}"[:300])
    return ConsolidationResult(cons, written, exit_code(cons))
