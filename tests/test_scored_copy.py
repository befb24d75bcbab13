"""The annotated copy <name>.scored.xlsx, compared by values and styles through openpyxl."""

from __future__ import annotations

import warnings
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from tests.builders import Section, add_vba_part, data_row, make_register, risk
from workbook_tools import FileReport, Options, messages, pipeline
from workbook_tools.rules import matrix as rules

SERVICE = "Кызмат көрсөтүү функциясы"
PERMIT = "Уруксат берүү функциясы"
TITLES = ["Коррупциялык тобокелдиги бар учурлардын жана кырдаалдардын тизмеги"]
NOTES = [["Жумушчу топтун эскертүүлөрү", None], ["Отурум", 3], [None, "2026-04-10"]]

# (probability, harm, control) of the risks of the standard register, in order, by section.
RISKS = [
    (SERVICE, 3, 3, "жогорку"),  # high -> residual medium
    (SERVICE, 3, 3, None),  # high
    (SERVICE, 1, 1, "жогорку"),  # low
    (PERMIT, 2, 3, None),  # high
    (PERMIT, 1, 2, None),  # low
    (PERMIT, 2, 2, "орточо"),  # medium
    (PERMIT, "?", 2, None),  # not scored: an error finding
]


def _rows() -> list:
    rows: list = []
    section = None
    number = 0
    for name, p, h, control in RISKS:
        if name != section:
            rows.append(Section(name))
            section, number = name, 0
        number += 1
        rows.append(risk(number, function=f"Функция {len(rows)}", cases=f"Учур {len(rows)}",
                         p=p, h=h, control=control))
    return rows


ROWS = _rows()
RISK_ROWS = [data_row(i, TITLES) for i, item in enumerate(ROWS) if isinstance(item, dict)]
HEADER = len(TITLES) + 1


def _register(path: Path) -> Path:
    """The standard register, with staff's fonts and a fill of their own on one cell."""
    make_register(path, title_rows=TITLES, rows=ROWS, extra_sheets={"Лист2": NOTES},
                  merges=[f"B{RISK_ROWS[0]}:B{RISK_ROWS[1]}"])
    wb = load_workbook(path)
    ws = wb["Тизме"]
    ws["A1"].font = Font(name="Times New Roman", size=14, bold=True)
    for cell in ws[HEADER]:
        cell.font = Font(name="Times New Roman", bold=True, italic=True, color="FF1F4E79")
    ws[f"C{RISK_ROWS[2]}"].font = Font(name="Arial", size=9, underline="single")
    ws[f"F{RISK_ROWS[4]}"].fill = PatternFill("solid", fgColor="FF00B0F0")  # staff's own colour
    wb["Лист2"]["A1"].font = Font(name="Courier New", bold=True)
    wb.save(path)
    return path


@pytest.fixture(params=["ky", "en"])
def scored(request, tmp_path: Path) -> tuple[Path, FileReport, str]:
    lang = request.param
    source = _register(tmp_path / "in" / "register.xlsx")
    report = pipeline.score_file(source, tmp_path / "out", Options(lang=lang))
    assert report.output == tmp_path / "out" / "register.scored.xlsx"
    return source, report, lang


def _font(cell) -> tuple:
    f = cell.font
    return (f.name, f.size, f.bold, f.italic, f.underline, f.color.rgb if f.color else None)


