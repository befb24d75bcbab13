"""The command line: ``workbook-tools score`` and ``workbook-tools validate``.

A thin layer: parse the options, call :func:`workbook_tools.batch.iter_many`, print the
result (text or ``--json``) and set the exit code: 0 no error finding, 1 an error finding,
2 a file that could not be read at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from . import messages
from .clilang import AtLeast, Between, LangGroup, print_version
from .inputs import expand_paths
from .model import FileReport, Level, Options, ResidualRule
from .outputs import terminal
from .rules.days import parse_day

LANG = click.Choice(list(messages.LANGS))
F = TypeVar("F", bound=Callable[..., None])


class Day(click.ParamType):
    """A day as people write it: 25.11.2026 or 2026-11-25."""

    name = "day"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        day = parse_day(str(value))
        if day is None:
            lang = (ctx.params.get("lang") if ctx else None) or messages.DEFAULT_LANG
            self.fail(messages.text("as_of.unreadable", lang, value=value), param, ctx)
        return day


def _options(f: F) -> F:
    """The options ``score`` and ``validate`` share."""
    f = click.option(
        "--jobs", type=AtLeast(1), default=None,
        help="Files read in parallel (default: the number of cores).",
    )(f)
    f = click.option(
        "--debug", is_flag=True, help="Show tracebacks and the parser text of refusals."
    )(f)
    f = click.option(
        "--plan", "plan_path", type=click.Path(path_type=Path), default=None,
        help="An action plan workbook: every high risk must have a measure in it.",
    )(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(f)
    f = click.option(
        "--low-residual",
        type=click.Choice(["low", "zero"]),
        default="low",
        show_default=True,
        help="What a low risk with highly effective controls becomes (residual risk, point 5).",
    )(f)
    f = click.option(
        "--as-of",
        type=Day(),
        default=None,
        help="Plans: the day statuses are computed for (default: today).",
    )(f)
    f = click.option(
        "--year", "report_year", type=int, default=None,
        help="Plans: the year of the yearly report (default: the year whose report is due next).",
    )(f)
    f = click.option(
        "--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
        help="Language of messages and annotations: ky, ru or en.",
    )(f)
    return f


def _make_options(lang: str, low_residual: str, as_of: date | None, report_year: int | None,
                  debug: bool) -> Options:
    return Options(
        lang=lang,
        residual=ResidualRule(Level(low_residual)),
        as_of=as_of,
        report_year=report_year,
        debug=debug,
    )


def exit_code(reports: Iterable[FileReport]) -> int:
    code = 0
    for r in reports:
        code = max(code, _code(r))
    return code


def _code(report: FileReport) -> int:
    return 2 if report.status == "rejected" else 1 if report.has_errors else 0


def _print_text(report: FileReport, lang: str, debug: bool = False) -> None:
    head = click.style(str(report.input), bold=True)
    lines = [f"{head}: {terminal.headline(report, lang)}"]
    if debug and report.status == "rejected" and report.reason_params.get("debug"):
        lines.append(f"  [debug] {report.reason_params['debug']}")  # the parser's own text
    for f in report.findings:
        severity, text = terminal.finding_line(f, lang)
        lines.append(f"  {click.style(severity, fg='red' if f.is_error else 'yellow')} {text}")
    if report.output:
        lines.append(f"  {messages.text('cli.written', lang)}: {report.output}")
    click.echo("\n".join(lines))  # one write a file (click asks the terminal at each)


#: Whether this process is the tool's own (:func:`run`), not a program that called :data:`main`.
_OWN_PROCESS = False


def _settled() -> None:
    """In the tool's own process, once a command's modules are imported: every object so far
    is moved out of the garbage collector's sight (:func:`gc.freeze`). pandas, numpy and pandera
    leave about half a million objects at import; each full collection the run's own objects
    set off (a 10,000-row register makes 30,000 records, dicts and sets) would walk them all
    again, 40-50 ms of a 1 s ``validate``. Objects made later are collected as ever."""
    if _OWN_PROCESS:
        import gc

        gc.freeze()


def _run(paths: tuple[Path, ...], write: bool, out_dir: Path | None, opts: Options,
         as_json: bool, plan_path: Path | None = None, jobs: int | None = None) -> None:
    """Each file through the pipeline, printed as soon as it is done; only its exit code is
    kept, so memory stays flat in the number of files."""
    # imported here: --help and --version need neither pandas nor pandera
    from .batch import iter_many, read_ahead
    from .parallel import default_jobs

    files = expand_paths(paths)
    jobs = jobs or default_jobs()
    # the first files are read while pandas and pandera are imported (read/ahead.py)
    ahead = read_ahead(files, opts, jobs)
    from . import pipeline  # noqa: F401  (pandas, pandera)
    from .outputs import report as json_report

    _settled()
    code = 0
    plan_rejected = False

    def printed(reports: Iterable[FileReport]) -> Iterator[FileReport]:
        nonlocal code, plan_rejected
        for r in reports:
            code = max(code, _code(r))
            plan_rejected |= r.input == plan_path and r.status == "rejected"
            yield r

    reports = printed(iter_many(files, write=write, out_dir=out_dir, options=opts,
                                plan_path=plan_path, jobs=jobs, ahead=ahead))
    if as_json:
        for piece in json_report.iter_dumps(reports, opts.lang):
            click.echo(piece, nl=False)
        click.echo()
    else:
        for r in reports:
            _print_text(r, opts.lang, opts.debug)
        if plan_path is not None and not plan_rejected:
            click.echo(messages.text("plan.taken", opts.lang, name=plan_path.name))
    sys.exit(code)


@click.group(cls=LangGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=print_version, help="help.version")
@click.option("--lang", type=LANG, expose_value=False, help="help.opt.lang")
def main() -> None:
    """Score and check corruption-risk registers and action plans kept in Excel (the help
    is said in the user's language: :mod:`workbook_tools.clilang`)."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the scored copies (default: beside each input).")
@_options
def score(paths: tuple[Path, ...], out_dir: Path | None, lang: str, report_year: int | None,
          as_of: date | None, low_residual: str, as_json: bool, plan_path: Path | None,
          debug: bool, jobs: int | None) -> None:
    """Score workbooks and write a colour-coded copy <name>.scored.xlsx of each.

    Example:

        workbook-tools score sample_workbooks/*.xlsx --out scored/
    """
    opts = _make_options(lang, low_residual, as_of, report_year, debug)
    _run(paths, True, out_dir, opts, as_json, plan_path, jobs)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_options
def validate(paths: tuple[Path, ...], lang: str, report_year: int | None,
             as_of: date | None, low_residual: str, as_json: bool, plan_path: Path | None,
             debug: bool, jobs: int | None) -> None:
    """Check workbooks and list the findings, without writing anything.

    Example:

        workbook-tools validate register.xlsx --lang ru --json
    """
    opts = _make_options(lang, low_residual, as_of, report_year, debug)
    _run(paths, False, None, opts, as_json, plan_path, jobs)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The consolidated workbook to write (.xlsx).")
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="A workbook or text file listing the expected units.")
@click.option("--previous", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="An earlier consolidated workbook: what changed since.")
@click.option("--as-of", type=Day(), default=None,
              help="Plans: the day statuses are computed for (default: today).")
