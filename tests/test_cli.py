"""The command line: exit codes, the JSON document, languages, what is written and what is not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.builders import data_row, make_register, risk
from workbook_tools import Options, messages, run
from workbook_tools.cli import main
from workbook_tools.outputs import report
from workbook_tools.rules import matrix as rules


def invoke(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A register with no finding: a low risk with highly effective controls."""
    return make_register(tmp_path / "clean.xlsx",
                         rows=[risk(1, level="Төмөнкү", p=1, h=1, control="жогорку"),
                               risk(2, level="Жогорку", p=3, h=2, control="орточо")])


@pytest.fixture
def with_error(tmp_path: Path) -> Path:
    """A register with one error finding: probability 5 is off the 1-3 scale."""
    return make_register(tmp_path / "error.xlsx", rows=[risk(1, p=5, h=1)])


@pytest.fixture
def csv_renamed(tmp_path: Path) -> Path:
    path = tmp_path / "table.xlsx"
    path.write_text("№,Функциясы,Учурлар\n1,a,b\n", encoding="utf-8")
    return path


# --- exit codes ---------------------------------------------------------------------------------

EXIT_CASES = {
    "clean": (["clean"], 0),
    "error-finding": (["with_error"], 1),
    "csv-renamed": (["csv_renamed"], 2),
    "missing-file": (["missing"], 2),
    "clean-and-error": (["clean", "with_error"], 1),
    "error-then-rejected": (["with_error", "csv_renamed"], 2),
    "rejected-then-error": (["missing", "with_error", "clean"], 2),
}


@pytest.mark.parametrize("command", ["validate", "score"])
@pytest.mark.parametrize(("names", "code"), EXIT_CASES.values(), ids=EXIT_CASES.keys())
def test_exit_codes(request, tmp_path: Path, command: str, names: list[str], code: int) -> None:
    paths = [tmp_path / "missing.xlsx" if n == "missing" else request.getfixturevalue(n)
             for n in names]
    extra = ["--out", tmp_path / "out"] if command == "score" else []
    result = invoke(command, *paths, *extra)
    assert result.exit_code == code, result.output


