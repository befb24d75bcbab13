"""The bundled sample workbooks, scored, against results worked out by hand.

tests/data/sample_expectations.json was written from the sample-building script's inputs and
the matrix of Annex I, not by running the tool: each register row's scores, level, stated level
and control, each planted problem's finding code, each plan activity's row and section.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sample_workbooks import headers
from workbook_tools import FileReport, Options, analyse, messages, score_file
from workbook_tools.rules.formats import table_format

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
EXPECTED = json.loads((ROOT / "tests" / "data" / "sample_expectations.json").read_text("utf-8"))
AS_OF = Options(as_of=date(2026, 11, 25))
FIELDS = ("section", "probability", "harm", "score", "level", "stated_level", "control")

REGISTERS = [name for name, exp in EXPECTED.items() if "rows" in exp]


def _rows(report: FileReport, sheet: str) -> list[dict]:
    from workbook_tools.outputs.report import table_rows

    (table,) = [t for t in report.tables if t.sheet == sheet and t.kind.name == "register"]
    return {r["row"]: r for r in table_rows(table)}, table


@pytest.mark.parametrize("name", REGISTERS)
def test_register_rows_as_worked_by_hand(name: str) -> None:
    exp = EXPECTED[name]
    report = analyse(SAMPLES / name, AS_OF)
    assert report.status in ("ok", "errors"), report.reason
    rows, table = _rows(report, exp["sheet"])
    assert table.header_row == exp["header_row"]
    assert sorted(rows) == sorted(r["row"] for r in exp["rows"])
    for want in exp["rows"]:
        got = rows[want["row"]]
        assert {k: got[k] for k in FIELDS} == {k: want.get(k) for k in FIELDS}, want["row"]


@pytest.mark.parametrize("name", REGISTERS + ["dostuk_action_plan.xlsx"])
def test_planted_problems_are_found(name: str) -> None:
    exp = EXPECTED[name]
    report = analyse(SAMPLES / name, AS_OF)
    found = {(f.row, f.code) for f in report.findings}
    for planted in exp["planted"]:
        if planted.get("finding"):
            assert (planted["row"], planted["code"]) in found, planted


def test_plan_activities_and_sections() -> None:
    exp = EXPECTED["dostuk_action_plan.xlsx"]
    report = analyse(SAMPLES / "dostuk_action_plan.xlsx", AS_OF)
    (table,) = report.tables
    assert table.kind.name == "plan" and table.header_row == exp["header_row"]
    frame = table.frame
    assert list(frame.index) == [a["row"] for a in exp["activities"]]
    for a in exp["activities"]:
        assert frame.at[a["row"], "section"] == a["section"]
        assert frame.at[a["row"], "deadline_raw"] == a["deadline_clean"]
    # every deadline of the seed's plan is understood
    assert not [f for f in report.findings if f.code.startswith("deadline.")]
    assert frame["due_end"].notna().all()


def test_mixed_workbook_cross_checks_high_risks() -> None:
    exp = EXPECTED["mixed_register_and_plan.xlsx"]
    report = analyse(SAMPLES / "mixed_register_and_plan.xlsx", AS_OF)
    assert {t.kind.name for t in report.tables} == {"register", "plan"}
    uncovered = {f.row for f in report.findings if f.code == "risk.no_measure"}
    planted = {p["row"] for p in exp["planted"] if p["code"] == "risk.no_measure"}
    assert uncovered == planted


def test_ods_reads_like_its_xlsx() -> None:
    a = analyse(SAMPLES / "balaban_bakcha_register_ky.xlsx", AS_OF)
    b = analyse(SAMPLES / "balaban_bakcha_register_ky.ods", AS_OF)
    ra, _ = _rows(a, EXPECTED["balaban_bakcha_register_ky.xlsx"]["sheet"])
    rb, _ = _rows(b, EXPECTED["balaban_bakcha_register_ky.ods"]["sheet"])
    assert ra == rb
    assert [(f.row, f.code) for f in a.findings] == [(f.row, f.code) for f in b.findings]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xls*")))
def test_every_sample_scores_and_its_copy_keeps_the_sheets(name: str, tmp_path: Path) -> None:
    report = score_file(SAMPLES / name, tmp_path, AS_OF)
    assert report.output is not None and report.output.exists()
    source = openpyxl.load_workbook(SAMPLES / name)
    copy = openpyxl.load_workbook(report.output)
    assert copy.sheetnames[: len(source.sheetnames)] == source.sheetnames
    assert messages.text("sheet.summary") in copy.sheetnames
    assert messages.text("sheet.findings") in copy.sheetnames
    for ws in source.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert copy[ws.title][cell.coordinate].value == cell.value


@pytest.mark.parametrize(("kind", "keys", "texts"), [
    ("register", headers.REGISTER_KEYS, headers.REGISTER),
    ("plan", headers.PLAN_KEYS, headers.PLAN),
], ids=["register", "plan"])
def test_shared_headers_name_the_schema_columns(kind: str, keys: tuple[str, ...],
                                                texts: dict[str, tuple[str, ...]]) -> None:
    """sample_workbooks/headers.py names its columns by the keys of schemas/<kind>.toml, in
    order, so a sample's changed header says which column it changes."""
    schema = [c.key for c in table_format(kind).columns]
    assert list(keys) == schema[: len(keys)]
    assert all(len(header) == len(keys) for header in texts.values())
    with pytest.raises(KeyError):
        headers.changed(keys, texts["ky"], no_such_column="x")
