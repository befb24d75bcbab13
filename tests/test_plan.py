"""The action plan: reading, status by --as-of, the yearly report, the cross-check, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sample_workbooks.headers import RISK_REF_KY, plan_header
from tests.builders import make_register, risk
from workbook_tools import Options, analyse, messages, score_file
from workbook_tools.rules.deadlines import Deadline
from workbook_tools.rules.plan import status_of

HEADER = plan_header()
RU_HEADER = plan_header("ru")


def make_plan(path: Path, rows: list[Any], header: list[str] = HEADER,
              merges: tuple[str, ...] = (), sheet: str = "План") -> Path:
    """Title lines, the header, the seed's typo'd number row, then ``rows`` from Excel row 6."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["ДОСТУК"])
    ws.append(["Достук айыл өкмөтүнүн иш-чаралар планы"])
    ws.merge_cells("A2:H2")
    ws.append(header)
    ws.append([1, 2, 3, 5, 6, 6, 7, 8])
    ws.append([])
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    ws.append([])
    ws.append([None, "Бөлүм башчысы:", None, None, "А.А.Абдуллаева"])
    wb.save(path)
    return path


SEED_ROWS = [
    ["1. Коррупциянын алдын алуу максатында"],                                        # 6
    [1, "Айкындуулук", "Ички система түзүү", "2025-жылдын 3-кварталы", "Толуктоолор",  # 7
     "айыл өкмөтү", "Талап кылынбайт", "аткарылды"],
    [2, "Мотивация", "Чаралар комплекси", "2025-2027-жылдар", "Кадрлар", "айыл өкмөтү",  # 8
     "Айыл өкмөтү", None],
    ["2. Социалдык чөйрө"],                                                            # 9
    [1, "Аутсорсинг", "1. Мыйзам долбоору", "2025-жылдын 1-жарым жылдыгы", "Мыйзам",   # 10
     "айыл өкмөтү", "Жергиликтүү бюджет", "аткарылууда"],
    [None, None, "2. Типтүү жобо", "2026-жылдын 4-кварталы", "ЧУА", "айыл өкмөтү",      # 11
     "Жергиликтүү бюджет", None],
    ["7.Мониторинг жана баалоо"],                                                      # 12
    [1, "Мониторинг", "Ички мониторинг, отчет", "2025-2027-жылдар (жыл сайын)",       # 13
     "Отчеттор", "айыл өкмөтү", "Жергиликтүү бюджет", None],
    [2, "Жарыялоо", "Сайтка жарыялоо", "ежегодно", "Маалымат", "катчы", None, None],  # 14
]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return make_plan(tmp_path / "plan.xlsx", SEED_ROWS, merges=("B10:B11",))


def test_sections_tasks_and_merged_activities(plan: Path) -> None:
    report = analyse(plan, Options(as_of=date(2026, 11, 25)))
    (table,) = report.tables
    assert table.kind.name == "plan" and table.header_row == 3
    frame = table.frame
    assert list(frame.index) == [7, 8, 10, 11, 13, 14]
    assert frame.at[7, "section"] == "1. Коррупциянын алдын алуу максатында"
    assert frame.at[13, "section"] == "7.Мониторинг жана баалоо"  # the seed jumps from 5 to 7
    assert frame.at[11, "task"] == "Аутсорсинг"  # merged down over its two activities
    assert frame.at[11, "activity"] == "2. Типтүү жобо"
    assert report.status == "ok", report.findings


def test_a_blank_task_cell_belongs_to_the_task_above(tmp_path: Path) -> None:
    rows = [SEED_ROWS[4], SEED_ROWS[5]]
    report = analyse(make_plan(tmp_path / "p.xlsx", rows), Options(as_of=date(2026, 1, 1)))
    assert report.tables[0].frame.at[7, "task"] == "Аутсорсинг"


def test_russian_plan(tmp_path: Path) -> None:
    rows = [["1. Профилактика"],
            [1, "Задача", "Анализ обращений", "III квартал 2025 года", "Отчёт", "Аппарат",
             "Не требуется", "выполнено"],
            [2, "Задача", "Обучение", "1 полугодие 2026 г.", "Семинар", "Аппарат", "Бюджет",
             "в процессе"]]
    report = analyse(make_plan(tmp_path / "ru.xlsx", rows, RU_HEADER),
                     Options(as_of=date(2026, 3, 1)))
    frame = report.tables[0].frame
    assert frame.at[7, "due_start"] == date(2025, 7, 1)
    assert frame.at[7, "due_end"] == date(2025, 9, 30)
    assert list(frame["status"]) == ["done", "on_track"]


