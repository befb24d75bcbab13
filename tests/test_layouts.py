"""Reading the layouts staff really use, through pipeline.analyse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import (
    KEYS,
    KY_HEADER,
    RU_HEADER,
    Section,
    data_row,
    header_row,
    make_register,
    risk,
    without_measures,
)
from workbook_tools import FileReport, Table, messages, pipeline

SERVICE = "Кызмат көрсөтүү функциясы"
PERMIT = "Уруксат берүү функциясы"


def only_table(report: FileReport) -> Table:
    assert report.status != "rejected", report.reason
    (table,) = report.tables
    return table


def codes(report: FileReport) -> list[str]:
    return [f.code for f in report.findings]


def column(table: Table, key: str) -> list:
    return [None if v != v else v for v in table.frame[key].tolist()]  # NaN -> None


# --- title rows, header variants, the row of column numbers ---------------------------------

TITLES = {
    "none": [],
    "one": ["Коррупциялык тобокелдиги бар учурлардын жана кырдаалдардын тизмеги"],
    "annex-and-order": [
        "Достук айыл өкмөтүнүн 2026-жылдын 10-апрелиндеги № 114 буйругуна тиркеме",
        "",
        "Коррупциянын келип чыгуу тобокелдиги бар учурлардын жана кырдаалдардын Иш-планы",
        "Бекитем: Башчы Т.Д.Таев",
    ],
}


@pytest.mark.parametrize("titles", TITLES.values(), ids=TITLES.keys())
@pytest.mark.parametrize("number_row", [True, False], ids=["numbers", "no-numbers"])
def test_title_rows_above_the_header(tmp_path: Path, titles: list[str], number_row: bool) -> None:
    path = make_register(tmp_path / "r.xlsx", title_rows=titles, number_row=number_row,
                         rows=[risk(1, p=3, h=3), risk(2, p=1, h=2)])
    table = only_table(pipeline.analyse(path))
    assert table.header_row == header_row(titles)
    assert table.frame.index.tolist() == [data_row(i, titles, number_row) for i in range(2)]
    assert column(table, "level") == ["high", "low"]
    assert (table.layout.number_row is not None) is number_row


def _header_variant(**changes: str) -> list[str]:
    header = list(KY_HEADER)
    for key, text in changes.items():
        header[KEYS.index(key)] = text
    return header


HEADER_VARIANTS = {
    "line-breaks": _header_variant(
        cases="Коррупциянын\nтобокелдиги бар\nучурлар жана\nкырдаалдар",
        function="Функциясы\n(ыйгарым\nукуктары)",
        probability="Ыктымалдуулук\n(балл)",
    ),
    "upper-case": _header_variant(
        cases="КОРРУПЦИЯНЫН ТОБОКЕЛДИГИ БАР УЧУРЛАР ЖАНА КЫРДААЛДАР",
        stated_level="ДЕҢГЭЭЛИ", harm="КЕСЕПЕТТЕР (ЗЫЯН)",
    ),
    "spacing": _header_variant(
        cases="  Коррупциянын   тобокелдиги бар учурлар\u00a0жана  кырдаалдар ",
        stated_level="Деңгээли\u00a0",
        probability=" Ыктымалдуулук ( балл ) ",
    ),
    "seed-level-header": _header_variant(stated_level="деңгээли (орточо нөлдүк, төмөнкү, ...)"),
}


@pytest.mark.parametrize("header", HEADER_VARIANTS.values(), ids=HEADER_VARIANTS.keys())
def test_header_variants(tmp_path: Path, header: list[str]) -> None:
    path = make_register(tmp_path / "r.xlsx", header=header,
                         rows=[risk(1, level="Жогорку", p=3, h=2, control="жогорку")])
    table = only_table(pipeline.analyse(path))
    assert set(table.layout.columns) == set(KEYS)
    assert table.layout.columns == {key: i for i, key in enumerate(KEYS)}
    assert column(table, "level") == ["high"]
    assert column(table, "residual_level") == ["medium"]


NUMBER_ROWS = {
    "1..13": list(range(1, 14)),
    "seed-typo-1-2-3-5-6-6-7": [1, 2, 3, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13],
    "as-text": [str(i) for i in range(1, 14)],
    "first-eight-only": list(range(1, 9)),
}


@pytest.mark.parametrize("numbers", NUMBER_ROWS.values(), ids=NUMBER_ROWS.keys())
def test_row_of_column_numbers_is_skipped(tmp_path: Path, numbers: list) -> None:
    path = make_register(tmp_path / "r.xlsx", number_row=numbers, rows=[risk(1, p=1, h=1)])
    report = pipeline.analyse(path)
    table = only_table(report)
    assert table.layout.number_row == header_row()  # 0-based index of the row below the header
    assert table.frame.index.tolist() == [data_row(0)]
    assert without_measures(report.findings) == ()


# --- sections, merged cells, hidden and blank rows, signatures, continuation -----------------

@pytest.mark.parametrize("merged", [True, False], ids=["merged-across", "not-merged"])
@pytest.mark.parametrize("col", [0, 1], ids=["in-number-column", "in-function-column"])
def test_sections_and_numbering_restarting(tmp_path: Path, merged: bool, col: int) -> None:
    rows = [
        Section(SERVICE, merged, col), risk(1, p=3, h=3), risk(2, p=2, h=2),
        Section(PERMIT, merged, col), risk(1, p=1, h=1), risk(2, p=1, h=3),
    ]
    path = make_register(tmp_path / "r.xlsx", rows=rows)
    table = only_table(pipeline.analyse(path))
    assert table.frame.index.tolist() == [data_row(i) for i in (1, 2, 4, 5)]
    assert column(table, "section") == [SERVICE, SERVICE, PERMIT, PERMIT]
    assert [str(n) for n in column(table, "number")] == ["1", "2", "1", "2"]
    assert column(table, "level") == ["high", "medium", "low", "medium"]


def test_function_merged_over_two_risks(tmp_path: Path) -> None:
    """Both risks get the function; a finding on the merged cell stands once."""
    first, second = data_row(0), data_row(1)
    path = make_register(
        tmp_path / "r.xlsx",
        rows=[risk(1, function="Жер бөлүп берүү", level="Орго", p=2, h=2),
              risk(2, function=None, level=None, p=2, h=2),
              risk(3, function="Маалымкат берүү", p=1, h=1)],
        merges=[f"B{first}:B{second}", f"E{first}:E{second}"],
    )
    report = pipeline.analyse(path)
    table = only_table(report)
    assert column(table, "function") == ["Жер бөлүп берүү", "Жер бөлүп берүү", "Маалымкат берүү"]
    assert column(table, "stated_level") == ["medium", "medium", None]
    typos = [(f.code, f.row, f.column) for f in report.findings if f.code == "word.typo"]
    assert typos == [("word.typo", first, "E")]


def test_hidden_rows_are_still_data(tmp_path: Path) -> None:
    rows = [risk(1, p=1, h=1), risk(2, p=3, h=3), risk(3, p=2, h=2)]
    path = make_register(tmp_path / "r.xlsx", rows=rows, hidden_rows=[data_row(1)])
    table = only_table(pipeline.analyse(path))
    assert table.frame.index.tolist() == [data_row(i) for i in range(3)]
    assert column(table, "level") == ["low", "high", "medium"]


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    rows = [risk(1, p=1, h=1), None, None, risk(2, p=3, h=3), None, risk(3, p=2, h=2)]
    path = make_register(tmp_path / "r.xlsx", rows=rows)
    report = pipeline.analyse(path)
    table = only_table(report)
    assert table.frame.index.tolist() == [data_row(i) for i in (0, 3, 5)]
    assert without_measures(report.findings) == ()


SIGNATURES = {
    "secretary-and-name": [["", "Жооптуу катчы:", None, None, None, "А.А.Абдуллаева"]],
    "head-alone": [["", "Башчы"], [], ["", None, "Т.Д.Таев."]],
    "name-in-cases-column": [[None, None, "А.А.Абдуллаева"]],
}


@pytest.mark.parametrize("after", SIGNATURES.values(), ids=SIGNATURES.keys())
def test_signature_lines_under_the_table_are_ignored(tmp_path: Path, after: list) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, cases="Пара алуу", p=2, h=2)],
                         after=after)
    report = pipeline.analyse(path)
    table = only_table(report)
    assert table.frame.index.tolist() == [data_row(0)]
    assert column(table, "cases") == ["Пара алуу"]
    assert column(table, "function") == ["Маалымкат берүү"]
    assert without_measures(report.findings) == ()


def test_signature_line_directly_under_the_table_is_not_joined(tmp_path: Path) -> None:
    """Staff often sign right under the table's last row; the signature is not part of a risk."""
    path = make_register(
        tmp_path / "r.xlsx",
        rows=[risk(1, function="Маалымкат берүү", unit="Аппарат", p=2, h=2),
              ["", "Жооптуу катчы:", None, None, None, "А.А.Абдуллаева"]],
    )
    report = pipeline.analyse(path)
    table = only_table(report)
    assert column(table, "function") == ["Маалымкат берүү"]
    assert column(table, "unit") == ["Аппарат"]
    assert "row.continuation" not in codes(report)


