"""The action plan (иш-чаралар планы): deadlines as periods, status by a day, the yearly report,
and the cross-check that every high risk has a measure (Annex I, point 6).

The plan goes through the same pipeline as the register (pipeline.py); this module holds what is
particular to it: the deadline parser hook, the status rule, and the plan's parts of the
annotated copy.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import findings as fnd
from . import messages, textnorm
from .deadlines import Deadline, DeadlineError, parse_deadline
from .findings import Finding
from .normalize import Parsed

if TYPE_CHECKING:  # pragma: no cover
    from .locate import Layout
    from .pipeline import Options, Table

#: Days before the end of its period when an activity is "due soon".
DUE_SOON_DAYS = 30

#: Computed status codes, in the order the summary lists them, with their fills.
STATUSES: tuple[str, ...] = ("overdue", "due_soon", "on_track", "done", "no_deadline")
STATUS_FILL: dict[str, str] = {
    "overdue": "FFFFC7CE",
    "due_soon": "FFFFEB9C",
    "on_track": "FFDDEBF7",
    "done": "FFC6EFCE",
    "no_deadline": "FFE7E6E6",
}


def parse_deadline_cell(v: Any) -> Parsed:
    """The deadline cell as a :class:`Deadline`, or the problem that keeps its dates null."""
    try:
        return Parsed(parse_deadline(v))
    except DeadlineError as exc:
        params = {k: v for k, v in exc.params.items() if k != "value"}
        return Parsed(Deadline(None, None, False), exc.code, params=params)


PARSERS: dict[str, Any] = {"deadline": parse_deadline_cell}


def status_of(
    deadline: Deadline | None, typed: str | None, as_of: date
) -> str:
    """done, overdue, due_soon, on_track or no_deadline, for the day ``as_of``.

    A recurring activity with a period is due at the end of each year of it: by 31 December of
    ``as_of``'s year while the period runs, at the period's end after it.
    """
    if typed == "done":
        return "done"
    if deadline is None or deadline.due_end is None:
        return "no_deadline"
    due = deadline.due_end
    if deadline.recurring and deadline.due_start is not None and as_of <= due:
        due = min(due, date(max(as_of.year, deadline.due_start.year), 12, 31))
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "on_track"


def _as_of(options: Options) -> date:
    return options.as_of or date.today()


def report_year(options: Options) -> int:
    """The year the yearly report covers: ``--year``, else the year before ``--as-of``."""
    return options.report_year or _as_of(options).year - 1


def analyse_plan(
    frame: pd.DataFrame, options: Options, sheet: str, layout: Layout
) -> list[Finding]:
    """Expand deadlines into dates and compute each activity's status, in place."""
    as_of = _as_of(options)
    deadlines = list(frame["deadline"]) if "deadline" in frame else [None] * len(frame)
    typed = list(frame["status"]) if "status" in frame else [None] * len(frame)
    frame["due_start"] = [d.due_start if isinstance(d, Deadline) else None for d in deadlines]
    frame["due_end"] = [d.due_end if isinstance(d, Deadline) else None for d in deadlines]
    frame["recurring"] = [bool(d.recurring) if isinstance(d, Deadline) else False
                          for d in deadlines]
    frame["typed_status"] = typed
    frame["status"] = [
        status_of(d if isinstance(d, Deadline) else None, t if isinstance(t, str) else None, as_of)
        for d, t in zip(deadlines, typed, strict=True)
    ]
    return []


def in_year(rec: dict[str, Any], year: int) -> bool:
    """Whether an activity belongs to the report of ``year``: due in it, or recurring."""
    start, end = rec.get("due_start"), rec.get("due_end")
    if rec.get("recurring") and (start is None or end is None):
        return True
    if not isinstance(start, date) or not isinstance(end, date):
        return False
    return start.year <= year <= end.year


# --- cross-check: every high risk has a measure --------------------------------------------------

_REF = re.compile(r"\d+(?:\.\d+)?")


def risk_refs(register: Table) -> dict[int, str]:
    """Each risk's reference as a plan cites it: its number ("2") in a register without
    sections, else "<section's order>.<number>" ("1.3": the third risk of the first section)."""
    frame = register.frame
    numbers = frame["number"] if "number" in frame else [None] * len(frame)
    sections = list(dict.fromkeys(s for s in frame["section"] if isinstance(s, str)))
    out: dict[int, str] = {}
    for row, sec, number in zip(frame.index, frame["section"], numbers, strict=True):
        num = textnorm.clean(str(number)).rstrip(".)") if isinstance(number, str | int) else ""
        if num:
            out[int(row)] = f"{sections.index(sec) + 1}.{num}" if sec in sections else num
    return out


def _high(rec: dict[str, Any]) -> bool:
    level = rec.get("level")
    if isinstance(level, str):
        return level == "high"
    return rec.get("stated_level") == "high"


