"""Units' names: where a workbook says whose it is, how names are compared, and the roster.

A unit's name is taken, in this order, from

1. a unit cell above the table: a cell "Мекеме: …", "Бөлүм: …", "Учреждение: …",
   "Подразделение: …", "Unit: …" (the text after the colon, or the next cell);
2. a title line above the table that names the list or the plan: the words before
   "коррупция…", "тобокелдик…", "иш-чаралар…" in Kyrgyz ("«Балапан» балдар бакчасынын
   коррупциялык тобокелдиктеринин тизмеги" gives "«Балапан» балдар бакчасы", the genitive
   ending of the last word dropped: "өкмөтүнүн", "бөлүмүнүн", "мектептин"); the words after
   "Перечень коррупционных рисков", "План мероприятий…" in Russian;
3. the register's structural-unit column, when every risk names the same one;
4. the file's name ("mektep_5.xlsx" gives "mektep 5").

Names are compared folded: case, spaces, quotes, line breaks, Latin look-alike letters and
ң ө ү typed as н о у do not count (:func:`unit_key`). A roster name matches a unit when the two
are equal so folded, or when the unit's name begins with the roster's words (a word may
carry a grammatical ending of up to four letters: "бакчасынын" is "бакчасы").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import Grid
from ..rules.textnorm import clean, loose

_LABELS = re.compile(
    r"^\s*(мекеме(?:нин аталышы)?|түзүмдүк бөлүм|бөлүм|учреждение|подразделение|"
    r"наименование учреждения|unit|institution)\s*[:：]\s*(.*)$", re.IGNORECASE | re.DOTALL)
_KY_MARKERS = re.compile(r"\s(коррупци|тобокелдик|иш-чара|иш чара)", re.IGNORECASE)
_RU_MARKERS = re.compile(
    r"(перечень коррупционных рисков|перечень рисков|план мероприятий по противодействию "
    r"коррупции|план мероприятий|план противодействия коррупции)\s*", re.IGNORECASE)
_GENITIVE = re.compile(r"(?:(?<=[аеиоуыэюяөү])(?:нын|нин|нун|нүн)|"
                       r"(?<=[бвгджзйклмнңпрстфхцчшщ])(?:дын|дин|дун|дүн|тын|тин|тун|түн))$")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def unit_key(name: str) -> str:
    """The comparison key of a name: folded (case, spaces, quotes, look-alike letters)."""
    return loose(name)


def _words(name: str) -> list[str]:
    return unit_key(name).replace("-", " ").split()


def _word_matches(short: str, long: str) -> bool:
    return long.startswith(short) and len(long) - len(short) <= 4


def roster_matches(roster_name: str, unit: str) -> int:
    """How well a roster name matches a unit's name: 0 not at all, 1 by its first words,
    2 equal (folded)."""
    if unit_key(roster_name) == unit_key(unit):
        return 2
    rw, uw = _words(roster_name), _words(unit)
    if not rw or len(uw) < len(rw):
        return 0
    return 1 if all(_word_matches(a, b) or _word_matches(b, a)
                    for a, b in zip(rw, uw, strict=False)) else 0


def _drop_genitive(name: str) -> str:
    return _GENITIVE.sub("", name) if len(name.split()[-1]) > 5 else name


def _from_title(text: str) -> str | None:
    for line in text.splitlines():
        line = clean(line)
        if not line:
            continue
        ru = _RU_MARKERS.search(line)
        if ru:
            rest = line[ru.end():].strip(" ,.-:")
            if rest and not _DIGIT.fullmatch(rest) and re.search(r"[^\W\d_]", rest):
                return rest
            continue
        ky = _KY_MARKERS.search(line)
        if ky and ky.start() > 0:
            head = line[:ky.start()].strip(" ,.-:")
            if head and not _DIGIT.search(head):
                return _drop_genitive(head)
    return None


def name_from_sheet(grid: Grid, header_row: int) -> tuple[str, str] | None:
    """A unit's name and where it was found (``label`` or ``title``), from the rows above a
    table's header (``header_row`` 0-based); None when they do not say it."""
    above = grid.rows[:header_row]
    for r, row in enumerate(above):
        for c, v in enumerate(row):
            if isinstance(v, str) and (m := _LABELS.match(v)):
                name = clean(m.group(2))
                if not name:
                    nxt = grid.value(r, c + 1)
                    name = clean(nxt) if isinstance(nxt, str) else ""
                if name:
                    return name, "label"
    for row in above:
        for v in row:
            if isinstance(v, str) and (titled := _from_title(v)):
                return titled, "title"
    return None


def name_from_column(values: Iterable[Any]) -> str | None:
    """The structural unit when every risk that names one names the same."""
    named = [clean(v) for v in values if isinstance(v, str) and clean(v)]
    if not named:
        return None
    keys = Counter(unit_key(v) for v in named)
    if len(keys) != 1:
        return None
    return Counter(named).most_common(1)[0][0]


def name_from_file(path: str | Path) -> str:
    """The file's name without its extensions, "_" read as a space."""
    name = Path(path).name
    for suffix in reversed(Path(name).suffixes):
        if len(suffix) <= 6 and not suffix[1:].isdigit():
            name = name[: -len(suffix)]
        break
    return clean(name.replace("_", " ")) or Path(path).name


# --- the date a workbook was last saved -------------------------------------------------------

_OOXML_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]{10,40})</dcterms:modified>")
_ODS_MODIFIED = re.compile(rb"<dc:date>([^<]{10,40})</dc:date>")


def _parse_stamp(raw: bytes) -> datetime | None:
    text = raw.decode("ascii", "ignore").strip().replace("Z", "+00:00")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp


def workbook_modified(path: Path) -> datetime | None:
    """When the workbook says it was last saved (an .xlsx's docProps/core.xml, an .ods's
    meta.xml); None when it does not say (or is not a zip package). Only that one small part
    is read, and only when it is small."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            for part, pattern in (("docProps/core.xml", _OOXML_MODIFIED),
                                  ("meta.xml", _ODS_MODIFIED)):
                try:
                    info = z.getinfo(part)
                except KeyError:
                    continue
                if info.file_size > 64 * 1024:
                    return None
                m = pattern.search(z.read(info))
                return _parse_stamp(m.group(1)) if m else None
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError):
        return None
    return None


def file_modified(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(
            tzinfo=None)
    except OSError:
        return None


# --- the roster --------------------------------------------------------------------------------

_ROSTER_HEADERS = {unit_key(w) for w in (
    "№", "No.", "#", "п/п", "Аталышы", "Мекеме", "Бөлүм", "Мекемелер", "Бөлүмдөр",
    "Наименование", "Учреждение", "Подразделение", "Unit", "Units", "Name")}


def roster_names(rows: Sequence[Sequence[Any]]) -> list[str]:
    """The expected units of a roster: the first text of each row, headers left out, each
    name once."""
    out: list[str] = []
    seen: set[str] = set()
    for row in rows:
        texts = [clean(v) for v in row if isinstance(v, str) and clean(v)]
        if not texts or any(unit_key(t) in _ROSTER_HEADERS for t in texts[:2]):
            continue
        name = texts[0]
        if unit_key(name) not in seen:
            seen.add(unit_key(name))
            out.append(name)
    return out
