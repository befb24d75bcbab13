"""The one pipeline every command runs: read, normalise, validate, score, (write).

:func:`analyse` returns data (a :class:`FileReport`) and raises nothing for a bad file: a file
that cannot be used comes back with ``status == "rejected"`` and its reason. :func:`score_file`
adds the annotated copy. The CLI, the drop folder and consolidation all call these.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import findings as fnd
from . import guard, messages, rules
from .errors import RejectedFile, WorkbookToolsError
from .findings import Finding, Severity
from .formats import KINDS, TableFormat, table_format
from .locate import Layout, MergeMap, find_layout, records
from .normalize import normalise
from .reader import Book, Grid, read_book
from .scoring import score_frame
from .validate import validate


@dataclass(frozen=True)
class Options:
    """Settings of one run; every one is visible in the CLI and the README."""

    lang: str = messages.DEFAULT_LANG
    residual: rules.ResidualRule = rules.DEFAULT_RESIDUAL_RULE
    limits: guard.Limits = guard.DEFAULT_LIMITS
    as_of: date | None = None  # plans: the day statuses are computed for (default: today)
    report_year: int | None = None  # plans: the yearly report's year (default: as_of's - 1)
    debug: bool = False  # let an unexpected exception through instead of a rejection
    #: who writes the copy of an .xlsx: "auto" (streaming, openpyxl when it declines),
    #: "stream" or "openpyxl"
    backend: str = "auto"


@dataclass
class Table:
    """One register or plan table found in a sheet, normalised, validated and scored."""

    sheet: str
    kind: str
    layout: Layout
    frame: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    #: the sheet's values as read: where the copy may write, which cells are merged
    grid: Grid | None = field(default=None, repr=False)

    @property
    def header_row(self) -> int:
        """The Excel row of the (first) header row."""
        return self.layout.header_row + 1

    @property
    def scored(self) -> bool:
        return "probability" in self.layout.columns and "harm" in self.layout.columns


@dataclass
class FileReport:
    input: Path
    format: str | None = None
    status: str = "ok"  # ok | errors | rejected
    reason: str | None = None  # rejection code
    reason_params: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    output: Path | None = None
    sheet_names: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    def reason_text(self, lang: str = messages.DEFAULT_LANG) -> str | None:
        if self.reason is None:
            return None
        return messages.reason_text(self.reason, self.reason_params, lang)


def _column_findings(fmt: TableFormat, layout: Layout, sheet: str, count: int) -> list[Finding]:
    """Missing columns, in the user's language; an unscored register said so once."""
    out: list[Finding] = []
    present = set(layout.columns)
    groups_present = {fmt.column(k).group for k in present if fmt.column(k).group}
    for spec in fmt.columns:
        if spec.key in present:
            continue
        severity = spec.required
        if spec.group and spec.group in groups_present:
            severity = "error" if spec.type == "score" else "warning"
        if severity == "optional":
            continue
        out.append(
            Finding(
                Severity(severity),
                "column.missing",
                sheet=sheet,
                row=layout.header_row + 1,
                params={"column": spec.label},
                field=spec.key,
            )
        )
    if fmt.kind == "register" and not groups_present and count:
        out.append(fnd.warning("register.not_scored", sheet=sheet, params={"count": count}))
    return out


def _label_params(found: list[Finding], fmt: TableFormat) -> None:
    """Give every finding about a column that column's header in every language."""
    for f in found:
        if f.field and "column" not in f.params and f.field in fmt.by_key:
            f.params["column"] = fmt.column(f.field).label
        if f.code == "level.mismatch":
            for key in ("computed", "stated"):
                code = f.params.get(key)
                f.params[key] = {lang: messages.level_name(code, lang) for lang in messages.LANGS}


def _analyse_sheet(grid: Grid, options: Options) -> list[Table]:
    merges = MergeMap(grid, options.limits.max_merged_area)
    tables: list[Table] = []
    for kind in KINDS:
        fmt = table_format(kind)
        layout = find_layout(grid, fmt, merges)
        if layout is None:
            continue
        if any(t.layout.header_row == layout.header_row for t in tables):
            continue  # one header row is one table: the better-matching kind took it
        recs, _ = records(grid, layout, fmt, merges)
        frame, found = normalise(recs, layout, fmt, grid.name, extra=_extra_parsers(kind))
        found += _column_findings(fmt, layout, grid.name, len(recs))
        found += validate(frame, fmt, layout, grid.name)
        if kind == "register":
            score_frame(frame, options.residual)
        else:
            found += _plan_hook(frame, options, grid.name, layout)
        _label_params(found, fmt)
        found.sort(key=lambda f: (f.row or 0, f.column or "", f.code))
        tables.append(Table(grid.name, kind, layout, frame, found, grid))
    # A sheet that looks like both kinds keeps the kind with more recognised columns.
    if len(tables) == 2 and tables[0].layout.header_row == tables[1].layout.header_row:
        tables.sort(key=lambda t: -len(t.layout.columns))
        tables = tables[:1]
    return tables


def _extra_parsers(kind: str) -> dict[str, Any]:
    if kind != "plan":
        return {}
    from .plan import PARSERS

    return PARSERS


