"""Every word variant staff type: levels, scores, categories, control, look-alike text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.builders import make_register, risk
from workbook_tools import messages, pipeline
from workbook_tools.rules.formats import WordMatch, vocabulary
from workbook_tools.rules.normalise import parse_score

LEVELS = [
    ("Жогорку", "high"), ("Жогору", "high"), ("жогорку", "high"), ("ЖОГОРКУ", "high"),
    ("Орточо", "medium"), ("Орто", "medium"), ("Төмөнкү", "low"), ("Төмөн", "low"),
    ("Нөлдүк", "zero"), ("высокий", "high"), ("средний", "medium"), ("низкий", "low"),
    ("нулевой", "zero"), ("Высокий", "high"), ("Жогорку деңгээл", "high"),
]


@pytest.mark.parametrize(("word", "code"), LEVELS, ids=[w for w, _ in LEVELS])
def test_level_words(word: str, code: str) -> None:
    assert vocabulary("levels").lookup(word) == WordMatch(code)


def test_orgo_is_medium_accepted_as_a_typo() -> None:
    """The seed's "Орго" is one key away from "Орто": accepted, but flagged."""
    said = vocabulary("levels").lookup("Орго")
    assert said is not None
    assert (said.code, said.typo, said.meant) == ("medium", True, "орто")


def test_orgo_in_a_register_gives_a_typo_warning(tmp_path: Path) -> None:
    path = make_register(tmp_path / "r.xlsx", rows=[risk(1, level="Орго", p=2, h=2)])
    report = pipeline.analyse(path)
    (table,) = report.tables
    assert table.frame["stated_level"].tolist() == ["medium"]
    typos = [f for f in report.findings if f.code == "word.typo"]
    assert len(typos) == 1
    assert (typos[0].severity.value, typos[0].column, typos[0].value) == ("warning", "E", "Орго")
    # said as the canonical level, in the user's language
    assert typos[0].params["meant"] == {"ky": "орточо", "ru": "средний", "en": "medium"}
    assert "«орточо» деп таанылды" in messages.render(typos[0], "ky")
    assert "распознано как «средний»" in messages.render(typos[0], "ru")
    assert report.status == "ok"


@pytest.mark.parametrize("word", ["xyz", "", "   ", "Жогорку / высокий", "H", "?"],
                         ids=["latin-junk", "empty", "spaces", "two-words", "one-letter", "?"])
def test_unknown_level_words_are_not_guessed(word: str) -> None:
    assert vocabulary("levels").lookup(word) is None


SCORES = [
    (2, 2), (2.0, 2), (" 2 ", 2), ("2 балл", 2), ("2,0", 2), ("2.0", 2), ("2 (орточо)", 2),
    ("Орточо", 2), ("жогорку", 3), ("Төмөнкү", 1), ("3 балла", 3), ("2\u00a0балл", 2),
    (5, 5), (0, 0), (None, None), ("", None),
]
UNREADABLE = [
    "2 (жогорку)", 2.5, "2.5", "?", True, False, "два", "1-2",
]


@pytest.mark.parametrize(("typed", "value"), SCORES, ids=[repr(t) for t, _ in SCORES])
def test_score_values(typed: object, value: int | None) -> None:
    parsed = parse_score(typed)
    assert parsed.problem is None
    assert parsed.value == value
    assert parsed.value is None or type(parsed.value) is int


@pytest.mark.parametrize("typed", UNREADABLE, ids=[repr(t) for t in UNREADABLE])
def test_unreadable_scores(typed: object) -> None:
    parsed = parse_score(typed)
    assert parsed.value is None
    assert parsed.problem == "score.unreadable"


def test_score_word_typo_is_flagged() -> None:
    parsed = parse_score("Орго")
    assert parsed.value == 2
    assert parsed.typo is not None and parsed.typo.meant == "орто"


CATEGORIES = [
    ("Системалуу (реалдуу)", "systemic"), ("системалуу", "systemic"),
    ("потенциалдуу", "potential"), ("кырдаалдык", "situational"),
    ("системный (реальный)", "systemic"), ("потенциальный", "potential"),
    ("ситуативный", "situational"), ("xyz", None),
]


@pytest.mark.parametrize(("word", "code"), CATEGORIES, ids=[w for w, _ in CATEGORIES])
def test_category_words(word: str, code: str | None) -> None:
    said = vocabulary("categories").lookup(word)
    assert (said.code if said else None) == code
    assert said is None or not said.typo


CONTROL = [
    ("жогорку", "high"), ("жогору", "high"), ("орточо", "medium"), ("орто", "medium"),
    ("төмөнкү", "low"), ("төмөн", "low"), ("высокая", "high"), ("высокий", "high"),
    ("средняя", "medium"), ("средний", "medium"), ("низкая", "low"), ("низкий", "low"),
]


@pytest.mark.parametrize(("word", "code"), CONTROL, ids=[w for w, _ in CONTROL])
def test_control_words(word: str, code: str) -> None:
    assert vocabulary("control").lookup(word) == WordMatch(code)


LOOKALIKES = [
    ("latin-o-in-cyrillic", "levels", "Ж\u006fгорку", "high"),
    ("latin-o-and-y", "levels", "Т\u006fм\u006fнк\u0079", "low"),
    ("non-breaking-space", "levels", "\u00a0Жогорку\u00a0", "high"),
    ("nbsp-inside", "levels", "Жогорку\u00a0деңгээл", "high"),
    ("zero-width-space", "levels", "Жого\u200bрку", "high"),
    ("soft-hyphen", "levels", "Жогор\u00adку", "high"),
    ("line-break", "levels", "Жогорку\nдеңгээл", "high"),
    ("o-for-ө", "levels", "Томонку", "low"),
    ("o-for-ө-zero", "levels", "Нолдук", "zero"),
    ("guillemets", "levels", "«Жогорку»", "high"),
    ("straight-quotes", "levels", '"Орточо"', "medium"),
    ("trailing-dot", "levels", "Жогорку.", "high"),
    ("decomposed-й", "levels", unicodedata.normalize("NFD", "высокий"), "high"),
    ("o-for-ө-scale", "scale", "Томонку", "1"),
    ("latin-o-scale", "scale", "Ж\u006fгорку", "3"),
    ("o-for-ө-control", "control", "томонку", "low"),
    ("nbsp-category", "categories", "Системалуу\u00a0(реалдуу)", "systemic"),
]


@pytest.mark.parametrize(("vocab", "typed", "code"), [c[1:] for c in LOOKALIKES],
                         ids=[c[0] for c in LOOKALIKES])
def test_lookalike_text_is_the_same_word(vocab: str, typed: str, code: str) -> None:
    assert vocabulary(vocab).lookup(typed) == WordMatch(code)


@pytest.mark.parametrize("name", ["levels", "scale", "control", "categories"])
def test_every_listed_word_means_its_own_code(name: str) -> None:
    """No variant in schemas/vocabulary.toml is shadowed by another code's variant."""
    from workbook_tools.rules.formats import vocabulary_words

    vocab = vocabulary(name)
    for code, words in vocabulary_words(name).items():
        for word in words:
            assert vocab.lookup(word) == WordMatch(str(code)), word
