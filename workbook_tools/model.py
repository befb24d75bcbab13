"""The types that pass between the stages of the pipeline: one place, imported by every stage.

Read (``read/``) turns a file into a :class:`Book` of :class:`Grid` s and finds each table's
:class:`Layout` and :class:`Record` s; the rules (``rules/``) turn records into a normalised,
validated, scored frame and :class:`Finding` s; a :class:`TableKind` (``kinds/``) says what is
particular to registers and plans; the pipeline assembles a :class:`Table` per table found and
one :class:`FileReport` per file, which the annotated copy (``annotated/``) and the outputs
(``outputs/``) only read. Nothing here imports another module of the package but the copy plan
(plain data): every arrow points down to this file.

Findings are data (severity, a stable code, where, the value, parameters); their text is made
at the edge by :func:`workbook_tools.messages.render`. A report is complete when it is made:
nothing edits it afterwards (a copy's findings make a new report, :meth:`FileReport.with_copy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .copyplan import NewSheet, SheetWriter, Style

if TYPE_CHECKING:  # the frames' type only: importing pandas costs start-up (--help, --version)
    import pandas as pd

# --- findings ------------------------------------------------------------------------------------


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: ``row`` and ``column`` are Excel's (1-based row, column letter) or None."""

    severity: Severity
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    #: message parameters; a value given in every language is {"ky": ..., "ru": ..., "en": ...}
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: The column key from the schema (e.g. "probability"), for placing the finding.
    field: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_params(self, **params: Any) -> Finding:
        """The same finding with more (or other) parameters; this one is left as it is."""
        return replace(self, params={**self.params, **params})


def warning(code: str, **kw: Any) -> Finding:
    return Finding(Severity.WARNING, code, **kw)


def sort_key(f: Finding) -> tuple[int, str, str]:
    """Findings are listed by row, then column, then code."""
    return (f.row or 0, f.column or "", f.code)


# --- the scale words and the residual setting ---------------------------------------------------


class Level(str, Enum):
    """A risk level, also used for the three-step scales and control effectiveness."""

    ZERO = "zero"  # нөлдүк / нулевой: in the register's vocabulary, never computed by the matrix
    LOW = "low"  # Төмөнкү
    MEDIUM = "medium"  # Орточо
    HIGH = "high"  # Жогорку

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ResidualRule:
    """How residual risk (point 5) is set; the rule itself is :func:`rules.matrix.residual_level`.

    When control effectiveness is marked high, the residual level is one category lower than the
    level (high -> medium, medium -> low). The documents do not say what *low* lowers to, so
    ``low_becomes`` is a visible setting: ``Level.LOW`` (the default: low stays low, the
    conservative reading) or ``Level.ZERO`` (the register's vocabulary knows нөлдүк). Never more
    than one step.
    """

    low_becomes: Level = Level.LOW

    def __post_init__(self) -> None:
        if self.low_becomes not in (Level.LOW, Level.ZERO):
            raise ValueError("low_becomes must be 'low' or 'zero'")


DEFAULT_RESIDUAL_RULE = ResidualRule()


# --- limits of one input file -------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Resource limits for one input file; every one is adjustable (README, "Limits")."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 10_000
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_compression_ratio: int = 200
    # the ratio is only judged for entries inflating to more than this (small parts of
    # repetitive XML legitimately compress very well)
    ratio_min_bytes: int = 1024 * 1024
    # a 35,000-row register (490,000 cells) scores in about 10 s and 390 MB on the project's
    # machines: these two keep every input near the "10 s, 1 GB" bound (bench/README.md)
    max_cells: int = 500_000
    max_rows: int = 50_000
    max_columns: int = 1_000
    max_merged_area: int = 2_000_000
    max_seconds: float = 10.0
    #: LibreOffice, the reader of last resort, is killed after this long (read/libreoffice.py)
    convert_seconds: float = 60.0


DEFAULT_LIMITS = Limits()


# --- what the reader gives ----------------------------------------------------------------------

Cell = Any  # None, str, int, float, bool, date, datetime


