"""workbook_tools: read, validate and score corruption-risk registers and anti-corruption action
plans kept in Excel by a Kyrgyz village administration, its schools and kindergartens.

The one pipeline (read, normalise, validate, score, write) is :mod:`workbook_tools.pipeline`;
every command calls it. See README.md.
"""

from .errors import RejectedFile, WorkbookToolsError
from .findings import Finding, Severity
from .guard import Limits
from .pipeline import FileReport, Options, Table, analyse, run, run_many, score_file
from .rules import Level, ResidualRule

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
    "run",
    "run_many",
    "score_file",
]
