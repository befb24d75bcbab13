"""Many files through the one pipeline: ``score`` and ``validate`` of a folder.

Files are taken in batches (:data:`BATCH_FILES` small files, or fewer whose sizes add up to
:data:`BATCH_BYTES`; a large file alone): a batch's tables are validated together
(:func:`workbook_tools.pipeline.run_batch`), since pandera's cost is mostly the same whatever
the number of rows. With ``jobs`` > 1, batches go to that many worker processes
(:mod:`workbook_tools.parallel`). Either way every file's report is the one it would get alone,
and reports come back in the order of the files, each as soon as its batch is done; nothing of
a file is kept once its report is given, so memory stays flat however many files there are.

Importing this module is light: the pipeline (pandas, pandera) is imported when files are run,
so that a command can start reading its first batch meanwhile (:func:`read_ahead`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from .model import DEFAULT_OPTIONS, FileReport, Options, Table
from .parallel import ordered_map
from .read.ahead import Ahead, ReadAhead, ReadAheadProcess, can_fork

T = TypeVar("T")

#: at most this many files in one batch
BATCH_FILES = 32
#: a batch shared out to worker processes holds at least this many files
MIN_BATCH_FILES = 8
#: a batch stops growing once its files' sizes add up to this (a large file is a batch alone)
BATCH_BYTES = 256 * 1024
#: with fewer files than this, no worker process is started (starting one costs more)
PARALLEL_FROM = 2 * BATCH_FILES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the reader will say what is wrong with it


def batches(items: Iterable[T], path: Callable[[T], Path],
            most: int | None = None) -> Iterator[list[T]]:
    """The items (files, or what names them: ``path``) in order, cut into batches of at most
    ``most`` files (:data:`BATCH_FILES`)."""
    return _cut(items, path, lambda: most or BATCH_FILES)


def shared_batches(items: Sequence[T], path: Callable[[T], Path],
                   jobs: int) -> Iterator[list[T]]:
    """:func:`batches` for ``jobs`` worker processes: batches shrink as the run nears its end
    (each holds a (2 x ``jobs``)-th of the files left, from :data:`BATCH_FILES` down to
    :data:`MIN_BATCH_FILES`), so the workers finish together: with even batches the last round
    leaves a core idle for most of a batch."""
    if jobs <= 1:
        yield from batches(items, path)
        return
    left = len(items)

    def most() -> int:
        return max(MIN_BATCH_FILES, min(BATCH_FILES, -(-left // (2 * jobs))))

    for batch in _cut(items, path, most):
        left -= len(batch)
        yield batch


def _cut(items: Iterable[T], path: Callable[[T], Path],
         most: Callable[[], int]) -> Iterator[list[T]]:
    batch: list[T] = []
    size = 0
    limit = most()
    for item in items:
        batch.append(item)
        size += _size(path(item))
        if len(batch) >= limit or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
            limit = most()
    if batch:
        yield batch


def _given(reports: list[FileReport]) -> Iterator[FileReport]:
    """A batch's reports one by one, none kept once given."""
    reports.reverse()
    while reports:
        yield reports.pop()


def _light(report: FileReport) -> FileReport:
    """A report as a worker sends it back: without the workbook's cells (the copy is written)."""
    return replace(report, book=None,
                   tables=tuple(replace(t, grid=None) for t in report.tables))


def read_ahead(paths: list[Path], options: Options = DEFAULT_OPTIONS,
               jobs: int = 1) -> ReadAhead | ReadAheadProcess | None:
    """:func:`iter_many`'s first files read from now on, for ``iter_many(..., ahead=...)``
    (:mod:`workbook_tools.read.ahead`): the files in order by a forked process until
    ``iter_many`` starts; where the system does not fork, the first batch on a thread (none for
    a run shared out to worker processes). Call it before the pipeline is imported, and before
    any thread is started."""
    if not paths:
        return None
    paths = [Path(p) for p in paths]
    if can_fork():
        try:
            return ReadAheadProcess(paths, options.limits)
        except OSError:  # no process to be had: a thread, or nothing
            pass
    if jobs > 1 and len(paths) >= PARALLEL_FROM:
        return None  # no thread lives when the workers are forked
    return ReadAhead(next(batches(paths, Path)), options.limits)


def _from(ahead: ReadAhead | ReadAheadProcess | None, first: int) -> Ahead | None:
    """What the batch of the run's files from ``first`` on takes from ``ahead``."""
    if isinstance(ahead, ReadAheadProcess):
        return ahead.from_index(first)
    return ahead if first == 0 else None  # a thread reads the first batch alone


