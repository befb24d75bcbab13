"""Self-scoring templates (issue 12): headers the tool recognises, drop-down words it reads,
formulas that agree with its scoring after LibreOffice recalculates them, the overwritten-formula
warning, --from OLD and the CLI."""

from __future__ import annotations

import subprocess
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from tests.builders import SOFFICE, Section, make_register, risk
from workbook_tools import messages
from workbook_tools.cli import main
from workbook_tools.model import Level, Options, ResidualRule
from workbook_tools.pipeline import analyse
from workbook_tools.rules import matrix
from workbook_tools.rules.formats import vocabulary
from workbook_tools.template import formulas as fx
from workbook_tools.template.build import (
    CATEGORY_CODES,
    CONTROL_CODES,
    HEADER_ROW,
    STATUS_CODES,
    Row,
    build_template,
    words,
)
from workbook_tools.template.check import CODE
from workbook_tools.template.columns import COLUMNS, COMPUTED, letter, position
from workbook_tools.template.convert import make_template

LANGS = ("ky", "ru", "en")
FIRST = HEADER_ROW + 2  # the Excel row of the first table row


def _codes(report: Any) -> set[str]:
    return {f.code for f in report.findings}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["register", "plan"])
def test_headers_are_the_tool_s_own(tmp_path: Path, kind: str, lang: str) -> None:
    """Every input column is found under its key; no computed column is taken for data."""
    values = ({"cases": "Пара алуу", "probability": 2, "harm": 2} if kind == "register"
              else {"activity": "Окутуу", "deadline": "2026-жыл"})
    path = build_template(kind, tmp_path / "t.xlsx", lang=lang, rows=[Row(values)])
    report = analyse(path)
    (table,) = report.tables
    assert table.kind.name == kind
    pos = position(kind)
    inputs = {c.key: pos[c.key] for c in COLUMNS[kind] if not c.formula and c.header is None}
    assert {k: table.layout.columns[k] for k in inputs} == inputs
    computed = {pos[c.key] for c in COLUMNS[kind] if c.header is not None}
    assert not computed & set(table.layout.columns.values())
    assert "column.missing" not in _codes(report) and "column.unheaded" not in _codes(report)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("vocab", "codes"), [
    ("categories", CATEGORY_CODES), ("control", CONTROL_CODES), ("statuses", STATUS_CODES)])
def test_drop_down_words_are_read_as_their_codes(vocab: str, codes: tuple[str, ...],
                                                 lang: str) -> None:
    for code, word in zip(codes, words(vocab, codes, lang), strict=True):
        match = vocabulary(vocab).lookup(word)
        assert match is not None and match.code == code and not match.typo


def test_formula_words_come_from_the_rule_tables() -> None:
    for s, lv in matrix.CATEGORY_BY_SUM.items():
        assert fx.level_words("ky")[s] == messages.level_name(lv, "ky")
    zero = ResidualRule(Level.ZERO)
    assert fx.residual_words("ru", zero)[2] == messages.level_name(Level.ZERO, "ru")
    assert fx.residual_words("ru")[2] == messages.level_name(Level.LOW, "ru")
    for word in fx.control_high_words():
        match = vocabulary("control").lookup(word)
        assert match is not None and match.code == Level.HIGH.value
    for form in fx.deadline_table("ky") + fx.deadline_table("ru"):
        assert form.end is not None or form.continuous or form.recurring


# --- the formulas, recalculated by LibreOffice, against the tool ---------------------------------

SCORE_ROWS: list[dict[str, Any]] = [
    {"cases": f"Учур {p}{h}{c}", "probability": p, "harm": h, "control": c}
    for p in matrix.VALID_POINTS for h in matrix.VALID_POINTS for c in ("Жогорку", "Орточо", None)
]
ODD_ROWS: list[dict[str, Any]] = [
    {"cases": "Сөз менен", "probability": "Орточо", "harm": "жогорку", "control": "Жогорку"},
    {"cases": "Балл менен", "probability": "2 балл", "harm": 3},
    {"cases": "Шкаладан тышкары", "probability": 5, "harm": 2},
    {"cases": "Окулбайт", "probability": "abc", "harm": 1},
    {"cases": "Бөлчөк", "probability": 1.5, "harm": 1},
    {"cases": "Жарым", "probability": 2},
    {"number": 7, "cases": "Балл жок"},
    {},  # an empty row
]


def _recalculated(path: Path, outdir: Path) -> Path:
    """``path`` opened by LibreOffice headless with every formula recalculated (a private
    profile whose OOXMLRecalcMode is 0, "always"), saved as .xlsx."""
    profile = outdir / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
        "</oor:items>\n", encoding="utf-8")
    done = subprocess.run(
        [SOFFICE or "soffice", "--headless", "--norestore",
         f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir / "out"), str(path)],
        capture_output=True, text=True, timeout=180)
    out = outdir / "out" / path.name
    assert done.returncode == 0 and out.exists(), done.stderr
    return out


