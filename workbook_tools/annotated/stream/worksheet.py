"""An edited worksheet outside its rows: what is known of it before its rows are streamed
(:class:`SheetJob`), the formulas and hyperlinks it holds, its merged ranges, its ``<cols>``
and its ``<dimension>``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape

from ...copyplan import SheetEdits
from ...ooxml import (
    CELL,
    CELL_B,
    CELL_R,
    FORMULA,
    HYPERLINK,
    MERGE_CELL,
    REL_ID,
    SHARED,
    Rel,
    parse_range,
    range_ref,
)
from ..neutralise import SAFE_SCHEMES, dangerous_formula
from .errors import StreamUnsupported
from .xmltext import get_attr, set_attr

_HYPERLINKS = re.compile(r"<hyperlinks\b[^>]*?(?:/>|>.*?</hyperlinks>)", re.DOTALL)
_REL_ID_ALL = re.compile(r"""\s[\w.-]+:id\s*=\s*["']([^"']*)["']""")
_DIMENSION = re.compile(r"<dimension\b([^>]*?)/?>")
_COLS_EL = re.compile(r"<cols\b[^>]*?(?:/>|>(.*?)</cols>)", re.DOTALL)
_COL_EL = re.compile(r"<col\b([^>]*?)(?:/>|>.*?</col>)", re.DOTALL)


@dataclass
class SheetJob:
    """One worksheet the copy rewrites: the text around its rows, and what changes in them."""

    title: str
    part: str
    rels: list[Rel] = field(default_factory=list)
    rels_changed: bool = False
    head: str = ""
    #: the sheet's rows, read again from the package in pieces of whole rows each time it
    #: is called (a 10,000-row sheet's rows are never held at once)
    pieces: Callable[[], Iterator[bytes]] = field(default=lambda: iter(()))
    #: whether the rows hold a formula (``<f``)
    has_formulas: bool = False
    tail: str = ""
    #: the columns the plan changes, by row (the changes themselves stay in ``edits``)
    ops: dict[int, list[int]] = field(default_factory=dict)
    edits: SheetEdits | None = None
    neutralise: bool = False
    masters: dict[str, tuple[str, str]] = field(default_factory=dict)  # si -> (text, ref)


class Merged:
    """Whether a cell is covered by a merged range (and is not its top-left cell)."""

    def __init__(self, tail: str) -> None:
        self.rows: dict[int, list[tuple[int, int, bool]]] = {}
        for m in MERGE_CELL.finditer(tail):
            ref = get_attr(m.group(1), "ref")
            if not ref:
                continue
            found = parse_range(ref)
            if found is None:
                raise StreamUnsupported(f"merged range {ref!r}")
            r0, c0, r1, c1 = found
            for r in range(r0, r1 + 1):
                self.rows.setdefault(r, []).append((c0, c1, r == r0))

    def __call__(self, row: int, col: int) -> bool:
        spans = self.rows.get(row)
        return spans is not None and any(c0 <= col <= c1 and not (first and col == c0)
                   for c0, c1, first in spans)


def find_formulas(job: SheetJob) -> None:
    """Whether the sheet has formulas to neutralise (``job.neutralise``), and the masters of
    its shared formulas (``job.masters``) when it has."""
    if not job.has_formulas:
        return
    for raw in (m for piece in job.pieces() if b"<f" in piece
                for m in CELL_B.finditer(piece)):
        if b"<f" not in raw.group(0):
            continue
        cell = CELL.match(raw.group(0).decode("utf-8"))
        if cell is None:
            continue
        body = cell.group(2)
        if not body or "<f" not in body:
            continue
        f = FORMULA.search(body)
        if f is None:
            continue
        text = unescape(f.group(2) or "")
        shared = SHARED.search(f.group(1))
        if shared and text:
            si = get_attr(f.group(1), "si")
            ref = CELL_R.search(cell.group(1))
            if si is not None and ref is not None:
                job.masters[si] = (text, ref.group(1) + ref.group(2))
        if text and dangerous_formula(text):
            job.neutralise = True
    if not job.neutralise:
        job.masters.clear()


def drop_unsafe_links(job: SheetJob) -> None:
    """The sheet without its hyperlinks other than web and mail, and their relationships."""
    m = _HYPERLINKS.search(job.tail)
    if m is None:
        return
    by_id = {r.id: r for r in job.rels}
    removed: set[str] = set()

    def link(h: re.Match[str]) -> str:
        rid = REL_ID.search(h.group(0))
        if rid is None:
            return h.group(0)
        rel = by_id.get(rid.group(1) if rid.group(1) is not None else rid.group(2))
        if rel is None or not rel.type.endswith("/hyperlink") or \
                rel.target.lower().startswith(SAFE_SCHEMES):
            return h.group(0)
        removed.add(rel.id)
        return ""

    new = HYPERLINK.sub(link, m.group(0))
    if not removed:
        return
    if "<hyperlink" not in new[len("<hyperlinks"):]:
        new = ""
    job.tail = job.tail[:m.start()] + new + job.tail[m.end():]
    still = set(_REL_ID_ALL.findall(job.head + job.tail))
    job.rels = [r for r in job.rels if r.id not in removed or r.id in still]
    job.rels_changed = True


def set_widths(job: SheetJob, widths: dict[int, float]) -> None:
    """The sheet's ``<cols>`` with ``widths`` (by column) set; spans are split around them."""
    if not widths:
        return
    m = _COLS_EL.search(job.head)
    cols: list[tuple[int, int, str]] = []
    if m is not None:
        for c in _COL_EL.finditer(m.group(1) or ""):
            low, high = get_attr(c.group(1), "min"), get_attr(c.group(1), "max")
            if not (low and high and low.isdigit() and high.isdigit()):
                raise StreamUnsupported("<col> without min/max")
            cols.append((int(low), int(high), c.group(1)))
    for col, width in sorted(widths.items()):
        w = f"{float(width):g}"
        new_attrs = f' min="{col}" max="{col}" width="{w}" customWidth="1"'
        for i, (lo, hi, attrs) in enumerate(cols):
            if lo <= col <= hi:
                pieces = []
                if lo < col:
                    pieces.append((lo, col - 1, set_attr(set_attr(attrs, "min", str(lo)), "max",
                                                         str(col - 1))))
                one = set_attr(set_attr(set_attr(set_attr(attrs, "min", str(col)), "max",
                                                 str(col)), "width", w), "customWidth", "1")
                pieces.append((col, col, one))
                if col < hi:
                    pieces.append((col + 1, hi, set_attr(set_attr(attrs, "min", str(col + 1)),
                                                         "max", str(hi))))
                cols[i:i + 1] = pieces
                break
        else:
            cols.append((col, col, new_attrs))
        cols.sort(key=lambda c: c[0])
    xml = "<cols>" + "".join(f"<col{a}/>" for _, _, a in cols) + "</cols>"
    if m is not None:
        job.head = job.head[:m.start()] + xml + job.head[m.end():]
    else:
        job.head += xml  # <cols> comes right before <sheetData>


def stretch_dimension(job: SheetJob) -> None:
    """The sheet's ``<dimension>`` grown to take in the cells the plan writes."""
    if not job.ops:
        return
    m = _DIMENSION.search(job.head)
    if m is None:
        return
    ref = get_attr(m.group(1), "ref") or "A1"
    found = parse_range(ref)
    if found is None:
        return
    r0, c0, r1, c1 = found
    rows = list(job.ops)
    cols = [c for cells in job.ops.values() for c in cells]
    r0, r1 = min(r0, *rows), max(r1, *rows)
    c0, c1 = min(c0, *cols), max(c1, *cols)
    new = range_ref(r0, c0, r1, c1)
    tag = f"<dimension{set_attr(m.group(1), 'ref', new)}/>"
    job.head = job.head[:m.start()] + tag + job.head[m.end():]
