"""A register or a plan is recognised only by its header row (issue 15, item 1), and data in a
column without a header is reported, never dropped (issue 9, item 7)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from sample_workbooks.headers import PLAN_KY, PLAN_RU, REGISTER_KY, REGISTER_RU
from tests.builders import make_register, risk
from workbook_tools import messages, pipeline
from workbook_tools.model import Grid
from workbook_tools.read.locate import MergeMap, find_layouts
from workbook_tools.rules.formats import table_format

FORMATS = [table_format("register"), table_format("plan")]
NOTE = ("Observação: os controles internos são revistos todos os meses pela equipa. "
        "Qualquer desvio do nível de serviço deve ser comunicado ao gestor. Ver anexo.")


def _kinds(rows: list[list[Any]]) -> list[str]:
    grid = Grid("S", [list(r) for r in rows])
    return [layout.kind for layout in find_layouts(grid, FORMATS, MergeMap(grid, 10_000))]


DATA_REGISTER = [1, "Маалымкат берүү", "Пара алуу", "Потенциалдуу", "Орточо", "Аппарат", "Адис",
                 "Ооба", 2, "н", 2, "н", "Жогорку"]
DATA_PLAN = [1, "Милдет", "Иш-чара", "2025-жылдын 3-кварталы", "натыйжа", "айыл өкмөтү",
             "Талап кылынбайт", "аткарылды"]

CASES = [
    # (name, rows, kinds found)
    ("Kyrgyz register", [list(REGISTER_KY), DATA_REGISTER], ["register"]),
    ("Russian register", [list(REGISTER_RU), DATA_REGISTER], ["register"]),
    ("Kyrgyz plan", [list(PLAN_KY), DATA_PLAN], ["plan"]),
    ("Russian plan", [list(PLAN_RU), DATA_PLAN], ["plan"]),
    ("register with a level and no scores", [list(REGISTER_KY[:8]), DATA_REGISTER[:8]],
     ["register"]),
    ("English register naming its cases and situations",
     [["No.", "Function (powers)", "Cases and situations with corruption risk", "Level"],
      [1, "Permits", "A bribe", "High"]], ["register"]),
    ("Portuguese management sheet: a service level, controls in a note",
     [["Item", "Service Level Agreement", "Descrição", "Função", NOTE],
      [1, "99%", "Servidor", "TI", ""]], []),
    ("chemical specification",
     [["Constituent", "Constituent Function", "Lower Level (%)", "Upper Level (%)", "Control"],
      ["Water", "Solvent", 10, 20, "QC"]], []),
    ("task list without activities",
     [["#", "Task", "Due", "Responsible", "Status"], [1, "Write", "2025-01-01", "Ann", "done"]],
     []),
    ("English list of test cases with levels and functions",
     [["No.", "Function", "Test cases", "Level", "Category"], [1, "f", "c", "High", "A"]], []),
    ("English activity list with deadlines",
     [["No.", "Task", "Activity", "Deadline", "Responsible"], [1, "t", "a", "2025", "Ann"]], []),
    ("register header without data rows", [list(REGISTER_KY), [None] * 13], []),
    ("register without its cases column",
     [[h for i, h in enumerate(REGISTER_KY) if i != 2],
      [v for i, v in enumerate(DATA_REGISTER) if i != 2]], []),
    ("register without a level or both scores",
     [list(REGISTER_KY[:4]) + [REGISTER_KY[5], REGISTER_KY[8]],
      DATA_REGISTER[:4] + [DATA_REGISTER[5], DATA_REGISTER[8]]], []),
    ("plan without a deadline", [list(PLAN_KY[:3]) + list(PLAN_KY[4:]),
                                 DATA_PLAN[:3] + DATA_PLAN[4:]], []),
    ("register words inside sentences are no header",
     [[f"{h}. Бул мамычага ар бир учур жазылат. Толук жазыңыз." for h in REGISTER_KY],
      DATA_REGISTER], []),
]


@pytest.mark.parametrize(("rows", "kinds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_table_is_recognised_only_by_its_header_row(rows: list[list[Any]],
                                                       kinds: list[str]) -> None:
    assert _kinds(rows) == kinds


def test_an_unrelated_workbook_is_rejected_as_holding_no_table(tmp_path: Path) -> None:
    header = ["Constituent", "Constituent Function", "Lower Level (%)", "Upper Level (%)",
              "Control"]
    path = make_register(tmp_path / "spec.xlsx", header=header,
                         rows=[["Water", "Solvent", 10, 20, "QC"]] * 3, number_row=False)
    report = pipeline.analyse(path)
    assert report.status == "rejected"
    assert report.reason == "file.no_table"


def test_header_search_is_well_under_10_ms_for_a_50_row_register() -> None:
    rows = [["Достук айыл өкмөтү"], ["Тизме"], list(REGISTER_KY), list(range(1, 14))]
    rows += [[n, *DATA_REGISTER[1:]] for n in range(1, 51)]
    grid = Grid("S", rows)
    find_layouts(grid, FORMATS, MergeMap(grid, 10_000))  # the patterns are compiled once
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        layouts = find_layouts(grid, FORMATS, MergeMap(grid, 10_000))
    per_sheet = (time.perf_counter() - started) / runs
    assert [x.kind for x in layouts] == ["register"]
    assert layouts[0].header_row == 2 and layouts[0].number_row == 3
    print(f"layout of a 50-row register: {per_sheet * 1000:.2f} ms")


# --- data in a column without a header ---------------------------------------------------------


def test_an_unheaded_column_with_data_is_reported_and_kept(tmp_path: Path) -> None:
    # the seed's register: eight headed columns, and answers in a ninth without a header
    header = list(REGISTER_KY[:8]) + [None]
    rows = [[*DATA_REGISTER[:8], "ооба, мектепте"], [2, *DATA_REGISTER[1:8], "жок"],
            [3, *DATA_REGISTER[1:8], None]]
    path = make_register(tmp_path / "seed.xlsx", header=header, rows=rows, number_row=False)
    report = pipeline.analyse(path)
    unheaded = [f for f in report.findings if f.code == "column.unheaded"]
    assert [(f.column, f.row, f.params["count"], f.value) for f in unheaded] == [
        ("I", 1, 2, "ооба, мектепте")
    ]
    for lang in messages.LANGS:
        text = messages.render(unheaded[0], lang)
        assert "I" in text and "2" in text and "ооба, мектепте" in text
    out = pipeline.score_file(path, tmp_path / "out")
    assert out.output is not None
    from openpyxl import load_workbook

    ws = load_workbook(out.output)["Тизме"]
    assert ws["I2"].value == "ооба, мектепте"
    assert ws["I3"].value == "жок"


def test_a_headed_table_with_empty_columns_reports_nothing(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, level="Орточо")])
    report = pipeline.analyse(path)
    assert "column.unheaded" not in {f.code for f in report.findings}
