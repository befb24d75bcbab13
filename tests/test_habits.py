"""The habits of the people who use the tool (issue 9): folders and unexpanded patterns as
arguments, the tool's own copies given back to it, --as-of as people write dates, the yearly
report due next, executors counted once, control effectiveness without a degree, a stated
нөлдүк level, the status words staff use, and the --plan workbook named as point 6 names it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.builders import make_register, risk, without_measures
from tests.test_plan import make_plan
from workbook_tools import Options, analyse, messages, score_file
from workbook_tools.cli import main
from workbook_tools.inputs import expand_paths
from workbook_tools.rules.days import parse_day
from workbook_tools.rules.plan import count_names

# --- 1, 2: folders, patterns, and the tool's own outputs ------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two registers, a scored copy, a lock file, a hidden file and a text file."""
    box = tmp_path / "box"
    box.mkdir()
    make_register(box / "b_mektep.xlsx", rows=[risk()])
    make_register(box / "a_apparat.xlsx", rows=[risk()])
    for name in ("a_apparat.scored.xlsx", "a_apparat (2).scored.xlsx", "~$a_apparat.xlsx",
                 ".hidden.xlsx", "notes.txt"):
        shutil.copy(box / "a_apparat.xlsx", box / name)
    return box


@pytest.mark.parametrize("given", ["{box}", "{box}/", "{box}/*.xlsx", "{box}/?_*.xlsx"])
def test_a_folder_or_a_pattern_means_the_workbooks_in_it(folder: Path, given: str) -> None:
    found = expand_paths([given.format(box=folder)])
    assert [p.name for p in found] == ["a_apparat.xlsx", "b_mektep.xlsx"]


def test_files_are_kept_as_given_and_once(folder: Path) -> None:
    copy = folder / "a_apparat.scored.xlsx"
    found = expand_paths([copy, folder / "b_mektep.xlsx", folder, folder / "nothing*.xlsx"])
    assert [p.name for p in found] == ["a_apparat.scored.xlsx", "b_mektep.xlsx",
                                       "a_apparat.xlsx", "nothing*.xlsx"]


