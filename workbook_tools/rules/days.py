"""Days as people write them: ``25.11.2026`` (as the documents and staff write dates) or
``2026-11-25``; and a day shown back to people in the first form."""

from __future__ import annotations

import re
from datetime import date

_DAY_FIRST = re.compile(r"(?P<d>[0-9]{1,2})[./](?P<m>[0-9]{1,2})[./](?P<y>[0-9]{4})")
_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")


def parse_day(text: str) -> date | None:
    """The day ``text`` names (25.11.2026, 25/11/2026 or 2026-11-25), or None: no other form,
    no impossible day (31.02.2026), no two-digit year."""
    text = text.strip()
    match = _DAY_FIRST.fullmatch(text) or _ISO.fullmatch(text)
    if match is None:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None