D = Deadline
CASES = [
    # (deadline, typed status, as of, expected)
    (D(date(2025, 7, 1), date(2025, 9, 30), False), None, date(2025, 9, 10), "due_soon"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), None, date(2025, 6, 1), "on_track"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), None, date(2025, 10, 1), "overdue"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), "done", date(2025, 10, 1), "done"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), "in_progress", date(2025, 10, 1), "overdue"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), None, date(2025, 9, 30), "due_soon"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), None, date(2025, 8, 31), "due_soon"),
    (D(date(2025, 7, 1), date(2025, 9, 30), False), None, date(2025, 8, 30), "on_track"),
    (D(None, None, True), None, date(2026, 1, 1), "on_track"),  # жыл сайын: by 31.12.2026
    (D(None, None, False), None, date(2026, 1, 1), "no_deadline"),
    (None, None, date(2026, 1, 1), "no_deadline"),
    # recurring over 2025-2027: due at the end of each year of it
    (D(date(2025, 1, 1), date(2027, 12, 31), True), None, date(2026, 6, 1), "on_track"),
    (D(date(2025, 1, 1), date(2027, 12, 31), True), None, date(2026, 12, 15), "due_soon"),
    (D(date(2025, 1, 1), date(2027, 12, 31), True), None, date(2028, 1, 1), "overdue"),
    (D(date(2025, 1, 1), date(2027, 12, 31), False), None, date(2026, 12, 15), "on_track"),
    # recurring and open-ended (issue 9): by the next due day, from --as-of
    (D(None, None, True, "year"), None, date(2026, 12, 15), "due_soon"),
    (D(None, None, True, "continuous"), None, date(2026, 12, 15), "ongoing"),
    (D(None, None, True, "continuous"), "done", date(2026, 12, 15), "done"),
    (D(None, None, True, "year", (2, 1)), None, date(2026, 11, 25), "on_track"),
    (D(None, None, True, "year", (2, 1)), None, date(2027, 1, 10), "due_soon"),
    (D(None, None, True, "year", (2, 1)), None, date(2027, 2, 1), "due_soon"),
    (D(None, None, True, "year", (2, 1)), None, date(2027, 2, 2), "on_track"),  # next: 2028
    (D(None, None, True, "quarter"), None, date(2026, 12, 5), "due_soon"),
    (D(None, None, True, "quarter"), None, date(2026, 11, 25), "on_track"),
    (D(None, None, True, "month"), None, date(2026, 11, 5), "due_soon"),
]


@pytest.mark.parametrize(("deadline", "typed", "as_of", "expected"), CASES)
def test_status_by_as_of(deadline: Deadline | None, typed: str | None, as_of: date,
                         expected: str) -> None:
    assert status_of(deadline, typed, as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "statuses"),
    [
        (date(2025, 3, 1), ["done", "on_track", "on_track", "on_track", "on_track",
                            "on_track"]),
        (date(2026, 11, 25), ["done", "on_track", "overdue", "on_track", "on_track",
                              "on_track"]),
        (date(2028, 2, 1), ["done", "overdue", "overdue", "overdue", "overdue", "on_track"]),
    ],
)
def test_statuses_of_a_plan_as_of(plan: Path, as_of: date, statuses: list[str]) -> None:
    report = analyse(plan, Options(as_of=as_of))
    assert list(report.tables[0].frame["status"]) == statuses


def test_scored_plan_has_status_colours_summary_and_yearly_report(plan: Path,
                                                                 tmp_path: Path) -> None:
    from workbook_tools.kinds.plan import STATUS_FILL

    opts = Options(as_of=date(2026, 11, 25), report_year=2025)
    report = score_file(plan, tmp_path / "out", opts)
    wb = openpyxl.load_workbook(report.output)
    ws = wb["План"]
    assert ws["C10"].fill.fgColor.rgb == STATUS_FILL["overdue"]
    assert ws["C7"].fill.fgColor.rgb == STATUS_FILL["done"]
    # the yearly report of 2025: activities due in 2025 or recurring, under their sections,
    # with the plan's own №
    yearly = wb[messages.text("sheet.yearly", "ky", year=2025)]
    cells = list(yearly.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(cells) if r[0] == messages.text("plan.number", "ky"))
    body = cells[head + 1:]
    rows = [r for r in body if r[2] is not None]
    assert [r[2] for r in rows] == ["Ички система түзүү", "Чаралар комплекси",
                                    "1. Мыйзам долбоору", "Ички мониторинг, отчет",
                                    "Сайтка жарыялоо"]  # not "2. Типтүү жобо" (due in 2026)
    assert [r[0] for r in rows] == [1, 2, 1, 1, 2]
    assert [r[0] for r in body if r[0] and r[2] is None][:3] == [
        "1. Коррупциянын алдын алуу максатында", "2. Социалдык чөйрө",
        "7.Мониторинг жана баалоо"]
    assert yearly["A1"].value == messages.text("yearly.title", "ky", year=2025)
    texts = [r[0] for r in cells if isinstance(r[0], str)]
    # due by 1 February of N+1, said as a date is said in a sentence
    assert any("2026-жылдын 1-февралы" in t for t in texts)
    assert messages.text("yearly.prepared", "ky") in texts  # signature lines
    assert rows[2][6] == messages.text("status.overdue", "ky")
    assert rows[0][4] == "Толуктоолор" and rows[0][5] == "айыл өкмөтү"
    assert yearly.print_title_rows.replace("$", "") == f"{head + 1}:{head + 1}"
    assert yearly.page_setup.orientation == "landscape"
    summary = wb[messages.text("sheet.summary", "ky")]
    values = [c for row in summary.iter_rows(values_only=True) for c in row if c is not None]
    assert messages.text("plan.overdue", "ky") in values
    assert "1. Мыйзам долбоору" in values  # the overdue list names the activity
    assert "Жергиликтүү бюджет" in values  # counts by funding source