def test_text_running_on_into_the_next_row_is_joined(tmp_path: Path) -> None:
    rows = [
        risk(1, cases="Бош кызмат оруну пайда болгондо,", p=2, h=2),
        [None, None, "аттестациялоо учурлары", None, None, "комиссия курамы"],
        risk(2, cases="Жөлөк пулдар", p=1, h=1),
    ]
    path = make_register(tmp_path / "r.xlsx", rows=rows)
    report = pipeline.analyse(path)
    table = only_table(report)
    assert table.frame.index.tolist() == [data_row(0), data_row(2)]
    assert column(table, "cases") == [
        "Бош кызмат оруну пайда болгондо, аттестациялоо учурлары", "Жөлөк пулдар"]
    assert column(table, "unit") == ["Аппарат комиссия курамы", "Аппарат"]
    (cont,) = [f for f in report.findings if f.code == "row.continuation"]
    assert (cont.severity.value, cont.row, cont.params["number"]) == (
        "warning", data_row(1), data_row(0))
    assert str(data_row(0)) in messages.render(cont, "en")


def test_header_repeated_at_a_page_break_is_not_a_risk(tmp_path: Path) -> None:
    rows = [risk(1, p=1, h=1), list(KY_HEADER), list(range(1, 14)), risk(2, p=3, h=3)]
    report = pipeline.analyse(make_register(tmp_path / "r.xlsx", rows=rows))
    table = only_table(report)
    assert table.frame.index.tolist() == [data_row(0), data_row(3)]
    assert column(table, "level") == ["low", "high"]
    assert without_measures(report.findings) == ()


