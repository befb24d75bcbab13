"""The consolidated workbook (xlsxwriter): native Excel tables, charts and conditional
formats, never pictures. Its sheets, in order:

* **Units**: per unit (and administration) its files and their date, risks by computed level
  and not yet scored, findings, plan activities overdue, due soon and done; a totals row.
* **By administration** (when units come from several administrations): the same counts.
* **Charts**: risks by level per unit (per administration when there are several), overdue
  activities per unit (or administration): native bar charts over the sheet above.
* **Heat map**: the 3×3 probability-by-harm matrix over all units, and the levels by unit
  with a colour scale.
* **High risks**: every high risk with its unit and the management measure point 6 requires.
* **Risks**: all risks of all units, every column the units wrote and the computed ones, with
  the unit, source file and row: one Excel table with filters.
* **Activities**: all plan activities with their status.
* **Roster check**, **Files not used** (rejected, skipped, duplicates, files with errors) and,
  with ``--previous``, **Changes**.
* a hidden sheet saying the workbook is a consolidation and where its tables are, so it can be
  consolidated again or compared with (:mod:`.stored`).

Written to a temporary file beside the target and renamed: no half-written file ever carries
the output's name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from .. import messages
from ..atomic import save_atomic
from ..kinds.plan import STATUS_FILL
from ..model import Level, Options
from ..rules import matrix
from .model import (
    ACTIVITY_FIELDS,
    LEVELS,
    RISK_FIELDS,
    RISK_INDEX,
    Consolidation,
    UnitSummary,
)
from .stored import META_SHEET, UNIT_FIELDS, header, meta_rows
from .xlsx import WORKBOOK_OPTIONS, Formats, Sheet, rgb, row_height

_LEVEL_FILL = {lv.value: rgb(matrix.LEVEL_FILL[lv]) for lv in (Level.LOW, Level.MEDIUM,
                                                                Level.HIGH)}
_STATUS_FILL = {k: rgb(v) for k, v in STATUS_FILL.items()}

#: the columns whose values :meth:`_Writer.shown` changes
_SHOWN = frozenset({"level", "residual_level", "measure", "status", "file"})

_WIDTH = {
    "administration": 16, "unit": 22, "file": 18, "files": 22, "sheet": 12, "row": 7,
    "section": 18, "number": 6, "function": 26, "cases": 40, "category": 14,
    "stated_level": 11, "unit_column": 20, "positions": 18, "other_bodies": 11,
    "probability": 9, "probability_reason": 24, "harm": 9, "harm_reason": 24,
    "control": 13, "measures": 24, "score": 8, "level": 11, "residual_level": 11,
    "measure": 16, "findings": 32, "task": 24, "activity": 40, "deadline": 16,
    "expected": 26, "responsible": 18, "funding": 14, "typed_status": 13, "risk_ref": 10,
    "due_start": 11, "due_end": 11, "next_due": 11, "status": 14, "file_date": 11,
}
_COUNT_WIDTH = 11.0


def _t(code: str, lang: str, **kw: Any) -> str:
    return messages.text(code, lang, **kw)


class _Writer:
    def __init__(self, cons: Consolidation, book: Workbook, options: Options,
                 file_name: str) -> None:
        self.cons = cons
        self.book = book
        self.lang = options.lang
        self.file_name = file_name
        self.formats = Formats(book)
        self.admins = cons.has_administrations
        self.tables: dict[str, tuple[str, int, int, Sequence[str]]] = {}

    def sheet(self, code: str, widths: Sequence[float], landscape: bool = False) -> Sheet:
        return Sheet(self.book, self.formats, _t(code, self.lang)[:31], widths, self.lang,
                     self.file_name, landscape)

    def keys(self, fields: Sequence[str]) -> list[str]:
        return [k for k in fields if k != "administration" or self.admins]

    def heading(self, s: Sheet, code: str) -> None:
        lang = self.lang
        cons = self.cons
        s.title(_t(code, lang), size=13)
        s.title(_t("cons.title", lang) + ". " + _t(
            "cons.as_of", lang, date=messages.day_text(cons.as_of), units=len(cons.units),
            risks=sum(len(u.risks) for u in cons.units),
            activities=sum(len(u.activities) for u in cons.units)), bold=False)
        s.gap()

    # --- values shown --------------------------------------------------------------------------

    def shown(self, key: str, v: Any) -> Any:
        lang = self.lang
        if key in ("level", "residual_level") and isinstance(v, str):
            return messages.level_name(v, lang)
        if key == "measure" and isinstance(v, str):
            return _t(v.replace("measure.", "measure_short."), lang)
        if key == "status" and isinstance(v, str):
            return _t(f"status.{v}", lang)
        if key == "file" and isinstance(v, str):
            return Path(v).name
        return v

    def shown_rows(self, keys: Sequence[str], idx: Sequence[int],
                   rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
        """:meth:`shown` over every row's chosen columns: the columns it changes only, each
        distinct value worked out once (a unit's file name, a level's word recur down the
        sheet)."""
        changed: list[tuple[int, str, dict[Any, Any]]] = [
            (c, key, {}) for c, key in enumerate(keys) if key in _SHOWN]
        shown = self.shown
        for r in rows:
            out = [r[i] for i in idx]
            for c, key, seen in changed:
                v = out[c]
                if type(v) is not str:  # only words change (and 1 == True as keys)
                    out[c] = shown(key, v)
                elif (got := seen.get(v)) is not None:
                    out[c] = got
                else:
                    out[c] = seen[v] = shown(key, v)
            yield out

    # --- the sheets ------------------------------------------------------------------------------

    def units(self) -> None:
        keys = self.keys(UNIT_FIELDS)
        widths = [_WIDTH.get(k, _COUNT_WIDTH) for k in keys]
        s = self.sheet("cons.sheet.units", widths, landscape=True)
        self.heading(s, "cons.sheet.units")
        rows = [[_unit_value(u, k) for k in keys] for u in self.cons.units]
        first = s.row
        level_cols = {keys.index(k): _LEVEL_FILL[k] for k in LEVELS}
        overdue = keys.index("overdue")
        errors = keys.index("errors")

        def fills(row: Sequence[Any]) -> dict[int, str]:
            out = {c: f for c, f in level_cols.items() if row[c]}
            if row[overdue]:
                out[overdue] = _STATUS_FILL["overdue"]
            if row[errors]:
                out[errors] = _LEVEL_FILL["high"]
            return out

        s.table("Units", [header(k, "register", self.lang) for k in keys], rows, fills)
        self.tables["units"] = (s.ws.name, first + 1, len(rows), keys)
        self.unit_rows = (first + 1, first + len(rows))  # data rows, 0-based
        self.unit_keys = keys
        self.units_sheet = s.ws.name
        total: list[Any] = [_t("summary.total", self.lang)] + [""] * (len(keys) - 1)
        for i, k in enumerate(keys):
            if k in _SUMMED:
                total[i] = sum(int(r[i] or 0) for r in rows)
        bold = self.formats.get(bold=True)
        for c, v in enumerate(total):
            s.ws.write(s.row, c, v, bold) if isinstance(v, int) else s.ws.write_string(
                s.row, c, str(v), bold)

    def administrations(self) -> None:
        keys = ["administration", "units", *[k for k in UNIT_FIELDS if k in _SUMMED]]
        widths = [_WIDTH["administration"] + 6, *[_COUNT_WIDTH] * (len(keys) - 1)]
        s = self.sheet("cons.sheet.administrations", widths, landscape=True)
        self.heading(s, "cons.sheet.administrations")
        groups: dict[str, list[UnitSummary]] = {}
        for u in self.cons.units:
            groups.setdefault(u.administration, []).append(u)
        rows = []
        for admin, units in groups.items():
            counts = Counter[str]()
            for u in units:
                for k in keys[2:]:
                    counts[k] += int(_unit_value(u, k) or 0)
            rows.append([admin or "—", len(units), *[counts[k] for k in keys[2:]]])
        first = s.row
        heads = [header(k, "register", self.lang) if k != "units"
                 else _t("cons.col.units", self.lang) for k in keys]
        s.table("Administrations", heads, rows)
        self.admin_chart = (s.ws.name, first + 1, first + len(rows), keys)

    def charts(self) -> None:
        lang = self.lang
        s = self.sheet("cons.sheet.charts", [12.0] * 12, landscape=True)
        self.heading(s, "cons.sheet.charts")
        if self.admins and hasattr(self, "admin_chart"):
            sheet, first, last, keys = self.admin_chart
            name_col = 0
        else:
            sheet, (first, last), keys = self.units_sheet, self.unit_rows, self.unit_keys
            name_col = keys.index("unit")
        n = max(last - first + 1, 1)
        height = int(min(max(260, 60 + 22 * n), 1400))
        if last < first:
            return
        levels = self.book.add_chart({"type": "bar", "subtype": "stacked"})
        for k in LEVELS:
            col = keys.index(k)
            levels.add_series({
                "name": messages.level_name(k, lang),
                "categories": [sheet, first, name_col, last, name_col],
                "values": [sheet, first, col, last, col],
                "fill": {"color": _LEVEL_FILL[k]}, "border": {"color": "#595959"},
            })
        levels.set_title({"name": _t("cons.chart.levels", lang)})
        levels.set_y_axis({"reverse": True})
        levels.set_legend({"position": "bottom"})
        levels.set_size({"width": 860, "height": height})
        s.ws.insert_chart(s.row, 0, levels)
        rows_taken = height // 20 + 2
        overdue = self.book.add_chart({"type": "bar"})
        col = keys.index("overdue")
        overdue.add_series({
            "name": _t("status.overdue", lang),
            "categories": [sheet, first, name_col, last, name_col],
            "values": [sheet, first, col, last, col],
            "fill": {"color": _STATUS_FILL["overdue"]}, "border": {"color": "#595959"},
            "data_labels": {"value": True},
        })
        overdue.set_title({"name": _t("cons.chart.overdue", lang)})
        overdue.set_y_axis({"reverse": True})
        overdue.set_legend({"none": True})
        overdue.set_size({"width": 860, "height": height})
        s.ws.insert_chart(s.row + rows_taken, 0, overdue)
        s.ws.set_h_pagebreaks([s.row + rows_taken])

    def heatmap(self) -> None:
        lang = self.lang
        s = self.sheet("cons.sheet.heatmap", [24.0, 16.0, 16.0, 16.0, 12.0])
        self.heading(s, "cons.sheet.heatmap")
        s.title(_t("summary.heatmap", lang))
        p_i, h_i, l_i = RISK_INDEX["probability"], RISK_INDEX["harm"], RISK_INDEX["level"]
        pairs: Counter[tuple[int, int]] = Counter()
        for u in self.cons.units:
            for r in u.risks:
                if r[l_i] is not None and isinstance(r[p_i], int) and isinstance(r[h_i], int):
                    pairs[(r[p_i], r[h_i])] += 1
        points = matrix.VALID_POINTS
        scale = {p: f"{p} ({messages.level_name(matrix.POINTS_SCALE[p], lang)})"
                 for p in points}
        head = self.formats.get(bold=True, fill="#D9D9D9")
        ws = s.ws
        ws.write_string(s.row, 0, _t("summary.heatmap.corner", lang), head)
        for c, h in enumerate(points, start=1):
            ws.write_string(s.row, c, scale[h], head)
        ws.set_row(s.row, row_height([_t("summary.heatmap.corner", lang)], s.widths, bold=True))
        s.row += 1
        for p in points:
            ws.write_string(s.row, 0, scale[p], head)
            for c, h in enumerate(points, start=1):
                level = matrix.level_for_sum(matrix.score_sum(p, h))
                fill = rgb(matrix.LEVEL_FILL[level]) if level else None
                ws.write_number(s.row, c, pairs.get((p, h), 0),
                                self.formats.get(fill=fill, size=14, center=True))
            ws.set_row(s.row, 30)
            s.row += 1
        s.gap()
        s.title(_t("cons.heatmap.units", lang))
        keys = ["unit", *LEVELS, "unscored"]
        if self.admins:
            keys = ["administration", *keys]
            s.widths = [16.0, 24.0, 12.0, 12.0, 12.0, 12.0]
            for i, w in enumerate(s.widths):
                ws.set_column(i, i, w)
        rows = [[_unit_value(u, k) for k in keys] for u in self.cons.units]
        first = s.row + 1
        s.table("LevelsByUnit", [header(k, "register", lang) for k in keys], rows)
        last = first + max(len(rows), 1) - 1
        for k in LEVELS:
            c = keys.index(k)
            ws.conditional_format(first, c, last, c, {
                "type": "2_color_scale", "min_color": "#FFFFFF", "max_color": _LEVEL_FILL[k]})

    def risks(self) -> None:
        keys = self.keys(RISK_FIELDS)
        idx = [RISK_INDEX[k] for k in keys]
        s = self.sheet("cons.sheet.risks", [_WIDTH.get(k, 12) for k in keys], landscape=True)
        self.heading(s, "cons.sheet.risks")
        first = s.row
        level_cols = [keys.index(k) for k in ("level", "residual_level")]
        by_word = {messages.level_name(code, self.lang): fill
                   for code, fill in _LEVEL_FILL.items()}

        def fills(row: Sequence[Any]) -> dict[int, str]:
            return {c: f for c in level_cols if (f := by_word.get(row[c]))}

        # rows made one at a time as they are written: no second copy of every risk
        rows = self.shown_rows(keys, idx, (r for u in self.cons.units for r in u.risks))
        s.table("Risks", [header(k, "register", self.lang) for k in keys], rows, fills)
        count = sum(len(u.risks) for u in self.cons.units)
        self.tables["risks"] = (s.ws.name, first + 1, count, keys)

    def high(self) -> None:
        lang = self.lang
        keys = self.keys(("administration", "unit", "function", "cases", "positions",
                          "control", "residual_level", "measures", "file", "row"))
        idx = [RISK_INDEX[k] for k in keys]
        s = self.sheet("cons.sheet.high", [_WIDTH.get(k, 12) for k in keys], landscape=True)
        self.heading(s, "cons.sheet.high")
        measure = _t(matrix.MEASURE_KEY[Level.HIGH], lang)
        s.title(_t("cons.high.note", lang, measure=measure[:1].lower() + measure[1:]),
                bold=False)
        level = RISK_INDEX["level"]
        rows = list(self.shown_rows(keys, idx, (r for u in self.cons.units for r in u.risks
                                                if r[level] == "high")))
        s.table("HighRisks", [header(k, "register", lang) for k in keys], rows)

    def activities(self) -> None:
        keys = self.keys(ACTIVITY_FIELDS)
        idx = [ACTIVITY_FIELDS.index(k) for k in keys]
        s = self.sheet("cons.sheet.activities", [_WIDTH.get(k, 12) for k in keys],
                       landscape=True)
        self.heading(s, "cons.sheet.activities")
        first = s.row
        status_col = keys.index("status")
        by_word = {_t(f"status.{code}", self.lang): fill for code, fill in _STATUS_FILL.items()}

        def fills(row: Sequence[Any]) -> dict[int, str]:
            fill = by_word.get(row[status_col])
            return {status_col: fill} if fill else {}

        rows = self.shown_rows(keys, idx, (r for u in self.cons.units for r in u.activities))
        s.table("Activities", [header(k, "plan", self.lang) for k in keys], rows, fills)
        count = sum(len(u.activities) for u in self.cons.units)
        self.tables["activities"] = (s.ws.name, first + 1, count, keys)

    def roster(self) -> None:
        lang = self.lang
        cons = self.cons
        s = self.sheet("cons.sheet.roster", [30.0, 12.0, 30.0, 30.0])
        self.heading(s, "cons.sheet.roster")
        if cons.roster is None:
            s.title(_t("cons.roster.none", lang), bold=False)
            return
        s.title(_t("cons.missing", lang, n=len(cons.missing)), bold=False)
        matched: dict[str, list[UnitSummary]] = {}
        for u in cons.units:
            if u.roster is not None:
                matched.setdefault(u.roster, []).append(u)
        yes, no = _t("word.yes", lang), _t("cons.word.no", lang)
        rows = [[name, yes if name in matched else no,
                 "\n".join(_unit_label(u) for u in matched.get(name, [])),
                 "\n".join(Path(f).name for u in matched.get(name, []) for f in u.files)]
                for name in cons.roster]
        red = _LEVEL_FILL["high"]
        s.table("Roster", [_t("cons.col.expected", lang), _t("cons.col.submitted", lang),
                           _t("cons.col.unit", lang), _t("cons.col.files", lang)], rows,
                lambda row: {} if row[1] == yes else {0: red, 1: red})
        s.gap()
        s.title(_t("cons.roster.unmatched", lang))
        rows = [[_unit_label(u), "\n".join(Path(f).name for f in u.files)]
                for u in cons.unmatched]
        s.table("NotOnRoster", [_t("cons.col.unit", lang), _t("cons.col.files", lang)], rows,
                repeat=False)

    def files(self) -> None:
        lang = self.lang
        cons = self.cons
        s = self.sheet("cons.sheet.files", [26.0, 34.0, 50.0], landscape=False)
        self.heading(s, "cons.sheet.files")
        rows: list[list[Any]] = []
        for loaded in (*cons.rejected, cons.roster_rejected, cons.previous_rejected):
            if loaded is not None and loaded.reason is not None:
                rows.append([_t("cons.kind.rejected", lang), loaded.file,
                             messages.reason_text(loaded.reason, loaded.reason_params, lang)])
        for sk in cons.skipped:
            rows.append([_t("cons.kind.skipped", lang), sk.file, _t(sk.reason, lang)])
        for d in cons.duplicates:
            rows.append([_t("cons.kind.duplicate", lang), d.ignored, _t(
                "cons.duplicate.reason", lang, part=_t(f"cons.part.{d.part}", lang),
                used=d.used)])
        column = _t("col.findings", lang)
        for u in cons.units:
            if u.errors:
                rows.append([_t("cons.kind.errors", lang), "\n".join(u.files), _t(
                    "cons.errors.reason", lang, n=u.errors, column=column)])
        s.table("FilesNotUsed", [_t("cons.col.what", lang), _t("summary.file", lang),
                                 _t("cons.col.reason", lang)], rows)

    def changes(self) -> None:
        lang = self.lang
        ch = self.cons.changes
        if ch is None:
            return
        keys = ["change", *(["administration"] if self.admins else []), "unit", "text",
                "before", "now"]
        widths = {"change": 22.0, "administration": 16.0, "unit": 22.0, "text": 44.0,
                  "before": 12.0, "now": 12.0}
        s = self.sheet("cons.sheet.changes", [widths[k] for k in keys], landscape=True)
        self.heading(s, "cons.sheet.changes")
        when = messages.day_text(ch.previous_as_of) if ch.previous_as_of else "—"
        s.title(_t("cons.changes.since", lang, file=ch.previous, date=when), bold=False)
        lv = messages.level_name
        status = _t("status.overdue", lang), _t("status.done", lang)
        entries: list[tuple[str, str, str, str, Any, Any]] = []
        for a, u, text, level in ch.added:
            entries.append(("added", a, u, text, None, lv(level, lang)))
        for a, u, text, level in ch.removed:
            entries.append(("removed", a, u, text, lv(level, lang), None))
        for a, u, text, b, n in ch.raised:
            entries.append(("raised", a, u, text, lv(b, lang), lv(n, lang)))
        for a, u, text, b, n in ch.lowered:
            entries.append(("lowered", a, u, text, lv(b, lang), lv(n, lang)))
        for a, u, text in ch.newly_overdue:
            entries.append(("newly_overdue", a, u, text, None, status[0]))
        for a, u, text in ch.newly_done:
            entries.append(("newly_done", a, u, text, None, status[1]))
        for a, u in ch.not_resubmitted:
            entries.append(("not_resubmitted", a, u, "", None, None))
        rows = []
        for code, a, u, text, before, now in entries:
            row = [_t(f"cons.change.{code}", lang), *([a] if self.admins else []), u, text,
                   before, now]
            rows.append(row)
        heads = [_t("cons.col.change", lang), *([header("administration", "register", lang)]
                                                 if self.admins else []),
                 _t("cons.col.unit", lang), _t("cons.col.text", lang),
                 _t("cons.col.before", lang), _t("cons.col.now", lang)]
        fills = {"raised": _LEVEL_FILL["high"], "added": _LEVEL_FILL["medium"],
                 "newly_overdue": _STATUS_FILL["overdue"], "lowered": _LEVEL_FILL["low"],
                 "newly_done": _STATUS_FILL["done"], "not_resubmitted": _LEVEL_FILL["high"]}
        by_text = {_t(f"cons.change.{k}", lang): v for k, v in fills.items()}
        s.table("Changes", heads, rows,
                lambda row: {0: f} if (f := by_text.get(str(row[0]))) else {})
        if not rows:
            s.title(_t("cons.changes.none", lang), bold=False)

    def meta(self) -> None:
        ws = self.book.add_worksheet(META_SHEET)
        for r, row in enumerate(meta_rows(self.cons.name, self.cons.as_of, self.tables)):
            for c, v in enumerate(row):
                if isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        ws.very_hidden()


#: The counts of the Units sheet that add up (its totals row, the administrations' sheet).
_SUMMED = ("rows", *LEVELS, "unscored", "errors", "warnings", "activities",
           "overdue", "due_soon", "done")


def _unit_label(u: UnitSummary) -> str:
    return f"{u.administration}: {u.unit}" if u.administration else u.unit


def _unit_value(u: UnitSummary, key: str) -> Any:
    if key == "administration":
        return u.administration
    if key == "unit":
        return u.unit
    if key == "files":
        return "\n".join(Path(f).name for f in u.files)
    if key == "file_date":
        return u.modified
    if key == "rows":
        return len(u.risks)
    if key == "activities":
        return len(u.activities)
    if key in ("errors", "warnings"):
        return getattr(u, key)
    if key in (*LEVELS, "unscored"):
        return u.levels()[key]
    if key in ("overdue", "due_soon", "done"):
        return u.statuses()[key]
    return None


def write_consolidated(cons: Consolidation, target: str | Path,
                       options: Options) -> Path:
    """Write the consolidated workbook to ``target`` (atomically); returns its path. Raises
    ``OSError`` (or xlsxwriter's own error) when it cannot be written."""
    target = Path(target)

    def write(tmp: Path) -> None:
        book = Workbook(str(tmp), WORKBOOK_OPTIONS)
        w = _Writer(cons, book, options, target.name)
        w.units()
        if w.admins:
            w.administrations()
        w.charts()
        w.heatmap()
        w.high()
        w.risks()
        w.activities()
        w.roster()
        w.files()
        w.changes()
        w.meta()
        book.close()

    save_atomic(write, target)
    return target
