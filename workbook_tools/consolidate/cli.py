"""What ``workbook-tools consolidate`` prints: a progress bar on a terminal, then the
summary (or the JSON document); the exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .. import messages
from ..model import Options
from . import consolidate
from .collect import Progress
from .document import document
from .model import ConsolidationResult


@contextmanager
def _progress(show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    bar: Any = None

    def tick(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        yield tick
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _print(result: ConsolidationResult, lang: str) -> None:
    t = messages.text
    cons = result.consolidation
    if result.output is None:
        click.echo(click.style(t("cons.cli.failed", lang, detail=result.output_error),
                               fg="red"), err=True)
    else:
        click.echo(t("cons.cli.written", lang, path=result.output))
    units = cons.units
    click.echo(t("cons.cli.summary", lang, units=len(units),
                 risks=sum(len(u.risks) for u in units),
                 high=sum(u.levels()["high"] for u in units),
                 overdue=sum(u.statuses()["overdue"] for u in units)))
    click.echo(t("cons.cli.files", lang, rejected=len(cons.rejected),
                 skipped=len(cons.skipped), duplicates=len(cons.duplicates),
                 errors=len(cons.error_files)))
    for r in cons.rejected:
        reason = messages.reason_text(r.reason or "", r.reason_params, lang)
        click.echo(f"  {click.style(r.file, bold=True)}: {reason}")
    if cons.missing:
        click.echo(click.style(t("cons.cli.missing", lang, names=", ".join(cons.missing)),
                               fg="yellow"))
    for code, loaded in (("cons.cli.roster_rejected", cons.roster_rejected),
                         ("cons.cli.previous_rejected", cons.previous_rejected)):
        if loaded is not None and loaded.reason:
            click.echo(t(code, lang, file=loaded.file, reason=messages.reason_text(
                loaded.reason, loaded.reason_params, lang)))


def run_consolidate(paths: tuple[Path, ...], output: Path, options: Options, *,
                    roster: Path | None = None, previous: Path | None = None,
                    as_json: bool = False, jobs: int | None = None) -> int:
    """Run the command; returns its exit code."""
    jobs = jobs or os.cpu_count() or 1
    with _progress(not as_json and sys.stderr.isatty()) as tick:
        result = consolidate(paths, output, options, roster=roster, previous=previous,
                             jobs=jobs, progress=tick)
    if as_json:
        click.echo(json.dumps(document(result, options.lang), ensure_ascii=False, indent=1,
                              default=str))
    else:
        _print(result, options.lang)
    return result.exit_code