@dataclass
class Grid:
    """The values of one sheet: ``rows[r][c]`` is Excel cell (r + 1, c + 1); None when empty."""

    name: str
    rows: list[list[Cell]]
    #: merged ranges as 0-based inclusive (first_row, first_col, last_row, last_col)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    visible: bool = True
    #: rows staff hid (0-based), where the format says so (.xlsx, .xlsm, .ods)
    hidden_rows: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self.width = max((len(r) for r in self.rows), default=0)

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, r: int, c: int) -> Cell:
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return None


@dataclass
class Book:
    """A workbook as read: its real format and every worksheet's values."""

    path: Path
    #: xlsx | xlsm | xls | ods | xlsb | csv; "<format>+libreoffice" when LibreOffice converted
    #: it, "<format>+decrypted" when it was decrypted (those copies are rebuilt from values)
    format: str
    sheets: list[Grid]
    #: what was done to it on the way in (decrypted, converted, sheets skipped): findings
    notes: list[Finding] = field(default_factory=list)


@dataclass
class Layout:
    """Where a table sits in a sheet (0-based indices)."""

    kind: str  # the name of the table format it was found by
    header_row: int  # the first header row
    header_rows: int  # 1, or 2 under merged group headers
    columns: dict[str, int]  # column key -> column index
    first_column: int
    last_column: int
    number_row: int | None = None  # the row of column numbers under the header, if any

    @property
    def data_start(self) -> int:
        start = self.header_row + self.header_rows
        return start + 1 if self.number_row is not None else start


@dataclass
class Record:
    """One row of a table: a risk of a register or an activity of a plan."""

    row: int  # Excel row (1-based)
    section: str | None
    values: dict[str, Cell]
    #: keys whose value came from a merged range above (a function merged over several risks)
    merged_from_above: set[str] = field(default_factory=set)
    #: Excel rows whose text was joined into this record (a risk's text running on)
    continued_rows: list[int] = field(default_factory=list)


# --- a run's settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Settings of one run; every one is visible in the CLI and the README."""

    lang: str = "ky"
    residual: ResidualRule = DEFAULT_RESIDUAL_RULE
    limits: Limits = DEFAULT_LIMITS
    as_of: date | None = None  # plans: the day statuses are computed for (default: today)
    report_year: int | None = None  # plans: the yearly report's year (default: due next)
    debug: bool = False  # let an unexpected exception through instead of a rejection
    #: who writes the copy of an .xlsx: "auto" (streaming, openpyxl when it declines),
    #: "stream" or "openpyxl"
    backend: str = "auto"

    @property
    def day(self) -> date:
        """The day plan statuses are computed for: ``as_of``, else today."""
        return self.as_of or date.today()

    @property
    def year(self) -> int:
        """The year the yearly report covers: ``report_year``, else the year whose report is
        due next (by 1 February of the year after it): until 1 February, the year before
        ``day``'s; after it, ``day``'s own."""
        if self.report_year:
            return self.report_year
        day = self.day
        return day.year - 1 if day <= date(day.year, 2, 1) else day.year


#: The settings of a run nobody changed.
DEFAULT_OPTIONS = Options()


# --- table kinds --------------------------------------------------------------------------------

#: A computed column of the copy: the message key of its header, and its value for a row
#: (the row's values by column key, and the language).
Column = tuple[str, Callable[[Mapping[str, Any], str], Any]]


class Measures(Protocol):
    """What a table offers as measures against risks (a plan's activities), for cross-checks."""

    cited: set[str]  # risk references cited ("3", "2.1")
    text: str  # the folded texts of its tasks, activities and results, one per line


