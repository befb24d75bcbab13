"""The one pipeline every command runs: read, normalise, validate, score, (write).

:func:`analyse` returns data (a :class:`~workbook_tools.model.FileReport`) and raises nothing
for a bad file: a file that cannot be used comes back with ``status == "rejected"`` and its
reason. :func:`score_file` adds the annotated copy. The CLI, the drop folder and consolidation
all call these; the report is complete when it is made, and nothing edits it afterwards.

Per sheet, every kind of table (``kinds.KINDS``) is looked for: the kind's format locates the
header (``read/locate``), the records are normalised and validated (``rules/``), the kind adds
its own analysis (scores, statuses). Then every table is cross-checked against the measures the
workbook's tables (and ``--plan``'s) offer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import messages
from .errors import RejectedFile, WorkbookToolsError
from .inputs import own_sheets
from .kinds import KINDS
from .model import (
    DEFAULT_OPTIONS,
    Book,
    FileReport,
    Finding,
    Grid,
    Layout,
    Options,
    Severity,
    Table,
    TableKind,
    sort_key,
    warning,
)
from .read.ahead import Ahead, read_timed
from .read.locate import MergeMap, find_layouts, records, unheaded_findings
from .rules.formats import TableFormat, table_format
from .rules.normalise import normalise
from .rules.validate import Pending, validate_many
from .rules.validate import prepare as prepare_validation
from .template.check import template_findings


def _column_findings(fmt: TableFormat, layout: Layout, sheet: str) -> list[Finding]:
    """Missing columns, in the user's language (a column of a group present is required)."""
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
        out.append(Finding(Severity(severity), "column.missing", sheet=sheet,
                           row=layout.header_row + 1, params={"column": spec.label},
                           field=spec.key))
    return out


def _labelled(f: Finding, fmt: TableFormat) -> Finding:
    """A finding about a column with that column's header in every language; a level mismatch
    with both levels' words."""
    if f.field and "column" not in f.params and f.field in fmt.by_key:
        f = f.with_params(column=fmt.column(f.field).label)
    if f.code == "level.mismatch":
        f = f.with_params(**{
            # lower-case: the level is said inside a sentence ("3 балла — низкий")
            key: {lang: messages.level_name(f.params.get(key), lang).lower()
                  for lang in messages.LANGS}
            for key in ("computed", "stated")
        })
    return f


@dataclass
class _Found:
    """A table found in a sheet, before its validation and the cross-check: the only stage
    where a frame and its findings are still being built."""

    kind: TableKind
    layout: Layout
    frame: pd.DataFrame
    grid: Grid
    fmt: TableFormat
    #: the findings before the validation's (reading, columns) and after them (the kind's own)
    before: list[Finding] = field(default_factory=list)
    after: list[Finding] = field(default_factory=list)
    pending: Pending | None = None


def _analyse_sheet(grid: Grid, options: Options) -> list[_Found]:
    merges = MergeMap(grid, options.limits.max_merged_area)
    kinds = {kind.name: kind for kind in KINDS}
    found: list[_Found] = []
    # every kind's header found in one pass; one header row is one table
    for layout in find_layouts(grid, [table_format(k) for k in kinds], merges):
        kind = kinds[layout.kind]
        fmt = table_format(kind.name)
        recs = records(grid, layout, fmt, merges)
        frame, problems = normalise(recs, layout, fmt, grid.name, extra=kind.parsers)
        problems += _column_findings(fmt, layout, grid.name)
        problems += unheaded_findings(grid, layout, recs, merges)
        # validated later, with the other tables of the batch: the frame as normalised
        pending = prepare_validation(frame, fmt, layout, grid.name)
        after = kind.analyse(frame, layout, grid.name, options)
        after += template_findings(grid, layout, frame)  # formulas typed over
        found.append(_Found(kind, layout, frame, grid, fmt, problems, after, pending))
    return found


#: The finding of a scored copy given as input (its own sheets are skipped, no copy is made).
SCORED_COPY = "file.scored_copy"


def is_scored_copy(report: FileReport) -> bool:
    """Whether the workbook analysed is a copy the tool itself wrote."""
    return any(f.code == SCORED_COPY for f in report.findings)


@dataclass
class _Staged:
    """A workbook's tables found, normalised and scored, waiting for their validation."""

    book: Book
    found: list[_Found]
    own: list[str]


