"""The guard refuses every hostile file quickly and cheaply, and lets real workbooks through."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile
from workbook_tools.errors import RejectedFile
from workbook_tools.messages import CATALOGUE
from workbook_tools.model import DEFAULT_LIMITS, Limits
from workbook_tools.read import guard
from workbook_tools.read.guard import inspect

MAX_SECONDS = 2.0
MAX_PEAK_BYTES = 200 * 1024 * 1024
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")


def _fingerprint(path: Path) -> tuple[bytes, int] | None:
    if not path.is_file():
        return None
    return path.read_bytes(), path.stat().st_mtime_ns


def _timed_inspect(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[object, float, int]:
    """inspect() outcome (format or RejectedFile), seconds taken and peak traced memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome: object = inspect(path, limits)
    except RejectedFile as exc:
        outcome = exc
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, elapsed, peak


def _slow_if_bomb(*values: object) -> object:
    """A case of the 400 MB zip bomb is slow (it writes the bomb first)."""
    marks = [pytest.mark.slow] if values[0] is hostile.zip_bomb else []
    return pytest.param(*values, marks=marks, id=getattr(values[0], "__name__", None))


@pytest.mark.parametrize(
    ("builder", "reason"), [_slow_if_bomb(b, r) for b, r in hostile.HOSTILE.items()]
)
def test_hostile_file_is_rejected(builder, reason, tmp_path: Path) -> None:
    path = builder(tmp_path)
    before = _fingerprint(path)
    outcome, elapsed, peak = _timed_inspect(path)
    assert isinstance(outcome, RejectedFile), f"accepted as {outcome!r}"
    assert outcome.reason == reason, outcome
    assert elapsed < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    assert _fingerprint(path) == before


@pytest.mark.parametrize("builder", [_slow_if_bomb(b) for b in hostile.HOSTILE])
def test_rejection_params_fit_the_message(builder, tmp_path: Path) -> None:
    with pytest.raises(RejectedFile) as info:
        inspect(builder(tmp_path))
    exc = info.value
    assert exc.reason in CATALOGUE
    for value in exc.params.values():
        assert type(value) in (str, int, dict)
        said = value.values() if isinstance(value, dict) else [value]
        if isinstance(value, dict):  # given in every language
            assert set(value) == {"ky", "ru", "en"}
        for one in said:
            if isinstance(one, str):
                assert one.isprintable() and len(one) <= 400
    for lang, text in zip(("ky", "ru", "en"), CATALOGUE[exc.reason], strict=True):
        # every placeholder is provided
        text.format(**{k: v[lang] if isinstance(v, dict) else v for k, v in exc.params.items()})


@pytest.mark.parametrize(
    ("builder", "fmt"), list(hostile.VALID.items()), ids=lambda v: getattr(v, "__name__", v)
)
def test_valid_file_is_accepted(builder, fmt, tmp_path: Path) -> None:
    path = builder(tmp_path)
    before = _fingerprint(path)
    outcome, elapsed, _peak = _timed_inspect(path)
    assert outcome == fmt
    assert elapsed < MAX_SECONDS
    assert _fingerprint(path) == before


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize(
    ("builder", "fmt"), [(hostile.libreoffice_ods, "ods"), (hostile.libreoffice_xls, "xls")]
)
def test_libreoffice_files_are_accepted(builder, fmt, tmp_path: Path) -> None:
    # LibreOffice writes repeat counts up to the last column / row on EMPTY rows and cells
    assert inspect(builder(tmp_path)) == fmt


def test_calamine_sees_the_small_range_the_guard_accepted(tmp_path: Path) -> None:
    python_calamine = pytest.importorskip("python_calamine")
    for builder in (hostile.minimal_ods, hostile.far_empty_row):
        path = builder(tmp_path)
        assert inspect(path) in ("ods", "xlsx")
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        assert sheet.height * sheet.width <= 1


def test_limits_are_adjustable(tmp_path: Path) -> None:
    path = hostile.normal_xlsx(tmp_path)
    assert inspect(path, Limits(max_rows=41)) == "xlsx"
    with pytest.raises(RejectedFile) as info:
        inspect(path, Limits(max_rows=3))
    assert info.value.reason == "file.too_large"
    assert info.value.params["sheet"] == "Тобокелдиктер"
    for limits in (Limits(max_zip_entries=5), Limits(max_uncompressed_bytes=10_000)):
        with pytest.raises(RejectedFile) as info:
            inspect(path, limits)
        assert info.value.reason == "file.zip_bomb"
    with pytest.raises(RejectedFile) as info:
        inspect(path, Limits(max_file_bytes=100))
    assert info.value.reason == "file.too_large"
    with pytest.raises(RejectedFile) as info:
        inspect(hostile.minimal_xls(tmp_path), Limits(max_cells=5))
    assert info.value.reason == "file.too_large"
    assert info.value.params["sheet"] == "Risks"


