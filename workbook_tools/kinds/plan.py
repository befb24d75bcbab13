"""The action plan (иш-чаралар планы): deadlines as periods, each activity's status on a day,
coloured by status, the yearly report sheet, and the measures the registers are checked
against."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from .. import messages
from ..copyplan import HEADER_FILL, NewSheet, SheetWriter, Style
from ..model import Cell, Column, Finding, Layout, Measures, Options, Table
from ..rules import coverage
from .base import BaseKind, plain, say_hidden

# The plan's rules (deadlines, statuses) are imported where a plan table is found (about 16 ms
# that a run of registers does without).

#: The colour of each status, in the copy, its legend and its summary.
STATUS_FILL: dict[str, str] = {
    "overdue": "FFFFC7CE",
    "due_soon": "FFFFEB9C",
    "on_track": "FFDDEBF7",
    "ongoing": "FFE4DFEC",
    "done": "FFC6EFCE",
    "no_deadline": "FFE7E6E6",
}


def _day(v: Any) -> date | None:
    """A due date as the copy writes it: a real date (shown 25.11.2026)."""
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


def _status(rec: Mapping[str, Any], lang: str) -> str | None:
    status = rec.get("status")
    return messages.text(f"status.{status}", lang) if isinstance(status, str) else None


class PlanKind(BaseKind):
    name = "plan"

    @property
    def parsers(self) -> Mapping[str, Callable[[Cell], Any]]:
        from ..rules.plan import parse_deadline_cell

        return {"deadline": parse_deadline_cell}

    computed_columns: tuple[Column, ...] = (
        ("col.due_start", lambda r, lang: _day(r.get("due_start"))),
        ("col.due_end", lambda r, lang: _day(r.get("due_end"))),
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
        from ..rules.plan import add_status

        add_status(frame, options.day)
        return []

    def measures(self, table: Table) -> Measures:
        return coverage.plan_measures(table.frame)

    def row_fill(self, rec: Mapping[str, Any]) -> str | None:
        status = rec.get("status")
        return STATUS_FILL.get(status) if isinstance(status, str) else None

    def legend(self, lang: str) -> list[tuple[str, Style]]:
        from ..rules.plan import STATUSES

        return [(messages.text(f"status.{s}", lang), Style(fill=STATUS_FILL[s]))
                for s in STATUSES]

    def json_value(self, name: str, rec: dict[str, Any]) -> Any:
        if name == "deadline":
            return plain(rec.get("deadline_raw"))
        if name == "recurring":
            return bool(rec.get(name)) if plain(rec.get(name)) is not None else False
        return plain(rec.get(name))

    def headline(self, table: Table, lang: str) -> str:
        """"18 иш-чара (мөөнөтү өттү — 5, мөөнөтү 30 күндүн ичинде бүтөт — 2)"."""
        counts = Counter(table.frame["status"])
        parts = [f"{messages.text(f'status.{s}', lang).lower()} — {counts[s]}"
                 for s in ("overdue", "due_soon") if counts.get(s)]
        head = messages.counted(len(table.frame), "cli.plan", lang)
        return f"{head} ({', '.join(parts)})" if parts else head

    def summary(self, out: SheetWriter, table: Table, options: Options) -> None:
        """Activities by status, the overdue list with executors, counts by executor and by
        funding source; each a block of its own."""
        from ..rules import plan as rules

        lang = out.lang
        t = messages.text
        frame = table.frame
        day = messages.day_text(options.day)
        out.text(f"{t('summary.sheet', lang)}: {table.sheet} — {t('plan.as_of', lang, date=day)}",
                 bold=True)
        say_hidden(out, table)
        out.gap()
        out.block()
        out.line(t("plan.by_status", lang), t("summary.count", lang), spans=[2, 1], bold=True,
                 border="box")
        counts = Counter(frame["status"])
        for s in rules.STATUSES:
            out.line(t(f"status.{s}", lang), counts.get(s, 0), spans=[2, 1],
                     fills=[STATUS_FILL[s]], border="box")
        out.line(t("summary.total", lang), len(frame), spans=[2, 1], bold=True, border="box")
        out.gap()
        out.block()
        out.text(t("plan.overdue", lang), bold=True)
        overdue = [(row, rec) for row, rec in table.records() if rec.get("status") == "overdue"]
        if overdue:
            out.line(t("plan.number", lang), t("plan.activity", lang), t("plan.deadline", lang),
                     t("plan.responsible", lang), spans=[1, 1, 2, 3], bold=True, border="box")
        else:
            out.text(t("plan.no_overdue", lang))
        for _, rec in overdue:
            out.line(_number(rec), rec.get("activity") or "", rec.get("deadline_raw") or "",
                     rec.get("responsible") or "", spans=[1, 1, 2, 3], border="box",
                     fills=[STATUS_FILL["overdue"]])
        out.gap()
        for key, title in (("responsible", "plan.by_responsible"), ("funding", "plan.by_funding")):
            if key not in frame:
                continue
            out.block()
            out.line(t(title, lang), t("summary.count", lang), spans=[2, 1], bold=True,
                     border="box")
            missing = t("plan.not_given", lang)
            for name, n in rules.count_names(frame[key]):
                out.line(missing if name == "—" else name, n, spans=[2, 1], border="box")
            out.gap()

    def extra_sheets(self, table: Table, options: Options,
                     title: Callable[[str], str]) -> list[NewSheet]:
        """The report to send by 1 February: the plan's own № and sections, each activity due
        in the year or recurring, its status, and columns for staff to complete; to whom, the
        due date, and the signature lines."""
        from ..rules.plan import in_year

        lang = options.lang
        t = messages.text
        year = options.year
        widths = dict(enumerate(YEARLY_WIDTHS, start=1))
        sheet = NewSheet(title(t("sheet.yearly", lang, year=year)), widths=widths)
        out = SheetWriter(sheet, lang)
        out.text(t("yearly.title", lang, year=year), bold=True, size=13)
        out.text(t("yearly.to", lang))
        # said in a sentence: "2027-жылдын 1-февралы", "до 1 февраля 2027 г."
        out.text(t("yearly.due", lang, date=messages.long_date(date(year + 1, 2, 1), lang)))
        out.text(t("yearly.source", lang, file=table.source_name, sheet=table.sheet,
                   date=messages.day_text(options.day)))
        out.gap()
        head = out.row
        out.line(t("plan.number", lang), t("plan.task", lang), t("plan.activity", lang),
                 t("plan.deadline", lang), t("plan.expected", lang), t("plan.responsible", lang),
                 t("yearly.status", lang), t("yearly.done_note", lang),
                 t("yearly.indicators", lang), t("yearly.delay", lang), bold=True,
                 fills=[HEADER_FILL] * 10, border="box")
        section: Any = None
        shown = 0
        for _, rec in table.records():
            if not in_year(rec, year):
                continue
            if rec.get("section") and rec.get("section") != section:
                section = rec.get("section")
                out.line(section, spans=[len(YEARLY_WIDTHS)], bold=True, border="box")
            deadline = rec.get("deadline_raw")
            status = rec.get("status")
            out.line(_number(rec), rec.get("task") or "", rec.get("activity") or "",
                     "" if deadline is None else str(deadline), rec.get("expected") or "",
                     rec.get("responsible") or "",
                     t(f"status.{status}", lang) if isinstance(status, str) else "",
                     "", "", "", border="box",
                     fills=[None] * 6 + [STATUS_FILL.get(str(status))])
            shown += 1
        if not shown:
            out.text(t("yearly.none", lang, year=year))
        out.gap()
        out.block()
        out.text(t("yearly.prepared", lang))
        out.gap()
        out.text(t("yearly.approved", lang))
        out.finish(landscape=True, repeat_rows=(head, head),
                   footer=(table.source_name.replace("&", "&&"), "&A",
                           t("page.footer", lang)))
        return [sheet]


#: The yearly report's columns: №, task, activity, deadline, expected result, executor,
#: status, and three for staff to complete.
YEARLY_WIDTHS = (5.0, 22.0, 34.0, 13.0, 26.0, 16.0, 13.0, 26.0, 20.0, 18.0)


def _number(rec: dict[str, Any]) -> Any:
    """The plan's own № of an activity, as staff wrote it."""
    number = plain(rec.get("number"))
    if isinstance(number, float) and number.is_integer():
        return int(number)
    if isinstance(number, str) and number.strip().isdigit():
        return int(number)
    return "" if number is None else number


PLAN = PlanKind()
