"""Make the README's pictures of a scored copy from a real one.

    python docs/make_picture.py

Scores ``sample_workbooks/dostuk_apparat_register.xlsx`` (as of 25.11.2026, in Kyrgyz) into a
temporary folder, prints the copy to PDF with LibreOffice, and renders two of its pages with
poppler's ``pdftoppm``, each cropped to what the page shows:

* ``docs/scored_copy.png``: the staff's table with the computed columns, colours and legend
  (the copy's first page);
* ``docs/scored_summary.png``: the Summary sheet's first page.

Needs LibreOffice (``soffice``) and poppler-utils (``pdftoppm``, ``pdftotext``); runs from a
checkout without installing the package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook_tools import Options, messages, pipeline  # noqa: E402

SAMPLE = ROOT / "sample_workbooks" / "dostuk_apparat_register.xlsx"
DOCS = ROOT / "docs"
AS_OF = date(2026, 11, 25)
LANG = "ky"
#: what each picture shows, its file, and its resolution (the table's page is a whole wide
#: sheet shrunk to A4 landscape, so it is rendered finer)
PICTURES = (("table", "scored_copy.png", 200), ("summary", "scored_summary.png", 110))
#: white kept around what a page shows, in points
MARGIN = 8.0
#: LibreOffice's time limit, in seconds
TIMEOUT = 180


def run(*cmd: str) -> str:
    """Run a command; its standard output, or exit with what it printed."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def to_pdf(xlsx: Path, work: Path) -> Path:
    """The workbook printed to PDF by LibreOffice, with a throw-away profile."""
    profile = work / "profile"
    run("soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", "pdf", "--outdir", str(work), str(xlsx))
    pdf = work / f"{xlsx.stem}.pdf"
    if not pdf.exists():
        sys.exit(f"LibreOffice wrote no {pdf.name}")
    return pdf


def page_of(pdf: Path, sheet: str) -> int:
    """The first page whose footer names ``sheet`` (the footer's centre is the sheet)."""
    pages = run("pdftotext", "-layout", str(pdf), "-").split("\f")
    for number, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        if lines and re.search(rf"\s{re.escape(sheet)}\s", f" {lines[-1]} "):
            return number
    sys.exit(f"no page of the sheet {sheet!r} in {pdf.name}")


def content_box(pdf: Path, page: int) -> tuple[float, float, float, float, float]:
    """What ``page`` shows (its words, footer left out), in points: x0, y0, x1, y1, and the
    page's height."""
    html = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    if size is None:
        sys.exit(f"pdftotext gave no page {page}")
    height = float(size[2])
    number = r'"([\d.]+)"'
    words = [tuple(map(float, m)) for m in re.findall(
        rf"<word xMin={number} yMin={number} xMax={number} yMax={number}", html)]
    # the footer lies in the bottom margin (0.7 inch): it is left out
    body = [w for w in words if w[3] < height - 0.7 * 72 + 10]
    if not body:
        sys.exit(f"page {page} is empty")
    return (min(w[0] for w in body), min(w[1] for w in body), max(w[2] for w in body),
            max(w[3] for w in body), height)


def render(pdf: Path, page: int, dpi: int, target: Path, work: Path) -> None:
    """``page`` as a PNG at ``dpi``, cropped to what it shows."""
    x0, y0, x1, y1, _ = content_box(pdf, page)
    scale = dpi / 72
    x, y = max(0.0, x0 - MARGIN), max(0.0, y0 - MARGIN)
    w, h = x1 - x0 + 2 * MARGIN, y1 - y0 + 2 * MARGIN
    prefix = work / target.stem
    run("pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile",
        "-x", str(round(x * scale)), "-y", str(round(y * scale)),
        "-W", str(round(w * scale)), "-H", str(round(h * scale)), str(pdf), str(prefix))
    made = prefix.with_suffix(".png")
    shutil.move(made, target)
    print(f"{target.relative_to(ROOT)}: page {page}, {round(w * scale)} x {round(h * scale)} px")


def main() -> int:
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (LibreOffice and poppler-utils are needed)")
    with tempfile.TemporaryDirectory(prefix="wbt-picture-") as tmp:
        work = Path(tmp)
        report = pipeline.score_file(SAMPLE, work / "out", Options(lang=LANG, as_of=AS_OF))
        if report.output is None:
            sys.exit(f"{SAMPLE.name} was not scored: {report.reason}")
        pdf = to_pdf(report.output, work)
        pages = {"table": 1, "summary": page_of(pdf, messages.text("sheet.summary", LANG))}
        for what, name, dpi in PICTURES:
            render(pdf, pages[what], dpi, DOCS / name, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
