"""The command line in the user's language: ``--help``, usage errors and the ``--lang`` default.

The language is ``--lang`` where given, else the ``WORKBOOK_TOOLS_LANG`` environment variable,
else the system locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else Kyrgyz. The tool's own help
texts come from the catalogue (``help.*`` in ``texts/cli.toml``); click's words ("Usage:",
"No such option", "Missing argument") from ``texts/click/click.toml``, by click's English text.
Click asks :mod:`gettext` for each of its words; :func:`use_lang` points the name it asks
through at that table for the run.

Nothing here imports pandas: ``workbook-tools --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from . import messages

#: the environment variable that chooses the language when ``--lang`` is not given
ENV = "WORKBOOK_TOOLS_LANG"
CLICK_TEXTS = Path(__file__).parent / "texts" / "click" / "click.toml"


def pick_lang(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of a run: ``--lang X`` / ``--lang=X`` in ``args``, else
    ``WORKBOOK_TOOLS_LANG``, else the locale's language, else Kyrgyz."""
    environ = os.environ if environ is None else environ
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in messages.LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg[7:] in messages.LANGS:
            return arg[7:]
    chosen = environ.get(ENV, "").strip().lower()
    if chosen in messages.LANGS:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        code = environ.get(name, "").split(":")[0][:2].lower()
        if code in messages.LANGS:
            return code
        if code == "kg":  # Kyrgyzstan's country code used as a language by mistake
            return "ky"
    return messages.DEFAULT_LANG


@cache
def _click_table(lang: str) -> dict[str, str | tuple[str, str]]:
    """Click's English texts -> ``lang``'s (a pair for a singular/plural entry)."""
    if lang == "en":
        return {}
    import tomllib  # not for every run: only a run in ky or ru says click's words

    with CLICK_TEXTS.open("rb") as f:
        entries = tomllib.load(f)["text"]
    table: dict[str, str | tuple[str, str]] = {}
    for e in entries:
        if "plural" in e:
            table[e["en"]] = (e[lang], e[f"{lang}_plural"])
            table[e["plural"]] = (e[lang], e[f"{lang}_plural"])
        else:
            table[e["en"]] = e[lang]
    return table


def _gettext(lang: str) -> Any:
    def gettext(message: str) -> str:
        said = _click_table(lang).get(message)
        return said if isinstance(said, str) else message
    return gettext


def _ngettext(lang: str) -> Any:
    def ngettext(singular: str, plural: str, n: int) -> str:
        said = _click_table(lang).get(singular)
        if isinstance(said, tuple):
            return said[0] if n == 1 else said[1]
        return singular if n == 1 else plural
    return ngettext


def _click_modules() -> list[ModuleType]:
    names = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui",
             "utils")
    return [m for n in names if (m := sys.modules.get(f"click.{n}")) is not None]


def use_lang(lang: str) -> None:
    """Click speaks ``lang`` for the rest of the run."""
    for module in _click_modules():
        if hasattr(module, "_"):
            module._ = _gettext(lang)  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext(lang)  # type: ignore[attr-defined]


def _number(x: float) -> str:
    return f"{x:g}"


class AtLeast(click.IntRange):
    """A whole number of at least ``min``, said "≥ 1" in help and usage errors in every
    language (click says "x>=1")."""

    def __init__(self, least: int) -> None:
        super().__init__(min=least)

    def _describe_range(self) -> str:
        return f"≥ {_number(self.min or 0)}"


class Between(click.FloatRange):
    """A number from ``min`` to ``max``, said "0.1–3600" (click says "0.1<=x<=3600")."""

    def __init__(self, least: float, most: float) -> None:
        super().__init__(min=least, max=most)

    def _describe_range(self) -> str:
        return f"{_number(self.min or 0)}–{_number(self.max or 0)}"