def _stage(book: Book, options: Options, started: float | None) -> _Staged | FileReport:
    own = own_sheets(book.sheets)  # a scored copy given on purpose: its added sheets are no tables
    found: list[_Found] = []
    for grid in book.sheets:
        if grid.name in own:
            continue
        if started is not None and time.monotonic() - started > options.limits.max_seconds:
            return FileReport.rejected(book.path, "file.timeout",
                                       {"limit": int(options.limits.max_seconds)}, book.format)
        found += _analyse_sheet(grid, options)
    if not found:
        return replace(FileReport.rejected(book.path, "file.no_table", fmt=book.format),
                       book=book)
    return _Staged(book, found, list(own))


def _finish(staged: _Staged, plans: list[Table] | None) -> FileReport:
    book, own = staged.book, staged.own
    tables = [
        Table(t.grid.name, t.kind, t.layout, t.frame,
              tuple(sorted((_labelled(f, t.fmt) for f in (*t.before, *t.after)), key=sort_key)),
              t.grid, Path(book.path).name)
        for t in staged.found
    ]
    measures = [m for t in [*tables, *(plans or [])] if (m := t.kind.measures(t)) is not None]
    checked = []
    for t in tables:
        extra = t.kind.cross_check(t, measures)
        checked.append(replace(t, findings=tuple(sorted((*t.findings, *extra), key=sort_key)))
                       if extra else t)
    findings = (*book.notes, *(f for t in checked for f in t.findings))
    if own:
        findings = (warning(SCORED_COPY, params={"sheets": ", ".join(f"«{n}»" for n in own)}),
                    *findings)
    status = "errors" if any(f.is_error for f in findings) else "ok"
    return FileReport(book.path, book.format, status, tables=tuple(checked), findings=findings,
                      book=book)


def analyse_books(
    books: Sequence[tuple[Book, float | None]],
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
) -> list[FileReport]:
    """:func:`analyse_book` for several workbooks at once, their reports in order: every
    table of the batch is validated by one pandera call per schema (pandera's cost is mostly
    the same whatever the number of rows). ``books``: each workbook and when its reading
    began (or None)."""
    staged = [_stage(book, options, started) for book, started in books]
    tables = [t for s in staged if isinstance(s, _Staged) for t in s.found]
    results = validate_many([t.pending for t in tables if t.pending is not None])
    for t, got in zip(tables, results, strict=True):
        t.before += got  # the order of the findings before sorting: reading, checks, the kind's
        t.pending = None
    return [_finish(s, plans) if isinstance(s, _Staged) else s for s in staged]


def analyse_book(
    book: Book,
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
    started: float | None = None,
) -> FileReport:
    """Find, normalise, validate and score every table of a workbook already read.

    ``plans``: tables from another workbook (``score REGISTER --plan PLAN``) whose measures
    the cross-check counts besides those of this workbook's tables. ``started``: when the
    file's reading began (``time.monotonic()``); past ``limits.max_seconds`` the file is
    rejected (``file.timeout``) between sheets.
    """
    return analyse_books([(book, started)], options, plans)[0]


def _read(path: Path, options: Options) -> tuple[Book, float] | FileReport:
    """The workbook through the guarded reader, and when its reading began; or its rejection."""
    return read_timed(path, options.limits)


def analyse(
    path: str | Path, options: Options = DEFAULT_OPTIONS, plans: list[Table] | None = None
) -> FileReport:
    """Read a workbook through the guarded reader and analyse it; never raises for bad input."""
    got = _read(Path(path), options)
    if isinstance(got, FileReport):
        return got
    return analyse_book(got[0], options, plans, got[1])


def output_path(path: Path, out_dir: Path | None, taken: set[Path] | None = None) -> Path:
    """``<name>.scored.xlsx`` beside the input, or in ``out_dir``; the copy of any other format
    says its source, ``<name>.ods.scored.xlsx``. ``<name> (2).scored.xlsx`` and so on when
    another input of the same run already took the name (two units' register.xlsx scored into
    one folder)."""
    folder = out_dir or path.parent
    stem = path.stem if path.suffix.lower() == ".xlsx" else path.name
    target = folder / f"{stem}.scored.xlsx"
    n = 2
    while taken is not None and target.resolve() in taken:
        target = folder / f"{stem} ({n}).scored.xlsx"
        n += 1
    return target


