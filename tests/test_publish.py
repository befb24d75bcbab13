"""Assessment sheets (Annex I, point 7), the web page for the official site, and the finding on
recommended measures (issue 13): the content of each risk's sheet, the rows in error left out
unless forced, the page escaped, valid HTML and accessible; rendering it in headless Chromium
at phone and desktop widths is in tests/test_publish_browser.py."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import html5lib
import openpyxl
import pytest
from click.testing import CliRunner

from tests.builders import KEYS, KY_HEADER, Section, make_register, risk
from workbook_tools import analyse, messages
from workbook_tools.cli import main
from workbook_tools.publish.page import render
from workbook_tools.publish.select import select
from workbook_tools.publish.sheets import write_sheets

MEASURES_HEADER = "Тобокелдикти азайтуу боюнча сунушталган чаралар"
HOSTILE = '<script>alert("x")</script> «кыр» & \'бир\' "эки" <img src=x onerror=alert(1)>'


def _row(measures: str | None = None, **kw: Any) -> list[Any]:
    """A risk as a list of cells in the register's column order, with recommended measures
    after them."""
    rec = risk(**kw)
    return [rec.get(k) for k in KEYS] + [measures]


def _register(tmp_path: Path, rows: list[Any], *, measures: bool = False,
              name: str = "r.xlsx") -> Path:
    header = [*KY_HEADER, MEASURES_HEADER] if measures else list(KY_HEADER)
    if not measures:
        rows = [r[:-1] if isinstance(r, list) else r for r in rows]
    return make_register(tmp_path / name, header=header, rows=rows,
                         title_rows=["Мекеме: «Балапан» балдар бакчасы"])


# --- point 3: the finding on recommended measures ---------------------------------------------

@pytest.mark.parametrize(("scores", "measures", "expected"), [
    # (probability, harm) of each risk; a recommended-measures column or not; (high, medium)
    ([(3, 3), (2, 2), (1, 1)], False, (1, 1)),
    ([(3, 2), (3, 3), (1, 2)], False, (2, 0)),
    ([(1, 1), (1, 2)], False, None),     # only low risks: nothing is missing
    ([(3, 3), (2, 2)], True, None),      # the column is there
], ids=["high-medium-low", "two-high", "low-only", "column-present"])
def test_measures_missing_for_high_and_medium_risks(tmp_path: Path, scores: list[tuple[int, int]],
                                                    measures: bool,
                                                    expected: tuple[int, int] | None) -> None:
    rows = [_row("Чара", number=i + 1, p=p, h=h) for i, (p, h) in enumerate(scores)]
    report = analyse(_register(tmp_path, rows, measures=measures))
    found = [f for f in report.findings if f.code == "measures.missing"]
    if expected is None:
        assert found == []
        return
    (f,) = found
    assert not f.is_error and f.row is None
    assert (f.params["high"], f.params["medium"]) == expected
    table = report.tables[0]
    wanted = [r for r, rec in table.records() if rec["level"] in ("high", "medium")]
    assert f.params["rows"] == ", ".join(map(str, wanted))
    assert messages.has("title.measures.missing")


def test_measures_missing_counts_stated_levels_of_a_register_not_scored(tmp_path: Path) -> None:
    header = list(KY_HEADER[:8])
    rows = [risk(1, level="Жогорку"), risk(2, level="Орточо"), risk(3, level="Төмөнкү")]
    path = make_register(tmp_path / "r.xlsx", header=header, rows=rows)
    (f,) = [f for f in analyse(path).findings if f.code == "measures.missing"]
    assert (f.params["high"], f.params["medium"]) == (1, 1)


# --- valid rows only, unless forced -----------------------------------------------------------

def _with_errors(tmp_path: Path) -> Path:
    rows = [Section("Кызмат көрсөтүү функциясы"),
            _row(None, number=1, cases="Маалымкат берүүдө пара талап кылуу", p=3, h=3),
            _row(None, number=2, cases="Катасы бар тобокелдик", p=7, h=2),
            _row(None, number=3, cases="Жер бөлүштүрүү", p=1, h=2)]
    return _register(tmp_path, rows)


@pytest.mark.parametrize(("force", "cases"), [
    (False, ["Маалымкат берүүдө пара талап кылуу", "Жер бөлүштүрүү"]),
    (True, ["Маалымкат берүүдө пара талап кылуу", "Катасы бар тобокелдик", "Жер бөлүштүрүү"]),
], ids=["valid-only", "forced"])
def test_rows_in_error_are_left_out_unless_forced(tmp_path: Path, force: bool,
                                                  cases: list[str]) -> None:
    sel = select(analyse(_with_errors(tmp_path)), force=force)
    (part,) = sel.registers
    assert [rec["cases"] for _, rec in part.rows] == cases
    assert len(part.in_error) == 1
    assert part.left_out == ([] if force else part.in_error)
    assert sel.unit == "«Балапан» балдар бакчасы"


def test_a_missing_required_column_puts_every_row_in_error(tmp_path: Path) -> None:
    header = list(KY_HEADER)
    header[1] = "Эскертүү"  # no function column: an error about the whole table
    path = make_register(tmp_path / "r.xlsx", header=header, rows=[risk(1), risk(2)])
    report = analyse(path)
    assert any(f.code == "column.missing" and f.is_error for f in report.findings)
    (part,) = select(report).registers
    assert part.rows == [] and len(part.in_error) == 2


# --- the assessment sheets --------------------------------------------------------------------

def _cells(ws: Any) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_one_sheet_per_risk_with_its_content(tmp_path: Path, lang: str) -> None:
    rows = [
        _row("Тендерди ачык өткөрүү", number=1, function="Сатып алуу",
             cases="Сатып алууда бир жеткирүүчүгө артыкчылык берүү", unit="Бухгалтерия",
             positions="Башкы адис", p=3, p_reason="Комиссия бир адамдан турат", h=2,
             h_reason="Бюджетке зыян", control="Жогорку"),
        _row(None, number=2, function="Маалымкат берүү", cases="Маалымкат үчүн акы талап кылуу",
             p=1, p_reason="Сейрек", h=1, h_reason="Аз зыян"),
    ]
    path = _register(tmp_path, rows, measures=True)
    sel = select(analyse(path))
    written = write_sheets(sel, tmp_path / "out" / "sheets.xlsx", lang)
    assert written.count == 2
    book = openpyxl.load_workbook(written.path)
    assert len(book.worksheets) == 2
    first, second = book.worksheets
    t = messages.text
    one = _cells(first)
    for text in (t("assess.title", lang, index=1), "«Балапан» балдар бакчасы", "Сатып алуу",
                 "Сатып алууда бир жеткирүүчүгө артыкчылык берүү", "Бухгалтерия", "Башкы адис",
                 "Комиссия бир адамдан турат", "Бюджетке зыян", "Тендерди ачык өткөрүү",
                 t("assess.scale", lang, points=3, word=messages.level_name("high", lang)),
                 t("assess.scale", lang, points=2, word=messages.level_name("medium", lang)),
                 "5", t("measure.high", lang), t("assess.sign_line", lang),
                 t("assess.date_line", lang)):
        assert text in one, text
    assert one.count(t("assess.sign_line", lang)) == 3
    # final level high (red), residual one step lower for highly effective controls (yellow)
    level = _value_cell(first, t("assess.level", lang))
    assert level.value == messages.level_name("high", lang)
    assert level.fill.fgColor.rgb.endswith("FFC7CE")
    residual = _value_cell(first, t("col.residual", lang))
    assert residual.value == messages.level_name("medium", lang)
    assert residual.fill.fgColor.rgb.endswith("FFEB9C")
    # no recommended measure: the low risk's sheet leaves the line to the working group
    two = _cells(second)
    assert t("assess.to_fill", lang) in two and t("measure.low", lang) in two
    assert t("assess.title", lang, index=2) in two
    for ws in book.worksheets:  # printable: A4, the whole sheet on one page
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # 1 by 1 is the format's default, which xlsxwriter leaves unsaid
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)
        assert "sheets.xlsx" in ws.oddFooter.left.text


def _value_cell(ws: Any, label: str) -> Any:
    for row in ws.iter_rows():
        if row[0].value == label:
            return row[1]
    raise AssertionError(f"no row {label!r}")


def test_rows_of_the_sheets_are_as_tall_as_their_text(tmp_path: Path) -> None:
    long = "Узун негиздеме " * 40
    rows = [_row(None, number=1, p=2, p_reason=long, h=2)]
    written = write_sheets(select(analyse(_register(tmp_path, rows))), tmp_path / "s.xlsx", "ky")
    ws = openpyxl.load_workbook(written.path).active
    (row,) = [c.row for r in ws.iter_rows() for c in r if c.value == long.strip()]
    assert ws.row_dimensions[row].height >= 15 * 5


def test_hostile_text_stays_text_in_the_sheets(tmp_path: Path) -> None:
    rows = [_row(None, number=1, cases="=HYPERLINK(\"http://x\")", function=HOSTILE)]
    written = write_sheets(select(analyse(_register(tmp_path, rows))), tmp_path / "s.xlsx", "ky")
    ws = openpyxl.load_workbook(written.path).active
    cells = [c for r in ws.iter_rows() for c in r if c.value == '=HYPERLINK("http://x")']
    assert cells and cells[0].data_type == "s"


# --- the page -----------------------------------------------------------------------------------

DAY = date(2026, 11, 25)


def _page(tmp_path: Path, lang: str = "ky", **kw: Any) -> str:
    rows = [Section(f"Кызмат {HOSTILE}"),
            _row(None, number=1, cases=HOSTILE, function='Функция "кош тырмакча"', p=3, h=3),
            _row(None, number=2, cases="Жер бөлүштүрүү", p=1, h=2, **kw)]
    return render(select(analyse(_register(tmp_path, rows))), lang, DAY)


def test_the_page_escapes_the_workbooks_text(tmp_path: Path) -> None:
    html = _page(tmp_path)
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&#39;бир&#39;" in html and "&amp;" in html
    assert "Функция &#34;кош тырмакча&#34;" in html


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_the_page_is_valid_html(tmp_path: Path, lang: str) -> None:
    html = _page(tmp_path, lang)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse(html)  # strict: the first parse error raises
    assert doc.get("lang") == lang
    texts = " ".join(doc.itertext())
    assert HOSTILE.replace("  ", " ") in " ".join(texts.split()) or HOSTILE in texts


def test_the_page_is_a_real_accessible_table(tmp_path: Path) -> None:
    html = _page(tmp_path)
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    (table,) = doc.iter("table")
    heads = [th for th in table.iter("th") if th.get("scope") == "col"]
    assert [th.text for th in heads][:3] == ["№", messages.text("page.col.function"),
                                             messages.text("page.col.cases")]
    assert [th.get("scope") for th in table.iter("th") if th.get("scope") == "rowgroup"]
    rows = [th.text for th in table.iter("th") if th.get("scope") == "row"]
    assert rows == ["1", "2"]
    # a level is a word, its colour only repeats it
    levels = [td for td in table.iter("td") if "lvl-high" in (td.get("class") or "")]
    assert levels and all(td.text == messages.level_name("high") for td in levels)
    assert "25.11.2026" in html
    legend = [li for ul in doc.iter("ul") if ul.get("class") == "legend" for li in ul.iter("li")]
    assert len(legend) == 3


def test_the_page_fetches_nothing_and_runs_nothing(tmp_path: Path) -> None:
    html = _page(tmp_path)
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    tags = {el.tag for el in doc.iter()}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    attributes = [(k, v) for el in doc.iter() for k, v in el.attrib.items()]
    assert not [kv for kv in attributes if kv[0] in ("src", "href") or kv[0].startswith("on")]
    assert not [kv for kv in attributes if re.search(r"https?:|//", kv[1])]
    (style,) = doc.iter("style")
    assert not re.search(r"url\(|@import", style.text or "")
    assert "default-src 'none'" in html  # the browser itself refuses scripts and fetches
    assert 'name="viewport"' in html


def test_the_page_has_the_plan_when_the_workbook_has_one() -> None:
    samples = Path(__file__).resolve().parent.parent / "sample_workbooks"
    sel = select(analyse(samples / "mixed_register_and_plan.xlsx"))
    html = render(sel, "ky", DAY)
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    assert len(list(doc.iter("table"))) == 2
    assert messages.text("page.plan_title") in html
    plan_rows = [th for t in list(doc.iter("table"))[1:] for th in t.iter("th")
                 if th.get("scope") == "row"]
    assert len(plan_rows) == len(sel.plans[0].rows)


# --- the commands -------------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "out", "force", "code", "said"), [
    ("sheets", "s.xlsx", False, 1, "publish.left_out"),
    ("sheets", "s.xlsx", True, 1, "publish.forced"),
    ("publish", "p.html", False, 1, "publish.left_out"),
    ("publish", "p.html", True, 1, "publish.forced"),
], ids=["sheets", "sheets-forced", "publish", "publish-forced"])
def test_commands_say_the_rows_left_out(tmp_path: Path, command: str, out: str, force: bool,
                                        code: int, said: str) -> None:
    src = _with_errors(tmp_path)
    args = [command, str(src), "-o", str(tmp_path / out), "--lang", "en"]
    result = CliRunner().invoke(main, args + (["--force"] if force else []))
    assert result.exit_code == code, result.output
    head = messages.text(said, "en", rows="", sheet="").split(":")[0]
    assert head in result.output
    assert (tmp_path / out).is_file()
    assert "score.out_of_range" not in result.output  # findings as sentences, never codes
    assert "score 7 is outside the 1–3 scale" in result.output


def test_commands_refuse_what_they_cannot_use(tmp_path: Path) -> None:
    runner = CliRunner()
    src = _register(tmp_path, [_row(None, number=1)])
    same = runner.invoke(main, ["publish", str(src), "-o", str(src)])
    assert same.exit_code == 2 and src.is_file()
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    rejected = runner.invoke(main, ["sheets", str(junk), "-o", str(tmp_path / "s.xlsx")])
    assert rejected.exit_code == 2 and not (tmp_path / "s.xlsx").exists()
    samples = Path(__file__).resolve().parent.parent / "sample_workbooks"
    plan_only = runner.invoke(main, ["sheets", str(samples / "dostuk_action_plan.xlsx"), "-o",
                                     str(tmp_path / "s.xlsx"), "--lang", "en"])
    assert plan_only.exit_code == 2
    assert messages.text("publish.no_register", "en") in plan_only.output
