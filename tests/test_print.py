"""The sheets the tool adds print as reports: A4, one page wide, header rows repeated, a footer
with the file, the sheet and the page, breaks between blocks, and every row tall enough for its
texts.

Three layers: the print setup read back with openpyxl from each sample's copy, row heights and
widths checked against :mod:`workbook_tools.textfit` (the one estimate the writer uses), and,
marked slow, every sample's copy printed to PDF by LibreOffice and its pages read back with
poppler's ``pdfinfo`` and ``pdftotext``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from workbook_tools import Options, messages, pipeline, textfit
from workbook_tools.copyplan import DEFAULT_WIDTH, MARGINS, page_breaks

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
XLSX_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.xlsx"))
ODS_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.ods"))
AS_OF = date(2026, 11, 25)
LANGS = ("ky", "ru")


def _score(src: Path, out: Path, lang: str, backend: str = "auto") -> Path:
    report = pipeline.score_file(src, out, Options(lang=lang, as_of=AS_OF, backend=backend))
    assert report.output is not None, report.reason_params
    return report.output


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str, str], Path]:
    """``scored(sample, lang, backend)``: the sample's copy, written once per module."""
    root = tmp_path_factory.mktemp("print_copies")
    made: dict[tuple[str, str, str], Path] = {}

    def get(name: str, lang: str, backend: str = "auto") -> Path:
        key = (name, lang, backend)
        if key not in made:
            made[key] = _score(SAMPLES / name, root / f"{lang}-{backend}", lang, backend)
        return made[key]

    return get


def _added(copy: Path, source_sheets: list[str]) -> list[str]:
    """The titles of the sheets the tool added to ``copy``, in order."""
    wb = load_workbook(copy, read_only=True)
    try:
        return [t for t in wb.sheetnames if t not in source_sheets]
    finally:
        wb.close()


def _source_sheets(name: str) -> list[str]:
    """The sample's own sheets (.xlsx or .ods)."""
    return list(CalamineWorkbook.from_path(str(SAMPLES / name)).sheet_names)


# --- the print setup, read back ------------------------------------------------------------


@pytest.mark.parametrize("backend", ["auto", "openpyxl"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", XLSX_SAMPLES)
def test_added_sheets_print_on_a4_one_page_wide(scored: Callable[..., Path], name: str,
                                                 lang: str, backend: str) -> None:
    copy = scored(name, lang, backend)
    added = _added(copy, _source_sheets(name))
    summary, findings, *extra = added
    assert summary == messages.text("sheet.summary", lang)
    assert findings == messages.text("sheet.findings", lang)
    is_plan = "plan" in name
    assert len(extra) == (1 if is_plan else 0), added
    wb = load_workbook(copy)
    for title in added:
        ws = wb[title]
        setup = ws.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), title
        assert ws.sheet_properties.pageSetUpPr is not None, title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, title
        margins = ws.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom, margins.header,
                margins.footer) == MARGINS, title
        footer = ws.oddFooter
        assert footer is not None, title
        page = messages.text("page.footer", lang)
        assert "&P" in page and "&N" in page
        assert (footer.left.text, footer.center.text, footer.right.text) == (name, "&A", page)
    assert wb[summary].page_setup.orientation == "portrait"
    assert wb[summary].print_title_rows is None
    assert wb[findings].page_setup.orientation == "portrait"
    assert _title_rows(wb[findings]) == (1, 1)
    assert wb[findings].cell(1, 1).value == messages.text("findings.severity", lang)
    for title in extra:  # the yearly report: landscape, its table's header row on every page
        ws = wb[title]
        assert title == messages.text("sheet.yearly", lang, year=AS_OF.year)
        assert ws.page_setup.orientation == "landscape"
        first, last = _title_rows(ws)
        assert first == last
        assert ws.cell(first, 1).value == messages.text("plan.number", lang)
        assert ws.cell(first, 10).value == messages.text("yearly.delay", lang)
    wb.close()


def _title_rows(ws: Worksheet) -> tuple[int, int]:
    """The rows printed at the top of every page ("$1:$1" read back)."""
    assert ws.print_title_rows is not None, ws.title
    first, last = ws.print_title_rows.replace("$", "").split(":")
    return int(first), int(last)


# --- row heights and widths against the estimate ----------------------------------------------