# --- languages and header shapes ----------------------------------------------------------------

def test_russian_headers_and_words(tmp_path: Path) -> None:
    titles = ["УТВЕРЖДАЮ", "Директор МОУ СОШ", "Перечень коррупционных рисков"]
    rows = [
        Section("Оказание услуг"),
        risk(1, level="высокий", category="системный (реальный)", p=3, h=3, control="высокая"),
        risk(2, level="Средний", category="ситуативный", p="средняя", h=2, control="низкая"),
        risk(3, level="низкий", category="потенциальный", p=1, h=1, control="средняя"),
    ]
    path = make_register(tmp_path / "r.xlsx", header=RU_HEADER, title_rows=titles,
                         number_row=False, rows=rows)
    report = pipeline.analyse(path)
    table = only_table(report)
    assert table.header_row == 4
    assert set(table.layout.columns) == set(KEYS)
    assert column(table, "section") == ["Оказание услуг"] * 3
    assert column(table, "stated_level") == ["high", "medium", "low"]
    assert column(table, "level") == ["high", "medium", "low"]
    assert column(table, "category") == ["systemic", "situational", "potential"]
    assert column(table, "control") == ["high", "low", "medium"]
    assert column(table, "residual_level") == ["medium", "medium", "low"]
    assert without_measures(report.findings) == ()


KY_SHORT = ["№", "Функциясы", "Учурлар жана кырдаалдар", "Категориясы", "Деңгээли",
            "Мекеменин аталышы", "Кызмат орундары", "Башка органдарда", "Ыктымалдуулук",
            "Негиздеме", "Зыян", "Негиздеме", "Контроль"]


def test_short_headers_with_two_bare_justifications(tmp_path: Path) -> None:
    """Each bare "Негиздеме" is the justification of the score column on its left."""
    path = make_register(tmp_path / "r.xlsx", header=KY_SHORT,
                         rows=[risk(1, p=3, h=1, p_reason="көп кайрылуу", h_reason="аз зыян")])
    report = pipeline.analyse(path)
    table = only_table(report)
    cols = table.layout.columns
    assert (cols["probability"], cols["probability_reason"]) == (8, 9)
    assert (cols["harm"], cols["harm_reason"]) == (10, 11)
    assert column(table, "probability_reason") == ["көп кайрылуу"]
    assert column(table, "harm_reason") == ["аз зыян"]
    assert column(table, "level") == ["medium"]
    assert without_measures(report.findings) == ()


def test_missing_justification_under_a_bare_header_is_reported(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", header=KY_SHORT,
                         rows=[risk(1, p=3, h=1, p_reason="көп кайрылуу", h_reason=None)])
    report = pipeline.analyse(path)
    assert [(f.code, f.column) for f in without_measures(report.findings)] == [
        ("reason.missing", "L")]


def test_two_header_rows_under_merged_group_headers(tmp_path: Path) -> None:
    group = ["№", "Функциясы", "Учурлар жана кырдаалдар", "Категориясы", "Деңгээли",
             "Мекеменин аталышы", "Кызмат орундары", "Башка органдарда", "Ыктымалдуулук", None,
             "Кесепеттер (зыян)", None, "Ички контролдун натыйжалуулугу"]
    sub = [None] * 8 + ["Балл", "Негиздеме", "Балл", "Негиздеме", None]
    merges = ["I1:J1", "K1:L1"] + [f"{c}1:{c}2" for c in "ABCDEFGHM"]
    path = make_register(tmp_path / "r.xlsx", header=group, header2=sub, merges=merges,
                         rows=[risk(1, p=2, h=3, p_reason="PR", h_reason="HR")])
    report = pipeline.analyse(path)
    table = only_table(report)
    assert table.layout.header_rows == 2
    assert table.layout.columns == {key: i for i, key in enumerate(KEYS)}
    assert table.frame.index.tolist() == [data_row(0, header2=sub)]
    assert column(table, "probability_reason") == ["PR"]
    assert column(table, "harm_reason") == ["HR"]
    assert column(table, "level") == ["high"]
    assert without_measures(report.findings) == ()


