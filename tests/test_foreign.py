"""Foreign spreadsheets (issue 15): every other kind of file a user may hand the tool.

The fixtures here build each case; ``test_every_foreign_file`` runs the 1,256 files of
``../shared/foreign/`` (other projects' test suites) in-process.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import msoffcrypto
import pytest
from openpyxl import Workbook

from sample_workbooks.headers import REGISTER_KY
from workbook_tools import messages, pipeline
from workbook_tools.model import Options
from workbook_tools.read import libreoffice
from workbook_tools.read.guard import inspect
from workbook_tools.read.reader import DEFAULT_PASSWORD, read_book

FOREIGN = Path(__file__).resolve().parent.parent.parent / "shared" / "foreign"
ROW = ["1", "Маалымкат берүү", "Пара алуу", "Потенциалдуу", "Орточо", "Аппарат", "Адис", "Ооба"]


def _register_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Тизме"
    ws.append(list(REGISTER_KY[:8]))
    ws.append(ROW)
    wb.create_chartsheet("Диаграмма")
    wb.save(path)
    return path


# --- CSV ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [("utf-8", b"", ","), ("utf-8", b"\xef\xbb\xbf", ";"), ("cp1251", b"", "\t"),
     ("utf-16-le", b"\xff\xfe", ";")],
)
def test_csv_is_read_in_every_export_encoding(tmp_path: Path, encoding: str, bom: bytes,
                                              delimiter: str) -> None:
    header = [h for h in REGISTER_KY[:8] if all(ord(ch) < 0x4B0 for ch in h)]
    lines = [delimiter.join(f'"{h}"' for h in REGISTER_KY[:8]), delimiter.join(ROW)]
    if encoding == "cp1251":  # no ң ө ү in Windows-1251: the Russian header
        from sample_workbooks.headers import REGISTER_RU
        lines[0] = delimiter.join(f'"{h}"' for h in REGISTER_RU[:8])
        lines[1] = delimiter.join(["1", "Выдача справок", "Взятка", "Потенциальный", "Средний",
                                   "Аппарат", "Специалист", "Да"])
    assert header  # the Kyrgyz header has letters Windows-1251 lacks
    path = tmp_path / "register.csv"
    path.write_bytes(bom + "\r\n".join(lines).encode(encoding))
    assert inspect(path) == "csv"
    report = pipeline.score_file(path, tmp_path / "out")
    assert report.status != "rejected", messages.rejection(report, "en")
    assert [t.kind.name for t in report.tables] == ["register"]
    assert report.tables[0].frame["stated_level"].tolist() == ["medium"]
    assert report.output is not None and report.output.name == "register.csv.scored.xlsx"


def test_a_text_file_named_xlsx_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_text("a,b,c\n1,2,3\n")
    report = pipeline.analyse(path)
    assert report.reason == "file.not_spreadsheet"


# --- sheets that are no tables, protection, formats only LibreOffice reads ---------------------


def test_chart_sheets_are_skipped_with_a_finding(tmp_path: Path) -> None:
    report = pipeline.analyse(_register_xlsx(tmp_path / "r.xlsx"))
    assert [t.kind.name for t in report.tables] == ["register"]
    skipped = [f for f in report.findings if f.code == "sheet.skipped"]
    assert [f.sheet for f in skipped] == ["Диаграмма"]
    assert "диаграмма барагы" in messages.render(skipped[0], "ky")
    assert "лист диаграммы" in messages.render(skipped[0], "ru")


def _encrypt(src: Path, dst: Path, password: str) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with src.open("rb") as fin, dst.open("wb") as fout:
        OOXMLFile(fin).encrypt(password, fout)
    return dst


def test_default_read_only_password_opens_and_a_real_one_is_refused(tmp_path: Path) -> None:
    plain = _register_xlsx(tmp_path / "plain.xlsx")
    protected = _encrypt(plain, tmp_path / "protected.xlsx", DEFAULT_PASSWORD)
    before = protected.read_bytes()
    with protected.open("rb") as fh:
        assert msoffcrypto.OfficeFile(fh).is_encrypted()
    report = pipeline.score_file(protected, tmp_path / "out")
    assert report.status != "rejected", messages.rejection(report, "en")
    assert [t.kind.name for t in report.tables] == ["register"]
    assert report.findings[0].code == "file.decrypted"
    assert report.output is not None and report.output.exists()
    assert protected.read_bytes() == before
    secret = _encrypt(plain, tmp_path / "secret.xlsx", "сыр-1234")
    refused = pipeline.analyse(secret)
    assert refused.reason == "file.encrypted"
    assert "debug" not in messages.rejection(refused, "ky")


def test_without_libreoffice_an_old_worksheet_says_installing_it_helps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\x00" * 64)
    assert inspect(path) == "biff4"
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    report = pipeline.analyse(path)
    assert report.reason == "file.libreoffice_missing"
    for lang in messages.LANGS:
        assert "LibreOffice" in (messages.rejection(report, lang) or "")


@pytest.mark.slow
@pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice absent")
def test_flat_ods_is_read_through_libreoffice(tmp_path: Path) -> None:
    xlsx = _register_xlsx(tmp_path / "r.xlsx")
    with libreoffice.converted(xlsx, "ods", timeout=120) as ods:
        import zipfile

        content = zipfile.ZipFile(ods).read("content.xml").decode()
    # a flat ODS: one XML document holding the spreadsheet
    body = content.replace("<office:document-content", "<office:document", 1)
    body = body.replace("</office:document-content>", "</office:document>")
    body = body.replace("<office:document ", '<office:document office:mimetype='
                        '"application/vnd.oasis.opendocument.spreadsheet" ', 1)
    fods = tmp_path / "r.fods"
    fods.write_text(body, encoding="utf-8")
    assert inspect(fods) == "fods"
    book = read_book(fods)
    assert book.format == "fods+libreoffice"
    assert book.notes[0].code == "file.converted"
    report = pipeline.analyse(fods)
    assert [t.kind.name for t in report.tables] == ["register"]


# --- the 1,256 files of other projects' test suites --------------------------

_ALLOWED_LATIN = {"excel", "libreoffice", "xml", "spreadsheet", "csv", "word", "powerpoint",
                  "opendocument", "zip", "xlsx", "xlsm", "xls", "xlsb", "ods", "fods", "docx",
                  "pptx", "doc", "ppt", "office", "x"}
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _latin_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in _LATIN_WORD.findall(text)
            if w.lower() not in _ALLOWED_LATIN and w.lower() not in allowed]


@pytest.mark.slow
@pytest.mark.skipif(not (FOREIGN / "manifest.json").exists(), reason="shared/foreign absent")
def test_every_foreign_file(tmp_path: Path) -> None:
    """No traceback, exit 0/1/2, nothing taken for a register or a plan, inputs unchanged, and
    every Kyrgyz and Russian reason free of parser text."""
    manifest = json.loads((FOREIGN / "manifest.json").read_text())
    paths = [FOREIGN / "files" / entry["file"] for entry in manifest]
    assert len(paths) == 1256
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    problems = []
    for path in paths:
        report = pipeline.run(path, write=True, out_dir=tmp_path / "out", options=Options())
        exit_code = {"ok": 0, "errors": 1, "rejected": 2}[report.status]
        assert exit_code in (0, 1, 2)
        if report.tables:
            problems.append(f"{path.name}: taken for {[t.kind.name for t in report.tables]}")
        if report.status == "rejected":
            assert report.reason and messages.has(report.reason), (path.name, report.reason)
            names = {w.lower() for v in report.reason_params.values() if isinstance(v, str)
                     for w in _LATIN_WORD.findall(v)} if "sheet" in report.reason_params else set()
            for lang in ("ky", "ru"):
                text = messages.rejection(report, lang) or ""
                latin = _latin_words(text, names)
                if latin:
                    problems.append(f"{path.name} [{lang}]: {latin} in {text!r}")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digests[path]:
            problems.append(f"{path.name}: input changed")
    assert problems == []
