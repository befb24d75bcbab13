"""Consolidation (issue 10): a folder of units into one workbook, compared by values.

The folder: units in Kyrgyz and Russian, .xlsx and .ods, a register and a plan of one unit in
two files, lock files, a broken file, a file that is not a spreadsheet, a scored copy, one unit
submitted twice; a roster. Then two administrations' consolidated workbooks consolidated
again, and a later round compared with an earlier one.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sample_workbooks.headers import plan_header, register_header
from tests.builders import make_register, risk
from workbook_tools import messages
from workbook_tools.cli import main
from workbook_tools.consolidate import consolidate, document
from workbook_tools.consolidate.discover import discover
from workbook_tools.consolidate.names import (
    name_from_file,
    name_from_sheet,
    roster_matches,
    roster_names,
)
from workbook_tools.model import Grid, Options

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
AS_OF = date(2026, 11, 25)
OPTS = Options(as_of=AS_OF, lang="ky")


def set_modified(path: Path, stamp: str) -> Path:
    """Rewrite the date a workbook says it was last saved (an .xlsx's docProps/core.xml, an
    .ods's meta.xml)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                data = re.sub(rb"(<dcterms:modified[^>]*>|<dc:date>)[^<]*"
                              rb"(</dcterms:modified>|</dc:date>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            dst.writestr(info, data)
    tmp.replace(path)
    return path


def unit_register(path: Path, unit: str, levels: list[tuple[int, int]], *, lang: str = "ky",
                  cases: list[str] | None = None, modified: str | None = None) -> Path:
    """A unit's register, one risk per (probability, harm); its name in the title line (in
    the genitive after a vowel), else in a unit cell above the table."""
    if lang == "ru":
        title = f"Перечень коррупционных рисков {unit}"
    elif unit[-1] in "аеиоуыөү":
        title = f"{unit}нын коррупциялык тобокелдиктеринин тизмеги"
    else:
        title = f"Мекеме: {unit}"
    rows = [risk(i + 1, p=p, h=h, cases=(cases[i] if cases else f"Тобокелдик {i + 1}"),
                 unit=unit) for i, (p, h) in enumerate(levels)]
    make_register(path, header=register_header(lang), rows=rows, title_rows=[title])
    return set_modified(path, modified) if modified else path


def unit_plan(path: Path, unit: str, rows: list[list[Any]]) -> Path:
    """A unit's plan: № task activity deadline expected responsible funding status."""
    return make_register(path, header=plan_header(), rows=rows, number_row=False,
                         title_rows=[f"{unit}нын иш-чаралар планы"])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "incoming"
    (d / "mektepter").mkdir(parents=True)
    # Kyrgyz .xlsx, title line; 2 high (3+3, 2+3), 1 medium (2+2), 1 low (1+1)
    unit_register(d / "apparat.xlsx", "Достук айыл өкмөтүнүн аппараты",
                  [(3, 3), (2, 3), (2, 2), (1, 1)])
    unit_plan(d / "apparat_plan.xlsx", "Достук айыл өкмөтүнүн аппараты", [
        [1, "Милдет", "Отчет берүү", "2025-жылдын 3-кварталы", "Отчет", "Катчы", "", ""],
        [2, "Милдет", "Семинар өткөрүү", "2026-жылдын 4-кварталы", "Семинар", "Катчы", "",
         "аткарылды"],
    ])
    # Russian .xlsx in a subfolder; formula-looking text stays text
    unit_register(d / "mektepter" / "school5.xlsx", "МОУ СОШ № 5", [(1, 2), (3, 2)],
                  lang="ru", cases=["=HYPERLINK(\"http://x\",\"y\")", "+7 взятка"])
    # the same kindergarten submitted twice: the newer (by the workbook's own date) counts
    unit_register(d / "balapan_old.xlsx", "«Балапан» балдар бакчасы", [(1, 1)],
                  modified="2026-01-10T08:00:00Z")
    unit_register(d / "balapan_new.xlsx", "«Балапан» балдар бакчасы", [(3, 3), (1, 1)],
                  modified="2026-03-01T08:00:00Z")
    # an .ods unit (the bundled sample)
    shutil.copy(SAMPLES / "balaban_bakcha_register_ky.ods", d / "mektepter" / "bakcha2.ods")
    set_modified(d / "mektepter" / "bakcha2.ods", "2025-12-01T08:00:00")
    # what is skipped and what is rejected
    (d / "~$apparat.xlsx").write_bytes(b"lock")
    (d / ".~lock.apparat.xlsx#").write_text("lock")
    (d / "apparat.scored.xlsx").write_bytes(b"copy")
    (d / "letter.docx").write_bytes(b"PK not a workbook")
    (d / "broken.xlsx").write_bytes(b"this is not a workbook at all")
    return d


def _run(folder: Path, tmp_path: Path, **kw: Any) -> Any:
    return consolidate([folder], tmp_path / "out" / "all.xlsx", OPTS, **kw)


def test_discover_skips_lock_files_copies_and_other_files(folder: Path) -> None:
    found, skipped = discover([folder])
    names = sorted(f.path.name for f in found)
    assert names == ["apparat.xlsx", "apparat_plan.xlsx", "bakcha2.ods", "balapan_new.xlsx",
                     "balapan_old.xlsx", "broken.xlsx", "school5.xlsx"]
    reasons = {Path(s.file).name: s.reason for s in skipped}
    assert reasons == {"~$apparat.xlsx": "skip.lock", ".~lock.apparat.xlsx#": "skip.lock",
                       "apparat.scored.xlsx": "skip.scored_copy",
                       "letter.docx": "skip.not_spreadsheet"}


def test_units_totals_duplicates_and_rejections(folder: Path, tmp_path: Path) -> None:
    result = _run(folder, tmp_path)
    cons = result.consolidation
    assert result.output is not None and result.output.exists()
    assert result.exit_code == 1  # the broken file
    by_name = {u.unit: u for u in cons.units}
    assert set(by_name) == {"Достук айыл өкмөтүнүн аппараты", "МОУ СОШ № 5",
                            "«Балапан» балдар бакчасы"}
    apparat = by_name["Достук айыл өкмөтүнүн аппараты"]
    assert apparat.levels() == {"high": 2, "medium": 1, "low": 1, "unscored": 0}
    assert sorted(Path(f).name for f in apparat.files) == ["apparat.xlsx", "apparat_plan.xlsx"]
    assert apparat.statuses()["overdue"] == 1 and apparat.statuses()["done"] == 1
    balapan = by_name["«Балапан» балдар бакчасы"]
    # the newer file (2026-03-01) is used, the older and the .ods sample are duplicates
    assert [Path(f).name for f in balapan.files] == ["balapan_new.xlsx"]
    assert balapan.levels()["high"] == 1 and len(balapan.risks) == 2
    ignored = sorted(Path(d.ignored).name for d in cons.duplicates)
    assert ignored == ["bakcha2.ods", "balapan_old.xlsx"]
    assert [Path(r.file).name for r in cons.rejected] == ["broken.xlsx"]
    doc = document(result, "en")
    assert sum(u["rows"] for u in doc["units"]) == 8
    assert {u["unit"]: u["levels"] for u in doc["units"]}["МОУ СОШ № 5"] == {
        "high": 1, "medium": 0, "low": 1, "unscored": 0}
    assert len(doc["skipped"]) == 4 and doc["rejected"][0]["file"].endswith("broken.xlsx")
    json.dumps(doc)  # serialisable as it is


def test_roster_names_missing_units_and_files_matching_none(folder: Path,
                                                            tmp_path: Path) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("Бөлүмдөр\nДостук айыл өкмөтүнүн аппараты\nБАЛАПАН  балдар бакчасы\n"
                      "«Күн» балдар бакчасы\n", encoding="utf-8")
    cons = _run(folder, tmp_path, roster=roster).consolidation
    assert cons.missing == ["«Күн» балдар бакчасы"]
    assert [u.unit for u in cons.unmatched] == ["МОУ СОШ № 5"]
    assert {u.unit: u.roster for u in cons.units}["«Балапан» балдар бакчасы"] == (
        "БАЛАПАН балдар бакчасы")


def test_formula_looking_text_stays_text_in_every_sheet(folder: Path, tmp_path: Path) -> None:
    out = _run(folder, tmp_path).output
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) for n in sheets)
    wb = load_workbook(out)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert '=HYPERLINK("http://x","y")' in texts and "+7 взятка" in texts