def test_scoring_a_folder_twice_writes_no_copy_of_a_copy(folder: Path) -> None:
    for _ in range(2):
        result = CliRunner().invoke(main, ["score", str(folder)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.glob("*.scored*")) == [
        "a_apparat (2).scored.xlsx", "a_apparat.scored.xlsx", "b_mektep.scored.xlsx"]


def test_a_scored_copy_given_on_purpose_says_so_and_its_sheets_are_no_tables(
        tmp_path: Path) -> None:
    """The copy of a plan holds a yearly report sheet with the plan's headers: it must not be
    read as a second plan, and no *.scored.scored.xlsx is written."""
    plan = make_plan(tmp_path / "plan.xlsx", [["1. Бөлүм"], [1, "Милдет", "Отчет",
                                                             "2026-жылдын 3-кварталы"]])
    written = score_file(plan, options=Options(as_of=date(2026, 11, 25)))
    assert written.output is not None
    again = score_file(written.output, options=Options(as_of=date(2026, 11, 25), lang="ru"))
    assert [t.sheet for t in again.tables] == ["План"]
    (note,) = [f for f in again.findings if f.code == "file.scored_copy"]
    text = messages.render(note, "ru")
    assert "оценённая копия" in text and "«Отчёт 2026»" not in text
    assert "«Отчет 2026»" in text  # the copy was written in Kyrgyz
    assert again.output is None
    assert not list(tmp_path.glob("*.scored.scored.xlsx"))


# --- 3: --as-of ---------------------------------------------------------------------------

DAYS = [
    ("25.11.2026", date(2026, 11, 25)),
    ("2026-11-25", date(2026, 11, 25)),
    ("1.2.2027", date(2027, 2, 1)),
    ("25/11/2026", date(2026, 11, 25)),
    (" 25.11.2026 ", date(2026, 11, 25)),
    ("31.02.2026", None),
    ("25.11.26", None),
    ("11/25/2026", None),
    ("ноябрь", None),
]


@pytest.mark.parametrize(("text", "day"), DAYS)
def test_days_as_people_write_them(text: str, day: date | None) -> None:
    assert parse_day(text) == day


def test_a_day_is_shown_as_people_write_it() -> None:
    assert messages.day_text(date(2027, 2, 1)) == "01.02.2027"


@pytest.mark.parametrize("as_of", ["25.11.2026", "2026-11-25"])
def test_cli_as_of_in_both_forms(tmp_path: Path, as_of: str) -> None:
    plan = make_plan(tmp_path / "plan.xlsx",
                     [["1. Бөлүм"], [1, "М", "И", "2026-жылдын 4-кварталы"]])
    result = CliRunner().invoke(main, ["validate", str(plan), "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    assert '"status": "on_track"' in result.output


def test_cli_as_of_not_understood_is_said_in_the_users_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "x.xlsx", "--lang", "ru",
                                       "--as-of", "31.02.2026"])
    assert result.exit_code == 2
    assert "Дата «31.02.2026» не распознана" in result.output


# --- 5: the yearly report's default year ----------------------------------------------------------


@pytest.mark.parametrize(("as_of", "year"), [
    (date(2026, 11, 25), 2026),
    (date(2027, 1, 15), 2026),
    (date(2027, 2, 1), 2026),
    (date(2027, 2, 2), 2027),
])
def test_the_yearly_report_is_the_one_due_next(as_of: date, year: int) -> None:
    assert Options(as_of=as_of).year == year
    assert Options(as_of=as_of, report_year=2025).year == 2025


def test_a_plan_scored_in_november_gets_this_years_report(tmp_path: Path) -> None:
    plan = make_plan(tmp_path / "plan.xlsx", [["1. Бөлүм"], [1, "М", "И", "2026-2027-жылдар"]])
    written = score_file(plan, options=Options(as_of=date(2026, 11, 25)))
    assert written.output is not None
    assert messages.text("sheet.yearly", year=2026) in openpyxl.load_workbook(
        written.output).sheetnames


# --- 6: executors counted once --------------------------------------------------------------------


def test_executors_are_counted_once() -> None:
    values = ["айыл өкмөтү", "Айыл өкмөтү", " Айыл  өкмөтү ", "Айыл өкмөтү", "АЙЫЛ ӨКМӨТҮ",
              "Aйыл өкмөтү",  # a Latin "A"
              "Айыл окмоту",  # ө ү typed as о у
              "катчы", "Катчы.", None, ""]
    assert count_names(values) == [("Айыл өкмөтү", 7), ("катчы", 2), ("—", 2)]


def test_the_plan_summary_counts_each_executor_once(tmp_path: Path) -> None:
    rows = [["1. Бөлүм"]] + [[n, "М", "И", "2026-жыл", "Н", who] for n, who in
                             enumerate(["айыл өкмөтү", "Айыл өкмөтү", "Айыл өкмөтү"], start=1)]
    written = score_file(make_plan(tmp_path / "plan.xlsx", rows),
                         options=Options(as_of=date(2026, 11, 25)))
    assert written.output is not None
    ws = openpyxl.load_workbook(written.output)[messages.text("sheet.summary")]
    counted = [(r[0], r[2]) for r in ws.iter_rows(values_only=True)
               if isinstance(r[0], str) and "өкмөтү" in r[0].lower()]
    assert counted == [("Айыл өкмөтү", 3)]


# --- 8: control effectiveness and a stated нөлдүк ------------------------------------------

CONTROL = [
    # typed -> control code, residual level of a high risk (3 + 2), finding
    ("жогорку", "high", "medium", None),
    ("Натыйжалуулугу жогору", "high", "medium", None),
    ("высокая", "high", "medium", None),
    ("натыйжалуу", None, "high", "control.no_degree"),
    ("Эффективный", None, "high", "control.no_degree"),
    ("эффективная", None, "high", "control.no_degree"),
    ("натыйжасыз", "low", "high", None),
    ("орточо", "medium", "high", None),
    ("бар", None, "high", "control.unknown"),
]


@pytest.mark.parametrize(("typed", "control", "residual", "code"), CONTROL)
def test_only_an_explicit_high_lowers_the_residual_level(
        tmp_path: Path, typed: str, control: str | None, residual: str, code: str | None) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(p=3, h=2, level="Жогорку",
                                                         control=typed)])
    report = analyse(path)
    rec = report.tables[0].records()[0][1]
    assert (rec["control"], rec["level"], rec["residual_level"]) == (control, "high", residual)
    assert [f.code for f in without_measures(report.findings)] == ([code] if code else [])


def test_effective_without_a_degree_says_why_nothing_was_lowered(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(p=3, h=2, control="эффективный")])
    (finding,) = without_measures(analyse(path).findings)
    assert finding.severity.value == "warning" and finding.column == "M"
    assert "«эффективный»" in messages.render(finding, "ru")
    assert "5-пункт" in messages.render(finding, "ky")