BAD_FILES = {
    "csv-renamed": "a,b,c\n1,2,3\n",
    "empty": "",
    "text-as-ods": "hello",
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_bad_files_give_a_reason_and_no_traceback(tmp_path: Path, content: str,
                                                  as_json: bool) -> None:
    path = tmp_path / ("bad.ods" if content == "hello" else "bad.xlsx")
    path.write_text(content, encoding="utf-8")
    truncated = tmp_path / "cut.xlsx"
    good = make_register(tmp_path / "good.xlsx", rows=[risk(1)])
    truncated.write_bytes(good.read_bytes()[:2000])
    result = invoke("validate", path, truncated, "--lang", "en", *(["--json"] if as_json else []))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    if as_json:
        files = json.loads(result.stdout)["files"]
        assert [f["status"] for f in files] == ["rejected", "rejected"]
        assert all(f["reason"] and f["reason_code"].startswith("file.") for f in files)
    else:
        assert result.output.count(messages.text("cli.rejected", "en")) == 2


# --- the JSON document --------------------------------------------------------------------------

FILE_KEYS = {"input", "output", "status", "reason", "tables", "findings"}
TABLE_KEYS = {"sheet", "kind", "header_row", "rows"}
ROW_KEYS = {"row", "section", "function", "probability", "harm", "score", "level",
            "stated_level", "control", "residual_level"}
FINDING_KEYS = {"severity", "code", "sheet", "row", "column", "value", "message"}
LEVEL_CODES = {level.value for level in rules.Level}


def _check_shape(doc: dict) -> None:
    assert set(doc) == {"files"}
    for f in doc["files"]:
        assert FILE_KEYS <= set(f) <= FILE_KEYS | {"reason_code"}
        assert f["status"] in ("ok", "errors", "rejected")
        for t in f["tables"]:
            assert set(t) == TABLE_KEYS
            assert t["kind"] == "register"
            assert type(t["header_row"]) is int
            for r in t["rows"]:
                assert set(r) == ROW_KEYS
                assert type(r["row"]) is int
                for key in ("probability", "harm", "score"):
                    assert r[key] is None or type(r[key]) is int
                for key in ("level", "stated_level", "control", "residual_level"):
                    assert r[key] is None or r[key] in LEVEL_CODES
        for finding in f["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["severity"] in ("error", "warning")
            assert finding["row"] is None or type(finding["row"]) is int
            assert isinstance(finding["message"], str) and finding["message"]


def test_json_has_the_documented_shape(clean: Path, with_error: Path, csv_renamed: Path) -> None:
    result = invoke("validate", clean, with_error, csv_renamed, "--json")
    doc = json.loads(result.stdout)
    _check_shape(doc)
    ok, err, rejected = doc["files"]
    assert [f["status"] for f in doc["files"]] == ["ok", "errors", "rejected"]
    assert ok["tables"][0]["rows"] == [
        {"row": data_row(0), "section": None, "function": "Маалымкат берүү", "probability": 1,
         "harm": 1, "score": 2, "level": "low", "stated_level": "low", "control": "high",
         "residual_level": "low"},
        {"row": data_row(1), "section": None, "function": "Маалымкат берүү", "probability": 3,
         "harm": 2, "score": 5, "level": "high", "stated_level": "high", "control": "medium",
         "residual_level": "high"},
    ]
    (finding,) = err["findings"]
    assert (finding["severity"], finding["code"], finding["sheet"], finding["row"],
            finding["column"], finding["value"]) == (
        "error", "score.out_of_range", "Тизме", data_row(0), "I", 5)
    row = err["tables"][0]["rows"][0]
    assert (row["probability"], row["score"], row["level"]) == (None, None, None)
    assert rejected["tables"] == [] and rejected["findings"] == []
    assert rejected["output"] is None


@pytest.mark.parametrize("lang", messages.LANGS)
def test_cli_json_equals_the_library_document(clean: Path, with_error: Path, csv_renamed: Path,
                                              lang: str) -> None:
    paths = [clean, with_error, csv_renamed]
    result = invoke("validate", *paths, "--json", "--lang", lang)
    library = report.document([run(p, write=False, options=Options(lang=lang)) for p in paths],
                              lang)
    assert json.loads(result.stdout) == json.loads(json.dumps(library, ensure_ascii=False))


MESSAGE_WORDS = {
    "ky": ("балл", "Кабыл алынган жок"),
    "ru": ("вне шкалы", "Отклонён"),
    "en": ("outside the 1–3 scale", "Rejected"),
}


@pytest.mark.parametrize("lang", MESSAGE_WORDS, ids=MESSAGE_WORDS.keys())
def test_lang_changes_messages(with_error: Path, csv_renamed: Path, lang: str) -> None:
    finding_word, rejected_word = MESSAGE_WORDS[lang]
    text = invoke("validate", with_error, csv_renamed, "--lang", lang).output
    assert finding_word in text
    assert rejected_word in text
    doc = json.loads(invoke("validate", with_error, csv_renamed, "--lang", lang, "--json").stdout)
    err, rejected = doc["files"]
    assert finding_word in err["findings"][0]["message"]
    assert rejected["reason"] == messages.text("file.not_spreadsheet", lang)
    others = [w for other, (w, _) in MESSAGE_WORDS.items() if other != lang and other != "ky"]
    assert not any(w in err["findings"][0]["message"] for w in others)


# --- what is written ----------------------------------------------------------------------------

def test_score_out_writes_the_copy_and_leaves_the_input_alone(clean: Path, tmp_path: Path) -> None:
    past = time.time() - 3600
    os.utime(clean, (past, past))
    before = (clean.read_bytes(), clean.stat().st_mtime_ns)
    out = tmp_path / "scored"
    result = invoke("score", clean, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    target = out / "clean.scored.xlsx"
    assert target.is_file()
    assert sorted(p.name for p in out.iterdir()) == ["clean.scored.xlsx"]
    assert json.loads(result.stdout)["files"][0]["output"] == str(target)
    assert (clean.read_bytes(), clean.stat().st_mtime_ns) == before


def test_validate_writes_nothing(clean: Path, with_error: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = invoke("validate", clean, with_error, "--json")
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert all(f["output"] is None for f in json.loads(result.stdout)["files"])


@pytest.mark.parametrize(("flag", "residual"), [([], "low"), (["--low-residual", "low"], "low"),
                                                (["--low-residual", "zero"], "zero")],
                         ids=["default", "low", "zero"])
def test_low_residual_setting(clean: Path, flag: list[str], residual: str) -> None:
    doc = json.loads(invoke("validate", clean, "--json", *flag).stdout)
    low, high = doc["files"][0]["tables"][0]["rows"]
    assert (low["level"], low["control"], low["residual_level"]) == ("low", "high", residual)
    assert (high["level"], high["control"], high["residual_level"]) == ("high", "medium", "high")


def test_low_residual_refuses_other_values(clean: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(clean), "--low-residual", "medium"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- the installed console script ----------------------------------------------------------------

@pytest.mark.slow
def test_installed_console_script(clean: Path, with_error: Path, tmp_path: Path) -> None:
    exe = shutil.which("workbook-tools") or str(Path(sys.executable).parent / "workbook-tools")
    if not Path(exe).exists():
        pytest.skip("the workbook-tools console script is not installed")
    out = tmp_path / "out"
    done = subprocess.run([exe, "score", str(clean), str(with_error), "--out", str(out), "--json",
                           "--lang", "en"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    doc = json.loads(done.stdout)
    _check_shape(doc)
    assert [f["output"] for f in doc["files"]] == [
        str(out / "clean.scored.xlsx"), str(out / "error.scored.xlsx")]
    assert (out / "clean.scored.xlsx").is_file() and (out / "error.scored.xlsx").is_file()


def test_score_out_keeps_one_copy_per_input_with_the_same_name(tmp_path: Path) -> None:
    """The secretary scores every unit's register.xlsx into one folder; none may be lost."""
    first = make_register(tmp_path / "school" / "register.xlsx", rows=[risk(1, p=1, h=1)])
    second = make_register(tmp_path / "kindergarten" / "register.xlsx", rows=[risk(1, p=3, h=3)])
    out = tmp_path / "scored"
    result = invoke("score", first, second, "--out", out, "--json")
    outputs = [f["output"] for f in json.loads(result.stdout)["files"]]
    assert None not in outputs
    assert len(set(outputs)) == 2
    assert len(list(out.iterdir())) == 2
