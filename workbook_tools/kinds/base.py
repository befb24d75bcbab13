"""What every table kind shares: the defaults of :class:`~workbook_tools.model.TableKind` and
the helpers its parts are written with."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cached_property, lru_cache
from typing import Any, SupportsIndex

import pandas as pd

from .. import messages
from ..copyplan import NewSheet, SheetWriter, Style
from ..model import Cell, Column, Finding, Layout, Measures, Options, Table, TableKind
from ..rules.formats import TableFormat, table_format


def plain(v: Any) -> Any:
    """A JSON-safe value: pandas' missing values become null, dates ISO, numpy numbers Python
    ones."""
    if v is None:
        return None
    if isinstance(v, (list, dict)):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def hidden_rows(table: Table) -> list[int]:
    """The table's rows (Excel numbers) that staff hid: counted like the others, and said."""
    hidden = table.grid.hidden_rows if table.grid is not None else frozenset()
    return [int(r) for r in table.frame.index if int(r) - 1 in hidden] if hidden else []


def say_hidden(out: SheetWriter, table: Table) -> None:
    """The Summary's line naming the hidden rows, when there are any."""
    rows = hidden_rows(table)
    if rows:
        out.text(messages.text("summary.hidden", out.lang, rows=", ".join(map(str, rows))))


def level_text(v: Any, lang: str) -> Any:
    """A level code as its word in ``lang`` (None stays empty)."""
    return _level_word(v, lang) if isinstance(v, str) else None


@lru_cache(maxsize=128)
def _level_word(v: str, lang: str) -> str:
    # the same few codes on every row (the texts are read-only: messages.CATALOGUE)
    return messages.level_name(v, lang)


def _kind_named(name: str) -> TableKind:
    """The kind of :data:`~workbook_tools.kinds.KINDS` called ``name`` (unpickling)."""
    from . import KINDS

    return next(kind for kind in KINDS if kind.name == name)


class BaseKind:
    """Defaults: no analysis of its own, no measures, no cross-check, no extra sheets."""

    name: str = ""
    computed_columns: Sequence[Column] = ()
    #: the fields of a row in the JSON document, in order ("row" is the Excel row)
    json_fields: tuple[str, ...] = ("row",)

    @cached_property
    def format(self) -> TableFormat:
        """The table format, from schemas/<name>.toml."""
        return table_format(self.name)

    def __repr__(self) -> str:
        return f"<table kind {self.name}>"

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        """One of :data:`~workbook_tools.kinds.KINDS` is pickled by its name: a report a
        worker process sends back names its kind, and the receiver's own object takes its
        place (not a copy with its table format: 5.7 KB of every report). Any other kind is
        pickled as objects are."""
        from . import KINDS

        if any(kind is self for kind in KINDS):
            return _kind_named, (self.name,)
        return object.__reduce_ex__(self, protocol)

    @property
    def parsers(self) -> Mapping[str, Callable[[Cell], Any]]:
        """Parsers of the kind's own column types (none by default)."""
        return {}

    def analyse(self, frame: pd.DataFrame, layout: Layout, sheet: str,
                options: Options) -> list[Finding]:
        return []

    def measures(self, table: Table) -> Measures | None:
        return None

    def cross_check(self, table: Table, measures: list[Measures]) -> list[Finding]:
        return []

    def row_fill(self, rec: Mapping[str, Any]) -> str | None:
        return None

    def legend(self, lang: str) -> list[tuple[str, Style]]:
        return []

    def column_note(self, key: str, lang: str) -> str | None:
        return None

    def headline(self, table: Table, lang: str) -> str:
        return ""

    def summary(self, out: SheetWriter, table: Table, options: Options) -> None:
        return None

    def extra_sheets(self, table: Table, options: Options,
                     title: Callable[[str], str]) -> list[NewSheet]:
        return []

    def json_value(self, name: str, rec: dict[str, Any]) -> Any:
        """One field of a row in the JSON document; a kind overrides the fields it shapes."""
        return plain(rec.get(name))

    def json_row(self, row: int, rec: dict[str, Any]) -> dict[str, Any]:
        return {name: row if name == "row" else self.json_value(name, rec)
                for name in self.json_fields}