def _fill(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type else None


def _row_of(ws, text: str, column: int = 1) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in column {column} of {ws.title}")


def _level(p, h) -> str | None:
    if not isinstance(p, int) or not isinstance(h, int):
        return None
    return rules.level_for_sum(rules.score_sum(p, h)).value


# --- staff's workbook is kept ------------------------------------------------------------------

def test_staff_values_fonts_merges_and_other_sheets_are_kept(scored) -> None:
    source, report, _ = scored
    before = load_workbook(source)
    after = load_workbook(report.output)
    assert after.sheetnames[:2] == before.sheetnames
    for name in before.sheetnames:
        old, new = before[name], after[name]
        assert {str(r) for r in old.merged_cells.ranges} == {
            str(r) for r in new.merged_cells.ranges}
        for row in old.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                copy = new[cell.coordinate]
                assert (copy.value, copy.data_type) == (cell.value, cell.data_type), cell
                assert _font(copy) == _font(cell), cell.coordinate
    assert _fill(after["Тизме"][f"F{RISK_ROWS[4]}"]) == "FF00B0F0"


def test_input_is_not_modified(tmp_path: Path) -> None:
    source = _register(tmp_path / "register.xlsx")
    before = source.read_bytes()
    pipeline.score_file(source, tmp_path / "out")
    assert source.read_bytes() == before


# --- computed columns, fills, marks -----------------------------------------------------------

COMPUTED = ["col.sum", "col.level", "col.residual", "col.measure", "col.findings"]


def test_computed_columns_beside_the_table(scored) -> None:
    _, report, lang = scored
    ws = load_workbook(report.output)["Тизме"]
    headers = [ws.cell(HEADER, 14 + i).value for i in range(len(COMPUTED))]
    assert headers == [messages.text(key, lang) for key in COMPUTED]
    for row, (_, p, h, control) in zip(RISK_ROWS, RISKS, strict=True):
        level = _level(p, h)
        total = p + h if level else None
        residual = rules.residual_level(
            rules.Level(level) if level else None,
            rules.Level.HIGH if control == "жогорку" else None,
        )
        values = [ws.cell(row, 14 + i).value for i in range(4)]
        assert values == [
            total,
            messages.level_name(level, lang) if level else None,
            messages.level_name(residual, lang) if residual else None,
            messages.text(rules.MEASURE_KEY[rules.Level(level)].replace("measure.",
                                                                        "measure_short."), lang)
            if level else None,
        ], row
    # the measure's cells hold it in a few words; its header's note, the whole of point 6
    note = ws.cell(HEADER, 17).comment
    assert note is not None and messages.text("measure.high", lang) in note.text


def test_risk_rows_are_filled_by_computed_level(scored) -> None:
    _, report, _ = scored
    ws = load_workbook(report.output)["Тизме"]
    own = (RISK_ROWS[4], 6)
    for row, (_, p, h, _) in zip(RISK_ROWS, RISKS, strict=True):
        level = _level(p, h)
        expected = rules.LEVEL_FILL[rules.Level(level)] if level else None
        for col in range(1, 14):
            cell = ws.cell(row, col)
            if type(cell).__name__ == "MergedCell" or (row, col) == own:
                continue
            assert _fill(cell) == expected, cell.coordinate
    for col in range(1, 14):  # section rows and the header are not coloured as risks
        assert _fill(ws.cell(data_row(0, TITLES), col)) is None


def test_cells_with_findings_are_commented_and_marked(scored) -> None:
    _, report, lang = scored
    ws = load_workbook(report.output)["Тизме"]
    bad = ws[f"I{RISK_ROWS[-1]}"]
    assert bad.value == "?"
    assert bad.comment is not None and bad.comment.author == "workbook_tools"
    (finding,) = [f for f in report.findings if f.code == "score.unreadable"]
    assert messages.render(finding, lang) in bad.comment.text
    for side in (bad.border.left, bad.border.right, bad.border.top, bad.border.bottom):
        assert (side.style, side.color.rgb) == ("medium", "FFC00000")
    findings_text = ws.cell(RISK_ROWS[-1], 14 + 4).value
    assert messages.render(finding, lang) in findings_text
    clean = ws[f"I{RISK_ROWS[0]}"]
    assert clean.comment is None and clean.border.left.style != "medium"


# --- the Summary sheet --------------------------------------------------------------------------

def test_summary_counts_by_level_and_section(scored) -> None:
    _, report, lang = scored
    ws = load_workbook(report.output)[messages.text("sheet.summary", lang)]
    levels = Counter(_level(p, h) for _, p, h, _ in RISKS)
    top = _row_of(ws, messages.text("summary.by_level", lang))
    got = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(top + 1, top + 6)}
    assert got == {
        messages.level_name("high", lang): levels["high"],
        messages.level_name("medium", lang): levels["medium"],
        messages.level_name("low", lang): levels["low"],
        messages.level_name(None, lang): levels[None],
        messages.text("summary.total", lang): len(RISKS),
    }
    for lvl in ("high", "medium", "low"):
        assert _fill(ws.cell(_row_of(ws, messages.level_name(lvl, lang)), 1)) == \
            rules.LEVEL_FILL[rules.Level(lvl)]
    top = _row_of(ws, messages.text("summary.by_section", lang))
    for name in (SERVICE, PERMIT):
        r = _row_of(ws, name)
        assert r > top
        mine = Counter(_level(p, h) for s, p, h, _ in RISKS if s == name)
        assert [ws.cell(r, c).value for c in range(3, 8)] == [
            mine["high"], mine["medium"], mine["low"], mine[None], sum(mine.values())]