@click.option("--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
              help="Language of the workbook and messages: ky, ru or en.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--jobs", type=AtLeast(1), default=None,
              help="Files read in parallel (default: the number of cores).")
@click.option("--low-residual", type=click.Choice(["low", "zero"]), default="low",
              show_default=True,
              help="What a low risk with highly effective controls becomes (point 5).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def consolidate(paths: tuple[Path, ...], output: Path, roster: Path | None,
                previous: Path | None, as_of: date | None, lang: str, as_json: bool,
                jobs: int | None, low_residual: str, debug: bool) -> None:
    """Consolidate every unit's registers and plans (files or folders) into one workbook.

    Example:

        workbook-tools consolidate incoming/ -o consolidated.xlsx --roster units.txt
    """
    from .consolidate.cli import run_consolidate  # pandas and xlsxwriter: only when used

    opts = _make_options(lang, low_residual, as_of, None, debug)
    sys.exit(run_consolidate(paths, output, opts, roster=roster, previous=previous,
                             as_json=as_json, jobs=jobs))
# --- the drop folder (issue 11): the logic is in workbook_tools/watch/ ----------------------


@main.command()
@click.argument("inbox", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "outbox", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the scored copies (default: 'scored' beside INBOX).")
@click.option("--archive", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder where every original is kept (default: 'archive' beside INBOX).")
@click.option("--rejected", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for files that cannot be read (default: 'rejected' beside INBOX).")
@click.option("--journal", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The journal database (default: workbook-tools.sqlite3 beside INBOX).")
@click.option("--log", "log_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="The log file (default: workbook-tools.log beside INBOX).")
@click.option("--once", is_flag=True, help="Process what is in INBOX now, then exit.")
@click.option("--interval", type=Between(0.1, 3600), default=2.0, show_default=True,
              help="Seconds a file must stay unchanged before it is read; the polling period.")
@click.option("--poll", is_flag=True,
              help="Look at INBOX every --interval instead of waiting for file-system events "
                   "(network shares).")
@click.option("--low-residual", type=click.Choice(["low", "zero"]), default="low",
              show_default=True,
              help="What a low risk with highly effective controls becomes (point 5).")
@click.option("--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
              help="Language of the log and of the annotations: ky, ru or en.")
@click.option("--consolidate", "consolidated", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Keep this consolidated workbook of every unit's latest "
                                 "submission up to date after each batch.")
@click.option("--jobs", type=AtLeast(1), default=None,
              help="Files read in parallel (default: the number of cores).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def watch(inbox: Path, outbox: Path | None, archive: Path | None, rejected: Path | None,
          journal: Path | None, log_file: Path | None, once: bool, interval: float, poll: bool,
          low_residual: str, lang: str, consolidated: Path | None, jobs: int | None,
          debug: bool) -> None:
    """Score every workbook dropped into INBOX (and its subfolders, one per unit).

    Each original is kept in the archive, its scored copy appears in --out, a file that cannot
    be read goes to the rejected folder with the reason beside it. Example:

        workbook-tools watch /srv/share/inbox --out /srv/share/scored
    """
    from .parallel import default_jobs
    from .watch.runner import Config, Watcher

    opts = _make_options(lang, low_residual, None, None, debug)  # plans: as of each day's date
    config = Config.beside(inbox, outbox=outbox, archive=archive, rejected=rejected,
                           journal=journal, log=log_file, interval=interval, events=not poll,
                           consolidate=consolidated.absolute() if consolidated else None,
                           options=opts, jobs=jobs or default_jobs())
    import signal
    import threading

    from .watch.journal import JournalBusy

    try:
        watcher = Watcher(config, echo=click.echo)
    except JournalBusy as exc:
        click.echo(messages.text("watch.busy", lang, journal=exc.journal), err=True)
        sys.exit(2)
    stop = threading.Event()

    def stopped(*_: object) -> None:  # systemd's stop, Windows' end of task: the file in hand
        stop.set()                    # is finished first (a kill would be recovered too)
        watcher.wake.set()

    signal.signal(signal.SIGTERM, stopped)
    if not once:
        click.echo(messages.text("watch.started", lang, inbox=config.inbox, outbox=config.outbox))
    try:
        watcher.run(once=once, stop=stop)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.close()


@main.command()
@click.argument("unit", required=False)
@click.option("--journal", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The journal database (default: workbook-tools.sqlite3 beside --inbox).")
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), default=Path("inbox"),
              show_default=True, help="The folder watched: its journal lies beside it.")
@click.option("--compare", nargs=2, type=int, default=None,
              help="Two submission numbers of UNIT to compare (default: its last two).")
@click.option("--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
              help="Language of the lines printed: ky, ru or en.")
def history(unit: str | None, journal: Path | None, inbox: Path,
            compare: tuple[int, int] | None, lang: str) -> None:
    """List the submissions of a unit and what changed between two of them; without UNIT,
    each unit's latest submission.

    Example:

        workbook-tools history mektep --inbox /srv/share/inbox
    """
    from .watch.history import lines

    code, out = lines(journal or inbox.absolute().parent / "workbook-tools.sqlite3", unit,
                      compare, lang)
    for line in out:
        click.echo(line)
    sys.exit(code)


@main.command()
@click.argument("kind", type=click.Choice(["register", "plan"]))
@click.option("-o", "--output", "template_file", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The template workbook to write (.xlsx).")
@click.option("--from", "source", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="An existing register or plan whose rows the template takes over.")
@click.option("--unit", "unit_name", default=None,
              help="The unit's name, written above the table.")
@click.option("--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
              help="Language of the template and of the lines printed: ky, ru or en.")
@click.option("--low-residual", type=click.Choice(["low", "zero"]), default="low",
              show_default=True,
              help="What a low risk with highly effective controls becomes (residual risk).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def template(kind: str, template_file: Path, source: Path | None, unit_name: str | None, lang: str,
             low_residual: str, debug: bool) -> None:
    """Write a blank register or plan that scores itself in Excel and LibreOffice.

    Example:

        workbook-tools template register --unit "Mektep No. 5" -o register.xlsx
    """
    from .template.convert import make_template

    opts = _make_options(lang, low_residual, None, None, debug)
    result = make_template(kind, template_file, lang=lang, unit=unit_name, source=source,
                           options=opts)
    for line in result.lines:
        click.echo(line, err=result.code != 0)
    sys.exit(result.code)
# --- assessment sheets and the web page (issue 13): the logic is in workbook_tools/publish/ -----


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "sheets_out", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The workbook of assessment sheets to write (.xlsx).")
@click.option("--pdf", is_flag=True, help="Also write a PDF of the sheets (needs LibreOffice).")
@click.option("--force", is_flag=True, help="Include the rows with errors too.")
@click.option("--low-residual", type=click.Choice(["low", "zero"]), default="low",
              show_default=True,
              help="What a low risk with highly effective controls becomes (point 5).")
@click.option("--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
              help="Language of the sheets and messages: ky, ru or en.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def sheets(workbook: Path, sheets_out: Path, pdf: bool, force: bool, low_residual: str,
           lang: str, debug: bool) -> None:
    """Make an assessment sheet (Annex I, point 7) for every risk of the register, one A4
    page each.

    Example:

        workbook-tools sheets register.xlsx -o sheets.xlsx --pdf
    """
    from .publish.cli import run_sheets

    opts = _make_options(lang, low_residual, None, None, debug)
    sys.exit(run_sheets(workbook, sheets_out, opts, pdf=pdf, force=force))


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "page_out", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The HTML page to write.")
@click.option("--date", "page_date", type=Day(), default=None,
              help="The date the page gives, and the day plan statuses are computed for "
                   "(default: today).")
@click.option("--force", is_flag=True, help="Include the rows with errors too.")
@click.option("--low-residual", type=click.Choice(["low", "zero"]), default="low",
              show_default=True,
              help="What a low risk with highly effective controls becomes (point 5).")
@click.option("--lang", type=LANG, default=messages.DEFAULT_LANG, show_default=True,
              help="Language of the page and messages: ky, ru or en.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def publish(workbook: Path, page_out: Path, page_date: date | None, force: bool,
            low_residual: str, lang: str, debug: bool) -> None:
    """Write the register (and the plan) as one static HTML page for the official website.

    Example:

        workbook-tools publish register.xlsx -o register.html
    """
    from .publish.cli import run_publish

    opts = _make_options(lang, low_residual, page_date, None, debug)
    sys.exit(run_publish(workbook, page_out, opts, day=page_date, force=force))


class _Unavailable:
    """An import finder that says the ``hypothesis`` package is not installed.

    pandera imports hypothesis when it registers its pandas checks (at the first validation:
    ``pandera.backends.pandas.builtin_checks`` -> ``pandera.strategies``), only to offer data
    synthesis (``schema.example()``), which this tool never asks for; where hypothesis is
    installed (a test or development install) that import alone takes 60-100 ms of a 0.6 s
    run. pandera has no setting to skip it and catches the ``ImportError`` (its strategies are
    then unavailable, nothing else changes). This is decided for the tool's own process only
    (:func:`run`, the ``workbook-tools`` command): a program or a test that calls :data:`main`
    or the library keeps its hypothesis, and nothing is put in ``sys.modules``."""

    hidden = "hypothesis"

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == self.hidden or name.startswith(self.hidden + "."):
            raise ModuleNotFoundError(f"No module named {name!r} (not used by workbook-tools)",
                                      name=name)


def run() -> None:
    """The tool as a process: ``workbook-tools ...`` and ``python -m workbook_tools.cli ...``.

    When the command is done (``main`` exits through ``SystemExit``), every object left is
    moved out of the garbage collector's sight (:func:`gc.freeze`): the interpreter's exit then
    skips its full collections over the objects pandas, numpy and pandera made at import
    (80-100 ms of a 0.6 s run); modules are still cleared, files flushed and closed, ``atexit``
    handlers run. For this process only: a program calling :data:`main` keeps its collector."""
    global _OWN_PROCESS
    if "hypothesis" not in sys.modules:  # already imported: this process is not only the tool's
        sys.meta_path.insert(0, _Unavailable())
    _OWN_PROCESS = True
    try:
        main()
    finally:
        import gc

        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    run()
