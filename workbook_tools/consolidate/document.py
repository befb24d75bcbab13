"""The JSON document of a consolidation (``workbook-tools consolidate --json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import messages
from .model import Changes, ConsolidationResult


def _changes(ch: Changes | None) -> dict[str, Any] | None:
    if ch is None:
        return None
    return {
        "previous": ch.previous,
        "previous_as_of": ch.previous_as_of.isoformat() if ch.previous_as_of else None,
        "risks_added": [{"administration": a or None, "unit": u, "risk": t, "level": lv}
                        for a, u, t, lv in ch.added],
        "risks_removed": [{"administration": a or None, "unit": u, "risk": t, "level": lv}
                          for a, u, t, lv in ch.removed],
        "levels_raised": [{"administration": a or None, "unit": u, "risk": t, "before": b,
                           "now": n} for a, u, t, b, n in ch.raised],
        "levels_lowered": [{"administration": a or None, "unit": u, "risk": t, "before": b,
                            "now": n} for a, u, t, b, n in ch.lowered],
        "newly_overdue": [{"administration": a or None, "unit": u, "activity": t}
                          for a, u, t in ch.newly_overdue],
        "newly_done": [{"administration": a or None, "unit": u, "activity": t}
                       for a, u, t in ch.newly_done],
        "not_resubmitted": [{"administration": a or None, "unit": u}
                            for a, u in ch.not_resubmitted],
    }


def document(result: ConsolidationResult, lang: str = messages.DEFAULT_LANG) -> dict[str, Any]:
    """The consolidation as one JSON-ready dictionary."""
    cons = result.consolidation
    rejected = [r for r in (*cons.rejected, cons.roster_rejected, cons.previous_rejected)
                if r is not None and r.reason is not None]
    return {
        "output": str(result.output) if result.output else None,
        "output_error": result.output_error,
        "as_of": cons.as_of.isoformat(),
        "units": [{
            "unit": u.unit,
            "administration": u.administration or None,
            "file": u.files[0] if u.files else None,
            "files": u.files,
            "file_date": u.modified.isoformat(timespec="seconds") if u.modified else None,
            "name_from": u.unit_source,
            "roster": u.roster,
            "rows": len(u.risks),
            "levels": u.levels(),
            "findings": u.findings_count,
            "errors": u.errors,
            "activities": len(u.activities),
            "overdue": u.statuses()["overdue"],
            "due_soon": u.statuses()["due_soon"],
        } for u in cons.units],
        "rejected": [{"file": r.file, "reason": messages.reason_text(r.reason or "",
                                                                    r.reason_params, lang),
                      "reason_code": r.reason} for r in rejected],
        "skipped": [s.file for s in cons.skipped],
        "skipped_reasons": [{"file": s.file, "reason": s.reason} for s in cons.skipped],
        "duplicates": [{"unit": d.unit, "administration": d.administration or None,
                        "part": d.part, "used": d.used, "ignored": d.ignored}
                       for d in cons.duplicates],
        "missing": list(cons.missing),
        "not_on_roster": [u.unit for u in cons.unmatched],
        "changes": _changes(cons.changes),
        "exit_code": result.exit_code,
    }


def file_name(path: str | Path) -> str:
    return Path(path).name
