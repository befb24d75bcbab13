"""Finding a table in a sheet as staff lay it out, and splitting it into records.

A sheet holds title, order and approval lines, then a header row (Kyrgyz or Russian, with line
breaks, case and wording variants; sometimes two header rows under merged group headers), an
optional row of column numbers, section rows naming the kind of function with numbering
restarting in each, risk rows (a function cell may be merged over several of them; a risk's text
may run on into the next row), blank and hidden rows, and signature lines under the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .. import ooxml
from ..model import Cell, Finding, Grid, Layout, Record, Severity
from ..rules import textnorm
from ..rules.formats import TableFormat
from . import header

HEADER_SEARCH_ROWS = header.HEADER_SEARCH_ROWS


def _text(v: Cell) -> str:
    if v is None:
        return ""
    return v if isinstance(v, str) else str(v)


class MergeMap:
    """Which cell a merged cell takes its value from, with a cap on the area filled."""

    def __init__(self, grid: Grid, max_area: int) -> None:
        # beyond the cap, merged cells read as empty (the guard refuses worse)
        self.owner = ooxml.covered_cells(grid.merged, max_total=max_area)
        #: rows holding a covered cell: every other row is read straight from the grid
        self.rows: set[int] = {r for r, _ in self.owner}

    def value(self, grid: Grid, r: int, c: int) -> tuple[Cell, bool]:
        """The cell's value and whether it came from a merged range starting in a row above.

        A merged range's value runs down its first column (a function merged over several
        risks applies to each), not across: a title or section merged over the table's width
        is one cell, and text merged over two columns is not read twice.
        """
        src = self.owner.get((r, c))
        if src is None:
            return grid.value(r, c), False
        if src[1] != c:
            return None, False
        return grid.value(*src), True

    def across(self, grid: Grid, r: int, c: int) -> Cell:
        """The value shown in a header cell, merged across columns included."""
        src = self.owner.get((r, c))
        return grid.value(*src) if src is not None and src[0] == r else grid.value(r, c)


def find_layouts(grid: Grid, formats: Sequence[TableFormat], merges: MergeMap) -> list[Layout]:
    """The table of each kind in the sheet, found in one pass (see :mod:`.header`); one header
    row is one table."""
    return header.find_layouts(
        grid, formats, lambda r, c: merges.across(grid, r, c), merges.rows, _number_row
    )


def unheaded_findings(grid: Grid, layout: Layout, recs: Sequence[Record],
                      merges: MergeMap) -> list[Finding]:
    """A warning for each column of the table with data but no header: its data is kept in
    the copy, but nothing checks it."""
    rows = sorted({n for rec in recs for n in (rec.row, *rec.continued_rows)})
    return [
        Finding(Severity.WARNING, "column.unheaded", sheet=grid.name, row=layout.header_row + 1,
                column=ooxml.column_letter(c + 1), value=textnorm.clean(_text(first))[:80],
                params={"count": n})
        for c, n, first in unheaded_columns(grid, layout, rows, merges)
    ]


def unheaded_columns(grid: Grid, layout: Layout, rows: Sequence[int],
                     merges: MergeMap) -> list[tuple[int, int, Cell]]:
    """Columns of the table with no header but data in its rows (Excel rows ``rows``):
    (column index, cells filled, the first value). Inside the table, and to its right as long
    as the columns next to each other hold data (the seed's register has a ninth, unheaded
    column of real answers)."""
    headed = set(layout.columns.values())
    heading = range(layout.header_row, layout.header_row + layout.header_rows)
    indices = [r - 1 for r in rows]

    def filled(c: int) -> tuple[int, Cell]:
        n, first = 0, None
        for r in indices:
            v, above = merges.value(grid, r, c)
            if v is not None and not above and (not isinstance(v, str) or v.strip()):
                n += 1
                first = v if first is None else first
        return n, first

    def unheaded(c: int) -> bool:
        return c not in headed and all(
            not _text(merges.across(grid, r, c)).strip() for r in heading
        )

    out = []
    for c in range(layout.first_column, grid.width):
        if c > layout.last_column and not unheaded(c):
            break
        if not unheaded(c):
            continue
        n, first = filled(c)
        if n:
            out.append((c, n, first))
        elif c > layout.last_column:
            break
    return out


def _as_int(v: Cell) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _number_row(grid: Grid, layout: Layout) -> int | None:
    """The row of column numbers ("1 2 3 5 6 6 7") right under the header, if there is one."""
    r = layout.header_row + layout.header_rows
    if r >= grid.height:
        return None
    values = [grid.value(r, c) for c in range(layout.first_column, layout.last_column + 1)]
    present = [v for v in values if v is not None and _text(v).strip()]
    if len(present) < 3:
        return None
    ints = [_as_int(v) for v in present]
    if any(i is None for i in ints):
        return None
    return r if all(1 <= i <= 60 for i in ints if i is not None) else None


def records(grid: Grid, layout: Layout, fmt: TableFormat, merges: MergeMap) -> list[Record]:
    """The table's records; a row of text joined into the record above it is listed in that
    record's ``continued_rows``."""
    cols = layout.columns
    table_cols = range(layout.first_column, layout.last_column + 1)
    out: list[Record] = []
    section: str | None = None
    pending_sections: list[tuple[int, str]] = []
    last_content_row = -2  # a risk's text runs on only into the very next row
    # The header (and number row) repeated inside the table, at a page break or by a Word
    # table pasted with "repeat header row": not a risk.
    heading_rows = range(layout.header_row, layout.data_start)
    repeats = {_row_key(grid, merges, r, table_cols) for r in heading_rows}
    # cheap first look: a repeat holds, in several columns, what a heading row holds there
    heading_cells = [{c: grid.value(r, c) for c in table_cols} for r in heading_rows]
    min_matches = fmt.min_header_matches
    heading_items: set[tuple[int, Cell]] | None
    try:
        heading_items = set().union(*(cells.items() for cells in heading_cells))
    except TypeError:  # a value that cannot be hashed: every row is compared
        heading_items = None
    # the anchors' columns, and whether the anchor is the risk's number
    anchors = [(cols[k], k == "number") for k in fmt.anchors if k in cols]
    for r in range(layout.data_start, grid.height):
        plain = r not in merges.rows
        line = grid.rows[r]
        own: dict[int, Cell] = {}
        width = len(line)
        if plain:
            for c in table_cols:
                v = line[c] if c < width else None
                if v is not None and (not isinstance(v, str) or v.strip()):
                    own[c] = v
        else:
            for c in table_cols:
                v, from_above = merges.value(grid, r, c)
                if v is not None and not from_above and (not isinstance(v, str) or v.strip()):
                    own[c] = v
        if not own:
            continue  # blank row (a merged cell running down is no content of its own)
        if (
            len(own) >= min_matches
            and _may_repeat(own, heading_items, min_matches)
            and any(
                sum(1 for c, v in own.items() if cells.get(c) == v) >= min_matches
                for cells in heading_cells
            )
            and _row_key(grid, merges, r, table_cols) in repeats
        ):
            continue
        anchor = False  # a loop, not any(): a generator on each of 10,000 rows costs
        for c, numbered in anchors:
            if c in own and (not numbered or _is_row_number(own[c])):
                anchor = True
                break
        if not anchor:
            distinct = {_text(v).strip() for v in own.values()}
            first_text_col = min(own)
            leftmost = first_text_col <= _first_text_column(layout, fmt)
            if len(distinct) == 1 and (leftmost or _looks_numbered(next(iter(distinct)))):
                pending_sections.append((r, textnorm.clean(next(iter(distinct)))))
                continue
            if (out and not pending_sections and r == last_content_row + 1
                    and not _looks_like_signature(own.values())):
                prev = out[-1]
                for key in fmt.continued:
                    col = cols.get(key)
                    if col is not None and col in own:
                        extra = textnorm.clean(_text(own[col]))
                        old = prev.values.get(key)
                        prev.values[key] = f"{_text(old)} {extra}".strip() if old else extra
                prev.continued_rows.append(r + 1)
                last_content_row = r
                continue
            # text before the first record that is not a section: a note, left alone
            continue
        if pending_sections:
            section = pending_sections[-1][1]
            pending_sections.clear()
        values: dict[str, Any]
        from_above_keys: set[str] = set()
        if plain:
            width = len(line)
            values = {key: line[c] if c < width else None for key, c in cols.items()}
        else:
            values = {}
            for key, c in cols.items():
                v, from_above = merges.value(grid, r, c)
                values[key] = v
                if from_above and v is not None:
                    from_above_keys.add(key)
        for key in fmt.inherit:
            if values.get(key) is None and out and out[-1].section == section:
                values[key] = out[-1].values.get(key)
                if values[key] is not None:
                    from_above_keys.add(key)
        out.append(Record(r + 1, section, values, from_above_keys))
        last_content_row = r
    return out