def test_summary_heat_map(scored) -> None:
    _, report, lang = scored
    ws = load_workbook(report.output)[messages.text("sheet.summary", lang)]
    top = _row_of(ws, messages.text("summary.heatmap", lang))
    pairs = Counter((p, h) for _, p, h, _ in RISKS if _level(p, h))
    for i, p in enumerate((1, 2, 3)):
        row = top + 2 + i
        assert str(ws.cell(row, 1).value).startswith(str(p))
        for j, h in enumerate((1, 2, 3)):
            cell = ws.cell(row, 3 + j)
            assert cell.value == pairs[(p, h)], (p, h)
            assert _fill(cell) == rules.LEVEL_FILL[rules.level_for_sum(p + h)], (p, h)
    assert sum(ws.cell(top + 2 + i, 3 + j).value for i in range(3) for j in range(3)) == sum(
        pairs.values())


def test_summary_lists_the_high_risks(scored) -> None:
    _, report, lang = scored
    ws = load_workbook(report.output)[messages.text("sheet.summary", lang)]
    top = _row_of(ws, messages.text("summary.high_risks", lang))
    measure = messages.text("measure.high", lang)
    assert measure[1:] in ws.cell(top + 1, 1).value  # once, above the list
    listed = []
    r = top + 3
    while ws.cell(r, 1).value is not None:
        listed.append((ws.cell(r, 1).value, ws.cell(r, 3).value))
        r += 1
    assert listed == [
        (row, section)
        for row, (section, p, h, _) in zip(RISK_ROWS, RISKS, strict=True)
        if _level(p, h) == "high"
    ]


# --- the Findings sheet -------------------------------------------------------------------------

def test_findings_sheet_one_row_per_finding_with_links(scored) -> None:
    _, report, lang = scored
    ws = load_workbook(report.output)[messages.text("sheet.findings", lang)]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(report.findings) > 0
    for cells, finding in zip(rows, report.findings, strict=True):
        assert cells[4].value == messages.render(finding, lang)
        if finding.row and finding.column:
            link = cells[2].hyperlink
            assert link is not None
            assert link.location == f"'{finding.sheet}'!{finding.column}{finding.row}"


# --- formula injection ---------------------------------------------------------------------------

INJECTED = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","y")']


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    rows = [
        Section("@SUM(A1)"),
        risk(1, function="=1+1", cases="+cmd|' /C calc'!A0", level="-2+3", p=3, h=3),
        risk(2, function="Ф", cases="@SUM(A1)", level='=HYPERLINK("http://x","y")', p=1, h=1),
    ]
    source = make_register(tmp_path / "r.xlsx", rows=rows)
    assert load_workbook(source)["Тизме"][f"B{data_row(1)}"].data_type == "s"  # as staff typed
    report = pipeline.score_file(source, tmp_path / "out", Options(lang="en"))
    wb = load_workbook(report.output)
    seen: Counter[str] = Counter()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                if cell.value in INJECTED:
                    assert cell.data_type == "s"
                    seen[ws.title] += 1
    assert seen["Тизме"] >= 5
    assert seen["Summary"] >= 2  # the section name and the high risk's text
    findings = wb["Findings"]
    values = [c.value for c in findings["D"]]
    assert '=HYPERLINK("http://x","y")' in values and "-2+3" in values
    assert all(c.data_type == "s" for c in findings["D"] if c.value is not None)


# --- inputs of other kinds, atomic output -------------------------------------------------------