def _worker_batch(paths: list[Path], names: list[Path] | None, options: Options,
                  plans: list[Table] | None, ahead: Ahead | None = None) -> list[FileReport]:
    from .pipeline import run_batch

    def name(i: int, path: Path) -> Path:
        assert names is not None
        return names[i]

    return [_light(r) for r in run_batch(paths, options=options, plans=plans,
                                         name=name if names is not None else None,
                                         ahead=ahead)]


def iter_many(
    paths: list[Path],
    *,
    write: bool,
    out_dir: str | Path | None = None,
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
    plan_path: Path | None = None,
    jobs: int = 1,
    ahead: ReadAhead | ReadAheadProcess | None = None,
) -> Iterator[FileReport]:
    """Every file through the pipeline, in order, each report given as soon as its batch is
    done; no two copies of one run share a name. A caller that lets each report go runs any
    number of files in flat memory.

    ``plan_path``: a plan workbook whose measures every file's cross-check counts (loaded by
    :func:`~workbook_tools.pipeline.load_plans`); when it cannot serve, its rejection comes
    first. ``jobs``: worker processes (with :data:`PARALLEL_FROM` files or more); their
    reports come without the workbook's cells (``book``, ``Table.grid``). ``ahead``: the
    files :func:`read_ahead` started reading, for the same ``paths`` and ``jobs``."""
    try:
        yield from _iter_many(paths, write, out_dir, options, plans, plan_path, jobs, ahead)
    finally:
        if isinstance(ahead, ReadAheadProcess):
            ahead.close()  # its folder, with what no batch took


def _iter_many(paths: list[Path], write: bool, out_dir: str | Path | None, options: Options,
               plans: list[Table] | None, plan_path: Path | None, jobs: int,
               ahead: ReadAhead | ReadAheadProcess | None) -> Iterator[FileReport]:
    from .pipeline import load_plans, output_path, run_batch

    if isinstance(ahead, ReadAhead):
        ahead.wait()  # nothing is read here while the thread reads
    elif ahead is not None:
        ahead.stop()  # the imports are done; no worker is forked while it reads
    if plan_path is not None:
        loaded, plan_report = load_plans(plan_path, options)
        if plan_report.status == "rejected":
            yield plan_report
        del plan_report
        plans = [*(plans or []), *loaded] if loaded else plans
    if write and out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in paths]
    folder = Path(out_dir) if out_dir else None
    taken: set[Path] = set()
    sent = 0  # files given to batches so far
    if jobs > 1 and len(paths) >= PARALLEL_FROM:
        if isinstance(ahead, ReadAhead):
            ahead = None  # a thread's books stay in this process: the workers read their own
        # names are given when a batch is sent (a worker cannot ask the others): a file that
        # turns out rejected leaves its name unused
        def job(batch: list[Path]) -> tuple[list[Path], list[Path] | None, Options,
                                            list[Table] | None, Ahead | None]:
            nonlocal sent
            names = None
            if write:
                names = []
                for path in batch:
                    names.append(target := output_path(path, folder, taken))
                    taken.add(target.resolve())
            first, sent = sent, sent + len(batch)
            return batch, names, options, plans, _from(ahead, first)

        if write:  # imported once here, not once in every worker the pool forks
            from .annotated import writer  # noqa: F401
        cut = shared_batches(paths, Path, jobs)
        for reports in ordered_map(_worker_batch, map(job, cut), jobs):
            yield from _given(reports)
        return

    def name(i: int, path: Path) -> Path:
        return output_path(path, folder, taken)

    def took(output: Path) -> None:
        taken.add(output.resolve())

    for batch in batches(paths, Path):
        yield from _given(run_batch(batch, options=options, plans=plans,
                                    name=name if write else None, took=took,
                                    ahead=_from(ahead, sent)))
        sent += len(batch)


def run_many(
    paths: list[Path],
    *,
    write: bool,
    out_dir: str | Path | None = None,
    options: Options = DEFAULT_OPTIONS,
    plans: list[Table] | None = None,
    plan_path: Path | None = None,
    jobs: int = 1,
) -> list[FileReport]:
    """:func:`iter_many` as a list (every report kept: for a few files, or a caller that needs
    them all at once)."""
    return list(iter_many(paths, write=write, out_dir=out_dir, options=options, plans=plans,
                          plan_path=plan_path, jobs=jobs))
