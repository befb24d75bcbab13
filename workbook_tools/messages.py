"""Every user-facing text, in Kyrgyz (default), Russian and English, keyed by a stable code.

Findings and rejections carry a code and parameters; they become text only here, at the edge.
The words are the documents' own (Annex I, orders No. 114 and No. 159).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .model import Level

LANGS = ("ky", "ru", "en")
DEFAULT_LANG = "ky"

#: Where the texts live: one TOML file per area, each entry ``["code"]`` with ``ky``, ``ru`` and
#: ``en``. ``[[term]]`` in a text is the glossary's term in that language (``[[Term]]``
#: capitalised), so the official words are written once, in ``texts/glossary.toml``.
TEXTS = Path(__file__).parent / "texts"
GLOSSARY = TEXTS / "glossary.toml"
_TERM = re.compile(r"\[\[(\w+)\]\]")


#: One line of a texts file in the form they are all written in: a blank or comment line, a
#: table ``["code"]`` / ``[word]``, or ``key = "text"`` (a basic string; escapes ``\"``, ``\\``,
#: ``\n``, ``\t``). The characters TOML forbids (control characters) are refused here too.
_TOML_LINE = re.compile(
    r'[ \t]*(?:'
    r'\[[ \t]*(?:"(?P<quoted>[^"\\\x00-\x1f\x7f]*)"|(?P<bare>[A-Za-z0-9_-]+))[ \t]*\]'
    r'|(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*'
    r'"(?P<value>[^"\\\x00-\x08\x0a-\x1f\x7f]*(?:\\["\\nt][^"\\\x00-\x08\x0a-\x1f\x7f]*)*)"'
    r')?[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\r?\n|\Z)')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def parse_simple_toml(source: str) -> dict[str, dict[str, str]] | None:
    """``source`` read as :mod:`tomllib` reads it, for a file of tables of strings only (the
    form of ``texts/*.toml``) at several times tomllib's speed (the texts are read by every
    run: 12 ms with tomllib, the largest cost of the package's import); None for anything
    else (another TOML form, a duplicate, an error), which :func:`read_toml` gives tomllib."""
    out: dict[str, dict[str, str]] = {}
    table: dict[str, str] | None = None
    pos, end = 0, len(source)
    match = _TOML_LINE.match
    while pos < end:
        m = match(source, pos)
        if m is None:
            return None
        pos = m.end()
        key = m.group("key")
        if key is not None:
            if table is None or key in table:
                return None
            value = m.group("value")
            if "\\" in value:
                value = _ESCAPE.sub(lambda e: _ESCAPED[e.group(1)], value)
            table[key] = value
            continue
        name = m.group("quoted")
        if name is None:
            name = m.group("bare")
        if name is not None:
            if name in out:
                return None
            table = out[name] = {}
    return out


def read_toml(path: Path) -> dict[str, Any]:
    """A texts file: :func:`parse_simple_toml`, else :mod:`tomllib` (the same result)."""
    source = path.read_bytes().decode()  # as tomllib.load: no newline translation
    simple = parse_simple_toml(source)
    if simple is not None:
        return simple
    import tomllib  # only for another form of file (2 ms to import)

    return tomllib.loads(source)


def _load_glossary() -> dict[str, dict[str, str]]:
    if not GLOSSARY.exists():
        return {}
    return {key: dict(entry) for key, entry in read_toml(GLOSSARY).items()}


def _with_terms(template: str, lang: str, glossary: Mapping[str, Mapping[str, str]]) -> str:
    if "[[" not in template:
        return template
    def term(match: re.Match[str]) -> str:
        key = match.group(1)
        entry = glossary.get(key.lower())
        if entry is None:
            raise KeyError(f"{key!r} is not in {GLOSSARY.name}")
        word = entry[lang]
        return word[:1].upper() + word[1:] if key[:1].isupper() else word
    return _TERM.sub(term, template)


def _load() -> dict[str, tuple[str, str, str]]:
    glossary = _load_glossary()
    texts: dict[str, tuple[str, str, str]] = {}
    for path in sorted(TEXTS.glob("*.toml")):
        if path == GLOSSARY:
            continue
        entries = read_toml(path)
        for code, entry in entries.items():
            if code in texts:
                raise ValueError(f"text {code!r} is defined twice (again in {path.name})")
            ky, ru, en = (_with_terms(entry[lang], lang, glossary) for lang in LANGS)
            texts[code] = (ky, ru, en)
    return texts


#: Every text: code -> (ky, ru, en), in the order of :data:`LANGS`. Read-only.
CATALOGUE: Mapping[str, tuple[str, str, str]] = MappingProxyType(_load())



_PLURAL = re.compile(r"\{(\w+)\|([^{}]*)\}")


def text(code: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The text of ``code`` in ``lang``, with ``params`` filled in; the code itself if unknown.

    ``{n|балл|балла|баллов}`` in a text is the number ``n`` with its noun in the form that
    number takes (Russian has three, English two, Kyrgyz one)."""
    entry = CATALOGUE.get(code)
    if entry is None:
        return code
    template = entry[LANGS.index(lang) if lang in LANGS else 0]

    def plural(m: re.Match[str]) -> str:
        n = params.get(m.group(1))
        if not isinstance(n, int | float):
            return m.group(0)
        return f"{n:g} {_form(n, m.group(2).split('|'), lang)}"

    try:
        return _PLURAL.sub(plural, template).format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def _form(n: float, forms: list[str], lang: str) -> str:
    """The noun form for the number ``n``: Russian 1 / 2-4 / 5-20 (ошибка, ошибки, ошибок),
    English 1 / many; Kyrgyz nouns do not change after a number."""
    whole = int(n) if float(n).is_integer() else None
    if lang == "ru" and len(forms) == 3:
        if whole is None:
            return forms[1]  # 2,5 балла
        if whole % 10 == 1 and whole % 100 != 11:
            return forms[0]
        if 2 <= whole % 10 <= 4 and not 12 <= whole % 100 <= 14:
            return forms[1]
        return forms[2]
    if lang == "en" and len(forms) == 2:
        return forms[0] if n == 1 else forms[1]
    return forms[-1]


def counted(n: int, code: str, lang: str = DEFAULT_LANG) -> str:
    """``n`` and the noun of ``code`` in the form that number takes ("3 ошибки", "5 ошибок")."""
    return f"{n} {_form(n, text(code, lang).split('|'), lang)}"


def level_name(level: Level | str | None, lang: str = DEFAULT_LANG) -> str:
    if level is None:
        return text("level.none", lang)
    return text(f"level.{Level(level).value}", lang)


#: month names as a date is said: Kyrgyz with the possessive ending ("25-ноябры"), Russian in
#: the genitive ("25 ноября")
_MONTHS = {
    "ky": ("январы", "февралы", "марты", "апрели", "майы", "июну", "июлу", "августу",
           "сентябры", "октябры", "ноябры", "декабры"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def day_text(day: date) -> str:
    """A date as people write it in a table: 25.11.2026."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def long_date(day: date, lang: str = DEFAULT_LANG) -> str:
    """A date as it is said in a sentence: "2026-жылдын 25-ноябры", "25 ноября 2026 г.",
    "25 November 2026"."""
    months = _MONTHS.get(lang, _MONTHS[DEFAULT_LANG])
    month = months[day.month - 1]
    if lang == "ru":
        return f"{day.day} {month} {day.year} г."
    if lang == "en":
        return f"{day.day} {month} {day.year}"
    return f"{day.year}-жылдын {day.day}-{month}"


def has(code: str) -> bool:
    return code in CATALOGUE


def _resolve(value: Any, lang: str) -> Any:
    """A parameter given in every language ({"ky": ..., "ru": ..., "en": ...}) picks ``lang``."""
    if isinstance(value, dict) and set(value) <= set(LANGS) and value:
        return value.get(lang) or value.get(DEFAULT_LANG) or next(iter(value.values()))
    return value


def render(finding: Any, lang: str = DEFAULT_LANG) -> str:
    """The message of a :class:`~workbook_tools.model.Finding` in ``lang``."""
    params = {k: _resolve(v, lang) for k, v in finding.params.items()}
    params.setdefault("value", "" if finding.value is None else finding.value)
    params.setdefault("column", finding.column or "")
    params.setdefault("sheet", finding.sheet or "")
    return text(finding.code, lang, **params)


def reason_text(code: str, params: Mapping[str, Any], lang: str = DEFAULT_LANG) -> str:
    """The text of a rejection reason."""
    said = {k: _resolve(v, lang) for k, v in params.items()}
    return text(code, lang, **said)


def rejection(report: Any, lang: str = DEFAULT_LANG) -> str | None:
    """Why a :class:`~workbook_tools.model.FileReport` was rejected, in ``lang``; None when it
    was not."""
    if report.reason is None:
        return None
    return reason_text(report.reason, report.reason_params, lang)