def _widths(ws: Worksheet) -> dict[int, float]:
    """Each column's width in characters, from the sheet's ``<col>`` ranges."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.width:
            for c in range(dim.min, dim.max + 1):
                out[c] = float(dim.width)
    return out


def _shown(value: Any) -> str:
    """A value as the sheet shows it: dates as 25.11.2026."""
    if isinstance(value, datetime | date):
        return messages.day_text(value)
    return str(value)


@dataclass(frozen=True)
class Misfit:
    sheet: str
    cell: str
    text: str
    width: float
    height: float
    needed: float

    def __str__(self) -> str:
        return (f"{self.sheet}!{self.cell} {self.text[:40]!r}: width {self.width:g}, "
                f"height {self.height:g} < {self.needed:g}")


def _misfits(ws: Worksheet, cells: set[tuple[int, int]]) -> Iterator[Misfit]:
    """The tool's ``cells`` of ``ws`` whose text the sheet cannot show: a wrapped text in a row
    lower than :func:`textfit.height_needed`; an unwrapped text wider than its cell when the cell
    to its right is filled (it cannot overflow there)."""
    widths = _widths(ws)
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    default_height = float(ws.sheet_format.defaultRowHeight or textfit.MIN_HEIGHT)
    for row, col in sorted(cells):
        cell = ws.cell(row, col)
        if cell.value is None or cell.value == "":
            continue
        text = _shown(cell.value)
        merged = spans.get((row, col))
        last_col = merged.max_col if merged else col
        assert merged is None or merged.min_row == merged.max_row, merged  # one row high
        width = sum(widths.get(c, DEFAULT_WIDTH) for c in range(col, last_col + 1))
        bold, size = bool(cell.font.b), cell.font.sz
        height = ws.row_dimensions[row].height or default_height
        if cell.alignment.wrap_text:
            needed = textfit.height_needed(text, width, bold=bold, size=size)
            if height + 0.05 < needed:
                yield Misfit(ws.title, cell.coordinate, text, width, height, needed)
            continue
        right = ws.cell(row, last_col + 1).value
        room = width - textfit.PADDING
        if right not in (None, "") and textfit.text_width(text, bold=bold, size=size) > room:
            yield Misfit(ws.title, cell.coordinate, text, width, height, -1.0)


def _tool_cells(before: Path, copy: Path) -> dict[str, set[tuple[int, int]]]:
    """The cells the tool wrote, by the copy's sheet: every cell of an added sheet, and the
    cells of the staff's sheets that were empty in ``before`` (the input as .xlsx)."""
    old = load_workbook(before)
    new = load_workbook(copy)
    out: dict[str, set[tuple[int, int]]] = {}
    for ws in new.worksheets:
        filled = {(c.row, c.column) for r in ws.iter_rows() for c in r
                  if c.value is not None and c.value != ""}
        if ws.title in old.sheetnames:
            was = old[ws.title]
            filled = {(r, c) for r, c in filled if was.cell(r, c).value in (None, "")}
        out[ws.title] = filled
    return out


def _check_fit(before: Path, copy: Path) -> None:
    wb = load_workbook(copy)
    cells = _tool_cells(before, copy)
    assert any(cells.values())
    misfits = [str(m) for title, found in cells.items() for m in _misfits(wb[title], found)]
    assert not misfits, "\n".join(misfits)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", XLSX_SAMPLES)
def test_every_text_the_tool_writes_has_room(scored: Callable[..., Path], name: str,
                                             lang: str) -> None:
    _check_fit(SAMPLES / name, scored(name, lang))


def _broken_words(ws: Worksheet, cells: set[tuple[int, int]]) -> Iterator[str]:
    """Words of the tool's wrapped texts wider than their column: LibreOffice and Excel break
    such a word inside ("Баллдард|ын"). A word may break after a hyphen; the estimate errs
    wide, so the word is held to the column's whole width."""
    widths = _widths(ws)
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    for row, col in sorted(cells):
        cell = ws.cell(row, col)
        if cell.value in (None, "") or not cell.alignment.wrap_text:
            continue
        merged = spans.get((row, col))
        width = sum(widths.get(c, DEFAULT_WIDTH)
                    for c in range(col, (merged.max_col if merged else col) + 1))
        for word in re.split(r"\s+|(?<=-)", _shown(cell.value)):
            need = textfit.text_width(word, bold=bool(cell.font.b), size=cell.font.sz)
            if round(need, 6) > width:
                yield f"{ws.title}!{cell.coordinate} {word!r} in width {width:g}"


WORD_CASES = [pytest.param(n, lang, id=f"{n}-{lang}") for lang in LANGS for n in XLSX_SAMPLES]


