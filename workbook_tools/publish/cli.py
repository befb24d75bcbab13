"""``workbook-tools sheets`` and ``workbook-tools publish``: read one workbook through the
pipeline, print its findings as ``validate`` does, say which rows were left out (or taken
because of ``--force``), write the sheets or the page, and return the exit code: 0 written from
a workbook without error findings; 1 written, but the workbook has errors (their rows left
out, or taken with ``--force``) or the PDF could not be made; 2 nothing written (the file
could not be read, holds no table to use, or no row free of errors).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from .. import messages
from ..errors import RejectedFile
from ..model import FileReport, Options
from ..outputs import terminal
from ..pipeline import run
from .select import Part, Selection, select

#: How many row numbers a line names (the rest are counted).
ROWS_SAID = 40


def _rows(rows: list[int]) -> str:
    said = ", ".join(map(str, rows[:ROWS_SAID]))
    return said + ("…" if len(rows) > ROWS_SAID else "")


def _print_report(report: FileReport, lang: str, debug: bool) -> None:
    click.echo(f"{click.style(str(report.input), bold=True)}: {terminal.headline(report, lang)}")
    if debug and report.status == "rejected" and report.reason_params.get("debug"):
        click.echo(f"  [debug] {report.reason_params['debug']}")
    for f in report.findings:
        severity, text = terminal.finding_line(f, lang)
        click.echo(f"  {click.style(severity, fg='red' if f.is_error else 'yellow')} {text}")


def _say_rows(parts: list[Part], lang: str) -> None:
    for part in parts:
        if not part.in_error:
            continue
        code = "publish.forced" if part.forced else "publish.left_out"
        click.echo(messages.text(code, lang, rows=_rows(part.in_error), sheet=part.sheet))


def _prepare(path: Path, output: Path, options: Options, force: bool,
             parts: Callable[[Selection], list[Part]],
             missing: str) -> tuple[int, Selection | None]:
    """The workbook analysed and its rows selected; (exit code, None) when nothing is to be
    written."""
    lang = options.lang
    if output.resolve() == path.resolve():
        click.echo(messages.text("publish.same_file", lang, name=output.name), err=True)
        return 2, None
    report = run(path, write=False, options=options)
    _print_report(report, lang, options.debug)
    if report.status == "rejected":
        return 2, None
    sel = select(report, force)
    used = parts(sel)
    if not used:
        click.echo(messages.text(missing, lang), err=True)
        return 2, None
    _say_rows(used, lang)
    if not any(p.rows for p in used):
        click.echo(messages.text("publish.nothing", lang), err=True)
        return 2, None
    return (1 if report.has_errors else 0), sel


def _failed(exc: OSError, lang: str) -> int:
    detail = f"{type(exc).__name__}: {exc.strerror or exc}"[:200]
    click.echo(messages.text("publish.output_failed", lang, detail=detail), err=True)
    return 2


def run_sheets(path: Path, output: Path, options: Options, *, pdf: bool = False,
               force: bool = False) -> int:
    """The assessment sheets of ``path``'s registers into ``output`` (and its PDF)."""
    from .sheets import to_pdf, write_sheets

    lang = options.lang
    if output.suffix.lower() == ".pdf":  # -o sheets.pdf: the workbook beside it, and the PDF
        output, pdf = output.with_suffix(".xlsx"), True
    code, sel = _prepare(path, output, options, force, lambda s: s.registers,
                         "publish.no_register")
    if sel is None:
        return code
    try:
        written = write_sheets(sel, output, lang)
    except OSError as exc:
        return _failed(exc, lang)
    count = messages.counted(written.count, "publish.sheets_count", lang)
    click.echo(messages.text("publish.written", lang, path=written.path, count=count))
    if pdf:
        target = output.with_suffix(".pdf")
        try:
            to_pdf(written.path, target)
        except RejectedFile as exc:
            reason = messages.reason_text(exc.reason, exc.params, lang)
            click.echo(messages.text("publish.pdf_failed", lang, reason=reason), err=True)
            return max(code, 1)
        except OSError as exc:
            return max(_failed(exc, lang), code)
        click.echo(messages.text("publish.written", lang, path=target, count=count))
    return code


def run_publish(path: Path, output: Path, options: Options, *, day: date | None = None,
                force: bool = False) -> int:
    """The page of ``path``'s register (and plan) for the official website, into ``output``."""
    from .page import write_page

    lang = options.lang
    code, sel = _prepare(path, output, options, force, lambda s: s.parts,
                         "publish.no_table")
    if sel is None:
        return code
    try:
        written = write_page(sel, output, lang, day or options.day)
    except OSError as exc:
        return _failed(exc, lang)
    count = messages.counted(written.count, "publish.rows_count", lang)
    click.echo(messages.text("publish.written", lang, path=written.path, count=count))
    return code
