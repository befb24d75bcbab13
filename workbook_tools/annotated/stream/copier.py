"""Writing a :class:`~workbook_tools.copyplan.CopyPlan` by copying the .xlsx package as it is.

Every entry of the staff's package is copied entry to entry, in chunks, except what must not
travel (macros, external links, the calculation chain) and the parts the plan changes:

* the edited sheets' XML is streamed row by row (:mod:`.rows`); only rows that change are taken
  apart into cells, every other row is copied as the text it was;
* in every sheet, formulas reaching outside the workbook (:func:`neutralise.dangerous_formula`)
  become their text, and hyperlinks other than web and mail (:data:`neutralise.SAFE_SCHEMES`)
  are removed, as :func:`neutralise.sanitise` does for the openpyxl backend. Nothing is
  reported here: the findings of what is neutralised come from :func:`neutralise.scan_package`;
* ``xl/styles.xml`` is edited as text (:mod:`.styles`);
* comments (with their legacy VML shapes, :mod:`.comments`), column widths and new sheets
  (:mod:`.newsheet`) are added.

This module reads the package, works out what is dropped, edits ``xl/workbook.xml`` and writes
the copy. Anything this backend does not know how to do safely raises
:class:`StreamUnsupported`; the caller then writes the copy with
:mod:`workbook_tools.annotated.backend_openpyxl`. The package has been checked by the guard (no
entity declarations, bounded inflation) before it gets here.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring

from ...copyplan import CopyPlan, NewSheet, SheetEdits
from ...ooxml import (
    CONTENT_TYPES,
    CT_SHEET_MAIN,
    CT_WORKSHEET,
    MAIN_NS,
    REL_NS,
    ROOT_RELS,
    RT_OFFICE_DOCUMENT,
    RT_STYLES,
    RT_WORKSHEET,
    STRICT_HOST,
    WORKBOOK,
    WORKBOOK_TYPES,
    Rel,
    open_package,
    quoted_title,
    rels_name,
    resolve,
    source_of,
)
from ..neutralise import dangerous_formula
from .comments import Comments
from .errors import StreamUnsupported
from .newsheet import new_sheet_xml
from .package import CHUNK, ContentTypes, Package, is_vba_type, new_rel_id, render_rels
from .rows import Rows
from .styles import Styles
from .worksheet import (
    Merged,
    SheetJob,
    drop_unsafe_links,
    find_formulas,
    set_widths,
    stretch_dimension,
)
from .xmltext import decode, esc, esc_attr, rel_id_attr

__all__ = ["Copier", "StreamUnsupported", "write_stream"]


class Copier(Package):
    """The copy of one package with a plan applied: :meth:`prepare` works out every part that
    changes, :meth:`write` writes the copy."""

    def __init__(self, zin: zipfile.ZipFile, plan: CopyPlan) -> None:
        super().__init__(zin)
        self.plan = plan
        self.drop: set[str] = set()
        self.jobs: dict[str, SheetJob] = {}  # sheet part -> rewrite
        self._new_sheet_elements: list[str] = []
        self.styles_part: str | None = None

    # the plan
    def prepare(self) -> None:
        if CONTENT_TYPES not in self.infos:
            raise StreamUnsupported("no [Content_Types].xml")
        self.types = ContentTypes(self.read(CONTENT_TYPES))
        self.notes = Comments(self, self.types, self.plan.author)
        types_before = self.types.render()
        root_rels = self.rels_part(ROOT_RELS)
        main = [r for r in root_rels if r.type == RT_OFFICE_DOCUMENT]
        if len(main) != 1 or resolve("", main[0].target) != WORKBOOK:
            raise StreamUnsupported("the workbook is not xl/workbook.xml")
        if self.types.of(WORKBOOK) not in WORKBOOK_TYPES:
            raise StreamUnsupported(f"workbook content type {self.types.of(WORKBOOK)}")
        self._find_drops()
        workbook = self.text(WORKBOOK)
        if STRICT_HOST in workbook[:4096]:
            raise StreamUnsupported("Strict OOXML")
        m = re.search(r"<(\w+:)?workbook\b([^>]*)>", workbook)
        if m is None or m.group(1) or f'xmlns="{MAIN_NS}"' not in m.group(2):
            raise StreamUnsupported("workbook.xml: not the main namespace as default")
        self.wb_rels = [r for r in self.rels(WORKBOOK)
                        if not self._dropped_rel(WORKBOOK, r)]
        by_id = {r.id: r for r in self.rels(WORKBOOK)}
        root = fromstring(workbook.encode("utf-8"))
        sheets = root.find(f"{{{MAIN_NS}}}sheets")
        if sheets is None:
            raise StreamUnsupported("workbook.xml: no sheets")
        styles_part = next((resolve(WORKBOOK, r.target) for r in self.wb_rels
                            if r.type == RT_STYLES), None)
        self.styles = Styles(self.text(styles_part)) if styles_part else None
        self.sheet_ids = [int(s.get("sheetId", "0")) for s in sheets]
        for sheet in sheets:
            title = sheet.get("name", "")
            rel = by_id.get(sheet.get(f"{{{REL_NS}}}id", ""))
            if rel is None or rel.type != RT_WORKSHEET or rel.mode == "External":
                raise StreamUnsupported(f"sheet {title!r} is not a worksheet")
            part = resolve(WORKBOOK, rel.target)
            if self.types.of(part) != CT_WORKSHEET:
                raise StreamUnsupported(f"sheet {title!r}: content type {self.types.of(part)}")
            self._prepare_sheet(title, part, self.plan.edits.get(title))
        if (self.plan.new_sheets or any(j.ops for j in self.jobs.values())) and not self.styles:
            raise StreamUnsupported("no styles.xml")
        out = self._workbook(workbook)
        for new in self.plan.new_sheets:
            self._new_sheet(new, workbook)
        if self._new_sheet_elements:
            end = out.find("</sheets>")
            if end < 0:
                raise StreamUnsupported("workbook.xml: <sheets> not closed")
            out = out[:end] + "".join(self._new_sheet_elements) + out[end:]
            out = self._print_titles(out, len(self.sheet_ids) - len(self.plan.new_sheets))
        if out != workbook:
            self.replace[WORKBOOK] = out.encode("utf-8")
        if self.wb_rels != self.rels(WORKBOOK):
            self.replace[rels_name(WORKBOOK)] = render_rels(self.wb_rels)
        self.styles_part = styles_part
        if self.types.render() != types_before:
            self.replace[CONTENT_TYPES] = self.types.render()

    def _find_drops(self) -> None:
        """Macros, external links and the calculation chain: parts, their relationships."""
        drop: set[str] = set()
        for name in self.infos:
            kind = self.types.of(name)
            if (is_vba_type(kind) or name.lower().startswith("xl/externallinks/")
                    or name.lower() in ("xl/calcchain.xml", "xl/vbaproject.bin")):
                drop.add(name)
        for rels_part in [n for n in self.infos if n.endswith(".rels")]:
            for r in self.rels_part(rels_part):
                if r.mode != "External" and self._bad_type(r.type):
                    drop.add(resolve(source_of(rels_part), r.target))
        for name in list(drop):
            drop.add(rels_name(name))
        self.drop = {n for n in drop if n in self.infos}
        types = self.types
        for ext in [e for e, k in types.defaults.items() if is_vba_type(k)]:
            if any(n.lower().endswith("." + ext) and n not in self.drop
                   and n.lower() not in types.overrides for n in self.infos):
                raise StreamUnsupported(f"parts .{ext} typed as macros")
            del types.defaults[ext]
        dropped = {n.lower() for n in self.drop}
        for name, kind in list(types.overrides.items()):
            if name in dropped or is_vba_type(kind):
                del types.overrides[name]
        if types.of(WORKBOOK) != CT_SHEET_MAIN:
            types.override(WORKBOOK, CT_SHEET_MAIN)
        # every other relationships part that points at what is dropped
        for rels_part in [n for n in self.infos if n.endswith(".rels") and n not in self.drop]:
            source = source_of(rels_part)
            rels = self.rels_part(rels_part)
            kept = [r for r in rels if not self._dropped_rel(source, r)]
            if len(kept) != len(rels):
                self.replace[rels_part] = render_rels(kept)

    @staticmethod
    def _bad_type(kind: str) -> bool:
        low = kind.lower()
        return "vba" in low or low.endswith("/externallink") or low.endswith("/calcchain")

    def _dropped_rel(self, source: str, r: Rel) -> bool:
        if self._bad_type(r.type):
            return True
        return r.mode != "External" and resolve(source, r.target) in self.drop

    # workbook.xml
    @staticmethod
    def _workbook(workbook: str) -> str:
        """workbook.xml without external references and names reaching outside it."""
        out = re.sub(r"<externalReferences\b[^>]*?(?:/>|>.*?</externalReferences>)", "",
                     workbook, flags=re.DOTALL)

        def name(m: re.Match[str]) -> str:
            return "" if dangerous_formula(unescape(m.group(2) or "")) else m.group(0)

        out = re.sub(r"<definedName\b([^>]*?)(?:/>|>(.*?)</definedName>)", name, out,
                     flags=re.DOTALL)
        return re.sub(r"<definedNames\b[^>]*>\s*</definedNames>", "", out)

    # sheets
    def _prepare_sheet(self, title: str, part: str, edits: SheetEdits | None) -> None:
        info = self.infos.get(part)
        if info is None:
            raise StreamUnsupported(f"missing sheet part {part}")
        if edits is None and not self._may_need_change(info):
            return
        # The rows stay in the package: read once here for what is around them, streamed
        # again when the copy is written (decoded one row at a time, only where something
        # changes), so a large sheet is never held whole.
        scan = self.scan_sheet(part)
        head = decode(scan.head, part)
        root = re.search(r"<(\w+:)?worksheet\b([^>]*)>", head[:8192])
        if root is None or root.group(1) or f'xmlns="{MAIN_NS}"' not in root.group(2):
            raise StreamUnsupported(f"{part}: not the main namespace as default")
        job = SheetJob(title, part, self.rels(part))
        job.head, job.tail = head, decode(scan.tail, part)
        job.has_formulas = scan.formulas
        job.pieces = lambda: self.row_pieces(part, scan.start, scan.end)
        find_formulas(job)
        drop_unsafe_links(job)
        if edits is not None:
            self._edits(job, edits)
        if edits is not None or job.neutralise or job.rels_changed:
            self.jobs[part] = job
        if job.rels_changed:
            self.replace[rels_name(part)] = render_rels(job.rels)

    def _may_need_change(self, info: zipfile.ZipInfo) -> bool:
        """Whether an unedited sheet has formulas or hyperlinks (read in chunks)."""
        tail = b""
        with self.zin.open(info) as fh:
            while chunk := fh.read(CHUNK):
                text = tail + chunk
                if b"<f" in text or b"<hyperlink" in text:
                    return True
                tail = text[-16:]
        return False

    def _edits(self, job: SheetJob, edits: SheetEdits) -> None:
        merged = Merged(job.tail)
        covered = merged if merged.rows else (lambda _r, _c: False)
        ops = job.ops
        job.edits = edits

        def put(row: int, col: int) -> None:
            cols = ops.get(row)
            if cols is None:
                ops[row] = [col]
            elif col not in cols:
                cols.append(col)

        def add_uncovered(row: int, col: int) -> None:
            if not merged(row, col):
                put(row, col)

        # a cell a merged range covers is left to the range's own cell; nothing merged:
        # nothing to ask (the computed columns' cells, every row)
        add = add_uncovered if merged.rows else put

        # every cell the plan touches, by row in the order it comes (overlays, row colours,
        # new cells), without a set of them all (a large sheet's coloured rows are most of
        # its cells)
        for row, col in edits.overlays:
            add(row, col)
        spans = merged.rows
        for row, (first, last, _) in edits.row_fills.items():
            if row in spans:  # a merged range crosses the row: cell by cell
                for col in range(first, last + 1):
                    add(row, col)
                continue
            cols = ops.get(row)
            if cols is None:
                if first <= last:
                    ops[row] = list(range(first, last + 1))
            else:
                have = set(cols)
                cols.extend(c for c in range(first, last + 1) if c not in have)
        for row, col in edits.cells:
            add(row, col)
        set_widths(job, edits.widths)
        stretch_dimension(job)
        comments = {rc: text for rc, text in edits.comments.items() if not covered(*rc)}
        if comments:
            self.notes.add(job, comments)

    # new sheets
    def _new_sheet(self, new: NewSheet, workbook: str) -> None:
        assert self.styles is not None
        part = self.free_name("xl/worksheets/sheet{}.xml")
        self.replace[part] = new_sheet_xml(new, self.styles)
        rid = new_rel_id(self.wb_rels)
        self.wb_rels.append(Rel(rid, RT_WORKSHEET, posixpath.relpath(part, "xl")))
        self.types.override(part, CT_WORKSHEET)
        sheet_id = max(self.sheet_ids, default=0) + 1
        self.sheet_ids.append(sheet_id)
        self._new_sheet_elements.append(
            f'<sheet name="{esc_attr(new.title)}" sheetId="{sheet_id}" '
            f"{rel_id_attr(workbook, 'workbook', rid)}/>")

    def _print_titles(self, workbook: str, first: int) -> str:
        """workbook.xml with the rows the new sheets repeat on every printed page
        (``_xlnm.Print_Titles``, one per sheet, by its index)."""
        names = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{first + i}">'
            f"{esc(quoted_title(new.title))}!${new.page.repeat_rows[0]}:"
            f"${new.page.repeat_rows[1]}</definedName>"
            for i, new in enumerate(self.plan.new_sheets) if new.page.repeat_rows)
        if not names:
            return workbook
        m = re.search(r"<definedNames\b[^>]*?(/?)>", workbook)
        if m is not None and not m.group(1):
            return workbook[:m.end()] + names + workbook[m.end():]
        if m is not None:  # an empty <definedNames/>: ours take its place
            return workbook[:m.start()] + f"<definedNames>{names}</definedNames>" + workbook[
                m.end():]
        ends = [workbook.find(f"</{tag}>") + len(tag) + 3
                for tag in ("sheets", "functionGroups", "externalReferences")
                if f"</{tag}>" in workbook]
        after = max(ends)
        return workbook[:after] + "<definedNames>" + names + "</definedNames>" + workbook[after:]

    # writing
    def write(self, target: Path, in_memory: bool = False) -> None:
        """Write the copy to ``target``; with ``in_memory`` (a small package), made in memory
        and written in one piece, without the seeks back to each part's header."""
        self.prepare()
        buf = io.BytesIO() if in_memory else None
        with zipfile.ZipFile(buf or target, "w", zipfile.ZIP_DEFLATED) as zout:
            self._write(zout)
        if buf is not None:
            with open(target, "wb") as fh:
                fh.write(buf.getbuffer())

    def _write(self, zout: zipfile.ZipFile) -> None:
        stamp = time.localtime()[:6]
        defer_styles = any(job.ops for job in self.jobs.values())
        done: set[str] = set()
        for info in self.zin.infolist():
            name = info.filename
            if name in self.drop or name == self.styles_part and defer_styles:
                continue  # styles.xml comes last: the sheets add cell formats
            out = _entry(name, info.date_time)
            out.external_attr = info.external_attr
            if name in self.jobs:
                with zout.open(out, "w", force_zip64=True) as dst:
                    for piece in self._sheet(self.jobs[name]):
                        dst.write(piece if isinstance(piece, bytes)
                                  else piece.encode("utf-8"))
            elif name in self.replace:
                zout.writestr(out, self.replace[name])
            elif name == self.styles_part and self.styles and self.styles.changed():
                zout.writestr(out, self.styles.render())
            elif info.is_dir():
                zout.writestr(out, b"")
            else:
                out.file_size = info.file_size
                with self.zin.open(info) as src, zout.open(out, "w") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
            done.add(name)
        if self.styles_part is not None and self.styles is not None \
                and self.styles_part not in done:
            info = self.infos[self.styles_part]
            out = _entry(info.filename, info.date_time)
            out.external_attr = info.external_attr
            zout.writestr(out, self.styles.render() if self.styles.changed()
                          else self.read(self.styles_part))
            done.add(info.filename)
        for name, data in self.replace.items():
            if name not in done:
                out = _entry(name, stamp)
                zout.writestr(out, data)

    def _sheet(self, job: SheetJob) -> Iterator[str | bytes]:
        yield job.head
        yield "<sheetData>"
        yield from Rows(job, self.styles).render()
        yield "</sheetData>"
        yield job.tail