@pytest.mark.parametrize(("name", "lang"), WORD_CASES)
def test_no_word_the_tool_writes_is_broken(scored: Callable[..., Path], name: str,
                                           lang: str) -> None:
    copy = scored(name, lang)
    wb = load_workbook(copy)
    cells = _tool_cells(SAMPLES / name, copy)
    broken = [b for title, found in cells.items() for b in _broken_words(wb[title], found)]
    assert not broken, "\n".join(broken)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ODS_SAMPLES)
def test_every_text_has_room_in_an_ods_copy(lo_convert: Callable[[Path, str, Path], Path],
                                            scored: Callable[..., Path], tmp_path: Path,
                                            name: str, lang: str) -> None:
    """The .ods copy is LibreOffice's .xlsx of it, annotated: the staff's heights come from
    that conversion."""
    before = lo_convert(SAMPLES / name, "xlsx", tmp_path)
    _check_fit(before, scored(name, lang))


def test_a_misfit_is_found(tmp_path: Path) -> None:
    """The check above can fail: a wrapped text in a row too low, and an unwrapped text too
    wide beside a filled cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "S"
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "бир эки үч төрт беш алты жети сегиз"
    ws["A1"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[1].height = 15
    ws["A2"] = "узун текст бир сапта жазылган"
    ws["B2"] = "x"
    ws["A3"] = "узун текст, оң жагы бош"
    path = tmp_path / "s.xlsx"
    wb.save(path)
    found = list(_misfits(load_workbook(path)["S"], {(1, 1), (2, 1), (3, 1)}))
    assert [m.cell for m in found] == ["A1", "A2"]


# --- page breaks between blocks -------------------------------------------------------------

#: A4 portrait: the rows' room on a page at 100 %, in points
PORTRAIT = (11.69 - MARGINS[2] - MARGINS[3]) * 72  # 748.08
LANDSCAPE = (8.27 - MARGINS[2] - MARGINS[3]) * 72  # 501.84
NARROW = [20.0, 40.0]  # 425 px: no shrinking on either orientation
WIDE = [100.0, 100.0, 100.0]  # 2115 px: fitted to one page wide, about a third


@pytest.mark.parametrize(
    ("heights", "widths", "blocks", "landscape", "repeat", "breaks"),
    [
        pytest.param([100.0] * 5, NARROW, [1, 3], False, None, (), id="all-fits"),
        pytest.param([300.0] * 3, NARROW, [1, 2, 3], False, None, (3,),
                     id="a-block-that-does-not-fit-starts-a-page"),
        pytest.param([300.0, 200.0, 200.0], NARROW, [1, 2], False, None, (),
                     id="rows-inside-a-block-never-break-when-it-fits"),
        pytest.param([300.0] * 3, NARROW, [1], False, None, (),
                     id="one-block-no-break-of-ours"),
        pytest.param([300.0] * 2, NARROW, [1, 2], True, None, (2,), id="landscape-is-lower"),
        pytest.param([300.0] * 2, NARROW, [1, 2], False, None, (), id="portrait-holds-both"),
        pytest.param([700.0, 700.0], WIDE, [1, 2], False, None, (),
                     id="fit-to-width-shrinks-so-a-page-holds-more"),
        pytest.param([700.0, 700.0], NARROW, [1, 2], False, None, (2,), id="no-shrinking"),
        pytest.param([50.0] * 20 + [600.0], NARROW, [1, 21], False, None, (21,),
                     id="a-long-first-block-breaks-itself-then-the-next-fits-or-not"),
        pytest.param([100.0, 600.0, 600.0, 100.0], NARROW, [1, 2, 3, 4], False, (1, 1),
                     (3, 4), id="repeated-rows-take-room-on-each-new-page"),
        pytest.param([100.0, 600.0, 600.0, 100.0], NARROW, [1, 2, 3, 4], False, None,
                     (3,), id="the-same-without-repeated-rows"),
        pytest.param([100.0] * 3, NARROW, [0, 2, 9], False, None, (),
                     id="blocks-outside-the-sheet-are-ignored"),
        pytest.param([], NARROW, [1], False, None, (), id="empty-sheet"),
    ],
)
def test_page_breaks(heights: list[float], widths: list[float], blocks: list[int],
                     landscape: bool, repeat: tuple[int, int] | None,
                     breaks: tuple[int, ...]) -> None:
    assert page_breaks(heights, widths, blocks, landscape=landscape,
                       repeat_rows=repeat) == breaks


def test_page_room_is_a4_less_the_margins() -> None:
    """A block exactly as tall as what is left of a page stays; a point more and it moves."""
    first = 100.0
    assert page_breaks([first, PORTRAIT - first], NARROW, [1, 2]) == ()
    assert page_breaks([first, PORTRAIT - first + 1], NARROW, [1, 2]) == (2,)
    assert page_breaks([first, LANDSCAPE - first], NARROW, [1, 2], landscape=True) == ()
    assert page_breaks([first, LANDSCAPE - first + 1], NARROW, [1, 2], landscape=True) == (2,)


def test_a_block_longer_than_a_page_is_not_pushed() -> None:
    # a 100-point block, then one of 1,000 points (more than a page of 748): it starts right
    # under the first, and its own rows break it
    assert page_breaks([100.0] + [50.0] * 20, NARROW, [1, 2]) == ()


# --- how many lines a text takes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        pytest.param("", 10.0, 1, id="empty"),
        pytest.param("сөз", 10.0, 1, id="one-word"),
        pytest.param("бир эки", 30.0, 1, id="two-words-that-fit"),
        # "аааа" is 4 wide, a space 0.5: two words to a line of 9.56 (11 × 0.96, less the
        # padding)
        pytest.param(" ".join(["аааа"] * 6), 11.0, 3, id="words-wrap-at-spaces"),
        pytest.param(" ".join(["аааа"] * 6), 9.0, 6, id="one-word-a-line"),
        pytest.param("а" * 50, 11.0, 6, id="a-long-word-breaks-where-the-line-ends"),
        pytest.param("бир\nэки\nүч", 40.0, 3, id="explicit-newlines"),
        pytest.param("бир\n\nүч", 40.0, 3, id="an-empty-line-counts"),
        pytest.param(12345, 10.0, 1, id="a-number"),
        pytest.param("сөз", 0.0, 3, id="no-room-one-letter-a-line"),
    ],
)
def test_lines_needed(text: object, width: float, lines: int) -> None:
    assert textfit.lines_needed(text, width) == lines


SENTENCE = ("Жер участкаларын ижарага берүүдө тендердик комиссиянын курамына жеке кызыкчылыгы "
            "бар адамдарды киргизүү, ошондой эле документтерди мөөнөтүнөн кечиктирип берүү")


def test_wider_columns_need_fewer_lines() -> None:
    counts = [textfit.lines_needed(SENTENCE, w) for w in range(5, 200)]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > 10 and counts[-1] == 1


def test_bold_and_larger_text_need_no_fewer_lines() -> None:
    for width in range(8, 120, 4):
        plain = textfit.lines_needed(SENTENCE, width)
        assert textfit.lines_needed(SENTENCE, width, bold=True) >= plain
        assert textfit.lines_needed(SENTENCE, width, size=13) >= plain
    assert textfit.text_width("Жыйынтык", bold=True) > textfit.text_width("Жыйынтык")


def test_heights_follow_lines() -> None:
    assert textfit.height_needed("", 10.0) == textfit.MIN_HEIGHT
    assert textfit.height_needed("сөз", 10.0) == textfit.LINE_POINTS
    assert textfit.height_needed("бир\nэки\nүч", 40.0) == 3 * textfit.LINE_POINTS
    assert textfit.height_needed("сөз", 10.0, size=13) == pytest.approx(
        textfit.LINE_POINTS * 13 / 11, abs=0.1)


WORDS = st.text(alphabet="абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюяАБВЖМШ.,-0123456789",
                min_size=1, max_size=18)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=30),
       narrow=st.floats(min_value=2.0, max_value=80.0), more=st.floats(min_value=0.0,
                                                                      max_value=40.0))
def test_more_room_never_needs_more_lines(words: list[str], narrow: float,
                                          more: float) -> None:
    text = " ".join(words)
    assert textfit.lines_needed(text, narrow + more) <= textfit.lines_needed(text, narrow)
    assert textfit.lines_needed(f"{text} сөз", narrow) >= textfit.lines_needed(text, narrow)


# --- printed by LibreOffice -----------------------------------------------------------------


@dataclass(frozen=True)
class PrintedPage:
    number: int
    size: tuple[float, float]  # points, width x height
    text: str  # pdftotext -layout
    sheet: str | None  # from the footer; None for the staff's sheets (no footer of ours)


@dataclass(frozen=True)
class Printed:
    name: str
    lang: str
    copy: Path
    pages: list[PrintedPage]
    #: the words of each printed line, top to bottom, page after page
    lines: list[list[str]]

    def of(self, sheet: str) -> list[PrintedPage]:
        return [p for p in self.pages if p.sheet == sheet]


def _footer_pattern(file_name: str, lang: str) -> re.Pattern[str]:
    """The footer's line in pdftotext's layout: the file, the sheet, "page P of N"."""
    page = re.escape(messages.text("page.footer", lang))
    page = page.replace(re.escape("&P"), r"(?P<page>\d+)").replace(re.escape("&N"),
                                                                   r"(?P<total>\d+)")
    return re.compile(rf"^\s*{re.escape(file_name)}\s+(?P<sheet>\S.*?)\s+{page}\s*$")


def _pdf_pages(pdf: Path, file_name: str, lang: str) -> list[PrintedPage]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    sizes = [(float(w), float(h)) for w, h in
             re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    texts = text.split("\f")[: len(sizes)]
    footer = _footer_pattern(file_name, lang)
    pages = []
    for i, (size, page_text) in enumerate(zip(sizes, texts, strict=True), start=1):
        lines = [line for line in page_text.splitlines() if line.strip()]
        found = footer.match(lines[-1]) if lines else None
        if found:
            assert (int(found["page"]), int(found["total"])) == (i, len(sizes)), lines[-1]
        pages.append(PrintedPage(i, size, page_text, found["sheet"] if found else None))
    return pages


PRINTED_SAMPLES = [*XLSX_SAMPLES, *ODS_SAMPLES]


@pytest.fixture(scope="module")
def printed(lo_convert: Callable[[Path, str, Path], Path], scored: Callable[..., Path],
            tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Printed]:
    """Every sample's copy, in Kyrgyz and in Russian, printed to PDF by LibreOffice once."""
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) is not installed")
    out = tmp_path_factory.mktemp("print_pdf")
    result = {}
    for lang in LANGS:
        for name in PRINTED_SAMPLES:
            copy = scored(name, lang)
            pdf = lo_convert(copy, "pdf", out / lang)
            result[(name, lang)] = Printed(name, lang, copy, _pdf_pages(pdf, name, lang),
                                           _pdf_lines(pdf))
    return result


