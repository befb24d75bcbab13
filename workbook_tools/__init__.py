"""workbook_tools: read, validate and score corruption-risk registers and anti-corruption action
plans kept in Excel by a Kyrgyz village administration, its schools and kindergartens.

The one pipeline (read, normalise, validate, score, write) is :mod:`workbook_tools.pipeline`;
every command calls it. The package is laid out by stage (README, "Architecture"): ``read/``,
``rules/``, ``kinds/``, ``annotated/``, ``outputs/``, with the types they pass in ``model.py``.
"""

from .errors import RejectedFile, WorkbookToolsError
from .model import FileReport, Finding, Level, Limits, Options, ResidualRule, Severity, Table
from .pipeline import analyse, load_plans, run, run_many, score_file

__version__ = "0.1.0"

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
    "load_plans",
    "run",
    "run_many",
    "score_file",
]
