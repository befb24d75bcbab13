"""The register (коррупциялык тобокелдиктердин тизмеги): scored by the matrix, coloured by level,
cross-checked against the plan's measures."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from .. import messages
from ..copyplan import SheetWriter, Style
from ..model import Column, Finding, Layout, Level, Measures, Options, Table, warning
from ..rules import coverage, matrix
from ..rules.scoring import score_frame
from .base import BaseKind, level_text, plain

#: The levels a register's rows are coloured by, highest first.
SHOWN_LEVELS = (Level.HIGH, Level.MEDIUM, Level.LOW)


def _score(v: Any) -> int | None:
    v = plain(v)
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int | float) and float(v).is_integer() and int(v) in matrix.VALID_POINTS:
        return int(v)
    return None


class RegisterKind(BaseKind):
    name = "register"
    computed_columns: tuple[Column, ...] = (
        ("col.sum", lambda r, lang: None if pd.isna(r.get("score")) else int(r["score"])),
        ("col.level", lambda r, lang: level_text(r.get("level"), lang)),
        ("col.residual", lambda r, lang: level_text(r.get("residual_level"), lang)),
        ("col.measure", lambda r, lang: messages.text(r["measure"], lang)
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
        return found

    def cross_check(self, table: Table, measures: list[Measures]) -> list[Finding]:
        """A warning on every high risk that no measure covers, when there is a plan."""
        if not measures:
            return []
        return [warning("risk.no_measure", sheet=table.sheet, row=row)
                for row in coverage.uncovered(table.frame, measures)]

    def row_fill(self, rec: dict[str, Any]) -> str | None:
        level = rec.get("level")
        return matrix.LEVEL_FILL.get(Level(level)) if isinstance(level, str) else None

    def legend(self, lang: str) -> list[tuple[str, Style]]:
        return [(messages.level_name(lvl, lang), Style(fill=matrix.LEVEL_FILL[lvl]))
                for lvl in SHOWN_LEVELS]

    def json_value(self, name: str, rec: dict[str, Any]) -> Any:
        if name in ("probability", "harm"):
            return _score(rec.get(name))
        return plain(rec.get(name))

    def summary(self, out: SheetWriter, table: Table, options: Options) -> None:
        """Counts by level and by section, the heat map, and the high risks."""
        lang = out.lang
        t = messages.text
        fills = matrix.LEVEL_FILL
        frame = table.frame
        levels = [lv if isinstance(lv, str) else None for lv in frame["level"]]
        out.line(f"{t('summary.sheet', lang)}: {table.sheet}", bold=True)
        lowered = messages.level_name(options.residual.low_becomes, lang)
        out.line(t("summary.residual_rule", lang, low_becomes=lowered))
        out.gap()
        out.line(t("summary.by_level", lang), t("summary.count", lang), bold=True, border="box")
        counts = Counter(levels)
        for lvl in SHOWN_LEVELS:
            out.line(messages.level_name(lvl, lang), counts.get(lvl.value, 0),
                     fills=[fills[lvl], None], border="box")
        out.line(messages.level_name(None, lang), counts.get(None, 0), border="box")
        out.line(t("summary.total", lang), len(levels), bold=True, border="box")
        out.gap()
        # by section
        out.line(t("summary.by_section", lang),
                 *[messages.level_name(x, lang) for x in SHOWN_LEVELS],
                 messages.level_name(None, lang), t("summary.total", lang), bold=True,
                 border="box", fills=[None, *[fills[x] for x in SHOWN_LEVELS]])
        sections: dict[str, Counter[str | None]] = {}
        for sec, level in zip(frame["section"], levels, strict=True):
            name = sec if isinstance(sec, str) and sec else t("summary.no_section", lang)
            sections.setdefault(name, Counter())[level] += 1
        for name, c in sections.items():
            out.line(name, *[c.get(x.value, 0) for x in SHOWN_LEVELS], c.get(None, 0),
                     sum(c.values()), border="box")
        out.gap()
        self._heat_map(out, frame, levels)
        # high risks
        high = Level.HIGH
        out.line(t("summary.high_risks", lang), bold=True)
        out.line(t(matrix.MEASURE_KEY[high], lang))
        out.line(t("summary.row", lang), t("summary.section", lang), t("summary.risk", lang),
                 bold=True, border="box")
        # only the high rows' cells are looked at (not every row made a record)
        wanted = [i for i, lv in enumerate(levels) if lv == high.value]
        cols = {k: frame[k].tolist() if k in frame else None
                for k in ("cases", "function", "section")} if wanted else {}
        rows = frame.index.tolist() if wanted else []

        def cell(key: str, i: int) -> Any:
            values = cols[key]
            return None if values is None else values[i]

        for i in wanted:
            risk = cell("cases", i) or cell("function", i) or ""
            out.line(int(rows[i]), cell("section", i) or "", risk, fills=[fills[high]],
                     border="box")
        out.gap()

    @staticmethod
    def _heat_map(out: SheetWriter, frame: pd.DataFrame, levels: list[str | None]) -> None:
        """The 3x3 probability-by-harm map with the number of risks in each cell."""
        lang = out.lang
        out.line(messages.text("summary.heatmap", lang), bold=True)
        pairs = Counter(
            (int(p), int(h))
            for p, h, lvl in zip(frame.get("probability", []), frame.get("harm", []), levels,
                                 strict=False)
            if lvl is not None
        )
        points = matrix.VALID_POINTS
        scale = {p: f"{p} ({messages.level_name(matrix.POINTS_SCALE[p], lang)})" for p in points}
        out.line("", *[scale[h] for h in points], bold=True, border="box")
        for p in points:
            cells = [pairs.get((p, h), 0) for h in points]
            row_fills: list[str | None] = [None]
            for h in points:
                level = matrix.level_for_sum(matrix.score_sum(p, h))
                row_fills.append(matrix.LEVEL_FILL[level] if level else None)
            out.line(scale[p], *cells, fills=row_fills, border="box")
        out.gap()


REGISTER = RegisterKind()
