"""workbook_tools: read, validate and score corruption-risk registers and anti-corruption action
plans kept in Excel by a Kyrgyz village administration, its schools and kindergartens.

The one pipeline (read, normalise, validate, score, write) is :mod:`workbook_tools.pipeline`;
every command calls it. The package is laid out by stage (README, "Architecture"): ``read/``,
``rules/``, ``kinds/``, ``annotated/``, ``outputs/``, with the types they pass in ``model.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import RejectedFile, WorkbookToolsError
from .model import FileReport, Finding, Level, Limits, Options, ResidualRule, Severity, Table

if TYPE_CHECKING:
    from .batch import iter_many, run_many
    from .pipeline import analyse, load_plans, run, score_file

__version__ = "0.1.0"

#: imported on first use: the pipeline brings pandas and pandera (about 0.5 s), which
#: ``--help``, ``--version`` and a caller of the model alone do not need
_PIPELINE = ("analyse", "load_plans", "run", "score_file")
_BATCH = ("iter_many", "run_many")


def __getattr__(name: str) -> Any:
    if name in _PIPELINE:
        from . import pipeline

        return getattr(pipeline, name)
    if name in _BATCH:
        from . import batch

        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "FileReport",
    "Finding",
    "Level",
    "Limits",
    "Options",
    "RejectedFile",
    "ResidualRule",
    "Severity",
    "Table",
    "WorkbookToolsError",
    "__version__",
    "analyse",
    "iter_many",
    "load_plans",
    "run",
    "run_many",
    "score_file",
]