def _with_copy(report: FileReport, target: Path, options: Options) -> FileReport:
    """The report with its annotated copy written to ``target`` (none for a rejected file or
    a scored copy), or rejected when the copy cannot be written."""
    if report.status == "rejected" or is_scored_copy(report):
        return report  # a copy of a copy would be *.scored.scored.xlsx: the copy says so instead
    from .annotated.writer import write_scored_copy  # the copy's modules: only when writing

    try:
        own = write_scored_copy(report, target, options)
    except RejectedFile as exc:
        return report.as_rejected(exc.reason, exc.params)
    except (OSError, WorkbookToolsError) as exc:
        return report.as_rejected("file.output_failed",
                                  {"detail": f"{type(exc).__name__}: {exc}"[:200]})
    return report.with_copy(target, own)


def score_file(
    path: str | Path,
    out_dir: str | Path | None = None,
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
    target: Path | None = None,
) -> FileReport:
    """Analyse a workbook and write its annotated copy; the input is never modified. The
    report is :func:`analyse`'s, plus the findings of writing the copy (what it neutralised)."""
    path = Path(path)
    report = analyse(path, options, plans)
    return _with_copy(report, target or output_path(path, Path(out_dir) if out_dir else None),
                      options)


def _unreadable(path: Path, exc: Exception, options: Options) -> FileReport:
    """A failure of the tool itself on one file: that file's rejection (``file.unreadable``),
    so a batch goes on; ``--debug`` shows the traceback instead."""
    if options.debug:
        raise exc
    return FileReport.rejected(path, "file.unreadable",
                               {"detail": f"{type(exc).__name__}: {exc}"[:200]})


def run(
    path: str | Path,
    *,
    write: bool,
    out_dir: str | Path | None = None,
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
    target: Path | None = None,
) -> FileReport:
    """One file through the pipeline, for batch callers: a failure of the tool itself on one
    file becomes that file's rejection (``file.unreadable``) instead of stopping the batch."""
    try:
        if write:
            return score_file(path, out_dir, options, plans, target)
        return analyse(path, options, plans)
    except Exception as exc:  # the batch must go on; --debug shows the traceback
        return _unreadable(Path(path), exc, options)


def run_batch(
    paths: Sequence[Path],
    *,
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
    name: Callable[[int, Path], Path] | None = None,
    took: Callable[[Path], None] | None = None,
    ahead: Ahead | None = None,
) -> list[FileReport]:
    """Several files through the pipeline at once, their reports in order, each the report
    :func:`run` gives it: the files are read one by one, their tables validated together
    (:func:`analyse_books`), then, with ``name``, each copy written, in order, to the name it
    gives (asked, with the file's place in the batch, only for a file that gets a copy);
    ``took`` is told every copy written. A failure of the tool on one file is that file's
    rejection alone. ``ahead``: files already read (:mod:`workbook_tools.read.ahead`), taken
    from there in order."""
    read: list[tuple[Book, float] | FileReport] = []
    for path in paths:
        try:
            got = ahead.take(path) if ahead is not None else None
            read.append(got if got is not None else _read(path, options))
        except Exception as exc:  # the batch must go on
            read.append(_unreadable(path, exc, options))
    books = [got for got in read if not isinstance(got, FileReport)]
    try:
        analysed = iter(analyse_books(books, options, plans))
        reports = [got if isinstance(got, FileReport) else next(analysed) for got in read]
    except Exception:  # one file broke the batch: each file alone, so only it is rejected
        if options.debug:
            raise
        reports = [got if isinstance(got, FileReport) else _alone(path, got, options, plans)
                   for path, got in zip(paths, read, strict=True)]
    if name is None:
        return reports
    out = []
    for i, (path, report) in enumerate(zip(paths, reports, strict=True)):
        if report.status != "rejected" and not is_scored_copy(report):
            try:
                report = _with_copy(report, name(i, path), options)
            except Exception as exc:  # the batch must go on
                report = _unreadable(path, exc, options)
            if report.output is not None and took is not None:
                took(report.output)
        out.append(report)
    return out


def _alone(path: Path, got: tuple[Book, float], options: Options,
           plans: list[Table] | None) -> FileReport:
    try:
        return analyse_book(got[0], options, plans, got[1])
    except Exception as exc:
        return _unreadable(path, exc, options)


def load_plans(path: str | Path,
               options: Options = DEFAULT_OPTIONS) -> tuple[list[Table], FileReport]:
    """The tables of a ``--plan`` workbook that offer measures, and its report: rejected with
    ``file.no_plan`` when it holds none (or no table at all)."""
    report = run(path, write=False, options=options)
    plans = [t for t in report.tables if t.kind.measures(t) is not None]
    if report.status == "rejected" and report.reason != "file.no_table":
        return [], report
    if not plans:
        return [], report.as_rejected("file.no_plan")
    return plans, report