#: the catalogue codes of the help of each command and option (by its name), and of the
#: placeholders shown for option values
HELP_KEYS = {
    "main": "help.main", "score": "help.score", "validate": "help.validate",
    "out_dir": "help.opt.out", "lang": "help.opt.lang", "report_year": "help.opt.year",
    "as_of": "help.opt.as_of", "low_residual": "help.opt.low_residual", "as_json": "help.opt.json",
    "plan_path": "help.opt.plan", "debug": "help.opt.debug", "version": "help.version",
    "consolidate": "help.consolidate", "output": "help.opt.output", "roster": "help.opt.roster",
    "previous": "help.opt.previous", "jobs": "help.opt.jobs",
    "watch": "help.watch", "history": "help.history", "outbox": "help.opt.outbox",
    "archive": "help.opt.archive", "rejected": "help.opt.rejected", "journal": "help.opt.journal",
    "log_file": "help.opt.log", "once": "help.opt.once", "interval": "help.opt.interval",
    "poll": "help.opt.poll", "inbox": "help.opt.inbox", "compare": "help.opt.compare",
    "consolidated": "help.opt.consolidated",
    "template": "help.template", "source": "help.opt.from", "unit_name": "help.opt.unit",
    "template_file": "help.opt.template_file",
    # sheets and publish (issue 13)
    "sheets": "help.sheets", "publish": "help.publish", "sheets_out": "help.opt.sheets_out",
    "page_out": "help.opt.page_out", "pdf": "help.opt.pdf", "force": "help.opt.force",
    "page_date": "help.opt.page_date",
}
METAVAR_KEYS = {
    "paths": "help.metavar.paths", "as_of": "help.metavar.day", "report_year": "help.metavar.year",
    "out_dir": "help.metavar.folder", "plan_path": "help.metavar.file",
    "output": "help.metavar.file", "roster": "help.metavar.file", "previous": "help.metavar.file",
    "jobs": "help.metavar.count", "inbox": "help.metavar.inbox", "unit": "help.metavar.unit",
    "outbox": "help.metavar.folder", "archive": "help.metavar.folder",
    "rejected": "help.metavar.folder", "journal": "help.metavar.file",
    "log_file": "help.metavar.file", "interval": "help.metavar.seconds",
    "consolidated": "help.metavar.file", "compare": "help.metavar.count",
    "source": "help.metavar.file", "kind": "help.metavar.kind", "unit_name": "help.metavar.name",
    "template_file": "help.metavar.file",
    "workbook": "help.metavar.workbook", "sheets_out": "help.metavar.file",
    "page_out": "help.metavar.file", "page_date": "help.metavar.day",
}


def localise(command: click.Command, lang: str) -> None:
    """The help of ``command`` (and its subcommands) in ``lang``, from the catalogue, and
    ``--lang`` defaulting to ``lang``."""
    t = messages.text
    key = HELP_KEYS.get(command.name or "")
    if key:
        command.help = t(key, lang)
    command.options_metavar = t("help.metavar.options", lang)
    if getattr(command, "_help_option", None) is not None:
        command._help_option = None  # click keeps the --help option it made: made again here
    if isinstance(command, click.Group):
        command.subcommand_metavar = t("help.metavar.command", lang)
        for sub in command.commands.values():
            localise(sub, lang)
    for param in command.params:
        name = param.name or ""
        if isinstance(param, click.Option) and name in HELP_KEYS:
            param.help = t(HELP_KEYS[name], lang)
        if name in METAVAR_KEYS:
            param.metavar = t(METAVAR_KEYS[name], lang)
        if name == "lang":
            param.default = lang


class LangGroup(click.Group):
    """A click group that speaks the run's language (:func:`pick_lang`)."""

    lang: str = messages.DEFAULT_LANG

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> Any:
        given = list(sys.argv[1:] if args is None else args)
        lang = self.lang = pick_lang(given)
        use_lang(lang)
        localise(self, lang)
        return super().main(given, *a, **kw)


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``, said in the run's language."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("workbook_tools")
    except PackageNotFoundError:  # run from a source tree without installing
        number = "0+unknown"
    root = ctx.find_root().command
    lang = root.lang if isinstance(root, LangGroup) else messages.DEFAULT_LANG
    click.echo(messages.text("cli.version", lang, version=number))
    ctx.exit()
