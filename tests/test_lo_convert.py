"""workbook_tools.read.libreoffice: headless conversion, private profile, hard time limit."""

from __future__ import annotations

import hashlib
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from workbook_tools import messages
from workbook_tools.read import libreoffice
from workbook_tools.read.libreoffice import LibreOfficeError

SAMPLES = Path(__file__).parent.parent / "sample_workbooks"
SLEEP = shutil.which("sleep") or "/bin/sleep"


def _fake_soffice(folder: Path, body: str) -> None:
    """A ``soffice`` on PATH that runs ``body`` (a shell script) instead of LibreOffice."""
    exe = folder / "soffice"
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a killed process not yet reaped is a zombie: state Z)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.fixture
def fake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))  # the fake's scripts name their tools in full
    return folder


def test_missing_libreoffice_is_a_rejection_with_a_reason(fake_path: Path,
                                                          tmp_path: Path) -> None:
    assert not libreoffice.available()
    with pytest.raises(LibreOfficeError) as info:
        libreoffice.convert(tmp_path / "x.ods", "xlsx", timeout=5)
    assert info.value.reason == "file.libreoffice_missing"
    for lang in messages.LANGS:
        assert "LibreOffice" in messages.text(info.value.reason, lang)


def test_a_hung_libreoffice_is_killed_with_its_children(fake_path: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    private = tmp_path / "tmp"  # our own temporary folder: others' conversions do not count
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    pids = tmp_path / "pids"
    # the "LibreOffice" starts a child (as soffice starts soffice.bin), and both hang
    _fake_soffice(fake_path, f"{SLEEP} 300 & echo $! > {pids}\n{SLEEP} 300\n")
    src = tmp_path / "in.ods"
    src.write_bytes(b"content")
    before = set(Path(tempfile.gettempdir()).glob("wbt-lo-*"))
    with pytest.raises(LibreOfficeError) as info:
        libreoffice.convert(src, "xlsx", timeout=1)
    assert info.value.reason == "file.libreoffice_timeout"
    assert info.value.params == {"limit": "1"}
    assert not _running(int(pids.read_text()))
    assert set(Path(tempfile.gettempdir()).glob("wbt-lo-*")) == before  # nothing left behind
    assert src.read_bytes() == b"content"


def test_a_failed_conversion_keeps_its_output_for_debug_only(fake_path: Path,
                                                             tmp_path: Path) -> None:
    _fake_soffice(fake_path, "echo 'Error: source file could not be loaded'\nexit 0\n")
    src = tmp_path / "in.xls"
    src.write_bytes(b"x")
    with pytest.raises(LibreOfficeError) as info:
        libreoffice.convert(src, "xlsx", timeout=10)
    assert info.value.reason == "file.libreoffice_failed"
    assert info.value.params == {}
    assert "could not be loaded" in info.value.output


def test_unknown_target_is_a_programming_error(tmp_path: Path) -> None:
    if not libreoffice.available():
        pytest.skip("LibreOffice absent")
    with pytest.raises(ValueError):
        libreoffice.convert(tmp_path / "x.ods", "pdfx", timeout=5)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_converts_ods_to_xlsx_without_touching_the_input(tmp_path: Path) -> None:
    src = tmp_path / "read only" / "-register.ods"
    src.parent.mkdir()
    shutil.copyfile(SAMPLES / "balaban_bakcha_register_ky.ods", src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    src.parent.chmod(0o555)  # no lock file can be written beside the input
    try:
        with libreoffice.converted(src, "xlsx", timeout=120) as out:
            assert out.suffix == ".xlsx"
            assert out.read_bytes()[:2] == b"PK"
            assert list(out.parent.iterdir()) == [out]
            folder = out.parent
        assert not folder.exists()
    finally:
        src.parent.chmod(0o755)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in src.parent.iterdir()) == ["-register.ods"]
