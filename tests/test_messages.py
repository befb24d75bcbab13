"""Every user-facing text exists in Kyrgyz, Russian and English, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from workbook_tools import messages
from workbook_tools.messages import CATALOGUE, counted

FIELDS = re.compile(r"\{(\w+)")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_three_languages_same_placeholders(code: str) -> None:
    ky, ru, en = CATALOGUE[code]
    assert ky and ru and en
    names = [sorted(set(FIELDS.findall(t))) for t in (ky, ru, en)]
    assert names[0] == names[1] == names[2], code
    for t in (ky, ru, en):
        list(string.Formatter().parse(t))  # well-formed


def test_kyrgyz_is_not_russian() -> None:
    """Kyrgyz texts use ң ө ү where the words have them: a Kyrgyz text identical to the Russian
    one would mean an untranslated entry (numbers and codes aside)."""
    same = {c for c, (ky, ru, _) in CATALOGUE.items() if ky == ru and re.search("[а-я]", ky)}
    assert same == {"summary.file", "findings.code"}  # "Файл", "Код": one word in both
    assert sum(1 for ky, _, _ in CATALOGUE.values() if re.search("[ңөү]", ky)) > len(CATALOGUE) // 3


@pytest.mark.parametrize(
    ("n", "lang", "expected"),
    [
        (1, "ru", "1 ошибка"), (2, "ru", "2 ошибки"), (4, "ru", "4 ошибки"), (5, "ru", "5 ошибок"),
        (11, "ru", "11 ошибок"), (12, "ru", "12 ошибок"), (21, "ru", "21 ошибка"),
        (22, "ru", "22 ошибки"), (111, "ru", "111 ошибок"), (0, "ru", "0 ошибок"),
        (1, "en", "1 error"), (2, "en", "2 errors"), (0, "en", "0 errors"),
        (1, "ky", "1 ката"), (5, "ky", "5 ката"),
    ],
)
def test_counted_nouns(n: int, lang: str, expected: str) -> None:
    assert counted(n, "cli.errors", lang) == expected


def _emitted_codes() -> set[str]:
    """Every code the library can emit (grep of the sources and of schemas/*.toml)."""
    from pathlib import Path

    root = Path(messages.__file__).parent
    used: set[str] = set()
    pattern = re.compile(
        r"""(?:warning|error|RejectedFile|Finding\([^,]+,)\(?\s*["']([a-z_]+\.[a-z_]+)["']"""
    )
    for path in root.rglob("*.py"):
        used.update(pattern.findall(path.read_text("utf-8")))
    for toml in (root.parent / "schemas").glob("*.toml"):
        used.update(re.findall(r'code = "([a-z_.]+)"', toml.read_text("utf-8")))
    from workbook_tools.rules.normalise import PROBLEM_SEVERITY

    used.update(PROBLEM_SEVERITY)  # codes made while normalising words, scores and deadlines
    assert len(used) > 20, "the pattern found too little"
    return used


def test_finding_codes_of_the_code_have_texts() -> None:
    missing = sorted(c for c in _emitted_codes() if not messages.has(c))
    assert missing == []


def test_every_finding_code_has_a_short_title() -> None:
    """The Summary counts findings by a short title in the user's language, not by code."""
    findings = {c for c in _emitted_codes() if not c.startswith("file.")}
    missing = sorted(c for c in findings if not messages.has(f"title.{c}"))
    assert missing == []


#: Latin-script words a Kyrgyz or Russian text may hold: names of programs and formats, the
#: command and its codes; nothing else of English.
LATIN_ALLOWED = {
    "Excel", "LibreOffice", "Word", "PowerPoint", "Office", "OpenDocument", "XML", "Spreadsheet",
    "CSV", "JSON", "zip", "I",  # Annex I
    "xlsx", "xlsm", "xls", "xlsb", "ods", "fods", "csv", "docx", "pptx", "doc", "ppt", "json",
    "ky", "ru", "en", "low", "zero", "x",  # codes of --lang and --low-residual; Excel 4.0 (x-4.0)
    "workbook-tools", "score", "validate", "consolidate", "watch", "history", "sample_workbooks",
    "scored", "archive", "rejected", "server", "sqlite", "log", "WORKBOOK_TOOLS_LANG",  # names
    "template", "register", "plan",  # the template command and its arguments
    "sheets", "publish", "HTML", "PDF",  # issue 13: its commands, the formats they write
}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_no_english_inside_kyrgyz_and_russian(code: str) -> None:
    """A Kyrgyz or Russian text holds no Latin-script word but the names of programs and
    formats, option names and codes (placeholders are the user's own values)."""
    for lang_text in CATALOGUE[code][:2]:
        # placeholders, options (-o, --plan), page codes (&P) and file suffixes (.txt)
        text = re.sub(r"\{[^{}]*\}|(?<!\w)--?[A-Za-z][\w-]*|&[A-Z]|\.[a-z]{2,4}\b", " ",
                      lang_text)
        words = set(re.findall(r"[A-Za-z][A-Za-z_]*(?:-[A-Za-z]+)*", text))
        assert words <= LATIN_ALLOWED, (code, words - LATIN_ALLOWED)


def _finding_codes() -> set[str]:
    """Every code a finding is made with in the package's source."""
    import pathlib

    import workbook_tools

    root = pathlib.Path(workbook_tools.__file__).parent
    src = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    codes = set(re.findall(r'(?:warning|error)\(\s*"([a-z_]+\.[a-z_.]+)"', src))
    codes |= set(re.findall(r'Finding\(\s*Severity\.\w+,\s*"([a-z_]+\.[a-z_.]+)"', src))
    codes |= set(re.findall(r'Parsed\([^)]*?"([a-z_]+\.[a-z_.]+)"', src))
    from workbook_tools.pipeline import SCORED_COPY

    return codes | {SCORED_COPY, "level.mismatch", "reason.missing", "score.missing",
                    "column.missing", "cases.missing", "activity.missing", "deadline.missing"}


def test_every_finding_has_a_text_and_a_title() -> None:
    """The Summary counts findings by their short title: every finding code has one, in the
    three languages (never the code itself on a sheet)."""
    codes = _finding_codes()
    assert len(codes) > 20
    assert sorted(c for c in codes if c not in CATALOGUE) == []
    assert sorted(c for c in codes if f"title.{c}" not in CATALOGUE) == []


@pytest.mark.parametrize(
    ("day", "lang", "table", "sentence"),
    [
        ((2026, 11, 25), "ky", "25.11.2026", "2026-жылдын 25-ноябры"),
        ((2026, 11, 25), "ru", "25.11.2026", "25 ноября 2026 г."),
        ((2026, 11, 25), "en", "25.11.2026", "25 November 2026"),
        ((2027, 2, 1), "ky", "01.02.2027", "2027-жылдын 1-февралы"),
        ((2027, 4, 8), "ky", "08.04.2027", "2027-жылдын 8-апрели"),
        ((2027, 6, 5), "ky", "05.06.2027", "2027-жылдын 5-июну"),
        ((2027, 3, 1), "ru", "01.03.2027", "1 марта 2027 г."),
    ],
)
def test_dates_as_people_write_them(day: tuple[int, int, int], lang: str, table: str,
                                    sentence: str) -> None:
    from datetime import date

    assert messages.day_text(date(*day)) == table
    assert messages.long_date(date(*day), lang) == sentence