# --- tables that are not complete ---------------------------------------------------------------

def test_register_without_score_columns_is_not_scored(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", header=KY_HEADER[:8],
                         rows=[risk(1, level="Жогорку"), risk(2, level="Төмөн")])
    report = pipeline.analyse(path)
    table = only_table(report)
    assert column(table, "level") == [None, None]
    assert column(table, "stated_level") == ["high", "low"]
    assert codes(report) == ["measures.missing", "register.not_scored"]
    (warning,) = without_measures(report.findings)
    assert warning.severity.value == "warning"
    assert warning.params["count"] == 2
    assert report.status == "ok"


FUNCTION_LABEL = {
    "ky": "Функциясы (ыйгарым укуктары)",
    "ru": "Функция (полномочия)",
    "en": "Function (powers)",
}


def test_missing_required_column_is_named_in_every_language(tmp_path: Path) -> None:
    header = [h for k, h in zip(KEYS, KY_HEADER, strict=True) if k != "function"]
    row = [1, "Пара алуу", "Потенциалдуу", "Орточо", "Аппарат", "Адис", "Ооба", 2, "н", 2, "н",
           None]
    path = make_register(tmp_path / "r.xlsx", header=header, rows=[row])
    report = pipeline.analyse(path)
    missing = [f for f in report.findings if f.code == "column.missing"]
    assert len(missing) == 1
    assert missing[0].severity.value == "error"
    assert missing[0].field == "function"
    for lang, label in FUNCTION_LABEL.items():
        assert label in messages.render(missing[0], lang)
    assert report.status == "errors"


def test_workbook_without_a_table_is_rejected(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", header=["Аты-жөнү", "Дареги", "Телефону"],
                         rows=[["Асанов", "Достук", "0555"]], number_row=False,
                         extra_sheets={"Лист2": [["эскертүү"]]})
    report = pipeline.analyse(path)
    assert (report.status, report.reason) == ("rejected", "file.no_table")
    assert report.tables == ()


# --- the same register saved by LibreOffice ------------------------------------------------------

def _canonical(path: Path) -> Path:
    titles = ["Коррупциялык тобокелдиги бар учурлардын жана кырдаалдардын тизмеги"]
    return make_register(
        path,
        title_rows=titles,
        rows=[
            Section(SERVICE),
            risk(1, function="Жер бөлүп берүү", level="Жогорку", p=3, h=3, control="жогорку"),
            risk(2, function=None, level="Орто", p="2 балл", h=2.0),
            risk(3, function="Маалымкат", level="Төмөнкү", p="Төмөнкү", h=" 2 "),
            Section(PERMIT),
            risk(1, function="Уруксат", level="Орго", p=5, h=1),
        ],
        merges=[f"B{data_row(1, titles)}:B{data_row(2, titles)}"],
    )


def _summary(report: FileReport) -> list[tuple]:
    table = only_table(report)
    frame = table.frame
    rows = []
    for row, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        rows.append(tuple(None if v != v else v for v in (
            int(row), rec["section"], rec["function"], rec["cases"], rec["probability"],
            rec["harm"], rec["level"], rec["stated_level"], rec["residual_level"])))
    found = sorted((f.code, f.row, f.column) for f in report.findings)
    return [table.header_row, rows, found]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory, lo_convert) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("lo_layouts")
    original = _canonical(base / "register.xlsx")
    return {
        "original": original,
        "ods": lo_convert(original, "ods", base / "ods"),
        "xlsx-resaved": lo_convert(original, "xlsx", base / "xlsx"),
        "xls": lo_convert(original, "xls", base / "xls"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ods", "xlsx-resaved", "xls"])
def test_libreoffice_saved_copy_reads_the_same(converted: dict[str, Path], kind: str) -> None:
    original = pipeline.analyse(converted["original"])
    copy = pipeline.analyse(converted[kind])
    assert copy.format == kind.split("-")[0]
    assert _summary(copy) == _summary(original)
    header, rows, found = _summary(original)
    assert [r[6] for r in rows] == ["high", "medium", "low", None]
    assert rows[1][2] == "Жер бөлүп берүү"
    assert ("score.out_of_range", rows[3][0], "I") in found
