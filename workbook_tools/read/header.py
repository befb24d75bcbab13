"""Recognising a table by its header row, for every table kind at once.

A register or a plan is recognised only by a header row:

* header cells are short texts (a long sentence or a note is no header, whatever words it holds);
* the kind's key columns are present (:data:`KEY_COLUMNS`: a register has its cases and
  situations and a level or both scores; a plan its activities and their deadline);
* the kind's core column (the first key) is named in the kind's own words: words common in other
  tables ("Level", "Function", "Task", "Control", "Cases", "Activity") count only beside them;
* at least one data row follows the header.

Each distinct header text is folded and matched once against the fragments of every kind
(:class:`Matcher`, cached), the search stays in the first
:data:`HEADER_SEARCH_ROWS` rows and in rows holding enough short texts, and the layouts of all
kinds come out of one pass over the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..model import Cell, Grid, Layout
from ..rules import textnorm
from ..rules.formats import TableFormat

#: How far down a sheet a header row is looked for.
HEADER_SEARCH_ROWS = 80
#: A header cell longer than this is a note or a sentence, not a header.
MAX_HEADER_CHARS = 160
_SENTENCE_END = re.compile(r"[.!?…;]\s+\S")

#: The columns a table of each kind must have: every key of one of the alternatives. The
#: first key of each is the kind's core column, which must be named in the kind's own words.
KEY_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "register": (("cases", "stated_level"), ("cases", "probability", "harm")),
    "plan": (("activity", "deadline"),),
}

#: Header fragments common in all sorts of tables (folded): a core column matched by these
#: alone is not the kind's own word, unless two of them name it together ("Cases and
#: situations") or a header of the row speaks of corruption.
GENERIC = frozenset({"cases", "situations", "activit", "level", "function", "task", "control"})
_OWN_CONTEXT = ("corrupt", "коррупц", "коррупци")


def is_header_text(text: str) -> bool:
    """A short text fit to be a header: not a sentence, a note or a long comment."""
    stripped = text.strip()
    return (0 < len(stripped) <= MAX_HEADER_CHARS
            and len(_SENTENCE_END.findall(stripped)) <= 1)


#: What :func:`is_header_text` and :func:`textnorm.fold` said of each text met in the rows
#: searched (the same words recur down a sheet and from one unit's file to the next); bounded
_SAID: dict[str, bool] = {}
_FOLDED: dict[str, str] = {}
_MAX_REMEMBERED = 20_000


def _is_header_text(text: str) -> bool:
    said = _SAID.get(text)
    if said is None:
        if len(_SAID) >= _MAX_REMEMBERED:
            _SAID.clear()
        said = _SAID[text] = is_header_text(text)
    return said


def _fold(text: str) -> str:
    folded = _FOLDED.get(text)
    if folded is None:
        if len(_FOLDED) >= _MAX_REMEMBERED:
            _FOLDED.clear()
        folded = _FOLDED[text] = textnorm.fold(text)
    return folded


#: One way of naming a column: (the column's position in its format, the fragments that must all
#: be in the header, their length together, whether one of them is the kind's own word).
_Entry = tuple[int, tuple[str, ...], int, bool]


class Matcher:
    """The header fragments of every kind; each distinct text is matched once.

    A text's fragments are found by substring search (``in``, faster than one pattern of every
    fragment and nothing to compile); a column's ways of being named are indexed by their
    first fragment, so a text is compared only with the entries its fragments can complete
    (most texts of a sheet, the data under the header, hold none)."""

    def __init__(self, formats: Sequence[TableFormat]) -> None:
        self.formats = tuple(formats)
        frags = {f for fmt in self.formats for spec in fmt.columns for e in spec.match for f in e}
        frags |= {f for fmt in self.formats for e in fmt.bare_reason for f in e}
        self.fragment_list = tuple(sorted(frags, key=lambda f: (-len(f), f)))
        self._found: dict[str, frozenset[str]] = {}
        # kind -> first fragment -> entries; and the entries with no fragment (always met)
        self._index: dict[str, tuple[dict[str, list[_Entry]], list[_Entry]]] = {
            fmt.kind: _index(fmt) for fmt in self.formats
        }
        # kind -> folded text -> ((strength, key, own), ...)
        self._columns: dict[str, dict[str, tuple[tuple[int, str, bool], ...]]] = {
            fmt.kind: {} for fmt in self.formats
        }
        # kind -> folded text -> a bare justification header ("Негиздеме")
        self._bare: dict[str, dict[str, bool]] = {fmt.kind: {} for fmt in self.formats}

    def fragments(self, folded: str) -> frozenset[str]:
        """Every fragment found in ``folded``."""
        found = self._found.get(folded)
        if found is None:
            found = frozenset(f for f in self.fragment_list if f in folded)
            if len(self._found) > 100_000:
                self._found.clear()
            self._found[folded] = found
        return found

    def columns(self, fmt: TableFormat, folded: str) -> tuple[tuple[int, str, bool], ...]:
        """The columns of ``fmt`` the header text names: (strength, key, in its own words);
        in the order of ``fmt.columns``. A column is named by its longest entry whose
        fragments are all in the text; in its own words when one such entry holds a word
        that is not :data:`GENERIC`, or two entries of generic words do."""
        memo = self._columns[fmt.kind]
        hit = memo.get(folded)
        if hit is None:
            found = self.fragments(folded)
            by_first, always = self._index[fmt.kind]
            met: dict[int, list[int]] = {}  # position -> [best, own, generic]
            for f in found:
                for entry in by_first.get(f, ()):
                    _met(met, entry, found)
            for entry in always:
                _met(met, entry, found)
            hit = tuple((best, fmt.columns[i].key, bool(own) or generic >= 2)
                        for i, (best, own, generic) in sorted(met.items()) if best)
            if len(memo) > 100_000:
                memo.clear()
            memo[folded] = hit
        return hit

    def bare_reason(self, fmt: TableFormat, folded: str) -> bool:
        """The text is a bare justification header of ``fmt``."""
        memo = self._bare[fmt.kind]
        said = memo.get(folded)
        if said is None:
            found = self.fragments(folded)
            said = any(all(f in found for f in e) for e in fmt.bare_reason)
            if len(memo) > 100_000:
                memo.clear()
            memo[folded] = said
        return said


def _index(fmt: TableFormat) -> tuple[dict[str, list[_Entry]], list[_Entry]]:
    by_first: dict[str, list[_Entry]] = {}
    always: list[_Entry] = []
    for i, spec in enumerate(fmt.columns):
        for e in spec.match:
            entry = (i, tuple(e), sum(len(f) for f in e), any(f not in GENERIC for f in e))
            if e:
                by_first.setdefault(e[0], []).append(entry)
            else:
                always.append(entry)
    return by_first, always


def _met(met: dict[int, list[int]], entry: _Entry, found: frozenset[str]) -> None:
    i, frags, length, own = entry
    if not all(f in found for f in frags):
        return
    m = met.get(i)
    if m is None:
        m = met[i] = [0, 0, 0]
    m[0] = max(m[0], length)
    if own:
        m[1] = 1
    else:
        m[2] += 1


_MATCHERS: dict[tuple[str, ...], Matcher] = {}


def matcher(formats: Sequence[TableFormat]) -> Matcher:
    """The matcher of these formats, made once (formats are read once, by kind)."""
    key = tuple(fmt.kind for fmt in formats)
    m = _MATCHERS.get(key)
    if m is None or m.formats != tuple(formats):
        m = _MATCHERS[key] = Matcher(formats)
    return m


def _assign(texts: dict[int, str], fmt: TableFormat,
            m: Matcher) -> tuple[dict[str, int], set[str]]:
    """Column key -> column index, strongest match first; and the keys named in own words."""
    candidates: list[tuple[int, int, str, bool]] = []
    for c, folded in texts.items():
        for strength, key, own in m.columns(fmt, folded):
            candidates.append((-strength, c, key, own))
    candidates.sort()
    columns: dict[str, int] = {}
    own_keys: set[str] = set()
    used: set[int] = set()
    for _, c, key, own in candidates:
        if key in columns or c in used:
            continue
        columns[key] = c
        used.add(c)
        if own:
            own_keys.add(key)
    # Bare justification headers ("Негиздеме") belong to the score column on their left.
    if fmt.bare_reason:
        by_col = {c: k for k, c in columns.items()}
        for c in sorted(texts):
            if c in used or not m.bare_reason(fmt, texts[c]):
                continue
            left = max((x for x in texts if x < c), default=None)
            left_key = by_col.get(left) if left is not None else None
            for spec in fmt.columns:
                if spec.follows and spec.follows == left_key and spec.key not in columns:
                    columns[spec.key] = c
                    used.add(c)
                    by_col[c] = spec.key
                    break
    return columns, own_keys


def _is_table(fmt: TableFormat, columns: dict[str, int], own: set[str],
              context: Callable[[], bool]) -> bool:
    """``context()``: a header of the row speaks of corruption (asked only when it decides)."""
    if len(columns) < fmt.min_header_matches:
        return False
    alternatives = KEY_COLUMNS.get(fmt.kind, tuple((k,) for k in fmt.key_columns))
    for keys in alternatives:
        if all(k in columns for k in keys) and (keys[0] in own or context()):
            return True
    return False


def _has_data(grid: Grid, layout: Layout) -> bool:
    cols = range(layout.first_column, layout.last_column + 1)
    for r in range(layout.data_start, grid.height):
        row = grid.rows[r]
        for c in cols:
            v = row[c] if c < len(row) else None
            if v is not None and (not isinstance(v, str) or v.strip()):
                return True
    return False


def find_layouts(grid: Grid, formats: Sequence[TableFormat],
                 across: Callable[[int, int], Cell], merged_rows: set[int],
                 number_row: Callable[[Grid, Layout], int | None]) -> list[Layout]:
    """The best header row of each kind in the sheet; one header row is one table (the kind
    recognising more of its columns takes it). ``across(r, c)`` is a header cell's value,
    merged across columns included; ``merged_rows`` the rows holding merged cells."""
    m = matcher(formats)
    need = min(fmt.min_header_matches for fmt in formats)
    best: dict[str, tuple[int, int, dict[str, int]]] = {}
    for r in range(min(grid.height, HEADER_SEARCH_ROWS)):
        row = grid.rows[r]
        if sum(1 for v in row if isinstance(v, str)) < need:
            continue
        texts: dict[int, str] = {}
        raw: dict[int, str] = {}
        if r in merged_rows:
            for c in range(grid.width):
                v = across(r, c)
                if isinstance(v, str) and is_header_text(v):
                    raw[c] = v
        else:
            for c, v in enumerate(row):
                if isinstance(v, str) and _is_header_text(v):
                    raw[c] = v
        header_rows = 1
        # Two header rows: group headers merged across columns, sub-headers under them.
        spans = [g for g in grid.merged if g[0] == r and g[2] == r and g[3] > g[1]]
        if spans and r + 1 < grid.height:
            below = grid.rows[r + 1]
            combined = dict(raw)
            joined = False
            for _, c0, _, c1 in spans:
                for c in range(c0, c1 + 1):
                    sub = below[c] if c < len(below) else None
                    if isinstance(sub, str) and sub.strip() and is_header_text(sub):
                        combined[c] = f"{raw.get(c, '')} {sub}"
                        joined = True
            if joined:
                raw, header_rows = combined, 2
        if len(raw) < need:
            continue
        texts = {c: _fold(t) for c, t in raw.items()}

        def context(texts: dict[int, str] = texts) -> bool:
            return any(w in t for t in texts.values() for w in _OWN_CONTEXT)

        for fmt in formats:
            # a data row names few columns, if any: it is passed over before the assignment
            # (each text's columns are remembered by the matcher, so this costs a look-up)
            named = sum(1 for t in texts.values()
                        if m.columns(fmt, t) or (fmt.bare_reason and m.bare_reason(fmt, t)))
            if named < fmt.min_header_matches:
                continue
            columns, own = _assign(texts, fmt, m)
            if not _is_table(fmt, columns, own, context):
                continue
            old = best.get(fmt.kind)
            if old is None or len(columns) > len(old[2]):
                best[fmt.kind] = (r, header_rows, columns)
    layouts: list[Layout] = []
    for fmt in formats:
        if fmt.kind not in best:
            continue
        r, header_rows, columns = best[fmt.kind]
        layout = Layout(kind=fmt.kind, header_row=r, header_rows=header_rows, columns=columns,
                        first_column=min(columns.values()), last_column=max(columns.values()))
        layout.number_row = number_row(grid, layout)
        if not _has_data(grid, layout):
            continue  # a header with nothing under it is no table
        same = next((x for x in layouts if x.header_row == r), None)
        if same is not None:
            if len(same.columns) >= len(columns):
                continue
            layouts.remove(same)
        layouts.append(layout)
    return layouts
