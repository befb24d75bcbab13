"""The rules of what may not travel into a copy, as a table, and both backends applying them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from tests.builders import make_register, risk
from workbook_tools import Options, score_file
from workbook_tools.annotated.neutralise import dangerous_formula


@pytest.mark.parametrize(
    ("formula", "dangerous"),
    [
        ("=1+1", False),
        ("=SUM(A1:A9)*2", False),
        ("=IF(A1>2,\"x\",\"y\")", False),
        ("=RECALL(1)", False),  # not CALL
        ("='Тизмек'!A1", False),  # another sheet of the same workbook
        ('=WEBSERVICE("http://x")', True),
        ("=webservice(A1)", True),
        ("=_xlfn.WEBSERVICE(B1)", True),
        ('=FILTERXML(_xlfn.WEBSERVICE(B1),"//a")', True),
        ('=HYPERLINK("http://x","y")', True),
        ("=_xlfn.IMAGE(B1)", True),
        ("='[1]Sheet1'!A1", True),  # another workbook
        ("='C:\\\\x\\\\[b.xlsx]S'!A1", True),
        ("=cmd|' /C calc'!A0", True),  # DDE
        ('=CALL("kernel32","x","J")', True),
        ("=RTD(\"prog\",,\"x\")", True),
    ],
)
def test_dangerous_formula(formula: str, dangerous: bool) -> None:
    assert dangerous_formula(formula) is dangerous


@pytest.mark.parametrize("backend", ["stream", "openpyxl"])
def test_names_calling_outward_functions_are_dropped(tmp_path: Path, backend: str) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=2, h=2)])
    wb = load_workbook(path)
    wb.defined_names["fetch"] = DefinedName("fetch", attr_text='WEBSERVICE("http://evil")')
    wb.defined_names["area"] = DefinedName("area", attr_text="'Тизме'!$A$1:$B$2")
    wb.save(path)
    report = score_file(path, tmp_path / "out", Options(backend=backend))
    names = set(load_workbook(report.output).defined_names)
    assert "fetch" not in names and "area" in names
    assert [f.code for f in report.findings if f.code == "link.removed"] == ["link.removed"]


@pytest.mark.parametrize("backend", ["stream", "openpyxl"])
def test_a_staff_comment_is_kept_under_ours(tmp_path: Path, backend: str) -> None:
    """Staff's own note on a cell with a finding is not replaced by the tool's comment."""
    from openpyxl.comments import Comment

    from tests.builders import data_row

    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=5, h=2)])
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(data_row(0), 9).comment = Comment("Катчы: текшерилсин", "Айгүл")
    wb.save(path)
    report = score_file(path, tmp_path / "out", Options(backend=backend, lang="en"))
    note = load_workbook(report.output).active.cell(data_row(0), 9).comment.text
    assert note.startswith("Катчы: текшерилсин")
    assert "outside the 1–3 scale" in note