def test_xlsm_input_gives_a_copy_without_macros(tmp_path: Path) -> None:
    plain = make_register(tmp_path / "plain.xlsx", rows=[risk(1, p=3, h=3)])
    xlsm = add_vba_part(plain, tmp_path / "macro.xlsm")
    assert "xl/vbaProject.bin" in zipfile.ZipFile(xlsm).namelist()
    report = pipeline.score_file(xlsm, tmp_path / "out")
    assert report.status == "ok", report.reason_params
    assert report.output == tmp_path / "out" / "macro.xlsm.scored.xlsx"
    with zipfile.ZipFile(report.output) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
    ws = load_workbook(report.output)["Тизме"]
    assert ws.cell(data_row(0), 15).value == messages.level_name("high")


def test_output_is_written_atomically(tmp_path: Path) -> None:
    source = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=2, h=2)])
    out = tmp_path / "out"
    report = pipeline.score_file(source, out)
    assert sorted(p.name for p in out.iterdir()) == ["r.scored.xlsx"]
    with zipfile.ZipFile(report.output) as z:
        assert z.testzip() is None
    assert load_workbook(report.output).sheetnames[0] == "Тизме"


@pytest.mark.parametrize("backend", ["openpyxl", "stream"])
def test_failed_save_leaves_no_partial_file(tmp_path: Path, monkeypatch, backend: str) -> None:
    """A save that dies half-way leaves neither a temporary file nor a broken copy."""
    from workbook_tools.annotated import writer

    source = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=2, h=2)])
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.scored.xlsx").write_bytes(b"previous copy")

    def broken_save(*args):
        Path(args[-1] if backend == "openpyxl" else args[2]).write_bytes(b"PK\x03\x04 half")
        raise OSError("disk full")

    if backend == "openpyxl":
        monkeypatch.setattr(Workbook, "save", broken_save)
    else:
        monkeypatch.setattr(writer, "write_stream", broken_save)
    report = pipeline.score_file(source, out, pipeline.Options(backend=backend))
    assert (report.status, report.reason) == ("rejected", "file.output_failed")
    assert sorted(p.name for p in out.iterdir()) == ["r.scored.xlsx"]
    assert (out / "r.scored.xlsx").read_bytes() == b"previous copy"


@pytest.mark.slow
def test_ods_sheet_with_a_long_name_is_annotated(tmp_path: Path, lo_convert) -> None:
    """LibreOffice allows sheet names longer than Excel's 31 characters."""
    long = "Коррупциялык тобокелдиктердин тизмеги 2026-жыл"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about the length; LibreOffice keeps it
        source = make_register(tmp_path / "r.xlsx", sheet=long,
                               rows=[risk(1, p=3, h=3), risk(2, p="?", h=1)])
    ods = lo_convert(source, "ods", tmp_path / "ods")
    report = pipeline.score_file(ods, tmp_path / "out", Options(lang="en"))
    assert report.tables[0].sheet == long
    wb = load_workbook(report.output)
    ws = wb.worksheets[0]
    assert ws.cell(1, 14).value == messages.text("col.sum", "en")
    assert _fill(ws.cell(data_row(0), 1)) == rules.LEVEL_FILL[rules.Level.HIGH]
    assert ws[f"I{data_row(1)}"].comment is not None
    links = [c.hyperlink for c in wb["Findings"]["C"] if c.hyperlink is not None]
    assert links and links[0].location.endswith(f"!I{data_row(1)}")  # the first cell's finding


@pytest.mark.parametrize(("sheet", "quoted"), [
    ("Тизме", "'Тизме'"), ("Мектеп 2026", "'Мектеп 2026'"), ("Мектеп's", "'Мектеп''s'"),
], ids=["plain", "space", "apostrophe"])
def test_findings_links_quote_the_sheet_name(tmp_path: Path, sheet: str, quoted: str) -> None:
    source = make_register(tmp_path / "r.xlsx", sheet=sheet, rows=[risk(1, p="?", h=1)])
    report = pipeline.score_file(source, tmp_path / "out", Options(lang="en"))
    link = load_workbook(report.output)["Findings"]["C2"].hyperlink
    assert link.location == f"{quoted}!I{data_row(0)}"