def _cells(path: Path, kind: str, rows: int) -> list[dict[str, Any]]:
    """The computed cells of the first ``rows`` table rows, by column key, as calculated."""
    ws = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    pos = position(kind)
    out = []
    for r in range(FIRST, FIRST + rows):
        out.append({k: ws.cell(r, pos[k] + 1).value for k in COMPUTED[kind]})
    return out


needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def _level(code: Any, lang: str) -> Any:
    return messages.level_name(code, lang) if isinstance(code, str) else None


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("low", [Level.LOW, Level.ZERO])
def test_register_formulas_agree_with_the_tool(tmp_path: Path, low: Level) -> None:
    rule = ResidualRule(low)
    rows = [Row(v) for v in SCORE_ROWS + ODD_ROWS]
    path = build_template("register", tmp_path / "r.xlsx", rows=rows, residual=rule)
    calc = _recalculated(path, tmp_path)
    cells = _cells(calc, "register", len(rows))
    report = analyse(calc, Options(residual=rule))
    (table,) = report.tables
    frame = table.frame
    for i, (values, got) in enumerate(zip(SCORE_ROWS + ODD_ROWS, cells, strict=True)):
        excel_row = FIRST + i
        if not values:
            assert got == {k: None for k in got}, got  # an empty row shows nothing
            assert excel_row not in frame.index
            continue
        rec = frame.loc[excel_row]
        score = rec["score"]
        if pd.isna(score):  # unscored by the tool: the formula shows a mark, never a level
            assert got["sum"] in (fx.INVALID, fx.INCOMPLETE), (values, got)
            assert got["stated_level"] is None and got["residual"] is None
            assert got["measure"] is None
            continue
        assert got["sum"] == int(score), values
        assert got["stated_level"] == _level(rec["level"], "ky"), values
        assert got["residual"] == _level(rec["residual_level"], "ky"), values
        key = str(rec["measure"]).replace("measure.", "measure_short.")
        assert got["measure"] == messages.text(key, "ky")
    # read back: only the staff's mistakes, no warning about the formulas
    assert CODE not in _codes(report)
    assert "level.mismatch" not in _codes(report) and "level.unknown" not in _codes(report)
    assert _codes(report) <= {"reason.missing", "score.out_of_range", "score.unreadable",
                              "score.missing", "cases.missing"}

    # a level typed over its formula: the tool's level stands, a warning says so
    wb = openpyxl.load_workbook(calc)
    ws = wb.worksheets[0]
    high_row = FIRST + next(i for i, v in enumerate(SCORE_ROWS) if v["probability"] == 3
                            and v["harm"] == 3)
    ws.cell(high_row, position("register")["stated_level"] + 1).value = "Төмөнкү"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    again = analyse(edited, Options(residual=rule))
    warned = [f for f in again.findings if f.code == CODE]
    assert [(f.row, f.column) for f in warned] == [
        (high_row, letter(position("register")["stated_level"]))]
    assert again.tables[0].frame.loc[high_row, "level"] == "high"


def _plan_rows(today: date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"activity": f"Иш {form.text}", "deadline": form.text}
        for form in fx.deadline_table("ky")
    ]
    rows += [
        {"activity": "Күн өттү", "deadline": today - timedelta(days=3)},
        {"activity": "Күн жакын", "deadline": today + timedelta(days=10)},
        {"activity": "Күн алыс", "deadline": today + timedelta(days=100)},
        {"activity": "Жыл сан менен", "deadline": today.year},
        {"activity": "Аткарылды", "deadline": today - timedelta(days=30), "status": "Аткарылды"},
        {"activity": "Аткарылууда", "deadline": "2025-жыл", "status": "Аткарылууда"},
        {"activity": "Окулбайт", "deadline": "кийинки жумада"},
        {"number": 9, "activity": "Мөөнөтсүз"},
        {},
    ]
    return rows


@needs_soffice
@pytest.mark.slow
def test_plan_formulas_agree_with_the_tool(tmp_path: Path) -> None:
    today = date.today()
    values = _plan_rows(today)
    path = build_template("plan", tmp_path / "p.xlsx", rows=[Row(v) for v in values])
    calc = _recalculated(path, tmp_path)
    cells = _cells(calc, "plan", len(values))
    report = analyse(calc, Options(as_of=today))
    (table,) = report.tables
    frame = table.frame
    words_ky = fx.status_words("ky")
    for i, (v, got) in enumerate(zip(values, cells, strict=True)):
        excel_row = FIRST + i
        if not v:
            assert got == {"due": None, "state": None}
            continue
        rec = frame.loc[excel_row]
        if got["state"] == fx.UNREAD:  # a form the formula does not read: the tool does
            assert v["deadline"] == "кийинки жумада"
            continue
        assert got["state"] == words_ky[rec["status"]], (v, got, rec["status"])
        due = got["due"]
        if rec["status"] == "no_deadline":
            assert due == fx.INCOMPLETE
        elif rec["status"] == "ongoing":
            assert due == fx.NO_DAY
        else:
            expected = rec["next_due"] if rec["recurring"] else rec["due_end"]
            assert isinstance(due, datetime) and due.date() == expected, (v, due, expected)
    assert CODE not in _codes(report)