def cross_check(tables: list[Table], plans: list[Table]) -> None:
    """Add a warning to every high risk that no measure covers (see the README's rule)."""
    cited: set[str] = set()
    plan_text: list[str] = []
    for plan in plans:
        frame = plan.frame
        for key in ("risk_ref",):
            if key in frame:
                for v in frame[key]:
                    if isinstance(v, str | int | float) and not pd.isna(v):
                        cited.update(_REF.findall(str(v)))
        for key in ("task", "activity", "expected"):
            if key in frame:
                plan_text.extend(textnorm.fold(v) for v in frame[key] if isinstance(v, str))
    haystack = "\n".join(plan_text)
    for table in tables:
        if table.kind != "register":
            continue
        refs = risk_refs(table)
        frame = table.frame
        for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
            if not _high(rec):
                continue
            if isinstance(rec.get("measures"), str) and rec["measures"].strip():
                continue
            if refs.get(int(row)) in cited:
                continue
            cases = rec.get("cases")
            if isinstance(cases, str) and len(cases) >= 10 and textnorm.fold(cases) in haystack:
                continue
            f = fnd.warning("risk.no_measure", sheet=table.sheet, row=int(row))
            table.findings.append(f)
        table.findings.sort(key=lambda f: (f.row or 0, f.column or "", f.code))


# --- the plan's parts of the annotated copy -------------------------------------------------------


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else None


PLAN_COLUMNS: list[Any] = [
    ("col.due_start", lambda r, lang: _iso(r.get("due_start"))),
    ("col.due_end", lambda r, lang: _iso(r.get("due_end"))),
    ("col.recurring", lambda r, lang: messages.text("word.yes", lang) if r.get("recurring")
     else None),
    ("col.status", lambda r, lang: messages.text(f"status.{r['status']}", lang)
     if isinstance(r.get("status"), str) else None),
]


def legend_entries(lang: str) -> list[Any]:
    from .copyplan import Style

    return [(messages.text(f"status.{s}", lang), Style(fill=STATUS_FILL[s])) for s in STATUSES]


def write_plan_summary(out: Any, table: Table, lang: str, options: Options) -> None:
    """Activities by status, the overdue list, counts by executor and by funding source."""
    t = messages.text
    frame = table.frame
    as_of = _as_of(options)
    out.line(f"{t('summary.sheet', lang)}: {table.sheet} — {t('plan.as_of', lang)} "
             f"{as_of.isoformat()}", bold=True)
    out.gap()
    out.line(t("plan.by_status", lang), t("summary.count", lang), bold=True, border="box")
    counts = Counter(frame["status"])
    for s in STATUSES:
        out.line(t(f"status.{s}", lang), counts.get(s, 0), fills=[STATUS_FILL[s]], border="box")
    out.line(t("summary.total", lang), len(frame), bold=True, border="box")
    out.gap()
    out.line(t("plan.overdue", lang), bold=True)
    out.line(t("summary.row", lang), t("plan.activity", lang), t("plan.deadline", lang),
             t("plan.responsible", lang), bold=True, border="box")
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        if rec.get("status") == "overdue":
            out.line(int(row), rec.get("activity") or "", rec.get("deadline_raw") or "",
                     rec.get("responsible") or "", border="box", fills=[STATUS_FILL["overdue"]])
    out.gap()
    for key, title in (("responsible", "plan.by_responsible"), ("funding", "plan.by_funding")):
        if key not in frame:
            continue
        out.line(t(title, lang), t("summary.count", lang), bold=True, border="box")
        by = Counter(v if isinstance(v, str) and v else "—" for v in frame[key])
        for name, n in sorted(by.items(), key=lambda kv: (-kv[1], kv[0])):
            out.line(name, n, border="box")
        out.gap()


def yearly_report_sheet(table: Table, lang: str, options: Options, title: str) -> Any:
    """The yearly report sheet: activities due in year N or recurring, ready to complete."""
    from .copyplan import NewSheet
    from .writer import HEADER_FILL, SheetWriter

    t = messages.text
    year = report_year(options)
    sheet = NewSheet(title, freeze="A5", widths=dict(
        enumerate((8, 30, 36, 60, 20, 44, 24, 16, 40), start=1)))
    out = SheetWriter(sheet)
    out.line(t("yearly.title", lang, year=year, due=year + 1), bold=True, size=13)
    out.line(f"{t('summary.sheet', lang)}: {table.sheet}")
    out.gap()
    out.line(t("summary.row", lang), t("summary.section", lang), t("plan.task", lang),
             t("plan.activity", lang), t("plan.deadline", lang), t("plan.expected", lang),
             t("plan.responsible", lang), t("col.status", lang), t("yearly.done_note", lang),
             bold=True, fills=[HEADER_FILL] * 9, border="box")
    for row, rec in zip(table.frame.index, table.frame.to_dict("records"), strict=True):
        if not in_year(rec, year):
            continue
        deadline = rec.get("deadline_raw")
        out.line(int(row), rec.get("section") or "", rec.get("task") or "",
                 rec.get("activity") or "", "" if deadline is None else str(deadline),
                 rec.get("expected") or "", rec.get("responsible") or "",
                 t(f"status.{rec['status']}", lang), "", border="box",
                 fills=[None] * 7 + [STATUS_FILL[rec["status"]]])
    return sheet
