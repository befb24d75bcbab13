"""The table formats and the vocabulary, loaded from the TOML files in ``schemas/``.

``schemas/`` is data: the columns of each table kind (register, plan) with their headers in
Kyrgyz, Russian and English and the variants staff type, and the word variants of levels,
categories, control effectiveness and statuses. Installed wheels carry it as
``workbook_tools/schemas``; a source checkout reads the top-level folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..model import Level
from . import textnorm
from .matrix import SCALE_POINTS

KINDS = ("register", "plan")


def _schema_dir() -> Path:
    """``schemas/`` inside the installed package (a wheel), else beside it (a source checkout,
    editable installs included: their site-packages copy would go stale as schemas change)."""
    here = Path(__file__).resolve().parent.parent  # the package's folder
    packaged = here / "schemas"
    if packaged.is_dir():
        return packaged
    return here.parent / "schemas"


@cache  # read once per process: the vocabularies are five views of one file (read only)
def _load(name: str) -> dict[str, Any]:
    with (_schema_dir() / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: dict[str, str]
    match: tuple[tuple[str, ...], ...]
    type: str
    required: str  # "error" | "warning" | "optional"
    group: str | None = None
    follows: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    code: str
    columns: tuple[str, ...]
    severity: str


@dataclass(frozen=True)
class TableFormat:
    kind: str
    title: dict[str, str]
    columns: tuple[ColumnSpec, ...]
    min_header_matches: int
    key_columns: tuple[str, ...]
    bare_reason: tuple[tuple[str, ...], ...]
    checks: tuple[CheckSpec, ...]
    anchors: tuple[str, ...] = ()
    continued: tuple[str, ...] = ()
    inherit: tuple[str, ...] = ()
    by_key: dict[str, ColumnSpec] = field(default_factory=dict, compare=False)

    def column(self, key: str) -> ColumnSpec:
        return self.by_key[key]



def _fold_entries(entries: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(textnorm.fold(f) for f in entry) for entry in entries)


@cache
def table_format(kind: str) -> TableFormat:
    """The format of a table kind ("register" or "plan"), read from schemas/<kind>.toml."""
    raw = _load(kind)
    columns = tuple(
        ColumnSpec(
            key=c["key"],
            label=dict(c["label"]),
            match=_fold_entries(c["match"]),
            type=c["type"],
            required=c.get("required", "optional"),
            group=c.get("group"),
            follows=c.get("follows"),
        )
        for c in raw["columns"]
    )
    return TableFormat(
        kind=raw["kind"],
        title=dict(raw["title"]),
        columns=columns,
        min_header_matches=int(raw["min_header_matches"]),
        key_columns=tuple(raw["key_columns"]),
        bare_reason=_fold_entries(raw.get("bare", {}).get("reason", [])),
        checks=tuple(
            CheckSpec(c["code"], tuple(c["columns"]), c["severity"]) for c in raw.get("checks", [])
        ),
        anchors=tuple(raw.get("anchors", ())),
        continued=tuple(raw.get("continued", ())),
        inherit=tuple(raw.get("inherit", ())),
        by_key={c.key: c for c in columns},
    )


@dataclass(frozen=True)
class WordMatch:
    """A recognised word: the code it means, and whether it was accepted only as a typo."""

    code: str
    typo: bool = False
    meant: str | None = None  # the vocabulary word it was taken for, when a typo
    vocab: str = ""  # the vocabulary it belongs to (levels, scale, control, ...)


class Vocabulary:
    """Word variants of one kind (levels, scale, control, categories, statuses)."""

    def __init__(self, name: str, words: dict[str, list[str]]) -> None:
        self.name = name
        self._exact: dict[str, str] = {}
        self._loose: dict[str, set[str]] = {}
        self._words: list[tuple[str, str, str]] = []  # (folded word, code, word as listed)
        for code, variants in words.items():
            for word in variants:
                folded = textnorm.fold(word)
                self._exact.setdefault(folded, code)
                self._loose.setdefault(textnorm.loose(word), set()).add(code)
                self._words.append((folded, code, word))

    def lookup(self, value: str) -> WordMatch | None:
        """The code ``value`` means, or None when it cannot be recognised for certain."""
        folded = textnorm.fold(value)
        if not folded:
            return None
        code = self._exact.get(folded)
        if code is not None:
            return WordMatch(code)
        # ң ө ү typed as н о у: certain when exactly one code has that spelling.
        loose_codes = self._loose.get(textnorm.loose(value), set())
        if len(loose_codes) == 1:
            return WordMatch(next(iter(loose_codes)))
        # One typing error away from exactly one code (the seed's "Орго" for "Орто").
        if len(folded) >= 4:
            near = {
                (code, word)
                for f, code, word in self._words
                if len(f) >= 4 and textnorm.edit_distance_at_most_one(folded, f)
            }
            near_codes = {code for code, _ in near}
            if len(near_codes) == 1:
                word = sorted(w for _, w in near)[0]
                return WordMatch(next(iter(near_codes)), typo=True, meant=word, vocab=self.name)
        return None


@cache
def vocabulary_words(name: str) -> dict[str, list[str]]:
    """The word variants of one vocabulary, by code. "scale" (Annex I, tables 1-2) is the
    level words of the points 1-3, derived, not listed twice."""
    raw = _load("vocabulary")
    if name == "scale":
        return {
            str(SCALE_POINTS[Level(code)]): list(words)
            for code, words in raw["levels"].items()
            if Level(code) in SCALE_POINTS
        }
    return {str(k): list(v) for k, v in raw[name].items()}


@cache
def vocabulary(name: str) -> Vocabulary:
    """One vocabulary: levels, scale, control, categories, statuses."""
    return Vocabulary(name, vocabulary_words(name))
