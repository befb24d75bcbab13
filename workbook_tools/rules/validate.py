"""Validation of a normalised table with pandera, turned into findings.

The checks a table kind runs, their columns and severities are data (``[[checks]]`` in
schemas/<kind>.toml); what each check code means is the table :data:`CHECKS` below. The pandera
schema is built from both, run lazily (all failures at once), and every failure case becomes a
:class:`~workbook_tools.model.Finding` at its Excel row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from ..model import Finding, Layout, Severity
from . import matrix
from .formats import TableFormat
from .normalise import column_letter

SEP = "@"


def _computed_level(df: pd.DataFrame) -> pd.Series:
    """The level the matrix gives (matrix.py), for the consistency check; each pair of scores
    worked out once."""
    levels: dict[tuple[int | None, int | None], str | None] = {}

    def level(pair: tuple[int | None, int | None]) -> str | None:
        if pair not in levels:
            lvl = matrix.level_for_sum(matrix.score_sum(*pair))
            levels[pair] = lvl.value if lvl else None
        return levels[pair]

    return pd.Series(
        [level(pair) for pair in zip(_ints(df, "probability"), _ints(df, "harm"), strict=True)],
        index=df.index,
        dtype=object,
    )


def _ints(df: pd.DataFrame, key: str) -> list[int | None]:
    if key not in df:
        return [None] * len(df)
    # pd.NA first: comparing it gives no truth value; NaN is the one value unequal to itself
    return [None if v is None or v is pd.NA or v != v else int(v) for v in df[key].tolist()]


def _follows(fmt: TableFormat, key: str) -> str | None:
    return fmt.column(key).follows


# A check builder returns (column it is attached to or None for a wide check, pandera Check).
Builder = Callable[[TableFormat, str, str], tuple[str | None, pa.Check]]


def _range(fmt: TableFormat, key: str, name: str) -> tuple[str | None, pa.Check]:
    return key, pa.Check(lambda s: s.isin(matrix.VALID_POINTS), error=name)


def _present(fmt: TableFormat, key: str, name: str) -> tuple[str | None, pa.Check]:
    return f"{key}_raw", pa.Check(lambda s: s.notna(), ignore_na=False, error=name)


def _reason(fmt: TableFormat, key: str, name: str) -> tuple[str | None, pa.Check]:
    score = _follows(fmt, key)

    def ok(df: pd.DataFrame) -> pd.Series:
        given = df[f"{score}_raw"].notna() if f"{score}_raw" in df else False
        return ~given | df[key].notna()

    return None, pa.Check(ok, error=name)


def _mismatch(fmt: TableFormat, key: str, name: str) -> tuple[str | None, pa.Check]:
    def ok(df: pd.DataFrame) -> pd.Series:
        computed = _computed_level(df)
        stated = df[key]
        # a stated нөлдүк has its own finding (level.zero_stated): the matrix never gives it
        return stated.isna() | computed.isna() | (stated == computed) | (stated == "zero")

    return None, pa.Check(ok, error=name)


#: check code -> how it is built; the TOML says which columns and how severe.
CHECKS: dict[str, Builder] = {
    "score.out_of_range": _range,
    "score.missing": _present,
    "reason.missing": _reason,
    "cases.missing": _present,
    "activity.missing": _present,
    "deadline.missing": _present,
    "level.mismatch": _mismatch,
}

#: checks that only make sense when the columns they compare with are there too
NEEDS: dict[str, tuple[str, ...]] = {
    "level.mismatch": ("probability", "harm"),
    "score.missing": ("probability", "harm"),
}


#: the columns a check reads besides the one it is attached to: a wide check (``None``) the
#: ones it compares
READS: dict[str, Callable[[TableFormat, str], tuple[str, ...]]] = {
    "reason.missing": lambda fmt, key: (key, f"{_follows(fmt, key)}_raw"),
    "level.mismatch": lambda fmt, key: (key, "probability", "harm"),
}

#: schemas built so far, by (format, the columns a table has): a batch of files of one format
#: builds each schema once. The format is kept with it (its id is the key).
_SCHEMAS: dict[tuple[int, frozenset[str]],
               tuple[TableFormat, pa.DataFrameSchema, frozenset[str]]] = {}


def schema_for(fmt: TableFormat, layout: Layout) -> tuple[pa.DataFrameSchema, frozenset[str]]:
    """:func:`build_schema`, built once per process for each format and set of columns."""
    key = (id(fmt), frozenset(layout.columns))
    cached = _SCHEMAS.get(key)
    if cached is None or cached[0] is not fmt:
        cached = _SCHEMAS[key] = (fmt, *build_schema(fmt, layout))
    return cached[1], cached[2]


def build_schema(fmt: TableFormat,
                 layout: Layout) -> tuple[pa.DataFrameSchema, frozenset[str]]:
    """The pandera schema for the columns this table has (it depends on nothing else of the
    layout: :func:`schema_for` reuses it), and the columns its checks read: pandera is given
    only these (a wide check's failures are reported for every column of the frame)."""
    columns: dict[str, list[pa.Check]] = {}
    wide: list[pa.Check] = []
    reads: set[str] = set()
    for spec in fmt.checks:
        needs = NEEDS.get(spec.code, ())
        if any(n not in layout.columns for n in needs):
            continue
        for key in spec.columns:
            if key not in layout.columns:
                continue
            if spec.code == "reason.missing" and _follows(fmt, key) not in layout.columns:
                continue
            target, check = CHECKS[spec.code](fmt, key, f"{spec.code}{SEP}{key}")
            if target is None:
                wide.append(check)
                reads.update(READS[spec.code](fmt, key))
            else:
                columns.setdefault(target, []).append(check)
                reads.add(target)
    schema = pa.DataFrameSchema(
        {name: pa.Column(nullable=True, checks=checks) for name, checks in columns.items()},
        checks=wide,
        strict=False,
        coerce=False,
    )
    return schema, frozenset(reads)


@dataclass(frozen=True)
class Pending:
    """A table's validation, made ready: the values pandera is given (the columns the checks
    read, column by column: the scores as integers), and what its failures are told with.
    Made before the kind adds its computed columns, so the checks see the table as read."""

    df: pd.DataFrame
    columns: dict[str, list[Any]]
    fmt: TableFormat
    layout: Layout
    sheet: str
    schema: pa.DataFrameSchema
    scores: frozenset[str]


def prepare(df: pd.DataFrame, fmt: TableFormat, layout: Layout, sheet: str) -> Pending:
    """The table's validation, ready to run (:func:`validate_many`) with the other tables of
    its batch."""
    schema, reads = schema_for(fmt, layout)
    scores = frozenset(spec.key for spec in fmt.columns if spec.type == "score")
    columns = {
        name: [None if v is None or pd.isna(v) else int(v) for v in df[name].tolist()]
        if name in scores else df[name].tolist()
        for name in df.columns if name in reads
    }
    return Pending(df, columns, fmt, layout, sheet, schema, scores)


def _frame(members: Sequence[Pending]) -> pd.DataFrame:
    """One frame of the tables' rows, one after another (a RangeIndex): the scores as nullable
    integers, every other column as Python objects."""
    first = members[0]
    return pd.DataFrame({
        name: pd.array([v for p in members for v in p.columns[name]],
                       dtype="Int64" if name in first.scores else object)
        for name in first.columns
    })


def validate_many(pending: Sequence[Pending]) -> list[list[Finding]]:
    """Every table's findings, in order; pandera is called once for all the tables that share
    a schema (a batch of units' registers), not once per table: its cost is mostly the same
    whatever the number of rows. Each table's findings are the ones it would get alone."""
    out: list[list[Finding]] = [[] for _ in pending]
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(pending):
        groups.setdefault(id(p.schema), []).append(i)
    for members in groups.values():
        tables = [pending[i] for i in members]
        # whose is each row of the frame, and its row (label) in its own table
        owner = [i for i, p in zip(members, tables, strict=True) for _ in range(len(p.df))]
        labels = [int(label) for p in tables for label in p.df.index]
        try:
            tables[0].schema.validate(_frame(tables), lazy=True)
            continue
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        failed: dict[int, list[tuple[str, int]]] = {}
        for check, index in zip(cases["check"], cases["index"], strict=True):
            if not isinstance(check, str) or SEP not in check or index is None or pd.isna(index):
                continue
            failed.setdefault(owner[int(index)], []).append((check, labels[int(index)]))
        for i, fails in failed.items():
            out[i] = _findings(pending[i], fails)
    return out


def _findings(p: Pending, fails: list[tuple[str, int]]) -> list[Finding]:
    """The table's failing (check, row) pairs, each once, as findings by row and column."""
    df, layout = p.df, p.layout
    severities = {c.code: c.severity for c in p.fmt.checks}
    out: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    for check, row in fails:
        code, key = check.split(SEP, 1)
        if (check, row) in seen:
            continue
        seen.add((check, row))
        value: Any = df.at[row, f"{key}_raw"] if f"{key}_raw" in df else None
        params: dict[str, object] = {}
        if code == "level.mismatch":
            total = matrix.score_sum(*_pair(df, row))
            level = matrix.level_for_sum(total)
            params = {"total": total, "computed": level.value if level else None,
                      "stated": df.at[row, key]}
        out.append(
            Finding(
                Severity(severities[code]),
                code,
                sheet=p.sheet,
                row=row,
                column=column_letter(layout.columns[key]),
                value=None if value is None or (not isinstance(value, str) and pd.isna(value))
                else value,
                params=params,
                field=key,
            )
        )
    out.sort(key=lambda f: (f.row or 0, f.column or ""))
    return out


def _pair(df: pd.DataFrame, row: int) -> tuple[int | None, int | None]:
    def one(key: str) -> int | None:
        if key not in df:
            return None
        v: Any = df.at[row, key]
        return None if v is None or pd.isna(v) else int(v)

    return one("probability"), one("harm")
