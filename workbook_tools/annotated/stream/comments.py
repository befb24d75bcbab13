"""Comments: a sheet's comments part (``xl/commentsN.xml``) and the legacy VML drawing Excel
shows them with, new or merged into those the sheet has; the staff's note on a cell stays and
ours follows it."""

from __future__ import annotations

import posixpath
import re
from html import unescape

from ...ooxml import CT_COMMENTS, CT_VML, MAIN_NS, REL_ID, RT_COMMENTS, RT_VML, Rel, a1, resolve
from .errors import StreamUnsupported
from .package import ContentTypes, Package, new_rel_id
from .worksheet import SheetJob
from .xmltext import XML_DECL, esc, get_attr, rel_id_attr

_VML_NS = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
           "urn:schemas-microsoft-com:office:excel")
_LEGACY = re.compile(r"<legacyDrawing\b([^>]*?)/?>")
#: what follows <legacyDrawing> in CT_Worksheet
_AFTER_LEGACY = re.compile(r"<(?:legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
                           r"webPublishItems|tableParts|extLst|mc:AlternateContent)\b|</worksheet>")


class Comments:
    """The comments the plan adds, sheet by sheet, to the package being copied; new parts get
    their content types in ``types``. VML shape ids are given out in blocks free across the
    package."""

    def __init__(self, package: Package, types: ContentTypes, author: str) -> None:
        self.package = package
        self.types = types
        self.author = author
        self._next_block: int | None = None

    def add(self, job: SheetJob, comments: dict[tuple[int, int], str]) -> None:
        """``comments`` (by row and column) on the sheet of ``job``."""
        if any("threadedcomment" in r.type.lower() for r in job.rels):
            raise StreamUnsupported("threaded comments")
        package, author = self.package, self.author
        legacy = _LEGACY.search(job.tail)
        comment_rels = [r for r in job.rels if r.type == RT_COMMENTS]
        if len(comment_rels) > 1:
            raise StreamUnsupported("more than one comments part")
        vml_part = None
        if legacy is not None:
            found = REL_ID.search(legacy.group(0))
            rel = next((r for r in job.rels if found and r.id in found.groups()), None)
            if rel is None or rel.type != RT_VML:
                raise StreamUnsupported("legacyDrawing without its VML part")
            vml_part = resolve(job.part, rel.target)
        elif comment_rels:
            raise StreamUnsupported("comments without a legacyDrawing")
        if comment_rels:
            part = resolve(job.part, comment_rels[0].target)
            text = package.text(part)
            package.replace[part] = merge_comments(text, comments, author).encode("utf-8")
        else:
            part = package.free_name("xl/comments{}.xml")
            package.replace[part] = comments_xml(comments, author).encode("utf-8")
            job.rels.append(Rel(new_rel_id(job.rels), RT_COMMENTS,
                                posixpath.relpath(part, posixpath.dirname(job.part))))
            self.types.override(part, CT_COMMENTS)
        if vml_part is not None:
            vml = package.text(vml_part)
            package.replace[vml_part] = merge_vml(vml, comments).encode("utf-8")
        else:
            vml_part = package.free_name("xl/drawings/vmlDrawing{}.vml")
            block = self._block()
            package.replace[vml_part] = self._vml(comments, block).encode("utf-8")
            rid = new_rel_id(job.rels)
            job.rels.append(Rel(rid, RT_VML,
                                posixpath.relpath(vml_part, posixpath.dirname(job.part))))
            if self.types.of(vml_part) != CT_VML:
                self.types.defaults.setdefault("vml", CT_VML)
                if self.types.of(vml_part) != CT_VML:  # vml taken by another type
                    self.types.override(vml_part, CT_VML)
            at = _AFTER_LEGACY.search(job.tail)
            if at is None:
                raise StreamUnsupported("worksheet not closed")
            element = f"<legacyDrawing {rel_id_attr(job.head, 'worksheet', rid)}/>"
            job.tail = job.tail[:at.start()] + element + job.tail[at.start():]
        job.rels_changed = True

    def _block(self) -> int:
        """A free block of VML shape ids (o:idmap) across the package."""
        if self._next_block is None:
            used = [0]
            for name in self.package.infos:
                if name.lower().endswith(".vml"):
                    data = self.package.read(name)
                    for m in re.finditer(rb"""data\s*=\s*["']([\d,\s]+)["']""", data):
                        used += [int(x) for x in re.findall(rb"\d+", m.group(1))]
            self._next_block = max(used) + 1
        block = self._next_block
        self._next_block += 1
        return block

    def _vml(self, comments: dict[tuple[int, int], str], block: int) -> str:
        """A new VML drawing with the shapes of ``comments``, ids from ``block`` on."""
        blocks = range(block, block + len(comments) // 1024 + 1)
        self._next_block = blocks[-1] + 1
        shapes = "".join(vml_shape(block * 1024 + i + 1, r, c)
                         for i, (r, c) in enumerate(sorted(comments)))
        return (
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
            f' <o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
            f'data="{",".join(map(str, blocks))}"/></o:shapelayout>\n'
            + shapetype("v", "o") + shapes + "</xml>"
        )


def merge_vml(vml: str, comments: dict[tuple[int, int], str]) -> str:
    """The sheet's VML drawing ``vml`` with the shapes of ``comments`` added (and the notes
    they replace removed), with the prefixes it declares."""
    root = re.search(r"<xml\b[^>]*>", vml)
    if root is None:
        raise StreamUnsupported("VML without <xml>")
    prefixes = []
    for ns in _VML_NS:
        m = re.search(r"""\sxmlns:([\w.-]+)\s*=\s*["']""" + re.escape(ns) + "[\"']",
                      root.group(0))
        if m is None:
            raise StreamUnsupported("VML namespaces not declared on its root")
        prefixes.append(m.group(1))
    v, o, x = prefixes
    end = vml.rfind("</xml>")
    if end < 0:
        raise StreamUnsupported("VML not closed")
    xv, xx = re.escape(v), re.escape(x)

    def shape(m: re.Match[str]) -> str:
        text = m.group(0)
        if not re.search(r"""ObjectType\s*=\s*["']Note["']""", text):
            return text
        r = re.search(rf"<{xx}:Row>\s*(\d+)\s*</{xx}:Row>", text)
        c = re.search(rf"<{xx}:Column>\s*(\d+)\s*</{xx}:Column>", text)
        if r and c and (int(r.group(1)) + 1, int(c.group(1)) + 1) in comments:
            return ""  # our comment replaces the one at that cell
        return text

    vml = re.sub(rf"<{xv}:shape\b[^>]*>.*?</{xv}:shape>", shape, vml, flags=re.DOTALL)
    end = vml.rfind("</xml>")
    ids = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
    start = max(ids, default=1024) + 1
    shapes = "".join(vml_shape(start + i, r, c, v, o, x)
                     for i, (r, c) in enumerate(sorted(comments)))
    types = "" if re.search(r"""id\s*=\s*["']_x0000_t202["']""", vml) else \
        shapetype(v, o)
    return vml[:end] + types + shapes + vml[end:]


def shapetype(v: str, o: str) -> str:
    """The shape type notes are drawn with (prefixes ``v`` and ``o`` as the drawing has them)."""
    return (
        f' <{v}:shapetype id="_x0000_t202" coordsize="21600,21600" {o}:spt="202" '
        'path="m,l,21600r21600,l21600,xe">\n'
        f'  <{v}:stroke joinstyle="miter"/>\n'
        f'  <{v}:path gradientshapeok="t" {o}:connecttype="rect"/>\n'
        f" </{v}:shapetype>\n"
    )


def vml_shape(shape_id: int, row: int, col: int, v: str = "v", o: str = "o",
              x: str = "x") -> str:
    """The legacy shape Excel draws a note with (row and column 0-based inside)."""
    r, c = row - 1, col - 1
    return (
        f' <{v}:shape id="_x0000_s{shape_id}" type="#_x0000_t202" '
        "style='position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240pt;"
        f"height:90pt;z-index:1;visibility:hidden' fillcolor=\"#ffffe1\" "
        f'{o}:insetmode="auto">\n'
        f'  <{v}:fill color2="#ffffe1"/>\n'
        f'  <{v}:shadow on="t" color="black" obscured="t"/>\n'
        f'  <{v}:path {o}:connecttype="none"/>\n'
        f"  <{v}:textbox style='mso-direction-alt:auto'><div style='text-align:left'></div>"
        f"</{v}:textbox>\n"
        f'  <{x}:ClientData ObjectType="Note">\n'
        f"   <{x}:MoveWithCells/>\n   <{x}:SizeWithCells/>\n"
        f"   <{x}:Anchor>{c + 1}, 15, {max(r - 1, 0)}, 10, {c + 5}, 15, {r + 5}, 4</{x}:Anchor>\n"
        f"   <{x}:AutoFill>False</{x}:AutoFill>\n"
        f"   <{x}:Row>{r}</{x}:Row>\n   <{x}:Column>{c}</{x}:Column>\n"
        f"  </{x}:ClientData>\n </{v}:shape>\n"
    )


def comment_xml(ref: str, author_id: int, text: str) -> str:
    """One ``<comment>`` of the comments part."""
    return (f'<comment ref="{ref}" authorId="{author_id}"><text>'
            f'<t xml:space="preserve">{esc(text)}</t></text></comment>')


def comments_xml(comments: dict[tuple[int, int], str], author: str) -> str:
    """A new comments part holding ``comments`` (by row and column), all by ``author``."""
    body = "".join(comment_xml(a1(r, c), 0, text)
                   for (r, c), text in sorted(comments.items()))
    return (f'{XML_DECL}<comments xmlns="{MAIN_NS}"><authors><author>{esc(author)}</author>'
            f"</authors><commentList>{body}</commentList></comments>")


def merge_comments(text: str, comments: dict[tuple[int, int], str], author: str) -> str:
    """The comments part ``text`` with ``comments`` added; a note already on one of those cells
    goes first in the comment that replaces it."""
    root = re.search(r"<(\w+:)?comments\b([^>]*)>", text)
    if root is None or root.group(1) or f'xmlns="{MAIN_NS}"' not in root.group(2):
        raise StreamUnsupported("comments part: not the main namespace as default")
    authors = re.search(r"<authors\b[^>]*?(?:/>|>(.*?)</authors>)", text, re.DOTALL)
    if authors is None:
        raise StreamUnsupported("comments part without authors")
    names = [unescape(a) for a in re.findall(r"<author>(.*?)</author>", authors.group(1) or "",
                                              re.DOTALL)]
    if author in names:
        author_id = names.index(author)
    else:
        author_id = len(names)
        new = f"<authors>{authors.group(1) or ''}<author>{esc(author)}</author></authors>"
        text = text[:authors.start()] + new + text[authors.end():]
    refs = {a1(r, c) for r, c in comments}
    theirs: dict[str, str] = {}

    def keep(m: re.Match[str]) -> str:
        ref = get_attr(m.group(1), "ref") or ""
        if ref not in refs:
            return m.group(0)
        # the staff's own note on that cell stays, ours follows it in one comment
        theirs[ref] = unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", m.group(0),
                                                  re.DOTALL)))
        return ""

    text = re.sub(r"<comment\b([^>]*?)(?:/>|>.*?</comment>)", keep, text, flags=re.DOTALL)

    def merged(ref: str, note: str) -> str:
        return f"{theirs[ref]}\n\n{note}" if theirs.get(ref) else note

    ours = "".join(comment_xml(ref := a1(r, c), author_id, merged(ref, t))
                   for (r, c), t in sorted(comments.items()))
    end = text.find("</commentList>")
    if end >= 0:
        return text[:end] + ours + text[end:]
    m = re.search(r"<commentList\b[^>]*/>", text)
    if m is None:
        raise StreamUnsupported("comments part without commentList")
    return text[:m.start()] + f"<commentList>{ours}</commentList>" + text[m.end():]
