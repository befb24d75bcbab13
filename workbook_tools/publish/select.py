"""What the sheets and the page are made from: a workbook's registers and plans, each with the
rows free of error findings (every row with ``force``), the unit the workbook belongs to, and
the rows left out.

A table with an error finding about the table itself (a required column missing) has every row
in error. Warnings never leave a row out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..consolidate import names
from ..kinds import PLAN, REGISTER
from ..model import FileReport, Table


@dataclass(frozen=True)
class Part:
    """One table of the workbook and the rows taken from it."""

    table: Table
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row, the row's values), in order
    #: Excel rows with error findings: left out, or taken because forced
    in_error: list[int] = field(default_factory=list)
    forced: bool = False

    @property
    def sheet(self) -> str:
        return self.table.sheet

    @property
    def left_out(self) -> list[int]:
        return [] if self.forced else self.in_error


@dataclass(frozen=True)
class Selection:
    """A workbook's registers and plans, as they will be printed and published."""

    report: FileReport
    unit: str
    registers: list[Part]
    plans: list[Part]

    @property
    def file_name(self) -> str:
        return Path(self.report.input).name

    @property
    def parts(self) -> list[Part]:
        return [*self.registers, *self.plans]


def rows_in_error(table: Table) -> tuple[set[int], bool]:
    """The Excel rows of ``table`` with an error finding, and whether an error is about the
    whole table (then every row is in error)."""
    rows = {int(r) for r in table.frame.index}
    bad: set[int] = set()
    whole = False
    for f in table.findings:
        if not f.is_error:
            continue
        if f.row in rows:
            bad.add(int(f.row))
        else:
            whole = True
    return bad, whole


def _part(table: Table, force: bool) -> Part:
    bad, whole = rows_in_error(table)
    records = table.records()
    in_error = [r for r, _ in records if whole or r in bad]
    taken = records if force else [(r, rec) for r, rec in records if r not in set(in_error)]
    return Part(table, taken, in_error, force and bool(in_error))


def unit_name(report: FileReport) -> str:
    """Whose workbook it is, as consolidation names units: a unit cell or title line above a
    table, else the register's structural-unit column when every risk names one unit, else the
    file's name."""
    for t in report.tables:
        if t.grid is not None:
            found = names.name_from_sheet(t.grid, t.layout.header_row)
            if found:
                return found[0]
    for t in report.tables:
        if t.kind is REGISTER and "unit" in t.frame.columns:
            name = names.name_from_column(t.frame["unit"])
            if name:
                return name
    return names.name_from_file(report.input)


def select(report: FileReport, force: bool = False) -> Selection:
    """The registers and plans of an analysed workbook, with the rows to use."""
    registers = [_part(t, force) for t in report.tables if t.kind is REGISTER]
    plans = [_part(t, force) for t in report.tables if t.kind is PLAN]
    return Selection(report, unit_name(report), registers, plans)