def test_plan_json_rows(plan: Path) -> None:
    from workbook_tools.outputs.report import table_rows

    report = analyse(plan, Options(as_of=date(2026, 11, 25)))
    rows = table_rows(report.tables[0])
    assert rows[0] == {
        "row": 7, "section": "1. Коррупциянын алдын алуу максатында", "task": "Айкындуулук",
        "activity": "Ички система түзүү", "deadline": "2025-жылдын 3-кварталы",
        "due_start": "2025-07-01", "due_end": "2025-09-30", "recurring": False,
        "next_due": None, "responsible": "айыл өкмөтү", "funding": "Талап кылынбайт",
        "status": "done",
    }
    assert rows[4]["recurring"] is True and rows[4]["due_end"] == "2027-12-31"
    assert rows[5]["recurring"] is True and rows[5]["due_start"] is None
    assert rows[4]["next_due"] == rows[5]["next_due"] == "2026-12-31"


# deadline cell -> the day it is next due by on 25.11.2026, and the status then
NEXT_DUE = [
    ("Жыл сайын, отчеттук жылдан кийинки жылдын 1-февралынан кечиктирбестен",
     date(2027, 2, 1), "on_track"),
    ("ежегодно до 1 февраля", date(2027, 2, 1), "on_track"),
    ("ежегодно до 20 декабря", date(2026, 12, 20), "due_soon"),
    ("ежегодно до 1 ноября", date(2027, 11, 1), "on_track"),
    ("жыл сайын", date(2026, 12, 31), "on_track"),
    ("2025-2027-жылдар (жыл сайын)", date(2026, 12, 31), "on_track"),
    ("2024-2025-жылдар (жыл сайын)", date(2025, 12, 31), "overdue"),
    ("ежеквартально", date(2026, 12, 31), "on_track"),
    ("2027-2028-жылдар (жыл сайын)", date(2027, 12, 31), "on_track"),
    ("ай сайын", date(2026, 11, 30), "due_soon"),
    ("постоянно", None, "ongoing"),
    ("туруктуу", None, "ongoing"),
    ("2025-жылдын 2-жарымы", None, "overdue"),  # not recurring: no next due day
]


@pytest.mark.parametrize(("deadline", "due", "status"), NEXT_DUE, ids=[c[0] for c in NEXT_DUE])
def test_recurring_deadlines_are_tracked(tmp_path: Path, deadline: str, due: date | None,
                                         status: str) -> None:
    """Recurring and open-ended deadlines get the day they are next due by from --as-of and a
    status from it, instead of "no deadline" (issue 9); the copy shows that day as a date."""
    path = make_plan(tmp_path / "plan.xlsx", [["1. Бөлүм"], [1, "Милдет", "Отчет", deadline,
                                                             "Отчет берилди", "айыл өкмөтү"]])
    report = analyse(path, Options(as_of=date(2026, 11, 25)))
    assert not [f for f in report.findings if f.code.startswith("deadline.")]
    frame = report.tables[0].frame
    assert frame.at[7, "next_due"] == due and frame.at[7, "status"] == status
    scored = score_file(path, tmp_path / "out", Options(as_of=date(2026, 11, 25)))
    assert scored.output is not None
    ws = openpyxl.load_workbook(scored.output)["План"]
    header = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    cell = ws.cell(7, header[messages.text("col.next_due")]).value
    assert (cell.date() if cell is not None else None) == due