def test_workbook_sheets_tables_and_charts(folder: Path, tmp_path: Path) -> None:
    out = _run(folder, tmp_path).output
    wb = load_workbook(out)
    t = messages.text
    names = wb.sheetnames
    for code in ("cons.sheet.units", "cons.sheet.charts", "cons.sheet.heatmap",
                 "cons.sheet.high", "cons.sheet.risks", "cons.sheet.activities",
                 "cons.sheet.roster", "cons.sheet.files"):
        assert t(code, "ky") in names
    risks = wb[t("cons.sheet.risks", "ky")]
    assert "Risks" in risks.tables and risks.print_title_rows
    assert risks.page_setup.paperSize == 9 and risks.sheet_properties.pageSetUpPr.fitToPage
    assert risks.page_setup.fitToHeight == 0
    units = wb[t("cons.sheet.units", "ky")]
    head = [c.value for c in units[4]]
    assert head[:2] == [t("cons.col.unit", "ky"), t("cons.col.files", "ky")]
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    files = wb[t("cons.sheet.files", "ky")]
    what = [r[0].value for r in files.iter_rows(min_row=5)]
    assert what.count(t("cons.kind.skipped", "ky")) == 4
    assert what.count(t("cons.kind.rejected", "ky")) == 1
    assert what.count(t("cons.kind.duplicate", "ky")) == 2


