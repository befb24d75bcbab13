"""Hostile and broken files through the command line, and what the tool writes from hostile text.

Every file of tests/hostile.py (plus a workbook without a table and a .txt file) goes through both
``workbook-tools score`` and ``workbook-tools validate`` with ``--json``: exit code 2, a rejection
with its code and its text in the chosen language, no traceback, nothing written, the input left
byte for byte and time stamp as it was, within a time and memory bound.

Then text from a workbook that looks like a formula ("=", "+", "-", "@") must come out as text in
every sheet of the scored copy (register, Summary, Findings, the yearly report of a plan); only
formulas the source really had, and that stay inside the workbook, stay formulas.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from sample_workbooks.headers import plan_header
from tests import hostile
from tests.builders import Section, add_vba_part, data_row, make_register, risk
from workbook_tools import Options, messages, run
from workbook_tools.cli import main

LANGS = messages.LANGS
KYRGYZ_LETTERS = set("өүңӨҮҢ")
MAX_SECONDS = 10.0
MAX_BYTES = 1024**3  # 1 GB: a guard against a blow-up, not a benchmark


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def measured(*args: str | Path) -> tuple[Result, float, int, int]:
    """Invoke the CLI; also return the wall time, the Python peak and the growth of max RSS."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = invoke(*args)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return result, elapsed, peak, rss_growth


def snapshot(folder: Path) -> dict[str, tuple[str, int, int, str]]:
    """Every entry under ``folder``: kind, size, mtime (ns) and the SHA-256 of a file's bytes."""
    out: dict[str, tuple[str, int, int, str]] = {}
    for p in sorted(folder.rglob("*")):
        st = p.stat()
        if p.is_dir():
            out[str(p.relative_to(folder))] = ("dir", 0, st.st_mtime_ns, "")
        else:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            out[str(p.relative_to(folder))] = ("file", st.st_size, st.st_mtime_ns, digest)
    return out


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def fragments(code: str, lang: str) -> list[str]:
    """The fixed parts of a message template (what is not a parameter)."""
    template = messages.text(code, lang)  # without parameters: the template itself
    return [part.strip() for part in re.split(r"\{\w*\}", template) if part.strip()]


# --- the table of hostile and broken files -------------------------------------------------------


