"""The XML of a new worksheet the plan adds (a summary, the findings): its rows, column widths,
internal hyperlinks and sheet view with frozen panes."""

from __future__ import annotations

from ...copyplan import MARGINS, NewSheet, Page
from ...ooxml import MAIN_NS, REL_NS, a1, column_letter, parse_ref, range_ref
from .cells import cell_value, cell_xml
from .cells import letters as _letters
from .errors import StreamUnsupported
from .styles import Styles
from .xmltext import XML_DECL, esc, esc_attr


def new_sheet_xml(new: NewSheet, styles: Styles) -> bytes:
    """The worksheet part of ``new``, as UTF-8; its cell formats are added to ``styles``.
    Each row is encoded as it is made (a large register's Summary lists every high risk: its
    text is never held twice)."""
    rows: list[bytes] = []
    max_col = 0
    # each cell format once for each style object (they live in ``new`` while this runs, so
    # their ids stay theirs): hashing a Style on every cell is most of the time otherwise
    formats: dict[tuple[int, int | None], int] = {}
    for r, cells in enumerate(new.rows, start=1):
        height = new.heights.get(r)
        row_tag = f'<row r="{r}" ht="{height:g}" customHeight="1">' if height else f'<row r="{r}">'
        out = []
        for c, (value, style) in enumerate(cells, start=1):
            v = cell_value(value)
            key = (id(style), v[2] if v else None)
            xf = formats.get(key)
            if xf is None:
                xf = formats[key] = styles.style(0, style, key[1])
            if v is None and xf == 0:
                continue
            out.append(cell_xml(f"{_letters(c)}{r}", xf, v))
            max_col = max(max_col, c)
        if out or height:
            rows.append((row_tag + "".join(out) + "</row>").encode("utf-8"))
    for _r, c in new.links:
        max_col = max(max_col, c)
    max_row = max([len(new.rows), *(r for r, _ in new.links)], default=0)
    dim = f"A1:{column_letter(max_col)}{max_row}" if max_row and max_col else "A1"
    parts = [XML_DECL, f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
             '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
             f'<dimension ref="{dim}"/>', sheet_views(new.freeze),
             '<sheetFormatPr defaultRowHeight="15"/>']
    if new.widths:
        parts.append("<cols>" + "".join(
            f'<col min="{c}" max="{c}" width="{float(w):g}" customWidth="1"/>'
            for c, w in sorted(new.widths.items())) + "</cols>")
    head = "".join(parts).encode("utf-8")
    parts = []
    if new.merges:
        parts.append(f'<mergeCells count="{len(new.merges)}">' + "".join(
            f'<mergeCell ref="{range_ref(*m)}"/>' for m in new.merges) + "</mergeCells>")
    if new.links:
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{a1(r, c)}" location="{esc_attr(loc)}"/>'
            for (r, c), loc in sorted(new.links.items())) + "</hyperlinks>")
    parts.append(page_xml(new.page))
    parts.append("</worksheet>")
    return b"".join([head, b"<sheetData>", *rows, b"</sheetData>",
                     "".join(parts).encode("utf-8")])


def page_xml(page: Page) -> str:
    """Margins, A4 fitted to one page wide, the footer and the page breaks."""
    left, right, top, bottom, header, footer = MARGINS
    orientation = "landscape" if page.landscape else "portrait"
    xml = (f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
           f'header="{header}" footer="{footer}"/>'
           f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" '
           f'fitToHeight="0"/>')
    parts = zip(("&L", "&C", "&R"), page.footer, strict=True)
    text = "".join(code + part for code, part in parts if part)
    if text:
        xml += f"<headerFooter><oddFooter>{esc(text)}</oddFooter></headerFooter>"
    if page.breaks:
        xml += f'<rowBreaks count="{len(page.breaks)}" manualBreakCount="{len(page.breaks)}">'
        xml += "".join(f'<brk id="{r - 1}" max="16383" man="1"/>' for r in page.breaks)
        xml += "</rowBreaks>"
    return xml


def sheet_views(freeze: str | None) -> str:
    """The ``<sheetViews>`` of a new sheet, with panes frozen above and left of ``freeze``."""
    view = '<sheetViews><sheetView workbookViewId="0"{}</sheetView></sheetViews>'
    if not freeze:
        return view.format(">")
    found = parse_ref(freeze)
    if found is None:
        raise StreamUnsupported(f"cell reference {freeze!r}")
    row, col = found
    x, y = col - 1, row - 1
    if not x and not y:
        return view.format(">")
    pane = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
    splits = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    cell = a1(row, col)
    return view.format(
        f'><pane{splits} topLeftCell="{cell}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{cell}" sqref="{cell}"/>')
