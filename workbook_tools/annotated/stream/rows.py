"""The rows of an edited worksheet's ``<sheetData>``, streamed: rows the plan leaves alone are
copied as the bytes they were; the others are taken apart into cells, the plan's values and
cell formats applied, and formulas reaching outside the workbook turned into their text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from itertools import chain
from operator import itemgetter
from typing import Any

from ...copyplan import Overlay, SheetEdits, Style, band_overlay
from ...ooxml import CELL, CELL_R, FORMULA, SHARED, column_letter, column_number
from ..neutralise import dangerous_formula, translate
from .cells import cell_value, cell_xml
from .errors import StreamUnsupported
from .styles import Styles
from .worksheet import SheetJob
from .xmltext import drop_attr, esc, get_attr, set_attr

#: how many rows go out in one piece
ROWS_PER_CHUNK = 500
#: how many distinct (cell attributes, overlay) pairs are remembered (a hostile sheet may
#: give every cell attributes of its own)
MAX_RESTYLED = 4096
#: how many of the cells a plain row adds are remembered (what follows their reference)
MAX_NEW_CELLS = 1024

#: a row, to the first ``</row>`` (``.*?</row>`` unrolled: the same match, several times faster)
_ROW_B = re.compile(rb"<row\b[^>]*?(?:/>|>[^<]*+(?:<(?!/row>)[^<]*+)*+</row>)")
_ROW_R_B = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_ROW_START = re.compile(r"<row\b([^>]*?)(/?)>")
_CELL_S = re.compile(r"""\ss\s*=\s*["'](\d+)["']""")
#: a cell, with its reference taken at once when ``r`` comes first (as Excel, LibreOffice and
#: openpyxl write it): letters, row, the other attributes, the content
_CELL_FAST = re.compile(r"""<c\b(?:\s+r="([A-Z]{1,3})(\d+)")?([^>]*?)(?:/>|>(.*?)</c>)""",
                        re.DOTALL)
_C_START = re.compile(r"<c\b([^>]*?)(/?>)")
#: a column's letters, worked out once per column
_letters = lru_cache(maxsize=1024)(column_letter)


@lru_cache(maxsize=1024)
def _letters_b(col: int) -> bytes:
    """:data:`_letters` as ASCII bytes."""
    return column_letter(col).encode("ascii")

#: a row's start tag, as :data:`_ROW_START` reads it (after ``<row``: whitespace, / or >)
_ROW_START_B = re.compile(rb"<row(?=[\s/>])([^>]*?)(/?)>")
#: a plain cell, with the whitespace before it: ``<c r="`` (one space), the letters, the row
#: and its closing quote, the other attributes, then ``/>`` or ``>`` the content ``</c>``. The
#: same cell :data:`_CELL_FAST` takes, in patterns that never try a character twice: the
#: attributes run to the first ">" (less a "/" right before it), the content to the first
#: "</c>". Its groups put together are the whole match, so the matches of a row's content
#: tile it exactly when their lengths add up to it (less trailing whitespace): nothing
#: between the cells but whitespace.
_PLAIN_CELL = re.compile(rb'(\s*<c r=")([A-Z]{1,3})(\d+")([^>/]*+(?:/(?!>)[^>/]*+)*+)'
                         rb"(/>|>[^<]*+(?:<(?!/c>)[^<]*+)*+</c>)")
_C_OPEN = b'<c r="'
#: column numbers by letters (ASCII), bounded
_COLUMNS: dict[bytes, int] = {}
_first = itemgetter(0)


def _column(letters: bytes) -> int:
    col = column_number(letters.decode("ascii"))
    if len(_COLUMNS) < 4096:
        _COLUMNS[letters] = col
    return col


@lru_cache(maxsize=256)
def _height_attrs(need: float) -> bytes:
    """What :meth:`Rows._height` adds to a row without ``ht``."""
    return f' ht="{need:g}" customHeight="1"'.encode("ascii")


def _overlay(col: int, own: dict[int, Overlay] | None, band_ov: Overlay | None,
             band: tuple[int, int, str] | None) -> Overlay | None:
    """The overlay of a column of a row: the plan's own (``own``, by column), under the row's
    colour (``band``: first and last column, ARGB; ``band_ov`` its overlay) where it spans it
    (``SheetEdits.overlay_at``)."""
    ov = own.get(col) if own else None
    if band is not None and band[0] <= col <= band[1]:
        return band_ov if ov is None else Overlay(ov.fill or band[2], ov.border)
    return ov


@dataclass(slots=True)
class Op:
    """What happens to one cell of an edited sheet."""

    overlay: Overlay | None = None
    has_value: bool = False
    value: Any = None
    style: Style | None = None


class Rows:
    """The rows of a sheet being rewritten, in chunks of text."""

    def __init__(self, job: SheetJob, styles: Styles | None) -> None:
        self.job = job
        self.styles = styles
        self._overlays: dict[tuple[int, str | None, str | None], int] = {}
        #: a staff cell's attributes with an overlay applied, by (attributes, overlay); ""
        #: when the format stays
        self._restyled: dict[tuple[str, Overlay], str] = {}
        #: the same for a row colour over a plain cell's attributes, as bytes, by colour
        self._band_attrs: dict[Overlay, dict[bytes, bytes]] = {}
        self._own_rows: dict[int, dict[int, Overlay]] | None = None
        #: what follows the reference of a cell :meth:`_new_cell` adds, with the overlay and
        #: style it was made with
        self._new_cells: dict[tuple[Any, ...], tuple[Overlay | None, Style | None, bytes]] = {}

    def render(self) -> Iterator[bytes]:
        """The rows, as UTF-8: untouched rows as they were, changed ones edited (as bytes when
        they are plain, :meth:`_plain_row`; else decoded, edited and encoded again)."""
        job = self.job
        wanted = sorted(job.ops)
        k = 0
        last = 0
        out: list[bytes | bytearray] = []
        for body in job.pieces():  # whole rows in each piece
            pos = 0
            for m in _ROW_B.finditer(body):
                gap = body[pos:m.start()]
                if gap.strip():
                    raise StreamUnsupported(f"{job.part}: unexpected text in sheetData")
                pos = m.end()
                row = m.group(0)
                start = row[: row.find(b">")]
                rm = _ROW_R_B.search(start)
                r = int(rm.group(1)) if rm else last + 1
                if r <= last:
                    raise StreamUnsupported(f"{job.part}: rows out of order")
                last = r
                while k < len(wanted) and wanted[k] < r:
                    out.append(self._row(wanted[k], None, job.ops[wanted[k]]).encode("utf-8"))
                    k += 1
                ops = None
                if k < len(wanted) and wanted[k] == r:
                    ops = job.ops[r]
                    k += 1
                formulas = job.neutralise and b"<f" in row
                plain = self._plain_row(r, row, ops) if ops is not None and not formulas \
                    else None
                if plain is not None:
                    out.append(gap + plain)
                elif ops is not None or formulas:
                    try:
                        text = row.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise StreamUnsupported(f"{job.part}: not UTF-8") from exc
                    out.append(gap + self._row(r, text, ops).encode("utf-8"))
                else:
                    out.append(gap + row)
                if len(out) >= ROWS_PER_CHUNK:
                    yield b"".join(out)
                    out = []
            rest = body[pos:]
            if rest.strip():
                raise StreamUnsupported(f"{job.part}: unexpected text in sheetData")
            out.append(rest)
        while k < len(wanted):
            out.append(self._row(wanted[k], None, job.ops[wanted[k]]).encode("utf-8"))
            k += 1
        yield b"".join(out)

    def _plain_row(self, r: int, row: bytes, cols: list[int]) -> bytes | None:
        """:meth:`_row` of a row in the plain form nearly every row has (cells ``<c r="A1"``
        with nothing but whitespace between them, no formula to neutralise), worked on its
        bytes: the same cells, the same cell formats, made in the same order; None when the
        row is not plain (then :meth:`_row` takes it, and declines what it declines)."""
        m = _ROW_START_B.match(row)
        if m is None:
            return None
        found: list[tuple[bytes, bytes, bytes, bytes, bytes]] = []
        if not m.group(2):
            if not row.endswith(b"</row>"):
                return None
            inner = row[m.end():-6]
            found = _PLAIN_CELL.findall(inner)
            if len(b"".join(chain.from_iterable(found))) != len(inner.rstrip()):
                return None  # something else than plain cells and whitespace
        try:
            row.decode("utf-8")  # only UTF-8 is edited (as :meth:`_row` decodes it)
        except UnicodeDecodeError:
            return None
        edits = self.job.edits
        assert edits is not None
        if self._own_rows is None:
            self._own_rows = self._by_row(edits)
        own = self._own_rows.get(r) if self._own_rows else None
        values = edits.cells  # looked up cell by cell: a dictionary per row would be MiBs
        band = edits.row_fills.get(r)
        first, last, fill = band if band is not None else (0, -1, "")
        band_ov = band_overlay(fill) if band is not None else None
        restyled = self._band_attrs.setdefault(band_ov, {}) if band_ov is not None else {}
        digits_r = b'%d"' % r
        wanted = set(cols)
        columns = _COLUMNS
        seen: set[int] = set()
        cells: list[tuple[int, bytes]] = []
        c_open = _C_OPEN
        banded = own is None  # then a row colour alone is laid over its columns' cells
        for _, letters, digits, attrs, end in found:
            if digits != digits_r:
                return None  # :meth:`_row` declines it
            col = columns.get(letters) or _column(letters)
            seen.add(col)
            if col not in wanted:
                cells.append((col, c_open + letters + digits + attrs + end))
            elif banded and first <= col <= last and (r, col) not in values:
                # a row colour over a staff cell: nearly every cell
                new = restyled.get(attrs)
                if new is None:
                    new = self._band_restyle(attrs, band_ov, restyled)
                cells.append((col, c_open + letters + digits + (new or attrs) + end))
            else:
                cells.append((col, self._plain_cell(r, col, attrs, end,
                                                    c_open + letters + digits, own, values,
                                                    band_ov, band)))
        added = False
        for col in cols:
            if col in seen:
                continue
            seen.add(col)
            xml = self._new_cell(r, col, digits_r, own, values, band_ov, band)
            if xml:
                cells.append((col, xml))
                added = True
        row_attrs = m.group(1)
        if added:
            cells.sort(key=_first)
            if b"spans" in row_attrs:
                row_attrs = drop_attr(row_attrs.decode("utf-8"), "spans").encode("utf-8")
        need = edits.heights.get(r)
        if need:
            if b"ht" not in row_attrs and row_attrs.isascii():
                row_attrs = row_attrs.rstrip() + _height_attrs(need)
            else:
                row_attrs = self._height(r, row_attrs.decode("utf-8")).encode("utf-8")
        return b"<row" + row_attrs + b">" + b"".join([x for _, x in cells]) + b"</row>"

    def _band_restyle(self, attrs: bytes, band: Overlay | None,
                      restyled: dict[bytes, bytes]) -> bytes:
        """:meth:`_restyle` of a plain cell's attributes with its row's colour, remembered."""
        assert band is not None
        if len(restyled) >= MAX_RESTYLED:
            restyled.clear()
        new = restyled[attrs] = self._restyle(attrs.decode("utf-8"), band).encode("utf-8")
        return new

    @staticmethod
    def _op(r: int, col: int, own: dict[int, Overlay] | None,
            values: dict[tuple[int, int], tuple[Any, Style | None]], band_ov: Overlay | None,
            band: tuple[int, int, str] | None) -> Op:
        """:meth:`_ops`' Op of one column (``SheetEdits.overlay_at``, the cell's value)."""
        overlay = _overlay(col, own, band_ov, band)
        value = values.get((r, col))
        return Op(overlay, True, value[0], value[1]) if value else Op(overlay)

    def _plain_cell(self, r: int, col: int, attrs: bytes, end: bytes, head: bytes,
                    own: dict[int, Overlay] | None,
                    values: dict[tuple[int, int], tuple[Any, Style | None]],
                    band_ov: Overlay | None, band: tuple[int, int, str] | None) -> bytes:
        """A plain staff cell the plan changes otherwise than by its row's colour alone."""
        op = self._op(r, col, own, values, band_ov, band)
        text = attrs.decode("utf-8")
        if not op.has_value and op.overlay is not None:
            new = self._restyle(text, op.overlay)
            return head + (new.encode("utf-8") if new else attrs) + end
        body = None if end == b"/>" else end[1:-4].decode("utf-8")
        xml = (head + attrs + end).decode("utf-8")
        return self._apply(r, col, text, body, op, xml).encode("utf-8")

    def _new_cell(self, r: int, col: int, digits_r: bytes, own: dict[int, Overlay] | None,
                  values: dict[tuple[int, int], tuple[Any, Style | None]],
                  band_ov: Overlay | None, band: tuple[int, int, str] | None) -> bytes:
        """A cell the plan adds to a plain row (b"" for none); ``digits_r`` is the row's
        number and closing quote. What follows its reference is remembered for text and whole
        numbers, by the value and by the overlay and style objects themselves (their ids,
        the objects kept in the entry: no other object can take an id while it is kept)."""
        overlay = _overlay(col, own, band_ov, band)
        cell = values.get((r, col))
        value, style = cell if cell else (None, None)
        key = None
        if type(value) is str or type(value) is int or value is None:
            key = (id(overlay), id(style), cell is not None, value)
            entry = self._new_cells.get(key)
            if entry is not None and entry[0] is overlay and entry[1] is style:
                rest = entry[2]
                return rest and b'<c r="' + _letters_b(col) + digits_r + rest
        op = Op(overlay, True, value, style) if cell else Op(overlay)
        xml = self._apply(r, col, None, None, op, "")
        if key is not None:
            ref = f'<c r="{_letters(col)}{r}"'
            if len(self._new_cells) >= MAX_NEW_CELLS:
                self._new_cells.clear()
            self._new_cells[key] = (overlay, style,
                                    xml[len(ref):].encode("utf-8") if xml else b"")
        return xml.encode("utf-8")

    @staticmethod
    def _by_row(edits: SheetEdits) -> dict[int, dict[int, Overlay]]:
        """The plan's own overlays (the marked cells: few) by row, then column."""
        own: dict[int, dict[int, Overlay]] = {}
        for (r, c), ov in edits.overlays.items():
            own.setdefault(r, {})[c] = ov
        return own

    def _ops(self, r: int) -> dict[int, Op]:
        edits = self.job.edits
        assert edits is not None
        out: dict[int, Op] = {}
        for col in self.job.ops[r]:
            if col in out:
                continue
            cell = edits.cells.get((r, col))
            if cell is None:
                out[col] = Op(edits.overlay_at(r, col))
            else:
                out[col] = Op(edits.overlay_at(r, col), True, cell[0], cell[1])
        return out

    def _row(self, r: int, row: str | None, cols: list[int] | None) -> str:
        ops = self._ops(r) if cols is not None else None
        if row is None:
            row_attrs, inner = f' r="{r}"', ""
        else:
            m = _ROW_START.match(row)
            if m is None:
                raise StreamUnsupported("row")
            row_attrs = m.group(1)
            inner = "" if m.group(2) else row[m.end(): -len("</row>")]
            if not m.group(2) and not row.endswith("</row>"):
                raise StreamUnsupported("row")
        cells: list[tuple[int, str]] = []
        where: dict[int, int] = {}
        pos = 0
        digits_r = str(r)
        neutralise = self.job.neutralise
        for cm in _CELL_FAST.finditer(inner):
            start = cm.start()
            if start != pos and inner[pos:start].strip():
                raise StreamUnsupported(f"unexpected text in row {r}")
            pos = cm.end()
            letters, digits, attrs, body = cm.groups()
            if letters is None:
                ref = CELL_R.search(attrs)
                if ref is None:
                    raise StreamUnsupported(f"a cell of row {r} without its reference")
                letters, digits = ref.groups()
            if digits != digits_r:
                raise StreamUnsupported(f"a cell of row {r} with the reference {letters}{digits}")
            col = column_number(letters)
            xml = cm.group(0)
            own = True  # xml is the cell as the sheet has it
            if neutralise and body and "<f" in body:
                text = self._neutralise(r, letters, attrs, body)
                if text is not None:
                    cell = CELL.match(text)
                    assert cell is not None
                    xml, attrs, body = text, cell.group(1), cell.group(2)
                    own = False
            if ops is not None:
                op = ops.get(col)
                if op is not None:
                    if op.has_value or op.overlay is None or not own:
                        xml = self._apply(r, col, attrs, body, op, xml)
                    else:  # most cells: a row colour over a staff cell
                        new = self._restyle(attrs, op.overlay)
                        if new:
                            off = cm.start()
                            xml = xml[:cm.start(3) - off] + new + xml[cm.end(3) - off:]
            where[col] = len(cells)
            cells.append((col, xml))
        if inner[pos:].strip():
            raise StreamUnsupported(f"unexpected text in row {r}")
        added = False
        if ops is not None:
            for col, op in ops.items():
                if col in where:
                    continue
                xml = self._apply(r, col, None, None, op, "")
                if xml:
                    cells.append((col, xml))
                    added = True
        if added:
            cells.sort(key=lambda c: c[0])
            row_attrs = drop_attr(row_attrs, "spans")
        row_attrs = self._height(r, row_attrs)
        return f"<row{row_attrs}>" + "".join(x for _, x in cells) + "</row>"

    def _height(self, r: int, row_attrs: str) -> str:
        """The row made as tall as the tool's texts in it need; never lower than it was."""
        edits = self.job.edits
        need = edits.heights.get(r) if edits is not None else None
        if not need:
            return row_attrs
        try:
            old = float(get_attr(row_attrs, "ht") or 0)
        except ValueError:
            old = 0.0
        if old >= need:
            return row_attrs
        return set_attr(set_attr(row_attrs, "ht", f"{need:g}"), "customHeight", "1")

    def _overlay_xf(self, base: int, overlay: Overlay) -> int:
        key = (base, overlay.fill, overlay.border)
        found = self._overlays.get(key)
        if found is None:
            assert self.styles is not None
            found = self._overlays[key] = self.styles.overlay(base, overlay)
        return found

    def _restyle(self, attrs: str, overlay: Overlay) -> str:
        """A staff cell's attributes with ``overlay`` applied (what :meth:`_apply` makes of
        them, worked out once for each distinct pair); "" when its format stays."""
        key = (attrs, overlay)
        new = self._restyled.get(key)
        if new is None:
            sm = _CELL_S.search(attrs)
            base = int(sm.group(1)) if sm else 0
            xf = self._overlay_xf(base, overlay)
            new = "" if xf == base else (_CELL_S.sub(f' s="{xf}"', attrs) if sm
                                         else attrs.rstrip() + f' s="{xf}"')
            if len(self._restyled) < MAX_RESTYLED:
                self._restyled[key] = new
        return new

    def _apply(self, r: int, col: int, attrs: str | None, body: str | None, op: Op,
               xml: str) -> str:
        """The cell at (r, col) with ``op`` applied; ``xml`` is its current text."""
        styles = self.styles
        assert styles is not None
        sm = _CELL_S.search(attrs) if attrs else None
        base = int(sm.group(1)) if sm else 0
        xf = base
        overlay = op.overlay
        if overlay is not None:
            xf = self._overlay_xf(base, overlay)
        empty = not body or not ("<v" in body or "<is" in body or "<f" in body)
        if op.has_value and empty:
            value = cell_value(op.value)
            xf = styles.style(xf, op.style, value[2] if value else None)
            if attrs is None and value is None and xf == 0:
                return ""
            return cell_xml(f"{_letters(col)}{r}", xf, value)
        if attrs is None:  # a cell that does not exist yet, for an overlay
            return cell_xml(f"{_letters(col)}{r}", xf, None) if xf else ""
        if xf == base:
            return xml
        m = _C_START.match(xml)
        assert m is not None
        new_attrs = (_CELL_S.sub(f' s="{xf}"', m.group(1)) if sm
                     else m.group(1).rstrip() + f' s="{xf}"')
        return f"<c{new_attrs}{m.group(2)}" + xml[m.end():]

    def _neutralise(self, r: int, letters: str, attrs: str, body: str) -> str | None:
        """The cell as text when its formula reaches outside the workbook; None otherwise."""
        f = FORMULA.search(body)
        if f is None:
            return None
        text = unescape(f.group(2) or "")
        if not text and SHARED.search(f.group(1)):
            si = get_attr(f.group(1), "si")
            master = self.job.masters.get(si or "")
            if master is None or not dangerous_formula(master[0]):
                return None
            text = translate(master[0], master[1], f"{letters}{r}")
        if not text or not dangerous_formula(text):
            return None
        sm = _CELL_S.search(attrs)
        s = f' s="{sm.group(1)}"' if sm and sm.group(1) != "0" else ""
        return (f'<c r="{letters}{r}"{s} t="inlineStr"><is><t xml:space="preserve">'
                f"{esc('=' + text)}</t></is></c>")