def _plan_hook(frame: pd.DataFrame, options: Options, sheet: str, layout: Layout) -> list[Finding]:
    from .plan import analyse_plan

    return analyse_plan(frame, options, sheet, layout)


def analyse_book(
    book: Book,
    options: Options = Options(),
    plans: list[Table] | None = None,
    started: float | None = None,
) -> FileReport:
    """Find, normalise, validate and score every table of a workbook already read.

    ``plans``: plan tables given from another workbook (``score REGISTER --plan PLAN``) for the
    cross-check of high risks, besides the plan tables of this workbook. ``started``: when the
    file's reading began (``time.monotonic()``); past ``limits.max_seconds`` the file is
    rejected (``file.timeout``) between sheets.
    """
    report = FileReport(book.path, book.format, sheet_names=[g.name for g in book.sheets])
    for grid in book.sheets:
        if started is not None and time.monotonic() - started > options.limits.max_seconds:
            return FileReport(book.path, book.format, status="rejected", reason="file.timeout",
                              reason_params={"limit": int(options.limits.max_seconds)})
        report.tables.extend(_analyse_sheet(grid, options))
    if not report.tables:
        report.status = "rejected"
        report.reason = "file.no_table"
        return report
    all_plans = [t for t in report.tables if t.kind == "plan"] + list(plans or [])
    if all_plans and any(t.kind == "register" for t in report.tables):
        from .plan import cross_check

        cross_check(report.tables, all_plans)
    for t in report.tables:
        report.findings.extend(t.findings)
    report.status = "errors" if report.has_errors else "ok"
    return report


def analyse(
    path: str | Path, options: Options = Options(), plans: list[Table] | None = None
) -> FileReport:
    """Read a workbook through the guarded reader and analyse it; never raises for bad input."""
    path = Path(path)
    started = time.monotonic()
    try:
        book = read_book(path, options.limits)
    except RejectedFile as exc:
        return FileReport(path, status="rejected", reason=exc.reason, reason_params=exc.params)
    return analyse_book(book, options, plans, started)


def output_path(path: Path, out_dir: Path | None, taken: set[Path] | None = None) -> Path:
    """``<name>.scored.xlsx`` beside the input, or in ``out_dir``; ``<name> (2).scored.xlsx``
    and so on when another input of the same run already took the name (two units'
    register.xlsx scored into one folder, or register.xlsx beside register.ods)."""
    folder = out_dir or path.parent
    target = folder / f"{path.stem}.scored.xlsx"
    n = 2
    while taken is not None and target.resolve() in taken:
        target = folder / f"{path.stem} ({n}).scored.xlsx"
        n += 1
    return target


def score_file(
    path: str | Path,
    out_dir: str | Path | None = None,
    options: Options = Options(),
    plans: list[Table] | None = None,
    target: Path | None = None,
) -> FileReport:
    """Analyse a workbook and write its annotated copy; the input is never modified."""
    path = Path(path)
    report = analyse(path, options, plans)
    if report.status == "rejected":
        return report
    from .writer import write_scored_copy

    target = target or output_path(path, Path(out_dir) if out_dir else None)
    try:
        write_scored_copy(report, target, options)
    except RejectedFile as exc:
        report.status = "rejected"
        report.reason, report.reason_params = exc.reason, exc.params
        return report
    except (OSError, WorkbookToolsError) as exc:
        report.status = "rejected"
        report.reason = "file.output_failed"
        report.reason_params = {"detail": f"{type(exc).__name__}: {exc}"[:200]}
        return report
    report.output = target
    return report


def run(
    path: str | Path,
    *,
    write: bool,
    out_dir: str | Path | None = None,
    options: Options = Options(),
    plans: list[Table] | None = None,
    target: Path | None = None,
) -> FileReport:
    """One file through the pipeline, for batch callers: a failure of the tool itself on one
    file becomes that file's rejection (``file.unreadable``) instead of stopping the batch."""
    try:
        if write:
            return score_file(path, out_dir, options, plans, target)
        return analyse(path, options, plans)
    except Exception as exc:  # noqa: BLE001 - the batch must go on; --debug shows the traceback
        if options.debug:
            raise
        return FileReport(
            Path(path),
            status="rejected",
            reason="file.unreadable",
            reason_params={"detail": f"{type(exc).__name__}: {exc}"[:200]},
        )


def run_many(
    paths: list[Path],
    *,
    write: bool,
    out_dir: str | Path | None = None,
    options: Options = Options(),
    plans: list[Table] | None = None,
) -> list[FileReport]:
    """Every file through :func:`run`, in order; no two copies of one run share a name."""
    taken: set[Path] = set()
    reports: list[FileReport] = []
    folder = Path(out_dir) if out_dir else None
    for path in map(Path, paths):
        target = output_path(path, folder, taken) if write else None
        report = run(path, write=write, out_dir=out_dir, options=options, plans=plans,
                     target=target)
        if report.output is not None:  # a rejected file takes no name
            taken.add(report.output.resolve())
        reports.append(report)
    return reports
