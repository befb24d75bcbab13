"""styles.xml's derived cell formats, remembered across files (``styles._derived``): a warm
memo gives what a cold one gives, and two templates' formats are never mixed."""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations

import pytest

from workbook_tools.annotated.stream import styles
from workbook_tools.annotated.stream.styles import Styles
from workbook_tools.copyplan import Overlay, Style

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PLAIN = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
CENTRED = ('<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1">'
           '<alignment horizontal="center"/></xf>')


def _sheet(xfs: list[str], fonts: int = 1) -> str:
    font = '<font><sz val="11"/><name val="Calibri"/></font>'
    return (f'<styleSheet xmlns="{NS}"><fonts count="{fonts}">{font * fonts}</fonts>'
            '<fills count="2"><fill><patternFill/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f'</borders><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs></styleSheet>')


#: templates: the same format ids, the formats (or what they point to) not the same
SHEETS = {
    "plain": _sheet([PLAIN, CENTRED]),
    "base with a border": _sheet([PLAIN.replace('borderId="0"', 'borderId="0" applyBorder="0"'),
                                  CENTRED]),
    "base aligned": _sheet([PLAIN[:-2] + '><alignment horizontal="left"/></xf>', CENTRED]),
    "second format other": _sheet([PLAIN, CENTRED.replace('numFmtId="4"', 'numFmtId="3"')]),
    "two fonts": _sheet([PLAIN, CENTRED], fonts=2),
}

#: what a file asks for, in order (new, equal Style and Overlay objects each file)
REQUESTS: list[Callable[[Styles], int]] = [
    lambda s: s.style(0, Style(bold=True, wrap=True)),
    lambda s: s.style(1, Style(bold=True, wrap=True)),
    lambda s: s.style(0, Style(bold=True)),
    lambda s: s.style(1, None, 14),
    lambda s: s.style(0, Style(fill="FFFFC7CE", border="box"), 2),
    lambda s: s.overlay(0, Overlay(fill="FFFFC7CE")),
    lambda s: s.overlay(1, Overlay(fill="FFC6EFCE", border="mark")),
    lambda s: s.overlay(0, Overlay(border="mark")),
]


def _file(text: str) -> tuple[list[int], list[str], bytes]:
    """A fresh Styles given every request: the ids, the derived formats, the part."""
    s = Styles(text)
    ids = [ask(s) for ask in REQUESTS]
    return ids, s.xfs[s.base_xfs:], s.render()


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_a_file_after_another_from_the_same_template(name: str) -> None:
    """Two files from one template: the second served from the memo, the same styles.xml."""
    styles._derived.memo.cache_clear()
    cold = _file(SHEETS[name])
    misses = styles._derived.memo.cache_info().misses
    warm = _file(SHEETS[name])
    assert styles._derived.memo.cache_info().misses == misses  # no format made again
    assert styles._derived.memo.cache_info().hits >= len(cold[1]) > 0
    assert warm == cold


@pytest.mark.parametrize(("first", "second"), list(permutations(sorted(SHEETS), 2)))
def test_templates_are_not_mixed(first: str, second: str) -> None:
    """A file after one from another template gets its own formats, as with a cold memo."""
    styles._derived.memo.cache_clear()
    a = _file(SHEETS[first])
    warm = _file(SHEETS[second])
    styles._derived.memo.cache_clear()
    cold = _file(SHEETS[second])
    assert warm == cold
    assert a[1] != cold[1]


#: requests over "plain" and the formats they derive (bold with and without wrapping: the
#: same changes)
DERIVED: list[tuple[Callable[[Styles], int], str]] = [
    (lambda s: s.style(1, Style(bold=True, wrap=True)),
     '<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
     'applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'),
    (lambda s: s.style(0, Style(bold=True, wrap=True)),
     '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
     'applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'),
    (lambda s: s.style(0, Style(bold=True)),
     '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'),
    (lambda s: s.overlay(0, Overlay(border="mark")),
     '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>'),
]


def test_derived_formats() -> None:
    """The formats themselves, from a cold memo and from a warm one."""
    styles._derived.memo.cache_clear()
    for _ in range(2):
        s = Styles(SHEETS["plain"])
        assert [s.xfs[ask(s)] for ask, _ in DERIVED] == [xml for _, xml in DERIVED]


def test_a_very_long_format_is_worked_out_each_time() -> None:
    """An <xf> longer than any real one (a hostile styles.xml) is never kept in the memo, and
    gives what a short one of the same meaning gives."""
    padding = "<extLst>" + "<ext uri='x'/>" * 200 + "</extLst>"
    long_xf = PLAIN[:-2] + ">" + padding + "</xf>"
    assert len(long_xf) > styles._REMEMBERED_XF
    styles._derived.memo.cache_clear()
    ids, xfs, _ = _file(_sheet([long_xf, CENTRED]))
    assert styles._derived.memo.cache_info().currsize == sum(
        1 for x in xfs if padding not in x)  # only the formats derived from the short one
    assert all(padding in x for x in xfs[:1])  # the long format's derivations keep its content
    assert ids == _file(_sheet([PLAIN, CENTRED]))[0]