def _may_repeat(own: dict[int, Cell], heading_items: set[tuple[int, Cell]] | None,
                min_matches: int) -> bool:
    """Whether a row may repeat a heading row: it holds, in ``min_matches`` columns or more,
    what some heading row holds there (``heading_items``: every heading row's (column, value)).
    Equal values hash alike, so a row this says no to has no such heading row; a yes is then
    checked cell by cell."""
    if heading_items is None:
        return True
    try:
        return len(own.items() & heading_items) >= min_matches
    except TypeError:  # a value that cannot be hashed
        return True


def _row_key(grid: Grid, merges: MergeMap, r: int, cols: range) -> tuple[str, ...]:
    """A row's texts as compared with the header: folded, merged cells as shown."""
    return tuple(textnorm.fold(_text(merges.across(grid, r, c))) for c in cols)


def _first_text_column(layout: Layout, fmt: TableFormat) -> int:
    """The leftmost column a section name may start in: the № column or the first text one."""
    return layout.first_column + (1 if "number" in layout.columns else 0)


# "Жооптуу катчы:", "А.А.Абдуллаева", "Т.Д.Таев.": signature lines under a table.
_SIGNATURE = re.compile(
    r"[:：]\s*$|(?:^|\s)[А-ЯЁӨҮҢA-Z]\.\s?(?:[А-ЯЁӨҮҢA-Z]\.\s?)?[А-ЯЁӨҮҢA-Z][а-яёөүңa-z]+\.?\s*$"
)


def _looks_like_signature(values: Any) -> bool:
    """A line of a signature block: a title ending in ":" or initials and a surname."""
    texts = [_text(v).strip() for v in values]
    return any(len(t) <= 60 and _SIGNATURE.search(t) for t in texts)


_ROW_NUMBER = re.compile(r"^\d{1,4}(?:[.)]\d{0,3})?[.)]?$")


def _is_row_number(v: Cell) -> bool:
    """A risk's number: 1, "1", "1.", "2)", "1.1" (a section name in the № column is not)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return True
    return bool(_ROW_NUMBER.match(_text(v).strip()))


def _looks_numbered(text: str) -> bool:
    """A plan's section rows are numbered headings: "1. ...", "7.Стратегияны ..."."""
    head = text.strip()[:4]
    return bool(head) and head[0].isdigit() and "." in head