@pytest.mark.parametrize("typed", ["нөлдүк", "Нулевой", "нөл"])
def test_a_stated_zero_level_has_its_own_message(tmp_path: Path, typed: str) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(p=1, h=1, level=typed)])
    report = analyse(path)
    assert [(f.code, f.column, f.value) for f in report.findings] == [
        ("level.zero_stated", "E", typed)]
    assert "калдык тобокелдик гана" in messages.render(report.findings[0], "ky")


def test_a_stated_level_that_differs_is_still_a_mismatch(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(p=1, h=1, level="Жогорку")])
    assert [f.code for f in analyse(path).findings] == ["level.mismatch"]


# --- 9: status words staff use --------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "status"), [
    ("частично выполнено", "overdue"),
    ("Жарым-жартылай аткарылды", "overdue"),
    ("выполнено частично", "overdue"),
    ("аткарылган жок", "overdue"),
    ("на исполнении", "overdue"),
    ("аткарылды", "done"),
])
def test_status_words_staff_use(tmp_path: Path, typed: str, status: str) -> None:
    plan = make_plan(tmp_path / "plan.xlsx",
                     [["1. Бөлүм"], [1, "М", "И", "2025-жыл", "Н", "айыл өкмөтү", None, typed]])
    report = analyse(plan, Options(as_of=date(2026, 11, 25)))
    assert not report.findings
    assert report.tables[0].frame.at[7, "status"] == status


# --- 11: the --plan workbook ----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "said"), [
    ("ky", "«plan.xlsx» коррупциялык тобокелдиктерди башкаруу планы катары алынды (6-пункт)"),
    ("ru", "«plan.xlsx» принят как план управления коррупционными рисками (пункт 6)"),
])
def test_the_plan_option_says_the_workbook_is_taken_as_the_management_plan(
        tmp_path: Path, lang: str, said: str) -> None:
    register = make_register(tmp_path / "r.xlsx", rows=[risk(p=3, h=3, level="Жогорку")])
    plan = make_plan(tmp_path / "plan.xlsx", [["1. Бөлүм"], [1, "М", "Башка иш", "2026-жыл"]])
    result = CliRunner().invoke(main, ["validate", str(register), "--plan", str(plan),
                                       "--lang", lang])
    assert said in result.output


def test_a_plan_that_cannot_serve_is_not_said_to_be_taken(tmp_path: Path) -> None:
    register = make_register(tmp_path / "r.xlsx", rows=[risk(p=3, h=3, level="Жогорку")])
    result = CliRunner().invoke(main, ["validate", str(register), "--plan", str(register)])
    assert result.exit_code == 2
    assert "башкаруу планы катары алынды" not in result.output


# --- 9: hidden risk rows are said on the Summary ------------------------------------------------


def _hide(path: Path, rows: list[int]) -> Path:
    wb = openpyxl.load_workbook(path)
    for r in rows:
        wb.worksheets[0].row_dimensions[r].hidden = True
    wb.save(path)
    return path


def test_hidden_risk_rows_are_counted_and_said_on_the_summary(tmp_path: Path) -> None:
    from tests.builders import data_row

    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=3, h=3), risk(2, p=1, h=1),
                                                    risk(3, p=2, h=2)])
    hidden = [data_row(1)]
    _hide(path, hidden)
    report = score_file(path, tmp_path / "out")
    (table,) = report.tables
    assert table.grid is not None and table.grid.hidden_rows == {hidden[0] - 1}
    assert len(table.frame) == 3  # a hidden risk still counts
    ws = openpyxl.load_workbook(report.output)[messages.text("sheet.summary")]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert messages.text("summary.hidden", rows=str(hidden[0])) in texts


def test_a_register_without_hidden_rows_says_nothing_of_them(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=3, h=3)])
    report = score_file(path, tmp_path / "out")
    assert report.tables[0].grid.hidden_rows == frozenset()
    ws = openpyxl.load_workbook(report.output)[messages.text("sheet.summary")]
    prefix = messages.text("summary.hidden", rows="")
    assert not any(isinstance(c, str) and c.startswith(prefix)
                   for row in ws.iter_rows(values_only=True) for c in row)


@pytest.mark.slow
def test_hidden_rows_of_an_ods_are_found(tmp_path: Path, lo_convert) -> None:
    from tests.builders import data_row

    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=3, h=3), risk(2, p=1, h=1)])
    _hide(path, [data_row(0)])
    ods = lo_convert(path, "ods", tmp_path / "ods")
    report = score_file(ods, tmp_path / "out")
    assert report.tables[0].grid.hidden_rows == {data_row(0) - 1}
