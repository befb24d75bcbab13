"""The register (коррупциялык тобокелдиктердин тизмеги): scored by the matrix, coloured by level,
cross-checked against the plan's measures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from .. import messages
from ..copyplan import SheetWriter, Style
from ..model import (
    Column,
    Finding,
    Layout,
    Level,
    Measures,
    Options,
    Table,
    column_values,
    warning,
)
from ..rules import coverage, matrix
from ..rules.normalise import column_letter
from ..rules.scoring import score_frame
from .base import BaseKind, level_text, plain, say_hidden

#: The levels a register's rows are coloured by, highest first.
SHOWN_LEVELS = matrix.MATRIX_LEVELS


def _score(v: Any) -> int | None:
    v = plain(v)
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int | float) and float(v).is_integer() and int(v) in matrix.VALID_POINTS:
        return int(v)
    return None


def _sum(v: Any) -> int | None:
    """The copy's sum column: the score, or empty."""
    if type(v) is int:
        return v  # the rows' usual value (Table.records gives Python ints)
    return None if pd.isna(v) else int(v)


@lru_cache(maxsize=64)
def _short_measure(measure: str, lang: str) -> str:
    """A measure's few words, for its cell (the same few on every row)."""
    return messages.text(measure.replace("measure.", "measure_short."), lang)


#: The level codes' fills, for the rows' colours.
_FILL_BY_CODE = {lvl.value: fill for lvl, fill in matrix.LEVEL_FILL.items()}


#: The levels whose recommended measures point 7 asks for on the assessment sheet.
MEASURED_LEVELS = (Level.HIGH, Level.MEDIUM)
#: How many rows the finding names (the rest are counted).
ROWS_NAMED = 30


def _measures_missing(frame: pd.DataFrame, sheet: str) -> list[Finding]:
    """A register without a recommended-measures column: one warning naming its high and
    medium risks (the computed level, or the stated one where not scored), whose assessment
    sheets the working group must complete by hand (point 7)."""
    counts: Counter[str] = Counter()
    rows: list[int] = []
    stated_levels = (frame["stated_level"].tolist() if "stated_level" in frame
                     else [None] * len(frame))
    for row, level, stated in zip(frame.index.tolist(), frame["level"].tolist(), stated_levels,
                                  strict=True):
        lvl = level if isinstance(level, str) else stated if isinstance(stated, str) else None
        if lvl in {x.value for x in MEASURED_LEVELS}:
            counts[lvl] += 1
            rows.append(int(row))
    if not rows:
        return []
    named = ", ".join(map(str, rows[:ROWS_NAMED])) + ("…" if len(rows) > ROWS_NAMED else "")
    return [warning("measures.missing", sheet=sheet,
                    params={"high": counts[Level.HIGH.value],
                            "medium": counts[Level.MEDIUM.value], "rows": named})]