CASES = [pytest.param(n, lang, id=f"{n}-{lang}") for lang in LANGS for n in PRINTED_SAMPLES]


def _pdf_lines(pdf: Path) -> list[list[str]]:
    """The words of each printed line: pdftotext's words with one baseline, left to right
    (its own lines stop at wide gaps)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    lines: list[list[str]] = []
    for page in html.split("<page ")[1:]:
        words = sorted(
            (round(float(y)), float(x), unescape(w)) for x, y, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', page))
        last: int | None = None
        for y, _, word in words:
            if last is None or y - last > 1:
                lines.append([])
            lines[-1].append(word)
            last = y
    return lines


def _printed_lines(lines: list[list[str]], words: list[str]) -> int | None:
    """How many consecutive printed lines hold exactly ``words`` (a cell alone on its lines),
    or None when they are not printed so."""
    for i in range(len(lines)):
        taken, j = 0, i
        while (j < len(lines) and taken < len(words)
               and lines[j] == words[taken:taken + len(lines[j])]):
            taken, j = taken + len(lines[j]), j + 1
        if taken == len(words) and j > i:
            return j - i
    return None


def _header(copy: Path, sheet: str, row: int) -> list[str]:
    wb = load_workbook(copy, read_only=True)
    try:
        ws = wb[sheet]
        values = next(ws.iter_rows(min_row=row, max_row=row, values_only=True))
        return [str(v) for v in values if v not in (None, "")]
    finally:
        wb.close()


def _shows_header(page: PrintedPage, header: list[str]) -> bool:
    """One line of the page holds the first word of every header cell, left to right (wrapped
    headers go on below; a page that lost a column to the next one lacks its word)."""
    firsts = [h.split()[0] for h in header]
    pattern = re.compile(r"(^|\s)" + r"\s.*?".join(re.escape(w) for w in firsts) + r"(\s|$)")
    return any(pattern.search(line) for line in page.text.splitlines())


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_added_sheets_print_as_reports(printed: dict[tuple[str, str], Printed], name: str,
                                       lang: str) -> None:
    doc = printed[(name, lang)]
    added = _added(doc.copy, _source_sheets(name))
    summary, findings, *extra = added
    # every page of ours carries our footer, and our sheets come after the staff's
    ours = [p for p in doc.pages if p.sheet is not None]
    assert {p.sheet for p in ours} == set(added)
    assert [p.number for p in ours] == list(range(ours[0].number, len(doc.pages) + 1))
    for page in ours:  # A4, either way round
        assert sorted(round(x) for x in page.size) == [595, 842], (page.number, page.size)
    assert 1 <= len(doc.of(summary)) <= 2, [p.number for p in doc.of(summary)]
    for page in doc.of(summary):
        assert page.size[0] < page.size[1]  # portrait
    head = _header(doc.copy, findings, 1)
    assert len(head) == 5
    for page in doc.of(findings):
        assert page.size[0] < page.size[1]
        assert _shows_header(page, head), (findings, page.number, page.text[:400])
    for title in extra:
        wb = load_workbook(doc.copy)
        head = _header(doc.copy, title, _title_rows(wb[title])[0])
        wb.close()
        assert len(head) == 10
        pages = doc.of(title)
        assert pages
        for page in pages:
            assert page.size[0] > page.size[1]  # landscape
            assert _shows_header(page, head), (title, page.number, page.text[:400])


def test_shows_header_needs_every_column() -> None:
    page = PrintedPage(1, (595.0, 842.0), "№   Милдеттер   Иш-чаралар\n  1   бир   эки\n", None)
    assert _shows_header(page, ["№", "Милдеттер", "Иш-чаралар"])
    assert not _shows_header(page, ["№", "Милдеттер", "Иш-чаралар", "Мөөнөтү"])
    assert not _shows_header(page, ["Иш-чаралар", "№"])


def test_footer_pattern() -> None:
    ky = _footer_pattern("a.xlsx", "ky")
    found = ky.match("a.xlsx        Отчет 2026        6-бет, бардыгы 8")
    assert found and (found["sheet"], found["page"], found["total"]) == ("Отчет 2026", "6", "8")
    ru = _footer_pattern("a.xlsx", "ru")
    found = ru.match("  a.xlsx   Итоги   Стр. 2 из 3 ")
    assert found and found["sheet"] == "Итоги"
    assert not ru.match("b.xlsx   Итоги   Стр. 2 из 3")


PARAGRAPH_CASES = [pytest.param(n, lang, id=f"{n}-{lang}")
                   for lang in LANGS for n in PRINTED_SAMPLES]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), PARAGRAPH_CASES)
def test_paragraphs_print_on_no_more_lines_than_estimated(
        printed: dict[tuple[str, str], Printed], name: str, lang: str) -> None:
    """Every text across an added sheet's whole width (a merged row: headings, the rules'
    paragraphs, the yearly report's sections and signature lines) takes in LibreOffice's print
    no more lines than :func:`textfit.lines_needed` says, so the row height made from it shows
    the text whole."""
    doc = printed[(name, lang)]
    wb = load_workbook(doc.copy)
    checked, wrong = 0, []
    for title in _added(doc.copy, _source_sheets(name)):
        ws = wb[title]
        widths = _widths(ws)
        for merged in ws.merged_cells.ranges:
            cell = ws.cell(merged.min_row, merged.min_col)
            if (merged.min_col, merged.max_col) != (1, max(widths)) or not cell.value:
                continue
            text = str(cell.value)
            width = sum(widths[c] for c in range(1, max(widths) + 1))
            estimate = textfit.lines_needed(text, width, bold=bool(cell.font.b),
                                            size=cell.font.sz)
            printed_lines = _printed_lines(doc.lines, text.split())
            assert printed_lines is not None, (title, cell.coordinate, text)
            checked += 1
            if printed_lines > estimate:
                wrong.append(f"{title}!{cell.coordinate} {text[:50]!r}: {printed_lines} lines "
                             f"printed, {estimate} estimated (width {width:g})")
    assert checked >= 3
    assert not wrong, "\n".join(wrong)


def test_printed_lines() -> None:
    lines = [["Итоги"], ["Остаточный", "риск"], ["понижен", "на", "одну"], ["Всего", "3"]]
    assert _printed_lines(lines, ["Остаточный", "риск", "понижен", "на", "одну"]) == 2
    assert _printed_lines(lines, ["Итоги"]) == 1
    assert _printed_lines(lines, ["Всего"]) is None  # not alone on its line
    assert _printed_lines(lines, ["риск", "понижен"]) is None