def test_entity_declaration_split_across_chunks(tmp_path: Path) -> None:
    # the "<!DOCTYPE" straddles every possible 64 KiB chunk boundary offset in turn
    for pad in range(65_536 - 9, 65_536 + 1):
        sheet = '<?xml version="1.0"?>'.ljust(pad) + '<!DOCTYPE x [<!ENTITY a "b">]><x/>'
        path = hostile.write_xlsx(tmp_path / "split.xlsx", sheet=sheet)
        with pytest.raises(RejectedFile) as info:
            inspect(path)
        assert info.value.reason == "file.entities", pad


def test_svg_image_with_doctype_is_not_an_entity_attack(tmp_path: Path) -> None:
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    path = hostile.write_xlsx(tmp_path / "svg.xlsx", extra={"xl/media/image1.svg": svg})
    assert inspect(path) == "xlsx"


def test_str_path_is_accepted(tmp_path: Path) -> None:
    assert inspect(str(hostile.normal_xlsx(tmp_path))) == "xlsx"  # a str path is taken too


# --- fuzzing ------------------------------------------------------------------------------------

_FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _inspect_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    try:
        result = inspect(path)
    except RejectedFile:
        return
    assert result in (*guard.CALAMINE_FORMATS, "csv", *guard.LIBREOFFICE_FORMATS)


@_FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    _inspect_bytes(tmp_path, data)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    tmp = tmp_path_factory.mktemp("seeds")
    return [
        hostile.normal_xlsx(tmp).read_bytes(),
        hostile.minimal_xls(tmp).read_bytes(),
        hostile.minimal_ods(tmp).read_bytes(),
    ]


@_FUZZ
@given(
    which=st.integers(0, 2),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), max_size=6),
    cut=st.floats(0.05, 1.0),
)
def test_mutated_workbooks_never_crash(tmp_path: Path, seeds, which, edits, cut) -> None:
    data = bytearray(seeds[which])
    for where, patch in edits:
        at = int(where * (len(data) - 1))
        data[at : at + len(patch)] = patch
    if cut < 0.9:
        data = data[: max(int(len(data) * cut), 1)]
    _inspect_bytes(tmp_path, bytes(data))


# --- used range: the regex fast path and the tag-by-tag path agree -------------------------------

_BIG = Limits(max_rows=10**12, max_columns=10**12, max_cells=10**15, max_merged_area=10**15)


@pytest.mark.parametrize(
    ("body", "rows", "cols"),
    [
        # the range of the cells that hold a value: styled empty cells <c .../> do not count
        ('<row r="2"><c r="C2"><v>1</v></c><c r="AB7"/></row>', 2, 3),
        ('<x:row r="3"><x:c s="1" r="D3"><x:v>1</x:v></x:c></x:row>', 3, 4),
        ('<row r="1"><c t="s" r="Z9"><v>0</v></c></row>', 9, 26),
        ('<row r="4"><c r="B4"/><c/><c><v>1</v></c></row>', 4, 4),  # r-less cells follow
        ('<row r="4"><c r="B4"/><c/><c/></row>', 0, 0),
        ('<row r="6"><c><v>1</v></c></row><row><c/><c><v>2</v></c></row>', 7, 2),  # rows w/o r=
        ('<row r="5" spans="1:2"/><row r="1"><c r="A1"><v>1</v></c></row>', 1, 1),  # empty rows
        ('<dimension ref="A1:XFD1048576"/><row r="1"><c r="A1"><v>1</v></c></row>'
         '<row r="1048576" ht="12.8" customHeight="1"></row>', 1, 1),  # a claim, a trailing row
    ],
)
def test_used_range_whole_and_in_small_chunks(body: str, rows: int, cols: int) -> None:
    from workbook_tools.read.ooxml_scan import SHEET_TAG_START, SheetScan
    from workbook_tools.read.zipparts import TagStream

    xml = hostile.sheet_xml(body).replace('<dimension ref="A1"/>', "").encode()
    for size in (len(xml), 1, 7, 64):
        scan = SheetScan("s", _BIG)
        stream = TagStream(scan.region, SHEET_TAG_START)
        for at in range(0, len(xml), size):
            stream.feed(xml[at : at + size])
        stream.close()
        assert (scan.max_row, scan.max_col) == (rows, cols), size


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (b" $b$7\t", (7, 2, 7, 2)),
        (b"a1 : $C$3", (1, 1, 3, 3)),
        (b"abcde1", (1, 10**9, 1, 10**9)),  # past four letters: beyond any limit
        (b"A12345678901", (10**10, 1, 10**10, 1)),  # past ten digits: beyond any limit
        (b"\x1cA1", None),  # bytes lose only ASCII whitespace, as bytes.strip() does
        (b"A1:\x1fZ9", None),
        (b"\xc2\xa0A1", None),
    ],
)
def test_references_read_from_bytes_as_the_guard_reads_them(
    ref: bytes, expected: tuple[int, int, int, int] | None
) -> None:
    from workbook_tools import ooxml

    assert ooxml.parse_range(ref) == expected
    if b":" not in ref:
        assert ooxml.parse_ref(ref) == (expected[:2] if expected else None)
