"""Excel's column letters, 1-based: the one place they are computed."""

from __future__ import annotations

from functools import cache


@cache
def letter(col: int) -> str:
    """The letters of 1-based column ``col``: 1 -> "A", 28 -> "AB", 16384 -> "XFD"."""
    if col < 1:
        raise ValueError(col)
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@cache
def number(letters: str) -> int:
    """The 1-based column of ``letters``: "A" -> 1, "AB" -> 28."""
    if not letters or not letters.isascii() or not letters.isalpha():
        raise ValueError(letters)
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n