# --- without LibreOffice ----------------------------------------------------------------------

def test_a_value_typed_over_a_formula_is_warned_and_the_tool_stands(tmp_path: Path) -> None:
    rows = [Row({"cases": "A", "probability": 3, "harm": 3}),
            Row({"cases": "B", "probability": 1, "harm": 1})]
    path = build_template("register", tmp_path / "t.xlsx", rows=rows)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    pos = position("register")
    ws.cell(FIRST, pos["sum"] + 1).value = 2  # wrong: 3 + 3
    ws.cell(FIRST + 1, pos["sum"] + 1).value = 2  # right: typed, but what the formula gives
    ws.cell(FIRST + 1, pos["measure"] + 1).value = messages.text("measure_short.low", "ru")
    wb.save(tmp_path / "edited.xlsx")
    report = analyse(tmp_path / "edited.xlsx")
    warned = [f for f in report.findings if f.code == CODE]
    assert [(f.row, f.column) for f in warned] == [(FIRST, letter(pos["sum"]))]
    assert report.tables[0].frame.loc[FIRST, "score"] == 6
    text = messages.render(warned[0], "ru")
    assert "«2»" in text and "«6»" in text and messages.has(f"title.{CODE}")


def test_from_old_register_carries_every_row(tmp_path: Path) -> None:
    old = make_register(tmp_path / "old.xlsx", rows=[
        Section("Кызмат көрсөтүү функциясы"),
        risk(1, p=3, h=2, control="жогорку"),
        risk(2, p="2 балл", h=1, category="Кырдаалдык"),
        Section("Уруксат берүү функциясы"),
        risk(1, p=1, h=1, level="Орго"),
    ])
    before = analyse(old)
    result = make_template("register", tmp_path / "new.xlsx", source=old)
    assert result.code == 0 and result.rows == 3
    after = analyse(tmp_path / "new.xlsx")
    (t0,), (t1,) = before.tables, after.tables
    cols = ["cases", "probability", "harm", "control", "category", "score", "level",
            "residual_level", "section"]
    assert t1.frame[cols].reset_index(drop=True).equals(t0.frame[cols].reset_index(drop=True))
    notes = [str(c.value) for c in openpyxl.load_workbook(tmp_path / "new.xlsx")[
        messages.text("template.sheet.instructions", "ky")]["A"]]
    assert any("old.xlsx" in n for n in notes)
    assert len(notes) > len(before.findings)  # every finding of the old file is listed


def test_from_a_file_without_the_kind_writes_nothing(tmp_path: Path) -> None:
    old = make_register(tmp_path / "old.xlsx", rows=[risk(1)])
    result = make_template("plan", tmp_path / "new.xlsx", source=old)
    assert result.code == 2 and not (tmp_path / "new.xlsx").exists()


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_cli_writes_a_blank_template(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "blank.xlsx"
    res = CliRunner().invoke(main, ["template", "plan", "--lang", lang, "--unit", "Мектеп",
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert str(out) in res.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.protection.sheet and ws.freeze_panes == f"A{FIRST}"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToHeight == 0 and ws.page_setup.fitToWidth in (None, 1)
    with zipfile.ZipFile(out) as z:  # the header row printed on every page
        assert f"!${HEADER_ROW + 1}:${HEADER_ROW + 1}</definedName>" in z.read(
            "xl/workbook.xml").decode()
    assert "Мектеп" in str(ws.cell(2, 1).value)
    # a blank template holds no activity: the tool says it holds no table (exit 2)
    assert analyse(out).reason == "file.no_table"


def test_blank_template_has_drop_downs_and_unlocked_inputs(tmp_path: Path) -> None:
    path = build_template("register", tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    pos = position("register")
    lists = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    prob = lists[f"{letter(pos['probability'])}{FIRST}"]
    assert prob.type == "list" and prob.formula1 == '"1,2,3"'
    assert "Төмөнкү" in (prob.prompt or "") and prob.showInputMessage
    cell = ws.cell(FIRST, pos["cases"] + 1)
    assert cell.protection.locked is False
    formula = ws.cell(FIRST, pos["sum"] + 1)
    assert formula.protection.locked is True and str(formula.value).startswith("=")