def test_a_real_date_cell_is_an_iso_deadline(tmp_path: Path) -> None:
    from workbook_tools.outputs.report import table_rows

    rows = [[1, "Милдет", "Отчет берүү", date(2026, 2, 1), "Отчет", "катчы", None, None]]
    report = analyse(make_plan(tmp_path / "d.xlsx", rows), Options(as_of=date(2026, 1, 1)))
    (row,) = table_rows(report.tables[0])
    assert row["deadline"] == "2026-02-01"
    assert row["due_start"] == row["due_end"] == "2026-02-01"


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ([1, "Милдет", "Бир иш", "2150-жыл", "x", "катчы", None, None], "deadline.implausible"),
        ([1, "Милдет", "Бир иш", "2027-2025-жылдар", "x", "катчы", None, None],
         "deadline.reversed"),
        ([1, "Милдет", "Бир иш", "кийинчерээк", "x", "катчы", None, None],
         "deadline.unreadable"),
        ([1, "Милдет", None, "2025-жыл", "x", "катчы", None, None], "activity.missing"),
        ([1, "Милдет", "Бир иш", None, "x", "катчы", None, None], "deadline.missing"),
        ([1, "Милдет", "Бир иш", "2025-жыл", "x", "катчы", None, "кандайдыр"], "status.unknown"),
    ],
)
def test_bad_plan_input_is_a_finding(tmp_path: Path, row: list[Any], code: str) -> None:
    report = analyse(make_plan(tmp_path / "bad.xlsx", [row]), Options(as_of=date(2026, 1, 1)))
    assert report.status != "rejected"
    found = [f for f in report.findings if f.code == code]
    assert found and found[0].row == 6
    for lang in messages.LANGS:
        assert messages.render(found[0], lang) != code
    if code.startswith("deadline.") and code != "deadline.missing":
        frame = report.tables[0].frame
        assert frame.at[6, "due_start"] is None and frame.at[6, "due_end"] is None


# --- cross-check ---------------------------------------------------------------------------------

HIGH = {"p": 3, "h": 3, "level": "Жогорку"}


def _register(tmp_path: Path, cases: str = "Жер бөлүп берүүдө пара алуу") -> Path:
    return make_register(
        tmp_path / "reg.xlsx",
        rows=[risk(1, cases=cases, **HIGH), risk(2, cases="Сатып алуу", p=1, h=1,
                                                    level="Төмөнкү")],
    )


def _plan_rows(activity: str, ref: Any = None) -> list[Any]:
    return [[1, "Милдет", activity, "2026-жыл", "x", "катчы", None, None, ref]]


@pytest.mark.parametrize(
    ("activity", "ref", "covered"),
    [
        ("Сайтка маалымат жарыялоо", None, False),
        ("Сайтка маалымат жарыялоо", "1", True),          # cited in the reference column
        ("Сайтка маалымат жарыялоо", "№ 2", False),        # cites the low risk only
        ("Жер бөлүп берүүдө пара алуу учурларын текшерүү", None, True),  # quotes its cases text
    ],
)
def test_every_high_risk_has_a_measure(tmp_path: Path, activity: str, ref: Any,
                                       covered: bool) -> None:
    header = [*HEADER, RISK_REF_KY]
    plan_path = make_plan(tmp_path / "plan.xlsx", _plan_rows(activity, ref), header)
    plans = [t for t in analyse(plan_path).tables if t.kind.name == "plan"]
    report = analyse(_register(tmp_path), Options(), plans)
    flagged = [f.row for f in report.findings if f.code == "risk.no_measure"]
    assert flagged == ([] if covered else [report.tables[0].frame.index[0]])


def test_a_recommended_measure_covers_a_high_risk(tmp_path: Path) -> None:
    path = make_register(tmp_path / "reg.xlsx", rows=[risk(1, **HIGH)])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = max(r for r in range(1, 10) if ws.cell(r, 1).value == "№")
    ws.cell(header, 14).value = "Тобокелдикти азайтуу боюнча сунушталган чаралар"
    ws.cell(header + 2, 14).value = "Жер бөлүү комиссиясынын отурумдарын видеого жазуу"
    wb.save(path)
    plan_path = make_plan(tmp_path / "plan.xlsx", _plan_rows("Башка иш"))
    plans = analyse(plan_path).tables
    report = analyse(path, Options(), plans)
    assert not [f for f in report.findings if f.code == "risk.no_measure"]


def test_cli_plan_option_cross_checks(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workbook_tools.cli import main

    plan_path = make_plan(tmp_path / "plan.xlsx", _plan_rows("Башка иш"))
    result = CliRunner().invoke(main, ["validate", str(_register(tmp_path)), "--plan",
                                       str(plan_path), "--lang", "en"])
    assert result.exit_code == 0
    assert "No plan activity covers this high risk" in result.output