#: zlib's level for the copy's parts: 3 is the last of zlib's fast levels; the parts are
#: written in about 60 % of the time level 6 (zipfile's default) takes, and the copy is about
#: 9 % larger (a 10,000-row register's: 30 %, 1.27 MB against 0.97 MB)
COMPRESS_LEVEL = 3


def _entry(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """A deflated part of the copy, at :data:`COMPRESS_LEVEL`."""
    out = zipfile.ZipInfo(name, date_time=date_time)
    out.compress_type = zipfile.ZIP_DEFLATED
    # zipfile's own field for a ZipInfo's level (public as compress_level from Python 3.13,
    # where this name stays as its alias)
    out._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]
    return out


#: a copy is made in memory when its source's parts come to at most this much XML (the copy
#: is about as large, deflated: a small one in one piece; a large one is written as it is made)
IN_MEMORY_COPY = 4 * 1024 * 1024


def write_stream(source: Path, plan: CopyPlan, target: Path) -> None:
    """Write the copy of the .xlsx/.xlsm ``source`` with ``plan`` applied to ``target`` (a
    temporary path chosen by the caller, who renames it atomically). What it neutralises is
    not reported here: :func:`neutralise.scan_package` reports it, before the copy is made."""
    try:
        with open_package(source) as zin:
            parts = sum(info.file_size for info in zin.infolist())
            Copier(zin, plan).write(Path(target), in_memory=parts <= IN_MEMORY_COPY)
    except StreamUnsupported:
        raise
    except (zipfile.BadZipFile, ParseError, ValueError, KeyError, IndexError, UnicodeError,
            zipfile.LargeZipFile) as exc:
        raise StreamUnsupported(f"{type(exc).__name__}: {exc}") from exc