class TableKind(Protocol):
    """What is particular to one kind of table (register, plan, ...): one object per kind, in
    ``kinds/``. The pipeline, the annotated copy and the outputs call these and never test a
    kind's name; a new kind is a new module there."""

    @property
    def name(self) -> str:
        """Its name: the schema file ``schemas/<name>.toml``, the JSON ``kind``, message keys."""
        ...

    @property
    def parsers(self) -> Mapping[str, Callable[[Cell], Any]]:
        """Normalisers of the column types particular to it (schemas/<name>.toml ``type``)."""
        ...

    @property
    def computed_columns(self) -> Sequence[Column]:
        """The columns the annotated copy adds beside the table, before the findings column."""
        ...

    def analyse(self, frame: pd.DataFrame, layout: Layout, sheet: str,
                options: Options) -> list[Finding]:
        """Add the kind's computed columns to ``frame`` (before any Table is made) and return
        the findings of that analysis."""
        ...

    def measures(self, table: Table) -> Measures | None:
        """The measures this table offers other tables' cross-checks (None: it offers none)."""
        ...

    def cross_check(self, table: Table, measures: list[Measures]) -> list[Finding]:
        """Findings of this table against the measures of the workbook (and ``--plan``)."""
        ...

    def row_fill(self, rec: Mapping[str, Any]) -> str | None:
        """The ARGB colour of a row of the copy."""
        ...

    def legend(self, lang: str) -> list[tuple[str, Style]]:
        """The colours of the copy's rows, as (label, style), for the legend."""
        ...

    def column_note(self, key: str, lang: str) -> str | None:
        """The note on the header of a computed column (``key``) whose cells hold a short
        form: the full wording."""
        ...

    def headline(self, table: Table, lang: str) -> str:
        """What matters in the table, in a few words, for the terminal: a register's counts
        by level, a plan's overdue and due-soon activities."""
        ...

    def summary(self, out: SheetWriter, table: Table, options: Options) -> None:
        """The table's block of the Summary sheet."""
        ...

    def extra_sheets(self, table: Table, options: Options,
                     title: Callable[[str], str]) -> list[NewSheet]:
        """Sheets the copy adds for this table; ``title(wanted)`` makes a free sheet title."""
        ...

    def json_row(self, row: int, rec: dict[str, Any]) -> dict[str, Any]:
        """One row as the JSON document gives it."""
        ...


