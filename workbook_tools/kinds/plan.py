"""The action plan (иш-чаралар планы): deadlines as periods, each activity's status on a day,
coloured by status, the yearly report sheet, and the measures the registers are checked
against."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from .. import messages
from ..copyplan import HEADER_FILL, NewSheet, SheetWriter, Style
from ..model import Column, Finding, Layout, Measures, Options, Table
from ..rules import coverage
from ..rules import plan as rules
from .base import BaseKind, plain

#: The colour of each status, in the copy, its legend and its summary.
STATUS_FILL: dict[str, str] = {
    "overdue": "FFFFC7CE",
    "due_soon": "FFFFEB9C",
    "on_track": "FFDDEBF7",
    "ongoing": "FFE4DFEC",
    "done": "FFC6EFCE",
    "no_deadline": "FFE7E6E6",
}


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else None


def _status(rec: dict[str, Any], lang: str) -> str | None:
    status = rec.get("status")
    return messages.text(f"status.{status}", lang) if isinstance(status, str) else None


class PlanKind(BaseKind):
    name = "plan"
    parsers = {"deadline": rules.parse_deadline_cell}
    computed_columns: tuple[Column, ...] = (
        ("col.due_start", lambda r, lang: _iso(r.get("due_start"))),
        ("col.due_end", lambda r, lang: _iso(r.get("due_end"))),
        ("col.recurring", lambda r, lang: messages.text("word.yes", lang) if r.get("recurring")
         else None),
        ("col.next_due", lambda r, lang: r["next_due"] if isinstance(r.get("next_due"), date)
         else None),
        ("col.status", _status),
    )
    json_fields = (
        "row", "section", "task", "activity", "deadline", "due_start", "due_end", "recurring",
        "next_due", "responsible", "funding", "status",
    )

    def analyse(self, frame: pd.DataFrame, layout: Layout, sheet: str,
                options: Options) -> list[Finding]:
        rules.add_status(frame, options.day)
        return []

    def measures(self, table: Table) -> Measures:
        return coverage.plan_measures(table.frame)

    def row_fill(self, rec: dict[str, Any]) -> str | None:
        status = rec.get("status")
        return STATUS_FILL.get(status) if isinstance(status, str) else None

    def legend(self, lang: str) -> list[tuple[str, Style]]:
        return [(messages.text(f"status.{s}", lang), Style(fill=STATUS_FILL[s]))
                for s in rules.STATUSES]

    def json_value(self, name: str, rec: dict[str, Any]) -> Any:
        if name == "deadline":
            return plain(rec.get("deadline_raw"))
        if name == "recurring":
            return bool(rec.get(name)) if plain(rec.get(name)) is not None else False
        return plain(rec.get(name))

    def summary(self, out: SheetWriter, table: Table, options: Options) -> None:
        """Activities by status, the overdue list, counts by executor and by funding source."""
        lang = out.lang
        t = messages.text
        frame = table.frame
        out.line(f"{t('summary.sheet', lang)}: {table.sheet} — {t('plan.as_of', lang)} "
                 f"{options.day.isoformat()}", bold=True)
        out.gap()
        out.line(t("plan.by_status", lang), t("summary.count", lang), bold=True, border="box")
        counts = Counter(frame["status"])
        for s in rules.STATUSES:
            out.line(t(f"status.{s}", lang), counts.get(s, 0), fills=[STATUS_FILL[s]],
                     border="box")
        out.line(t("summary.total", lang), len(frame), bold=True, border="box")
        out.gap()
        out.line(t("plan.overdue", lang), bold=True)
        out.line(t("summary.row", lang), t("plan.activity", lang), t("plan.deadline", lang),
                 t("plan.responsible", lang), bold=True, border="box")
        for row, rec in table.records():
            if rec.get("status") == "overdue":
                out.line(row, rec.get("activity") or "", rec.get("deadline_raw") or "",
                         rec.get("responsible") or "", border="box",
                         fills=[STATUS_FILL["overdue"]])
        out.gap()
        for key, title in (("responsible", "plan.by_responsible"), ("funding", "plan.by_funding")):
            if key not in frame:
                continue
            out.line(t(title, lang), t("summary.count", lang), bold=True, border="box")
            for name, n in rules.count_names(frame[key]):
                out.line(name, n, border="box")
            out.gap()

    def extra_sheets(self, table: Table, options: Options,
                     title: Callable[[str], str]) -> list[NewSheet]:
        """The yearly report sheet: activities due in year N or recurring, ready to complete."""
        lang = options.lang
        t = messages.text
        year = options.year
        sheet = NewSheet(title(t("sheet.yearly", lang, year=year)), freeze="A5",
                         widths=dict(enumerate((8, 30, 36, 60, 20, 44, 24, 16, 40), start=1)))
        out = SheetWriter(sheet, lang)
        out.line(t("yearly.title", lang, year=year, due=year + 1), bold=True, size=13)
        out.line(f"{t('summary.sheet', lang)}: {table.sheet}")
        out.gap()
        out.line(t("summary.row", lang), t("summary.section", lang), t("plan.task", lang),
                 t("plan.activity", lang), t("plan.deadline", lang), t("plan.expected", lang),
                 t("plan.responsible", lang), t("col.status", lang), t("yearly.done_note", lang),
                 bold=True, fills=[HEADER_FILL] * 9, border="box")
        for row, rec in table.records():
            if not rules.in_year(rec, year):
                continue
            deadline = rec.get("deadline_raw")
            out.line(row, rec.get("section") or "", rec.get("task") or "",
                     rec.get("activity") or "", "" if deadline is None else str(deadline),
                     rec.get("expected") or "", rec.get("responsible") or "",
                     t(f"status.{rec['status']}", lang), "", border="box",
                     fills=[None] * 7 + [STATUS_FILL[rec["status"]]])
        return [sheet]


PLAN = PlanKind()