def no_table(tmp: Path) -> Path:
    """A real workbook whose sheets hold text, numbers and a merged title but no table header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Эскертүүлөр"
    ws["A1"] = "Жумушчу топтун жыйыны"
    ws.merge_cells("A1:D1")
    ws.append(["Катышкандар", 7])
    ws.append(["Күнү", "2026-04-10"])
    wb.create_sheet("Бош")
    path = tmp / "minutes.xlsx"
    wb.save(path)
    return path


def txt_file(tmp: Path) -> Path:
    """A plain text register pasted into a .txt file."""
    path = tmp / "register.txt"
    path.write_text("№\tФункциясы\tДеңгээли\n1\tЖер бөлүштүрүү\tЖогорку\n", encoding="utf-8")
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    b.__name__: (b, code) for b, code in hostile.HOSTILE.items()
}
CASES["no_table"] = (no_table, "file.no_table")
CASES["txt_file"] = (txt_file, "file.not_spreadsheet")

#: cases run in every language; the others in one language each, in turn
ALL_LANGS = {"empty_file", "csv_renamed", "zip_bomb", "entities_shared_strings",
             "ooxml_encrypted", "huge_used_range", "no_table", "txt_file", "truncated_xlsx"}

#: cases whose file takes about half a second to write (400 MB of XML, deflated): `slow`
SLOW = {"zip_bomb"}


def case(name: str, *more: str, id: str | None = None) -> Any:
    """The parameters of a test on the case ``name``, marked slow when the case is slow."""
    marks = [pytest.mark.slow] if name in SLOW else []
    return pytest.param(name, *more, id=id, marks=marks)


def cases(*names: str) -> list[Any]:
    return [case(name) for name in names]


def _params() -> list[Any]:
    out = []
    for i, name in enumerate(CASES):
        langs = LANGS if name in ALL_LANGS else (LANGS[i % 3],)
        for lang in langs:
            for command in ("score", "validate"):
                out.append(case(name, lang, command, id=f"{name}-{lang}-{command}"))
    return out


@pytest.mark.parametrize(("name", "lang", "command"), _params())
def test_hostile_file_is_rejected_by_the_cli(tmp_path: Path, name: str, lang: str,
                                             command: str) -> None:
    builder, code = CASES[name]
    inbox = tmp_path / "in"
    inbox.mkdir()
    path = builder(inbox)
    out = tmp_path / "out"
    # score: half the cases write into --out, the other half beside the input (the default)
    beside = command == "score" and list(CASES).index(name) % 2 == 1
    extra: list[str | Path] = ["--out", out] if command == "score" and not beside else []
    before = snapshot(inbox)

    result, elapsed, peak, rss_growth = measured(command, path, "--json", "--lang", lang, *extra)

    assert "Traceback" not in result.output, result.output
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.output
    assert elapsed < MAX_SECONDS, f"{elapsed:.1f} s"
    assert peak < MAX_BYTES, f"Python peak {peak:,} bytes"
    assert rss_growth < MAX_BYTES, f"max RSS grew by {rss_growth:,} bytes"
    # nothing written, the input left as it was (bytes and mtime), no stray temporary file
    assert snapshot(inbox) == before
    assert files_under(out) == []

    (doc,) = json.loads(result.stdout)["files"]
    assert doc["status"] == "rejected"
    assert doc["reason_code"] == code
    assert doc["output"] is None and doc["tables"] == [] and doc["findings"] == []
    assert doc["input"] == str(path)
    reason = doc["reason"]
    assert isinstance(reason, str) and reason.strip() and reason != code
    assert "Traceback" not in reason

    # the text is the message of the code in --lang, with the same parameters the library gives
    library = run(path, write=False, options=Options(lang=lang))
    assert (library.status, library.reason) == ("rejected", code)
    assert reason == messages.reason_text(code, library.reason_params, lang)
    for part in fragments(code, lang):
        assert part in reason, (part, reason)
    if lang == "ky" and KYRGYZ_LETTERS & set(messages.text(code, "ky")):
        assert KYRGYZ_LETTERS & set(reason), reason
    if lang in ("ky", "ru"):
        assert re.search("[А-Яа-яЁёӨөҮүҢң]", reason), reason
    for other in LANGS:
        if other != lang:
            assert reason != messages.reason_text(code, library.reason_params, other)
    assert snapshot(inbox) == before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", cases("empty_file", "ooxml_encrypted", "zip_bomb", "no_table"))
def test_hostile_file_in_text_mode(tmp_path: Path, name: str, lang: str) -> None:
    """Without --json: the file, the word "rejected" and the reason, in --lang; no traceback."""
    builder, code = CASES[name]
    path = builder(tmp_path)
    result = invoke("validate", path, "--lang", lang)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert messages.text("cli.rejected", lang) in result.stdout
    for part in fragments(code, lang):
        assert part in result.stdout


# Units and words the guard once wrote into the reason's parameters in English (regression:
# sizes in rejections are said in Kyrgyz/Russian).
ENGLISH_UNITS = re.compile(r"\b(rows|columns|cells|bytes|entries|ratio|merged area|declared)\b")


@pytest.mark.parametrize("lang", ["ky", "ru"])
@pytest.mark.parametrize("name", cases("zip_bomb", "too_many_entries", "huge_used_range",
                                       "huge_merged_area", "ods_repeated_columns"))
def test_size_rejections_speak_the_language_throughout(tmp_path: Path, name: str,
                                                       lang: str) -> None:
    builder, _ = CASES[name]
    path = builder(tmp_path)
    result = invoke("validate", path, "--json", "--lang", lang)
    (doc,) = json.loads(result.stdout)["files"]
    assert not ENGLISH_UNITS.search(doc["reason"]), doc["reason"]


# --- one bad file does not stop the run; --debug on a rejection --------------------------------


@pytest.mark.parametrize("bad_first", [False, True], ids=["good-bad", "bad-good"])
@pytest.mark.parametrize("bad", cases("csv_renamed", "zip_bomb", "entities_worksheet",
                                      "ooxml_encrypted", "truncated_xlsx", "no_table"))
def test_good_register_is_scored_beside_a_bad_file(tmp_path: Path, bad: str,
                                                   bad_first: bool) -> None:
    good = make_register(tmp_path / "good" / "unit.xlsx", rows=[risk(1, p=3, h=2)])
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad_path = CASES[bad][0](bad_dir)
    paths = [bad_path, good] if bad_first else [good, bad_path]
    out = tmp_path / "out"
    result = invoke("score", *paths, "--json", "--out", out, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    docs = {d["input"]: d for d in json.loads(result.stdout)["files"]}
    assert docs[str(bad_path)]["status"] == "rejected"
    assert docs[str(bad_path)]["reason_code"] == CASES[bad][1]
    assert docs[str(good)]["status"] == "ok"
    assert docs[str(good)]["output"] == str(out / "unit.scored.xlsx")
    assert [p.name for p in files_under(out)] == ["unit.scored.xlsx"]
    assert load_workbook(out / "unit.scored.xlsx").sheetnames[0] == "Тизме"

    result = invoke("validate", *paths, "--json")
    assert result.exit_code == 2
    docs = {d["input"]: d for d in json.loads(result.stdout)["files"]}
    assert docs[str(good)]["tables"][0]["rows"][0]["level"] == "high"


@pytest.mark.parametrize("command", ["score", "validate"])
@pytest.mark.parametrize("name", cases("empty_file", "csv_renamed", "truncated_xlsx", "zip_bomb",
                                       "entities_shared_strings", "ooxml_encrypted",
                                       "huge_merged_area", "missing_file", "no_table"))
def test_debug_on_a_rejected_file_is_not_a_crash(tmp_path: Path, name: str,
                                                 command: str) -> None:
    builder, code = CASES[name]
    path = builder(tmp_path)
    extra: list[str | Path] = ["--out", tmp_path / "out"] if command == "score" else []
    for as_json in (["--json"], []):
        result = invoke(command, path, "--debug", *as_json, *extra)
        assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.output
        assert "Traceback" not in result.output
    assert files_under(tmp_path / "out") == []
    result = invoke(command, path, "--debug", "--json", *extra)
    assert json.loads(result.stdout)["files"][0]["reason_code"] == code


def test_a_rejected_file_does_not_take_the_name_of_a_copy(tmp_path: Path) -> None:
    """Regression: the rejected a/register.xlsx writes nothing, so b/register.xlsx after it gets
    the plain name (and an old copy of that name in --out is replaced, not left looking current)."""
    (tmp_path / "a").mkdir()
    bad = hostile.csv_renamed(tmp_path / "a")  # a/register.xlsx, a CSV
    good = make_register(tmp_path / "b" / "register.xlsx", rows=[risk(1, p=3, h=2)])
    out = tmp_path / "out"
    result = invoke("score", bad, good, "--json", "--out", out)
    assert result.exit_code == 2
    docs = json.loads(result.stdout)["files"]
    assert docs[0]["status"] == "rejected" and docs[1]["status"] == "ok"
    assert docs[1]["output"] == str(out / "register.scored.xlsx")


# --- formula injection against every sheet the tool writes ---------------------------------------

REGISTER_TEXT = {
    "function": '=HYPERLINK("http://evil","x")',
    "cases": "+cmd|' /C calc'!A0",
    "level": "-2+3",
    "category": "@SUM(1)",
    "unit": "=1+2",
    "p_reason": "+A1*2",
    "h_reason": "-SUM(A1:A2)",
    "positions": "@A1",
    "control": "=cmd|' /C calc'!A0",
}
SECTION_TEXT = "@SUM(A1)"
#: real formulas of the source: safe ones stay formulas, outward-reaching ones become text
SAFE_FORMULA = "=1+1"
OUTWARD_FORMULA = '=WEBSERVICE("http://x")'
INJECTED = set(REGISTER_TEXT.values()) | {SECTION_TEXT}


def _hostile_register(path: Path) -> Path:
    rows = [
        Section(SECTION_TEXT),
        risk(1, p=3, h=3, **REGISTER_TEXT),
        risk(2, p=1, h=1, level="Төмөнкү"),
    ]
    make_register(path, rows=rows, extra_sheets={"Лист2": [["x"]]})
    wb = load_workbook(path)
    ws = wb["Тизме"]
    assert all(ws.cell(data_row(1), c).data_type == "s" for c in range(2, 8))
    ws.cell(data_row(2), 7).value = SAFE_FORMULA  # a real formula in the register (positions)
    other = wb["Лист2"]
    other["A1"] = SAFE_FORMULA
    other["A2"] = OUTWARD_FORMULA
    other["A3"] = "=SUM(A1:A1)*2"
    other["B1"] = "passwd"
    other["B1"].hyperlink = "file:///etc/passwd"
    other["B2"] = "web"
    other["B2"].hyperlink = "https://example.org/"
    other["B3"] = "share"
    other["B3"].hyperlink = "\\\\server\\share\\x.xlsx"
    assert other["A1"].data_type == "f" and other["A2"].data_type == "f"
    wb.save(path)
    return path


REAL_SAFE = {("Тизме", f"G{data_row(2)}"): SAFE_FORMULA, ("Лист2", "A1"): SAFE_FORMULA,
             ("Лист2", "A3"): "=SUM(A1:A1)*2"}


def _formula_cells(path: Path) -> dict[tuple[str, str], Any]:
    wb = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"}


def _raw_formula_count(path: Path) -> int:
    """<f> elements in every worksheet part of the package, as Excel would see them."""
    with zipfile.ZipFile(path) as z:
        return sum(len(re.findall(rb"<(?:\w+:)?f[ >/]", z.read(n))) for n in z.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _text_cells(path: Path) -> dict[str, list[Any]]:
    wb = load_workbook(path)
    out: dict[str, list[Any]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    out.setdefault(ws.title, []).append(c)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_register_text_that_looks_like_a_formula_stays_text_everywhere(tmp_path: Path,
                                                                       lang: str) -> None:
    source = _hostile_register(tmp_path / "in" / "hostile.xlsx")
    assert _formula_cells(source) == {**REAL_SAFE, ("Лист2", "A2"): OUTWARD_FORMULA}
    before = snapshot(source.parent)
    out = tmp_path / "out"
    result = invoke("score", source, "--json", "--out", out, "--lang", lang)
    assert result.exit_code in (0, 1), result.output
    assert snapshot(source.parent) == before
    (doc,) = json.loads(result.stdout)["files"]
    copy = Path(doc["output"])

    # the only formulas of the copy are the source's safe ones, unchanged
    assert _formula_cells(copy) == REAL_SAFE
    assert _raw_formula_count(copy) == len(REAL_SAFE)
    wb = load_workbook(copy)
    assert wb["Лист2"]["A2"].data_type == "s"
    assert wb["Лист2"]["A2"].value == OUTWARD_FORMULA
    codes = {(f["code"], f["sheet"], f["column"], f["row"]) for f in doc["findings"]}
    assert ("formula.neutralised", "Лист2", "A", 2) in codes

    # injected text reaches the register sheet, Summary and Findings: always as text
    summary = messages.text("sheet.summary", lang)
    findings = messages.text("sheet.findings", lang)
    assert wb.sheetnames == ["Тизме", "Лист2", summary, findings]
    seen: dict[str, set[str]] = {}
    for title, cells in _text_cells(copy).items():
        for c in cells:
            if c.value in INJECTED or any(c.value.startswith(t) for t in INJECTED):
                assert c.data_type == "s", (title, c.coordinate, c.value)
                seen.setdefault(title, set()).add(c.value)
    assert seen["Тизме"] >= INJECTED
    assert {SECTION_TEXT, REGISTER_TEXT["cases"]} <= seen[summary]
    assert {REGISTER_TEXT["level"], REGISTER_TEXT["category"]} <= seen[findings]

    # hyperlinks: file:// and UNC targets removed (a finding each), the web link kept
    other = wb["Лист2"]
    assert other["B1"].hyperlink is None and other["B3"].hyperlink is None
    assert other["B2"].hyperlink is not None
    assert other["B2"].hyperlink.target == "https://example.org/"
    removed = {f["value"] for f in doc["findings"] if f["code"] == "link.removed"}
    assert "file:///etc/passwd" in removed and "\\\\server\\share\\x.xlsx" in removed
    # the tool's own links point inside the copy only
    for ws in wb.worksheets:
        if ws.title in ("Лист2",):
            continue
        for link in ws._hyperlinks:  # noqa: SLF001
            assert not link.target, (ws.title, link.ref, link.target)
        for row in ws.iter_rows():
            for c in row:
                if c.hyperlink is not None:
                    assert not c.hyperlink.target and c.hyperlink.location


@pytest.mark.parametrize("formula", ["=_xlfn.WEBSERVICE(B1)",
                                     '=_xlfn.FILTERXML(_xlfn.WEBSERVICE(B1),"//a")',
                                     "=_xlfn.IMAGE(B1)"])
def test_prefixed_outward_formula_is_neutralised(tmp_path: Path, formula: str) -> None:
    """Regression: Excel stores WEBSERVICE, FILTERXML and IMAGE as _xlfn.NAME in the file."""
    source = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=2, h=2)],
                           extra_sheets={"Лист2": [[None, "http://evil.example/?q=1"]]})
    wb = load_workbook(source)
    wb["Лист2"]["A1"] = formula
    wb.save(source)
    result = invoke("score", source, "--json", "--out", tmp_path / "out")
    (doc,) = json.loads(result.stdout)["files"]
    cell = load_workbook(doc["output"])["Лист2"]["A1"]
    assert cell.data_type == "s" and cell.value == formula
    assert "formula.neutralised" in {f["code"] for f in doc["findings"]}


PLAN_HEADER = plan_header(status=None)
PLAN_TEXT = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)",
             "=1+2"]


def _hostile_plan(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "План"
    rows: list[list[Any]] = [
        ["Достук айыл өкмөтүнүн иш-чаралар планы"],
        PLAN_HEADER,
        [1, 2, 3, 4, 5, 6, 7],
        ["@1. Бөлүм"],
        [1, PLAN_TEXT[0], PLAN_TEXT[1], "2025-жылдын 3-кварталы", PLAN_TEXT[2], PLAN_TEXT[3],
         PLAN_TEXT[4]],
        [2, "-Милдет", "=Иш-чара", "жыл сайын", "+Натыйжа", "=катчы", "@бюджет"],
    ]
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"
    wb.save(path)
    return path


@pytest.mark.parametrize("lang", LANGS)
def test_plan_text_that_looks_like_a_formula_stays_text_in_the_yearly_report(
        tmp_path: Path, lang: str) -> None:
    source = _hostile_plan(tmp_path / "plan.xlsx")
    assert _formula_cells(source) == {}
    out = tmp_path / "out"
    result = invoke("score", source, "--json", "--out", out, "--lang", lang,
                    "--as-of", "2026-11-25", "--year", "2025")
    assert result.exit_code in (0, 1), result.output
    (doc,) = json.loads(result.stdout)["files"]
    assert doc["tables"][0]["kind"] == "plan"
    assert len(doc["tables"][0]["rows"]) == 2
    copy = Path(doc["output"])
    assert _formula_cells(copy) == {}
    assert _raw_formula_count(copy) == 0
    yearly = messages.text("sheet.yearly", lang, year=2025)
    summary = messages.text("sheet.summary", lang)
    assert load_workbook(copy).sheetnames == ["План", summary, messages.text(
        "sheet.findings", lang), yearly]
    texts = _text_cells(copy)
    yearly_values = {c.value for c in texts[yearly]}
    assert set(PLAN_TEXT[:3]) <= yearly_values and PLAN_TEXT[3] in yearly_values
    assert {"-Милдет", "=Иш-чара", "+Натыйжа", "=катчы"} <= yearly_values
    summary_values = {c.value for c in texts[summary]}
    assert {PLAN_TEXT[3], PLAN_TEXT[4], "@бюджет", "=катчы"} <= summary_values
    for cells in texts.values():
        for c in cells:
            if c.value[:1] in "=+-@":
                assert c.data_type == "s"


def test_xlsm_copy_has_no_macros(tmp_path: Path) -> None:
    plain = make_register(tmp_path / "plain.xlsx", rows=[risk(1, p=3, h=3, level="Жогорку")])
    (tmp_path / "in").mkdir()
    xlsm = add_vba_part(plain, tmp_path / "in" / "macro.xlsm")
    before = snapshot(xlsm.parent)
    result = invoke("score", xlsm, "--json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert snapshot(xlsm.parent) == before
    (doc,) = json.loads(result.stdout)["files"]
    assert doc["output"] == str(tmp_path / "out" / "macro.xlsm.scored.xlsx")
    with zipfile.ZipFile(doc["output"]) as z:
        names = z.namelist()
        assert not [n for n in names if "vbaProject" in n]
        assert b"macroEnabled" not in z.read("[Content_Types].xml")


# --- look-alike text (the issue item) ------------------------------------------------------------

LOOKALIKE_LEVELS = [
    ("latin-o", "Ж\u006fгорку", 3, 3, "high"),
    ("trailing-nbsp", "Жогорку\u00a0", 3, 3, "high"),
    ("leading-zero-width", "\u200bОрточо", 2, 2, "medium"),
    ("guillemets", "«Төмөнкү»", 1, 1, "low"),
    ("o-for-ө", "Томонку", 1, 1, "low"),
]


@pytest.mark.parametrize(("typed", "p", "h", "code"), [c[1:] for c in LOOKALIKE_LEVELS],
                         ids=[c[0] for c in LOOKALIKE_LEVELS])
def test_lookalike_level_is_recognised(tmp_path: Path, typed: str, p: int, h: int,
                                       code: str) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, level=typed, p=p, h=h)])
    result = invoke("validate", path, "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)["files"]
    assert not [f for f in doc["findings"] if f["code"] in ("level.unknown", "level.mismatch")]
    (row,) = doc["tables"][0]["rows"]
    assert (row["stated_level"], row["level"]) == (code, code)


def test_two_levels_in_one_cell_are_not_guessed(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, level="Жогорку/Орточо", p=3, h=3)])
    result = invoke("validate", path, "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)["files"]
    unknown = [f for f in doc["findings"] if f["code"] == "level.unknown"]
    assert len(unknown) == 1 and unknown[0]["value"] == "Жогорку/Орточо"
    assert unknown[0]["column"] == "E" and unknown[0]["row"] == data_row(0)
    (row,) = doc["tables"][0]["rows"]
    assert row["stated_level"] is None and row["level"] == "high"


def test_plan_option_given_a_register_says_no_plan_was_found(tmp_path: Path) -> None:
    register = make_register(tmp_path / "r.xlsx", rows=[risk(1, p=3, h=3)])
    result = invoke("validate", register, "--plan", register, "--json", "--lang", "en")
    assert result.exit_code == 2 and "Traceback" not in result.output
    plan_doc = json.loads(result.stdout)["files"][0]
    assert plan_doc["status"] == "rejected"
    assert plan_doc["reason"] != messages.reason_text("file.no_table", {}, "en")
