"""The page ``publish`` writes, rendered by headless Chromium at a phone's and a desktop's
width (no console error, nothing wider than the screen), and the assessment sheets printed by
LibreOffice (one page per risk). Both need programs outside Python: ``slow``."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.builders import SOFFICE
from workbook_tools.cli import main

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
#: what Chromium prints on stderr (with --enable-logging=stderr) for a console message: script
#: errors, refused loads, policy violations
CONSOLE = re.compile(r":CONSOLE|Uncaught|Refused to", re.IGNORECASE)
WIDTHS = [(390, 844), (1280, 900)]  # a phone, a desktop


def _chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args,
           page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of the sample workbook with a register and a plan."""
    out = tmp_path_factory.mktemp("page") / "page.html"
    result = CliRunner().invoke(main, ["publish", str(SAMPLES / "mixed_register_and_plan.xlsx"),
                                       "-o", str(out), "--date", "25.11.2026"])
    assert result.exit_code == 0, result.output
    return out


@needs_chromium
@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=["phone", "desktop"])
def test_the_page_renders_without_console_errors(page: Path, tmp_path: Path, width: int,
                                                 height: int) -> None:
    shot = tmp_path / f"page_{width}.png"
    run = _chromium(page, tmp_path / "profile", f"--screenshot={shot}",
                    f"--window-size={width},{height}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not CONSOLE.search(run.stderr), CONSOLE.findall(run.stderr)
    assert _png_size(shot) == (width, height)
    assert shot.stat().st_size > 10_000  # a page was drawn, not a blank screen


@needs_chromium
def test_a_console_error_would_be_seen(tmp_path: Path) -> None:
    """The check above can fail: a page whose script fails is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="ky"><head><title>x</title></head><body>'
                   "<script>nosuch();</script></body></html>", encoding="utf-8")
    run = _chromium(bad, tmp_path / "profile", f"--screenshot={tmp_path / 'bad.png'}",
                    "--window-size=390,844")
    assert CONSOLE.search(run.stderr)


@needs_chromium
@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=["phone", "desktop"])
def test_nothing_is_wider_than_the_screen(page: Path, tmp_path: Path, width: int,
                                          height: int) -> None:
    """A copy of the page with a script that writes the document's width and the tables'
    into it (the page itself forbids scripts): on a phone each row is a card, on a desktop the
    table fits; nothing scrolls sideways."""
    probe = tmp_path / "probe.html"
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  page.read_text("utf-8"))
    script = ('<script>var p=document.createElement("pre");p.id="probe";p.textContent='
              '"WIDTH "+document.documentElement.scrollWidth+" "+window.innerWidth+" "+'
              "Math.max(0,...[...document.querySelectorAll('table')].map("
              "t=>t.scrollWidth-t.parentNode.clientWidth));"
              "document.body.appendChild(p);</script>")
    probe.write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    run = _chromium(probe, tmp_path / "profile", "--dump-dom", f"--window-size={width},{height}")
    found = re.search(r"WIDTH (\d+) (\d+) (-?\d+)", run.stdout)
    assert found, run.stdout[-500:]
    scroll, inner, table_overflow = map(int, found.groups())
    # headless Chromium gives --dump-dom a window at least 500 px wide: still a phone's
    # layout (the cards are shown below 1100 px)
    assert inner == max(width, 500)
    assert scroll <= inner
    assert table_overflow == 0  # no table scrolls sideways inside its frame either


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("name", ["dostuk_apparat_register.xlsx", "mektep_register_ru.xlsx"])
def test_sheets_pdf_has_one_page_per_risk(tmp_path: Path, name: str) -> None:
    out = tmp_path / "sheets.xlsx"
    result = CliRunner().invoke(main, ["sheets", str(SAMPLES / name), "-o", str(out), "--pdf"])
    assert result.exit_code in (0, 1), result.output
    written = re.search(r"\((\d+) ", result.output)
    assert written
    pdf = out.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages == int(written.group(1))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    starts = [p.strip().splitlines()[0] for p in text.split("\f") if p.strip()]
    assert starts == [f"Баалоо баракчасы № {i}" for i in range(1, pages + 1)]
