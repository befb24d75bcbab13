"""Start-up (issue 14): the texts read by a fast reader that gives what tomllib gives, the tool's
own process run without pandera's data-synthesis import, patterns compiled at first use.

No timing is asserted here (``bench/bench_cases.py --cases one`` measures it).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook_tools import messages
from workbook_tools.cli import main
from workbook_tools.read import header
from workbook_tools.rules import deadline_words, deadlines, textnorm
from workbook_tools.rules.formats import KINDS, TableFormat, table_format

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"

# --- the texts' reader: the same result as tomllib, or tomllib itself ---------------------------

#: (source, the fast reader takes it): every source here is read by ``read_toml`` as tomllib
#: reads it (or raises as tomllib does); the ones it does not take go to tomllib.
SOURCES = [
    ('["a.b"]\nky = "x"\nru = "y"\n', True),
    ('[word]\nky = "x"\n', True),
    ('# a comment\n\n["a"]\n  ky  =  "x"   # after\n\n', True),
    ('["a"]\r\nky = "x"\r\n', True),
    ('["a"]\nky = "x"', True),  # no newline at the end
    ('["a"]\nky = ""\n', True),
    ('["a"]\nky = "a \\"quoted\\" \\\\ back\\nnew\\tline"\n', True),
    ('["a"]\nky = "# not a comment"\n', True),
    ('["Кыргызча «сөз»"]\nky = "Тизмек — «{column}» ✓"\n', True),
    ('[ "a" ]\nky = "x"\n', True),
    ('["a"]\nky = "tab\tinside"\n', True),
    ("", True),
    ("# only a comment\n", True),
    # forms the fast reader leaves to tomllib (a valid TOML file read the same)
    ('[a.b]\nky = "x"\n', False),  # a dotted table is a nested table
    ('["a"]\nky = \'literal\'\n', False),
    ('["a"]\nky = """multi\nline"""\n', False),
    ('["a"]\nn = 3\n', False),
    ('["a"]\nky = "\\u0416"\n', False),
    ('["a"]\nky = "x"\n["a".b]\nky = "y"\n', False),
    ('top = "x"\n', False),
    ('[[text]]\nen = "x"\n', False),
    ('["a"]\nky.x = "x"\n', False),
    ('["a\\u0041"]\nky = "x"\n', False),
]
#: not TOML: tomllib raises, and so does the reader
INVALID = [
    '["a"]\nky = "x"\nky = "y"\n',  # a key twice
    '["a"]\nky = "x"\n["a"]\nru = "y"\n',  # a table twice
    '["a"]\n[a]\n',  # the same table, quoted and bare
    '["a"]\nky = "x" "y"\n',
    '["a"]\nky = "bad \\q escape"\n',
    '["a"]\nky = "control \x01"\n',
    '["a"]\nky = "x" # control \x01\n',
    '["a"]\nky = "unclosed\n',
    '["a"\nky = "x"\n',
    '["a"]\nky = "x"\rru = "y"\n',
]


@pytest.mark.parametrize(("source", "fast"), SOURCES, ids=range(len(SOURCES)))
def test_the_texts_reader_gives_what_tomllib_gives(tmp_path: Path, source: str,
                                                   fast: bool) -> None:
    expected = tomllib.loads(source)
    simple = messages.parse_simple_toml(source)
    assert (simple is not None) is fast
    if simple is not None:
        assert simple == expected
        assert list(simple) == list(expected)
    path = tmp_path / "t.toml"
    path.write_bytes(source.encode())
    assert messages.read_toml(path) == expected


@pytest.mark.parametrize("source", INVALID, ids=range(len(INVALID)))
def test_the_texts_reader_refuses_what_tomllib_refuses(tmp_path: Path, source: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(source)
    assert messages.parse_simple_toml(source) is None
    path = tmp_path / "t.toml"
    path.write_bytes(source.encode())
    with pytest.raises(tomllib.TOMLDecodeError):
        messages.read_toml(path)


@pytest.mark.parametrize("path", sorted((ROOT / "workbook_tools" / "texts").glob("*.toml")),
                         ids=lambda p: p.name)
def test_every_texts_file_is_read_fast_and_as_tomllib_reads_it(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert messages.parse_simple_toml(source) == tomllib.loads(source)


# --- the tool's own process ---------------------------------------------------------------------

def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def test_the_process_validates_as_the_library_does_without_importing_hypothesis() -> None:
    """``workbook-tools`` (:func:`workbook_tools.cli.run`) leaves pandera's data synthesis
    out and freezes the collector at its exit: the same findings and exit code as
    :data:`~workbook_tools.cli.main` called in this process, which keeps both."""
    files = [str(SAMPLES / "dostuk_apparat_register.xlsx"),
             str(SAMPLES / "mektep_register_ru.xlsx")]
    args = ["validate", *files, "--json", "--as-of", "25.11.2026", "--plan",
            str(SAMPLES / "dostuk_action_plan.xlsx")]
    probe = ("import sys\nfrom workbook_tools.cli import run\n"
             f"sys.argv = ['workbook-tools', *{args!r}]\n"
             "try:\n    run()\nexcept SystemExit as e:\n    code = e.code\n"
             "import gc\n"
             "print('\\nMODULES:', 'hypothesis' in sys.modules,"
             " any(v is None for v in sys.modules.values()), gc.get_freeze_count() > 0, code)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=_env(), check=True, cwd=ROOT)
    document, _, tail = proc.stdout.rpartition("\nMODULES:")
    hypothesis_imported, none_in_modules, frozen, code = tail.split()
    assert (hypothesis_imported, none_in_modules) == ("False", "False")
    assert frozen == "True"  # the exit skips the collector's passes over what is left

    here = CliRunner().invoke(main, args, catch_exceptions=False)
    assert int(code) == here.exit_code
    assert json.loads(document) == json.loads(here.output)


def test_python_m_runs_the_process_entry_point(tmp_path: Path) -> None:
    """``python -m workbook_tools.cli`` and the ``workbook-tools`` script both go through
    :func:`~workbook_tools.cli.run`."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'workbook-tools = "workbook_tools.cli:run"' in text
    out = subprocess.run([sys.executable, "-m", "workbook_tools.cli", "score",
                          str(SAMPLES / "mektep_register_ru.xlsx"), "--out", str(tmp_path),
                          "--lang", "en"],
                         capture_output=True, text=True, env=_env(), cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    assert (tmp_path / "mektep_register_ru.scored.xlsx").exists()


def test_a_process_that_has_hypothesis_keeps_it() -> None:
    probe = ("import sys, hypothesis\nfrom workbook_tools.cli import run\n"
             "sys.argv = ['workbook-tools', '--version']\n"
             "try:\n    run()\nexcept SystemExit:\n    pass\n"
             "import hypothesis.strategies\nprint('OK', len(sys.meta_path))")
    pytest.importorskip("hypothesis")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=_env(), check=True).stdout
    assert "OK" in out