def test_parallel_reading_gives_the_same_consolidation(folder: Path, tmp_path: Path) -> None:
    one = document(consolidate([folder], tmp_path / "a.xlsx", OPTS, jobs=1), "en")
    two = document(consolidate([folder], tmp_path / "b.xlsx", OPTS, jobs=2), "en")
    for doc in (one, two):
        doc.pop("output")
    assert one == two


def test_consolidated_workbooks_consolidated_again(tmp_path: Path) -> None:
    for admin, units in (("dostuk", ["Мектеп", "Бакча"]), ("kara-too", ["Мектеп"])):
        d = tmp_path / admin
        for i, unit in enumerate(units):
            unit_register(d / f"u{i}.xlsx", f"{unit} {admin}", [(3, 3), (1, 1)])
        consolidate([d], tmp_path / "rounds" / f"{admin}.xlsx", OPTS)
    raw = tmp_path / "raw_aksy"
    unit_register(raw / "u.xlsx", "Аппарат", [(2, 2)])
    result = consolidate([tmp_path / "rounds" / "dostuk.xlsx",
                          tmp_path / "rounds" / "kara-too.xlsx", raw],
                         tmp_path / "district.xlsx", OPTS)
    units = {(u.administration, u.unit): u.levels() for u in result.consolidation.units}
    assert units == {
        ("dostuk", "Бакча dostuk"): {"high": 1, "medium": 0, "low": 1, "unscored": 0},
        ("dostuk", "Мектеп dostuk"): {"high": 1, "medium": 0, "low": 1, "unscored": 0},
        ("kara-too", "Мектеп kara-too"): {"high": 1, "medium": 0, "low": 1, "unscored": 0},
        ("", "Аппарат"): {"high": 0, "medium": 1, "low": 0, "unscored": 0},
    }
    wb = load_workbook(result.output)
    by_admin = wb[messages.text("cons.sheet.administrations", "ky")]
    rows = [[c.value for c in r][:3] for r in by_admin.iter_rows(min_row=5)
            if r[0].value is not None]
    assert rows == [["—", 1, 1], ["dostuk", 2, 4], ["kara-too", 1, 2]]
    risks = wb[messages.text("cons.sheet.risks", "ky")]
    assert risks.cell(4, 1).value == messages.text("cons.col.administration", "ky")


