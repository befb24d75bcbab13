"""How much room a text needs in a cell: the one estimate every sheet the tool writes is laid out
with, and the tests check it by.

Excel and LibreOffice measure a column in characters (the width of "0" in the default font) and
a row in points. Neither grows a row to fit wrapped text on opening a file (LibreOffice shows
one line for a row without a height, whatever it holds), so the writer sets every height
itself, as careful xlsxwriter users do: the text is wrapped word by word into the column's
width, letter widths weighed roughly as Calibri (or Carlito, its metric twin) draws them, and
the row given the height of that many lines. The weights err wide, so a row is a little too
tall rather than cut.

This module imports nothing of the package.
"""

from __future__ import annotations

from functools import lru_cache

#: points per line of an 11-point font, leading included
LINE_POINTS = 15.0
#: the default font size the estimate is made for
BASE_SIZE = 11.0
#: what a cell's padding takes from its width, in characters
PADDING = 1.0
#: of the rest, the share a line of text fills before it wraps (LibreOffice leaves a little
#: more room at the line's end than the letter widths add up to)
FILL = 0.96
#: the least height of a row the tool writes
MIN_HEIGHT = 15.0

_NARROW = frozenset(" .,:;'!|()[]/-ійlтгрс")
_WIDE = frozenset("мшщжюыфМШЩЖЮЫФWMmw—%@")


def char_width(ch: str) -> float:
    """The width of ``ch`` in "0" widths, erring wide."""
    if ch == " ":
        return 0.5
    if ch in _WIDE:
        return 1.35
    if ch.isupper():
        return 1.2
    if ch in _NARROW:
        return 0.7
    return 1.0


def text_width(text: str, *, bold: bool = False, size: float | None = None) -> float:
    """The width of one line of ``text`` in "0" widths of the default font."""
    scale = (size or BASE_SIZE) / BASE_SIZE * (1.08 if bold else 1.0)
    return _width(text) * scale


# The same texts and words come back in every row and every file: each is weighed once (the
# caches are bounded; the sums are the same, added in the same order).
@lru_cache(maxsize=4096)
def _width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


@lru_cache(maxsize=8192)
def _word_width(word: str) -> float:
    return sum(char_width(ch) for ch in word)


def lines_needed(text: object, width: float, *, bold: bool = False,
                 size: float | None = None) -> int:
    """How many lines ``text`` takes, wrapped word by word in a column ``width`` characters
    wide (the width of a merged range is the sum of its columns')."""
    return _lines_needed(str(text), width, bold, size)


@lru_cache(maxsize=4096)
def _lines_needed(text: str, width: float, bold: bool, size: float | None) -> int:
    room = max(width * FILL - PADDING, 1.0)
    scale = (size or BASE_SIZE) / BASE_SIZE * (1.08 if bold else 1.0)
    space = char_width(" ") * scale
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            w = _word_width(word) * scale
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                lines += 1
            # a word longer than the line breaks where the line ends
            while w > room:
                lines += 1
                w -= room
            used = w
        total += lines
    return total


def longest_word(text: object, *, bold: bool = False, size: float | None = None) -> float:
    """The width of the widest word of ``text``: a column narrower than this (plus its
    padding) breaks that word in the middle."""
    words = str(text).split()
    return max((text_width(w, bold=bold, size=size) for w in words), default=0.0)


def width_for_line(text: object, *, bold: bool = False, size: float | None = None) -> float:
    """The least column width that shows ``text`` on one line."""
    return (text_width(str(text), bold=bold, size=size) + PADDING) / FILL + 0.1


def width_for_words(text: object, *, bold: bool = False, size: float | None = None) -> float:
    """The least column width that shows every word of ``text`` whole."""
    return (longest_word(text, bold=bold, size=size) + PADDING) / FILL + 0.1


def height_for(lines: int, size: float | None = None) -> float:
    """The height in points of a row showing ``lines`` lines."""
    return _height_for(lines, size)


# a few line counts and sizes recur on every row (round() to one decimal is slow)
@lru_cache(maxsize=1024)
def _height_for(lines: int, size: float | None) -> float:
    return max(MIN_HEIGHT, round(lines * LINE_POINTS * (size or BASE_SIZE) / BASE_SIZE, 1))


def height_needed(text: object, width: float, *, bold: bool = False,
                  size: float | None = None) -> float:
    """The height in points a wrapped ``text`` needs in a column ``width`` characters wide."""
    return height_for(lines_needed(text, width, bold=bold, size=size), size)


def column_pixels(width: float) -> float:
    """A column's width in pixels at 96 dpi, as Excel converts it (7 px a character, 5 of
    padding)."""
    return width * 7 + 5