@dataclass(frozen=True)
class Table:
    """One table found in a sheet, normalised, validated and scored; complete when made."""

    sheet: str
    kind: TableKind
    layout: Layout
    frame: pd.DataFrame
    findings: tuple[Finding, ...] = ()
    #: the sheet's values as read: where the copy may write, which cells are merged
    grid: Grid | None = field(default=None, repr=False)
    #: the name of the file the table was read from
    source_name: str = ""

    @property
    def header_row(self) -> int:
        """The Excel row of the (first) header row."""
        return self.layout.header_row + 1

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """(Excel row, the row's values by column key), in order."""
        return list(self.iter_records())

    def iter_records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """:meth:`records` one at a time (a large table's rows are never all dictionaries at
        once)."""
        frame = self.frame
        # by column, then zipped: the values of to_dict("records") (the same Python types),
        # each column converted at C speed where pandas' conversion would change nothing
        names = frame.columns.tolist()
        if not names:
            yield from ((int(r), {}) for r in frame.index)
            return
        rows = zip(*_column_lists(frame), strict=True)
        for r, values in zip(frame.index.tolist(), rows, strict=True):
            yield int(r), dict(zip(names, values, strict=True))

    def iter_rows(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """:meth:`iter_records` as read-only mappings whose columns are converted when first
        asked for: for a caller that reads a few columns of each row (the annotated copy's
        computed columns read four of some thirty)."""
        columns = _LazyColumns(self.frame)
        for i, r in enumerate(self.frame.index.tolist()):
            yield int(r), _Row(columns, i)


class _LazyColumns:
    """A frame's columns, each converted by :func:`column_values` when first asked for (a
    name given twice: the last column of that name, as in :meth:`Table.iter_records`)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.names: list[str] = frame.columns.tolist()
        self._at = {name: i for i, name in enumerate(self.names)}
        self._done: dict[str, list[Any]] = {}

    def values(self, key: str) -> list[Any]:
        got = self._done.get(key)
        if got is None:
            got = self._done[key] = column_values(self.frame.iloc[:, self._at[key]])
        return got


class _Row(Mapping[str, Any]):
    """One row of :meth:`Table.iter_rows`."""

    __slots__ = ("_columns", "_i")

    def __init__(self, columns: _LazyColumns, i: int) -> None:
        self._columns = columns
        self._i = i

    def __getitem__(self, key: str) -> Any:
        return self._columns.values(key)[self._i]

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._columns.values(key)[self._i]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self._columns.names))

    def __len__(self) -> int:
        return len(dict.fromkeys(self._columns.names))


#: The types pandas' to_dict gives back as they are (``maybe_box_native`` changes none of
#: them: numpy scalars, pd.NA, Timestamps and the like are what it converts).
_NATIVE = frozenset({str, int, float, bool, type(None), date, datetime})


def _column_lists(frame: pd.DataFrame) -> list[list[Any]]:
    """:func:`column_values` of every column: the frame converted to Python objects at once
    (numpy numbers become Python's, as ``astype(object)`` makes them), each column of numpy
    numbers, objects or text kept where all its values are of the types :func:`column_values`
    gives as they are; any other column (pd.NA, Timestamps, categories) goes through
    :func:`column_values`."""
    import numpy as np
    import pandas as pd

    lists: list[list[Any]] = frame.to_numpy(dtype=object).T.tolist()
    for i, (values, dtype) in enumerate(zip(lists, frame.dtypes.tolist(), strict=True)):
        # the dtypes column_values takes whole; others (categories, dates) go through it
        whole = ((isinstance(dtype, np.dtype) and dtype.kind in "iufbO")
                 or isinstance(dtype, pd.StringDtype))
        if not whole or not set(map(type, values)) <= _NATIVE:
            lists[i] = column_values(frame.iloc[:, i])
    return lists


def column_values(series: pd.Series) -> list[Any]:
    """A column's values as ``frame.to_dict("list")`` gives them: Python scalars for numpy
    numbers, None for pd.NA, the objects as they are. Where a column's values are already of
    those types (text, numbers, missing values) they are taken whole (``tolist``, C speed);
    any other column goes through pandas' own conversion."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        return series.to_numpy().tolist()  # numpy numbers become Python's, as maybe_box_native
    values: list[Any] | None = None
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        values = series.to_numpy().tolist()
    elif isinstance(series.array, pd.arrays.IntegerArray | pd.arrays.FloatingArray
                    | pd.arrays.BooleanArray):
        # pd.NA as None, as pandas boxes it
        values = series.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
    if values is not None and set(map(type, values)) <= _NATIVE:
        return values
    converted: list[Any] = series.to_frame(name=0).to_dict("list")[0]
    return converted


@dataclass(frozen=True)
class FileReport:
    """What the pipeline found in one file: its tables and findings, or why it was rejected."""

    input: Path
    format: str | None = None
    status: str = "ok"  # ok | errors | rejected
    reason: str | None = None  # rejection code
    reason_params: Mapping[str, Any] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    findings: tuple[Finding, ...] = ()
    output: Path | None = None
    #: the workbook as read, handed to the writer (never read a second time)
    book: Book | None = field(default=None, repr=False, compare=False)

    @property
    def sheet_names(self) -> list[str]:
        return [g.name for g in self.book.sheets] if self.book is not None else []

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    @classmethod
    def rejected(cls, path: Path, reason: str, params: Mapping[str, Any] | None = None,
                 fmt: str | None = None) -> FileReport:
        return cls(Path(path), fmt, status="rejected", reason=reason,
                   reason_params=dict(params or {}))

    def as_rejected(self, reason: str, params: Mapping[str, Any] | None = None) -> FileReport:
        """This file, rejected (its copy could not be written): tables and findings stay."""
        return replace(self, status="rejected", reason=reason, reason_params=dict(params or {}))

    def with_copy(self, output: Path, findings: Sequence[Finding]) -> FileReport:
        """This report with its copy written to ``output``, and the findings of writing it
        (what the copy neutralised) after the analysis' own."""
        found = (*self.findings, *findings)
        status = "errors" if any(f.is_error for f in found) else "ok"
        return replace(self, output=output, findings=found, status=status)