def test_changes_since_the_previous_round(tmp_path: Path) -> None:
    first = tmp_path / "r1"
    unit_register(first / "a.xlsx", "Аппарат", [(3, 3), (1, 1), (2, 2)],
                  cases=["Пара алуу", "Кезексиз кабыл алуу", "Жер берүү"])
    unit_register(first / "b.xlsx", "Мектеп", [(1, 1)])
    unit_plan(first / "p.xlsx", "Аппарат", [
        [1, "Милдет", "Отчет берүү", "2027-жылдын 3-кварталы", "Отчет", "Катчы", "", ""],
        [2, "Милдет", "Семинар", "2027-жылдын 4-кварталы", "Семинар", "Катчы", "", ""],
    ])
    before = consolidate([first], tmp_path / "round1.xlsx",
                         Options(as_of=date(2026, 1, 10))).output
    second = tmp_path / "r2"
    # the same risks in another order, one text re-typed with other spacing and case;
    # one level raised, one lowered, one removed, one added; the school did not submit
    unit_register(second / "a.xlsx", "Аппарат", [(2, 2), (1, 1), (2, 3), (1, 1)],
                  cases=["Жер  берүү", "пара алуу", "Кезексиз кабыл алуу", "Жаңы тобокелдик"])
    unit_plan(second / "p.xlsx", "Аппарат", [
        [1, "Милдет", "Отчет берүү", "2026-жылдын 3-кварталы", "Отчет", "Катчы", "", ""],
        [2, "Милдет", "Семинар", "2027-жылдын 4-кварталы", "Семинар", "Катчы", "",
         "аткарылды"],
    ])
    result = consolidate([second], tmp_path / "round2.xlsx", OPTS, previous=before)
    ch = result.consolidation.changes
    assert ch is not None and ch.previous_as_of == date(2026, 1, 10)
    assert [(u, t, lv) for _, u, t, lv in ch.added] == [("Аппарат", "Жаңы тобокелдик", "low")]
    assert [(u, t) for _, u, t, _ in ch.removed] == [("Мектеп", "Тобокелдик 1")]
    assert [(t, b, n) for _, _, t, b, n in ch.raised] == [("Кезексиз кабыл алуу", "low",
                                                           "high")]
    assert [(t, b, n) for _, _, t, b, n in ch.lowered] == [("пара алуу", "high", "low")]
    assert [t for _, _, t in ch.newly_overdue] == ["Отчет берүү"]
    assert [t for _, _, t in ch.newly_done] == ["Семинар"]
    assert ch.not_resubmitted == [("", "Мектеп")]
    doc = document(result, "ru")["changes"]
    assert doc["not_resubmitted"] == [{"administration": None, "unit": "Мектеп"}]
    wb = load_workbook(result.output)
    changes = wb[messages.text("cons.sheet.changes", "ky")]
    kinds = [r[0].value for r in changes.iter_rows(min_row=6) if r[0].value]
    assert kinds.count(messages.text("cons.change.raised", "ky")) == 1


def test_previous_that_is_not_a_consolidation_is_said(folder: Path, tmp_path: Path) -> None:
    result = _run(folder, tmp_path, previous=folder / "apparat.xlsx")
    assert result.consolidation.previous_rejected is not None
    assert result.consolidation.previous_rejected.reason == "previous.not_consolidated"
    assert result.consolidation.changes is None


