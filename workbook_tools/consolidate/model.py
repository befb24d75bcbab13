"""What consolidation passes between its stages: plain, picklable data.

A worker reads one file and gives a :class:`Loaded`: the units it holds (one for a unit's own
workbook, many for a consolidated workbook given as input), each a :class:`UnitFile` with its
risks and activities as tuples of :data:`RISK_FIELDS` / :data:`ACTIVITY_FIELDS`, or the file's
rejection. Nothing of the pipeline's frames crosses back to the parent process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..rules.matrix import MATRIX_LEVELS
from ..rules.plan import STATUSES
from .names import unit_key

#: The columns of a risk row, in the order the worker gives them and the Risks sheet writes them.
#: ``administration``, ``unit``, ``file``, ``sheet``, ``row`` say where it came from; then every
#: column a unit's register may hold (schemas/register.toml); then the computed ones.
RISK_FIELDS: tuple[str, ...] = (
    "administration", "unit", "file", "sheet", "row", "section",
    "number", "function", "cases", "category", "stated_level", "unit_column", "positions",
    "other_bodies", "probability", "probability_reason", "harm", "harm_reason", "control",
    "measures",
    "score", "level", "residual_level", "measure", "findings",
)
#: The columns of a plan activity row.
ACTIVITY_FIELDS: tuple[str, ...] = (
    "administration", "unit", "file", "sheet", "row", "section",
    "number", "task", "activity", "deadline", "expected", "responsible", "funding",
    "typed_status", "risk_ref",
    "due_start", "due_end", "next_due", "status", "findings",
)
RISK_INDEX = {k: i for i, k in enumerate(RISK_FIELDS)}
ACTIVITY_INDEX = {k: i for i, k in enumerate(ACTIVITY_FIELDS)}

LEVELS: tuple[str, ...] = tuple(lv.value for lv in MATRIX_LEVELS)


@dataclass
class UnitFile:
    """One unit as one file gives it (or one unit of a consolidated workbook)."""

    unit: str
    #: where the name was found: label | title | column | file | consolidated
    unit_source: str
    administration: str
    file: str  # the path as found
    modified: datetime | None  # the workbook's own modified date, else the file's
    modified_source: str  # workbook | file | consolidated
    risks: list[tuple[Any, ...]] = field(default_factory=list)
    activities: list[tuple[Any, ...]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    #: the parts this file gives (a register, a plan, or both)
    parts: tuple[str, ...] = ()
    #: the consolidated workbook this unit was read from, if any
    via: str | None = None

    @property
    def findings(self) -> int:
        return self.errors + self.warnings


@dataclass
class Loaded:
    """What a worker gives for one file: its units, or why it was rejected."""

    file: str
    units: list[UnitFile] = field(default_factory=list)
    reason: str | None = None
    reason_params: Mapping[str, Any] = field(default_factory=dict)
    #: the file had error findings (its rows are still used)
    has_errors: bool = False
    #: a consolidated workbook: the day its statuses were computed for, and its name
    stored_as_of: date | None = None
    stored_name: str | None = None


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str  # skip.lock | skip.scored_copy | skip.not_spreadsheet | skip.hidden | skip.own


@dataclass(frozen=True)
class Duplicate:
    unit: str
    administration: str
    part: str
    used: str
    ignored: str


@dataclass
class UnitSummary:
    """One unit of the consolidation: its used files merged, and its counts."""

    unit: str
    administration: str
    files: list[str]
    modified: datetime | None
    risks: list[tuple[Any, ...]]
    activities: list[tuple[Any, ...]]
    errors: int
    warnings: int
    unit_source: str
    roster: str | None = None  # the roster name it matched

    @property
    def findings_count(self) -> int:
        return self.errors + self.warnings

    @property
    def key(self) -> tuple[str, str]:
        return (unit_key(self.administration), unit_key(self.unit))

    def levels(self) -> dict[str, int]:
        i = RISK_INDEX["level"]
        out = dict.fromkeys((*LEVELS, "unscored"), 0)
        for r in self.risks:
            out[r[i] if r[i] in LEVELS else "unscored"] += 1
        return out

    def statuses(self) -> dict[str, int]:
        i = ACTIVITY_INDEX["status"]
        out = dict.fromkeys(STATUSES, 0)
        for r in self.activities:
            if r[i] in out:
                out[r[i]] += 1
        return out


@dataclass
class Changes:
    """What changed since an earlier consolidated workbook (``--previous``)."""

    previous: str
    previous_as_of: date | None
    #: (administration, unit, risk text, level) of each risk added / removed
    added: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    removed: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    #: (administration, unit, risk text, level before, level now)
    raised: list[tuple[str, str, str, str | None, str | None]] = field(default_factory=list)
    lowered: list[tuple[str, str, str, str | None, str | None]] = field(default_factory=list)
    #: (administration, unit, activity text)
    newly_overdue: list[tuple[str, str, str]] = field(default_factory=list)
    newly_done: list[tuple[str, str, str]] = field(default_factory=list)
    #: (administration, unit) that submitted then and not now
    not_resubmitted: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Consolidation:
    """Everything the consolidated workbook and the JSON document say."""

    units: list[UnitSummary]
    rejected: list[Loaded]
    skipped: list[Skipped]
    duplicates: list[Duplicate]
    error_files: list[str]
    as_of: date
    name: str
    roster: list[str] | None = None
    missing: list[str] = field(default_factory=list)
    unmatched: list[UnitSummary] = field(default_factory=list)
    changes: Changes | None = None
    roster_rejected: Loaded | None = None
    previous_rejected: Loaded | None = None

    @property
    def has_administrations(self) -> bool:
        return any(u.administration for u in self.units)


@dataclass
class ConsolidationResult:
    """What :func:`workbook_tools.consolidate.consolidate` did: the data, where it was written
    (None when it could not be), and the exit code the command line gives."""

    consolidation: Consolidation
    output: Path | None
    exit_code: int
    output_error: str | None = None
