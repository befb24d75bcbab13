"""Every submission kept and queryable: what a drop's journal row records of its report, the
submissions of a unit, and what changed between two of them (risks added and removed, levels
changed).

A risk is known across submissions by its "cases and situations" text (case, spacing and
look-alike letters folded) within its section; the same text twice in one section is matched
in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import messages
from ..model import FileReport, Level
from ..rules.matrix import MATRIX_LEVELS
from .journal import Drop, Journal

#: how a submission's counts by level are said: the matrix's levels, highest first, then нөлдүк
LEVEL_ORDER = tuple(lv.value for lv in (*MATRIX_LEVELS, Level.ZERO))


def record(report: FileReport, lang: str) -> dict[str, Any]:
    """The fields of a journal row that say what a submission held: status, reason, counts by
    level, errors, warnings, overdue activities, and each risk (section, cases, level).

    Read from the computed columns a table has (``level``; a plan's ``status``), whatever
    its kind."""
    from ..outputs import terminal

    levels: Counter[str] = Counter()
    overdue = 0
    risks: list[list[Any]] = []
    for table in report.tables:
        frame = table.frame
        if "level" in frame.columns:
            n = len(frame)
            sections = frame["section"].tolist() if "section" in frame.columns else [""] * n
            cases = frame["cases"].tolist() if "cases" in frame.columns else [""] * n
            for section, case, level in zip(sections, cases, frame["level"].tolist(),
                                            strict=True):
                level = level if isinstance(level, str) else None
                levels[level or "none"] += 1
                risks.append([_text(section), _text(case), level])
        if "status" in frame.columns:
            overdue += int((frame["status"] == "overdue").sum())
    errors = sum(1 for f in report.findings if f.is_error)
    return {
        "status": report.status,
        "reason": report.reason,
        "reason_params": {k: v for k, v in report.reason_params.items() if k != "debug"},
        "levels": dict(levels),
        "errors": errors,
        "warnings": len(report.findings) - errors,
        "overdue": overdue,
        "risks": risks,
        "summary": terminal.headline(report, lang),
    }


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


_SPACE = re.compile(r"\s+")


def _key(section: str, cases: str) -> tuple[str, str]:
    from ..rules.textnorm import fold  # the same folding the reader applies to words

    return fold(_SPACE.sub(" ", section).strip()), fold(_SPACE.sub(" ", cases).strip())


@dataclass(frozen=True)
class Changes:
    """What changed between two submissions of a unit."""

    added: list[tuple[str, str, str | None]]
    removed: list[tuple[str, str, str | None]]
    changed: list[tuple[str, str, str | None, str | None]]  # section, cases, old, new

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def changes(old: Drop, new: Drop) -> Changes:
    """Risks added, removed, and whose computed level changed, from ``old`` to ``new``."""
    def keyed(drop: Drop) -> dict[tuple[str, str, int], tuple[str, str, str | None]]:
        seen: Counter[tuple[str, str]] = Counter()
        out = {}
        for section, cases, level in drop.risk_list():
            key = _key(section, cases)
            seen[key] += 1
            out[(*key, seen[key])] = (section, cases, level)
        return out

    a, b = keyed(old), keyed(new)
    added = [b[k] for k in b if k not in a]
    removed = [a[k] for k in a if k not in b]
    changed = [(b[k][0], b[k][1], a[k][2], b[k][2]) for k in b if k in a and a[k][2] != b[k][2]]
    return Changes(added, removed, changed)


def when(iso: str | None) -> str:
    """A journal time as people write it: 25.11.2026 14:03."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    return f"{messages.day_text(moment.date())} {moment:%H:%M}"


def counts_text(drop: Drop, lang: str) -> str:
    """"жогорку — 2, орточо — 3; 1 ката, 4 эскертүү; 2 мөөнөтү өткөн иш-чара"."""
    if drop.state == "rejected":
        reason = messages.reason_text(drop.reason or "file.unreadable", drop.params(), lang)
        return f"{messages.text('watch.rejected', lang)}: {reason}"
    levels = drop.level_counts()
    parts = [f"{messages.level_name(lvl, lang).lower()} — {levels[lvl]}"
             for lvl in LEVEL_ORDER if levels.get(lvl)]
    if levels.get("none"):
        parts.append(f"{messages.level_name(None, lang).lower()} — {levels['none']}")
    found = (f"{messages.counted(drop.errors or 0, 'cli.errors', lang)}, "
             f"{messages.counted(drop.warnings or 0, 'cli.warnings', lang)}")
    pieces = [", ".join(parts)] if parts else []
    pieces.append(found)
    if drop.overdue:
        pieces.append(messages.counted(drop.overdue, "history.overdue", lang))
    return "; ".join(pieces)


def submission_lines(drops: list[Drop], lang: str) -> list[str]:
    """One line per submission of a unit, oldest first: number, time, file, what it held, and
    where its copy is."""
    lines = []
    previous: Drop | None = None
    for d in drops:
        line = f"№{d.id}  {when(d.dropped_at)}  {d.name}: {counts_text(d, lang)}"
        if previous is not None and previous.sha256 == d.sha256:
            line += f" ({messages.text('history.same_as_before', lang)})"
        lines.append(line)
        if d.output:
            lines.append(f"      {messages.text('history.copy', lang)}: {d.output}")
        if d.original:
            lines.append(f"      {messages.text('watch.kept', lang, path=d.original)}")
        previous = d
    return lines


def change_lines(old: Drop, new: Drop, lang: str) -> list[str]:
    """What changed between two submissions, as lines."""
    diff = changes(old, new)
    lines = [messages.text("history.changes", lang, old=old.id, new=new.id)]
    if diff.empty:
        return [*lines, "  " + messages.text("history.unchanged", lang)]

    def risk(section: str, cases: str) -> str:
        return f"{section}: {cases}" if section else cases

    def block(code: str, items: Iterable[str]) -> None:
        shown = list(items)
        if shown:
            lines.append(f"  {messages.text(code, lang)}:")
            lines.extend(f"    - {item}" for item in shown)

    block("history.added", (f"{risk(s, c)} ({messages.level_name(lv, lang).lower()})"
                            for s, c, lv in diff.added))
    block("history.removed", (f"{risk(s, c)} ({messages.level_name(lv, lang).lower()})"
                              for s, c, lv in diff.removed))
    block("history.level_changed",
          (f"{risk(s, c)}: {messages.level_name(a, lang).lower()} → "
           f"{messages.level_name(b, lang).lower()}" for s, c, a, b in diff.changed))
    return lines


def unit_lines(latest: dict[str, tuple[int, Drop]], lang: str) -> list[str]:
    """One line per unit: its name, how many submissions, and its latest one."""
    lines = []
    for unit, (count, d) in sorted(latest.items(), key=lambda kv: kv[0].casefold()):
        lines.append(f"{unit}: {messages.counted(count, 'history.submissions', lang)}; "
                     f"{messages.text('history.latest', lang)} №{d.id} {when(d.dropped_at)} "
                     f"{d.name}: {counts_text(d, lang)}")
    return lines


def lines(journal_path: Path, unit: str | None, compare: tuple[int, int] | None,
          lang: str) -> tuple[int, list[str]]:
    """What ``workbook-tools history`` prints, and its exit code (2: no such journal or
    unit)."""
    if not journal_path.is_file():
        return 2, [messages.text("history.no_journal", lang, journal=journal_path)]
    journal = Journal(journal_path, readonly=True)
    try:
        if unit is None:
            latest: dict[str, tuple[int, Drop]] = {}
            for name in journal.units():
                drops = journal.of_unit(name)
                if drops:
                    latest[name] = (len(drops), drops[-1])
            if not latest:
                return 0, [messages.text("history.none", lang, journal=journal_path)]
            return 0, unit_lines(latest, lang)
        drops = journal.of_unit(unit)
        if not drops:
            units = ", ".join(journal.units()) or "—"
            return 2, [messages.text("history.no_unit", lang, unit=unit, units=units)]
        out = submission_lines(drops, lang)
        if compare is not None:
            by_id = {d.id: d for d in drops}
            missing = [n for n in compare if n not in by_id]
            if missing:
                return 2, [*out, messages.text("history.unknown_id", lang, id=missing[0])]
            pair = by_id[compare[0]], by_id[compare[1]]
        else:
            scored = [d for d in drops if d.state == "done"]
            if len(scored) < 2:
                return 0, out
            pair = scored[-2], scored[-1]
        return 0, [*out, "", *change_lines(*pair, lang)]
    finally:
        journal.close()


def reason_file(drop: Drop) -> str:
    """The text beside a rejected file: what it is, when it came, why it was not accepted,
    in Kyrgyz and in Russian."""
    name = Path(drop.name).name
    blocks = []
    for lang in ("ky", "ru"):
        reason = messages.reason_text(drop.reason or "file.unreadable", drop.params(), lang)
        blocks.append("\n".join((
            messages.text("reason_file.title", lang, name=name),
            messages.text("reason_file.when", lang, date=when(drop.dropped_at)),
            messages.text("reason_file.reason", lang, reason=reason),
            messages.text("reason_file.what_to_do", lang),
        )))
    return "\n\n".join(blocks) + "\n"