# --- patterns compiled at first use -------------------------------------------------------------

def test_deadline_patterns_are_built_once() -> None:
    assert deadline_words.word_rules() is deadline_words.word_rules()
    assert deadline_words.recurring() is deadline_words.recurring()
    assert deadlines._period_rules() is deadlines._period_rules()
    assert len(deadlines._period_rules()) == len(deadlines._PERIOD_RULES)
    assert deadlines.parse_deadline("III квартал 2026 г.").due_end is not None


# --- the header matcher: the same columns as one pattern of every fragment gave ----------------

class _PatternMatcher:
    """The matcher before issue 14's start-up work (one lookahead pattern of every fragment,
    each column's entries all tried), kept as the reference the fast one must agree with."""

    def __init__(self, formats: list[TableFormat]) -> None:
        frags = {f for fmt in formats for spec in fmt.columns for e in spec.match for f in e}
        frags |= {f for fmt in formats for e in fmt.bare_reason for f in e}
        ordered = sorted(frags, key=lambda f: (-len(f), f))
        self.pattern = re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))")
        self.inside = {f: frozenset(g for g in ordered if g in f) for f in ordered}

    def fragments(self, folded: str) -> frozenset[str]:
        hits: set[str] = set()
        for m in self.pattern.finditer(folded):
            hits |= self.inside[m.group(1)]
        return frozenset(hits)

    def columns(self, fmt: TableFormat, folded: str) -> tuple[tuple[int, str, bool], ...]:
        found = self.fragments(folded)
        out = []
        for spec in fmt.columns:
            best, own, generic = 0, False, 0
            for entry in spec.match:
                if all(f in found for f in entry):
                    best = max(best, sum(len(f) for f in entry))
                    if any(f not in header.GENERIC for f in entry):
                        own = True
                    else:
                        generic += 1
            if best:
                out.append((best, spec.key, own or generic >= 2))
        return tuple(out)

    def bare_reason(self, fmt: TableFormat, folded: str) -> bool:
        found = self.fragments(folded)
        return any(all(f in found for f in e) for e in fmt.bare_reason)


def _sample_texts() -> list[str]:
    import python_calamine

    texts: set[str] = set()
    for path in sorted(SAMPLES.glob("*.xlsx")) + sorted(SAMPLES.glob("*.ods")):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).to_python()[:header.HEADER_SEARCH_ROWS]:
                texts.update(v for v in row if isinstance(v, str))
    return sorted(texts)


def test_the_header_matcher_agrees_with_the_pattern_of_every_fragment() -> None:
    formats = [table_format(k) for k in KINDS]
    fast, reference = header.Matcher(formats), _PatternMatcher(formats)
    frags = sorted(reference.inside)
    texts = [textnorm.fold(t) for t in _sample_texts()]
    texts += ["", " ", "x", *frags, *(f[:-1] for f in frags), *(f[1:] for f in frags)]
    texts += [" ".join(pair) for pair in zip(frags, reversed(frags), strict=True)]
    texts += ["".join(frags[i:i + 3]) for i in range(0, len(frags), 2)]
    texts += [" ".join(sorted(header.GENERIC)), "cases and situations", "level of control"]
    rng = random.Random(14)
    texts += [" ".join(rng.sample(frags, rng.randint(1, 5))) for _ in range(500)]
    assert len(texts) > 1000
    for text in texts:
        assert fast.fragments(text) == reference.fragments(text), text
        for fmt in formats:
            assert fast.columns(fmt, text) == reference.columns(fmt, text), (fmt.kind, text)
            assert fast.bare_reason(fmt, text) == reference.bare_reason(fmt, text), text