class RegisterKind(BaseKind):
    name = "register"
    computed_columns: tuple[Column, ...] = (
        ("col.sum", lambda r, lang: _sum(r.get("score"))),
        ("col.level", lambda r, lang: level_text(r.get("level"), lang)),
        ("col.residual", lambda r, lang: level_text(r.get("residual_level"), lang)),
        ("col.measure", lambda r, lang: _short_measure(r["measure"], lang)
         if isinstance(r.get("measure"), str) else None),
    )
    json_fields = (
        "row", "section", "function", "probability", "harm", "score", "level", "stated_level",
        "control", "residual_level",
    )

    def analyse(self, frame: pd.DataFrame, layout: Layout, sheet: str,
                options: Options) -> list[Finding]:
        """Sum, level, residual level and measure of every risk; a register without score
        columns is said to be not yet scored, once."""
        fmt = self.format
        found: list[Finding] = []
        if len(frame) and not any(fmt.column(k).group for k in layout.columns):
            found.append(warning("register.not_scored", sheet=sheet,
                                 params={"count": len(frame)}))
        score_frame(frame, options.residual)
        if "stated_level" in layout.columns:
            letter = column_letter(layout.columns["stated_level"])
            found += [warning("level.zero_stated", sheet=sheet, row=int(row), column=letter,
                              value=raw, field="stated_level")
                      for row, stated, raw in zip(frame.index.tolist(),
                                                  frame["stated_level"].tolist(),
                                                  frame["stated_level_raw"].tolist(), strict=True)
                      if stated == "zero"]
        if "measures" not in layout.columns:
            found += _measures_missing(frame, sheet)
        return found

    def cross_check(self, table: Table, measures: list[Measures]) -> list[Finding]:
        """A warning on every high risk that no measure covers, when there is a plan."""
        if not measures:
            return []
        return [warning("risk.no_measure", sheet=table.sheet, row=row)
                for row in coverage.uncovered(table.frame, measures)]

    def row_fill(self, rec: Mapping[str, Any]) -> str | None:
        level = rec.get("level")
        if not isinstance(level, str):
            return None
        if level in _FILL_BY_CODE:
            return _FILL_BY_CODE[level]
        return matrix.LEVEL_FILL.get(Level(level))

    def column_note(self, key: str, lang: str) -> str | None:
        """The measure's cells hold it in a few words; the note on its header, the whole of
        point 6, level by level."""
        if key != "col.measure":
            return None
        return "\n".join(f"{messages.level_name(lvl, lang)}: {messages.text(code, lang)}"
                         for lvl, code in matrix.MEASURE_KEY.items() if lvl in SHOWN_LEVELS)

    def headline(self, table: Table, lang: str) -> str:
        """"12 тобокелдик (жогорку — 3, орточо — 5, төмөнкү — 4)"."""
        counts = Counter(v for v in table.frame["level"].tolist() if isinstance(v, str))
        parts = [f"{messages.level_name(lvl, lang).lower()} — {counts[lvl.value]}"
                 for lvl in SHOWN_LEVELS if counts.get(lvl.value)]
        unscored = len(table.frame) - sum(counts.values())
        if unscored:
            parts.append(f"{messages.level_name(None, lang).lower()} — {unscored}")
        head = messages.counted(len(table.frame), "cli.register", lang)
        return f"{head} ({', '.join(parts)})" if parts else head

    def legend(self, lang: str) -> list[tuple[str, Style]]:
        return [(messages.level_name(lvl, lang), Style(fill=matrix.LEVEL_FILL[lvl]))
                for lvl in SHOWN_LEVELS]

    def json_value(self, name: str, rec: dict[str, Any]) -> Any:
        if name in ("probability", "harm"):
            return _score(rec.get(name))
        return plain(rec.get(name))

    def summary(self, out: SheetWriter, table: Table, options: Options) -> None:
        """Counts by level and by kind of function, the heat map, and the high risks under the
        management measure point 6 requires for them; each a block of its own."""
        lang = out.lang
        t = messages.text
        fills = matrix.LEVEL_FILL
        frame = table.frame
        levels = [lv if isinstance(lv, str) else None for lv in frame["level"].tolist()]
        out.text(f"{t('summary.sheet', lang)}: {table.sheet}", bold=True)
        lowered = messages.level_name(options.residual.low_becomes, lang)
        out.text(t("summary.residual_rule", lang, low_becomes=lowered))
        say_hidden(out, table)
        out.gap()
        out.block()
        out.line(t("summary.by_level", lang), t("summary.count", lang), spans=[2, 1],
                 bold=True, border="box")
        counts = Counter(levels)
        for lvl in SHOWN_LEVELS:
            out.line(messages.level_name(lvl, lang), counts.get(lvl.value, 0), spans=[2, 1],
                     fills=[fills[lvl], None], border="box")
        out.line(messages.level_name(None, lang), counts.get(None, 0), spans=[2, 1],
                 border="box")
        out.line(t("summary.total", lang), len(levels), spans=[2, 1], bold=True, border="box")
        out.gap()
        out.block()
        out.line(t("summary.by_section", lang),
                 *[messages.level_name(x, lang) for x in SHOWN_LEVELS],
                 messages.level_name(None, lang), t("summary.total", lang), spans=[2],
                 bold=True, border="box", fills=[None, *[fills[x] for x in SHOWN_LEVELS]])
        sections: dict[str, Counter[str | None]] = {}
        for sec, level in zip(frame["section"].tolist(), levels, strict=True):
            name = sec if isinstance(sec, str) and sec else t("summary.no_section", lang)
            sections.setdefault(name, Counter())[level] += 1
        for name, c in sections.items():
            out.line(name, *[c.get(x.value, 0) for x in SHOWN_LEVELS], c.get(None, 0),
                     sum(c.values()), spans=[2], border="box")
        out.gap()
        out.block()
        self._heat_map(out, frame, levels)
        out.block()
        self._high_risks(out, table)

    @staticmethod
    def _high_risks(out: SheetWriter, table: Table) -> None:
        """The high risks: row, risk, kind of function, under the measure point 6 requires."""
        lang = out.lang
        t = messages.text
        high = Level.HIGH
        out.text(t("summary.high_risks", lang), bold=True)
        frame = table.frame
        # only these rows, only these columns, as Table.records gives them
        names = [c for c in ("cases", "function", "section") if c in frame.columns]
        columns = [column_values(frame[c]) for c in names]
        index = frame.index.tolist()
        rows = [(index[i], dict(zip(names, [column[i] for column in columns], strict=True)))
                for i, level in enumerate(frame["level"].tolist()) if level == high.value]
        if not rows:
            out.text(t("summary.no_high", lang))
            return
        measure = t(matrix.MEASURE_KEY[high], lang)
        out.text(t("summary.high_measure", lang, measure=measure[:1].lower() + measure[1:]))
        out.line(t("summary.row", lang), t("summary.risk", lang), t("summary.section", lang),
                 spans=[1, 1, 5], bold=True, border="box")
        for row, rec in rows:
            risk = rec.get("cases") or rec.get("function") or ""
            out.line(int(row), risk, rec.get("section") or "", spans=[1, 1, 5],
                     fills=[matrix.LEVEL_FILL[high]], border="box")
        out.gap()

    @staticmethod
    def _heat_map(out: SheetWriter, frame: pd.DataFrame, levels: list[str | None]) -> None:
        """The 3x3 probability-by-harm map with the number of risks in each cell."""
        lang = out.lang
        out.text(messages.text("summary.heatmap", lang), bold=True)
        pairs = Counter(
            (int(p), int(h))
            for p, h, lvl in zip(_listed(frame, "probability"), _listed(frame, "harm"), levels,
                                 strict=False)
            if lvl is not None
        )
        points = matrix.VALID_POINTS
        scale = {p: f"{p} ({messages.level_name(matrix.POINTS_SCALE[p], lang)})" for p in points}
        out.line(messages.text("summary.heatmap.corner", lang), *[scale[h] for h in points],
                 spans=[2], bold=True, border="box")
        for p in points:
            cells = [pairs.get((p, h), 0) for h in points]
            row_fills: list[str | None] = [None]
            for h in points:
                level = matrix.level_for_sum(matrix.score_sum(p, h))
                row_fills.append(matrix.LEVEL_FILL[level] if level else None)
            out.line(scale[p], *cells, spans=[2], fills=row_fills, border="box")
        out.gap()


def _listed(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column's values as iterating it gives them (none when it is not there)."""
    return frame[name].tolist() if name in frame else []


REGISTER = RegisterKind()
