"""Normalising text as staff type it, before it is compared with a vocabulary.

Folds what does not change meaning (case, spacing, line breaks, non-breaking and zero-width spaces,
stray quotes, Latin look-alike letters inside Cyrillic words, the other code points used for
ң ө ү) and leaves everything else to the caller: a word that still does not match is a finding.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Zero-width and invisible characters that Word and web pages leave behind.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# Every kind of space becomes a plain space.
_SPACE_CHARS = "\u00a0\u202f\u2028\u2029\u0085\u3000\t\r\n\v\f" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_SPACES = dict.fromkeys(map(ord, _SPACE_CHARS), " ")

# Quotes and dashes to one form each.
_PUNCT = {
    **dict.fromkeys(map(ord, "«»“”„‟\"'‘’‚`´"), None),
    **dict.fromkeys(map(ord, "‐‑‒–—―−"), "-"),
}

# Other code points used for the Kyrgyz letters (Kazakh, Khakas, Latin look-alikes, old fonts).
_KYRGYZ_VARIANTS = str.maketrans(
    {
        "ӊ": "ң", "Ӊ": "Ң", "ҥ": "ң", "Ҥ": "Ң", "ӈ": "ң", "Ӈ": "Ң",
        "ɵ": "ө", "Ɵ": "Ө", "ѳ": "ө", "Ѳ": "Ө", "ӧ": "ө", "Ӧ": "Ө",
        "ұ": "ү", "Ұ": "Ү", "ӱ": "ү", "Ӱ": "Ү",
    }
)

# Latin letters that look like Cyrillic ones; folded only inside words that hold Cyrillic.
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к",
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
        "P": "Р", "T": "Т", "X": "Х", "Y": "У",
    }
)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\s\-/(),.;:]+")
_MULTISPACE = re.compile(r" {2,}")

# ң ө ү typed as н о у: used only to compare, never to rewrite what staff wrote.
_KYRGYZ_TO_RUSSIAN_KEYS = str.maketrans({"ң": "н", "ө": "о", "ү": "у"})

#: Every dash to "-" (for parsers of ranges such as "2025–2027").
DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－"), "-")

#: ң ө ү (and the other code points used for them) as н о у, ё as е, і as i: loose comparison.
LOOSE_LETTERS = str.maketrans(
    {
        "ң": "н", "ӊ": "н", "ҥ": "н", "ӈ": "н",
        "ө": "о", "ɵ": "о", "ѳ": "о", "ӧ": "о",
        "ү": "у", "ұ": "у", "ӱ": "у",
        "ё": "е", "і": "i", "ӏ": "i",
    }
)


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if _CYRILLIC.search(word):
        return word.translate(_LATIN_TO_CYRILLIC)
    return word


# Anything clean() would change besides the ends: most cells have none of it.
_UNTIDY = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad" + re.escape(_SPACE_CHARS) + "]| {2,}"
)


@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """Visible text as typed, tidied: invisible characters out, spaces folded, ends stripped."""
    if (text.isascii() or unicodedata.is_normalized("NFC", text)) and not _UNTIDY.search(text):
        return text.strip()
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)
    return _MULTISPACE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold_lookalikes(text: str) -> str:
    """Latin look-alike letters inside Cyrillic words replaced by the Cyrillic ones."""
    return _WORD.sub(_fold_word, text)


# Quotes, dashes and the Kyrgyz letters' other code points in one table (no key of one is a
# value of the other, so one pass is the two in turn).
_FOLD_CHARS = {**_PUNCT, **_KYRGYZ_VARIANTS}
# The Latin letters that _fold_word replaces: a text without any has no look-alike to fold.
_LOOKALIKE = re.compile("[" + "".join(map(chr, _LATIN_TO_CYRILLIC)) + "]")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The comparison key of a word or header: what the meaning does not depend on, removed.
    Cached: headers and vocabulary words come back in every file."""
    text = clean(text).translate(_FOLD_CHARS)
    if _LOOKALIKE.search(text) and _CYRILLIC.search(text):
        text = _WORD.sub(_fold_word, text)
    return _MULTISPACE.sub(" ", text.lower()).strip(" .,;:-")


def loose(text: str) -> str:
    """A coarser key: ң ө ү compared as н о у, for words typed on a Russian keyboard."""
    return fold(text).translate(_KYRGYZ_TO_RUSSIAN_KEYS)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by at most one substitution, insertion or deletion."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
