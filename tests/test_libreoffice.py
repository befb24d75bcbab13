"""Every kind of file the tool writes opens in LibreOffice with the same sheets and values.

LibreOffice (headless) converts the tool's output to xlsx; openpyxl then reads both, and every
non-empty cell of every sheet must hold the same value (numbers compared as floats).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.builders import Section, data_row, make_register, risk
from workbook_tools import Options, pipeline

#: every test opens a file in LibreOffice
pytestmark = pytest.mark.slow


def _register(path: Path) -> Path:
    return make_register(
        path,
        title_rows=["Коррупциялык тобокелдиги бар учурлардын жана кырдаалдардын тизмеги"],
        rows=[
            Section("Кызмат көрсөтүү функциясы"),
            risk(1, function="Жер бөлүп берүү", level="Жогорку", p=3, h=3, control="жогорку"),
            risk(2, function=None, level="Орго", p="2 балл", h=2),
            risk(3, function="=1+1", cases="@SUM(A1)", level="Төмөнкү", p=1, h="?"),
            Section("Уруксат берүү функциясы"),
            risk(1, function="Уруксат", level="высокий", p=5, h=1),
        ],
        merges=[f"B{data_row(1, ['t'])}:B{data_row(2, ['t'])}"],
        extra_sheets={"Лист2": [["Эскертүү", 12.5], [None, "текст"]]},
    )


def _scored_from_xlsx(tmp: Path, convert: Callable) -> Path:
    report = pipeline.score_file(_register(tmp / "in" / "register.xlsx"), tmp / "out")
    assert report.output is not None, report.reason_params
    return report.output


def _scored_from_ods(tmp: Path, convert: Callable) -> Path:
    ods = convert(_register(tmp / "in" / "register.xlsx"), "ods", tmp / "ods")
    report = pipeline.score_file(ods, tmp / "out", Options(lang="ru"))
    assert report.output is not None, report.reason_params
    return report.output


SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def _scored_sample(name: str) -> Callable:
    """A bundled sample's copy: the plan's has the status colours and the yearly report."""

    def make(tmp: Path, convert: Callable) -> Path:
        options = Options(as_of=date(2026, 11, 25), lang="en")
        report = pipeline.score_file(SAMPLES / name, tmp / "out", options)
        assert report.output is not None, report.reason_params
        return report.output

    return make


def _scored_from_xls(tmp: Path, convert: Callable) -> Path:
    xls = convert(_register(tmp / "in" / "register.xlsx"), "xls", tmp / "xls")
    report = pipeline.score_file(xls, tmp / "out")
    assert report.output is not None, report.reason_params
    return report.output


OUTPUTS = {
    "scored-copy-from-xlsx": _scored_from_xlsx,
    "scored-copy-from-ods": _scored_from_ods,
    "scored-copy-from-xls": _scored_from_xls,
    "scored-plan-with-yearly-report": _scored_sample("dostuk_action_plan.xlsx"),
    "scored-register-and-plan": _scored_sample("mixed_register_and_plan.xlsx"),
    "scored-sample-register-ru": _scored_sample("mektep_register_ru.xlsx"),
}


def _values(path: Path) -> dict[str, dict[str, object]]:
    wb = load_workbook(path)
    out: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        cells: dict[str, object] = {}
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if v is None or v == "":
                    continue
                if isinstance(v, bool):
                    v = float(v)
                elif isinstance(v, int | float):
                    v = float(v)
                elif isinstance(v, datetime | date):
                    v = v.isoformat()
                cells[cell.coordinate] = v
        out[ws.title] = cells
    return out


@pytest.mark.parametrize("make", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_libreoffice_opens_the_output_with_the_same_values(tmp_path: Path, lo_convert,
                                                           make: Callable) -> None:
    output = make(tmp_path, lo_convert)
    converted = lo_convert(output, "xlsx", tmp_path / "lo_out")
    ours, theirs = _values(output), _values(converted)
    assert list(theirs) == list(ours)
    for sheet in ours:
        assert theirs[sheet] == ours[sheet], sheet
    assert len(ours) >= 3 and all(ours[s] for s in ours)