@pytest.mark.parametrize(("rows", "expected"), [
    ([["«Балапан» балдар бакчасынын коррупциялык тобокелдиктеринин тизмеги"]],
     ("«Балапан» балдар бакчасы", "title")),
    ([["БЕКИТЕМИН"], ["Достук айыл өкмөтүнүн коррупциянын келип чыгуу тобокелдиги"]],
     ("Достук айыл өкмөтү", "title")),
    ([["2025-2030-жылдарга коррупцияга каршы стратегия\nДостук айыл өкмөтүнүн иш-чаралар "
       "планы"]], ("Достук айыл өкмөтү", "title")),
    ([["Перечень коррупционных рисков МОУ СОШ им. Т. Сатылганова"]],
     ("МОУ СОШ им. Т. Сатылганова", "title")),
    ([["Мекеме:", "№ 3 мектеп"], ["Тизме"]], ("№ 3 мектеп", "label")),
    ([["Учреждение: Детский сад «Солнышко»"]], ("Детский сад «Солнышко»", "label")),
    ([["Тизмек"]], None),
])
def test_unit_names_from_the_rows_above_the_table(rows: list[list[Any]],
                                                  expected: tuple[str, str] | None) -> None:
    assert name_from_sheet(Grid("s", rows), len(rows)) == expected


@pytest.mark.parametrize(("roster", "unit", "how"), [
    ("«Балапан» балдар бакчасы", "БАЛАПАН   балдар бакчасы", 2),
    ("Балапан балдар бакчасы", "Балапaн балдар бакчасы", 2),  # a Latin "a" inside
    ("Достук айыл өкмөтү", "Достук айыл өкмөтүнүн аппараты", 1),
    ("МОУ СОШ им. Т. Сатылганова", "МОУ СОШ им. Т. Сатылганова айыльного аймака Достук", 1),
    ("Мектеп № 5", "Мектеп № 6", 0),
    ("Күн балдар бакчасы", "Балапан балдар бакчасы", 0),
])
def test_roster_names_are_compared_folded(roster: str, unit: str, how: int) -> None:
    assert roster_matches(roster, unit) == how


def test_roster_rows_and_file_names() -> None:
    assert roster_names([["№", "Аталышы"], [1, "Мектеп"], [2, " мектеп "], [3, "Бакча"]]) == [
        "Мектеп", "Бакча"]
    assert name_from_file("incoming/mektep_5.xlsx") == "mektep 5"


def test_cli_json_and_exit_codes(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "cons.xlsx"
    res = runner.invoke(main, ["consolidate", str(folder), "-o", str(out), "--json",
                               "--as-of", "25.11.2026", "--jobs", "1", "--lang", "ru"])
    assert res.exit_code == 1, res.output
    doc = json.loads(res.output)
    assert doc["output"] == str(out) and {"unit", "administration", "file", "rows", "levels",
                                          "findings", "overdue"} <= set(doc["units"][0])
    assert set(doc) >= {"output", "units", "rejected", "skipped", "duplicates", "missing",
                        "changes"}
    good = tmp_path / "good"
    unit_register(good / "a.xlsx", "Аппарат", [(2, 2)])
    res = runner.invoke(main, ["consolidate", str(good), "-o", str(tmp_path / "g.xlsx")])
    assert res.exit_code == 0, res.output
    assert messages.text("cons.cli.written", "ky", path=tmp_path / "g.xlsx") in res.output
    blocked = tmp_path / "a_file"
    blocked.write_text("x")
    res = runner.invoke(main, ["consolidate", str(good), "-o", str(blocked / "g.xlsx")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_input_files_are_never_modified(folder: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    _run(folder, tmp_path)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_with_its_charts(folder: Path, tmp_path: Path,
                                                        lo_convert: Any) -> None:
    out = _run(folder, tmp_path).output
    ods = lo_convert(out, "ods", tmp_path / "lo")
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
        objects = [n for n in z.namelist() if n.startswith("Object") and n.endswith(
            "content.xml")]
    assert len(objects) == 2  # both charts came through as charts
    assert messages.text("cons.sheet.risks", "ky") in content
