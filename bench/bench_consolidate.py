"""Benchmark of issue 10: ``workbook-tools consolidate`` against its floor, whole processes.

Inputs (built by a child process, ``--build``): ``--files`` unit registers of 20 risks each
(a unit cell above the table, the Kyrgyz header with the Annex I columns, the number row,
scores as staff type them), and ten times as many for the scale case.

Processes, timed in turns (median of ``--repeat`` runs; peak memory the largest ``ru_maxrss``
of the process and its reaped workers, from ``wait4``):

  floor N        reads every file with python-calamine and writes all rows once with
                 xlsxwriter (one process);
  consolidate N  ``workbook-tools consolidate DIR -o out.xlsx --jobs J``.

Ratios printed: consolidate / floor for N files (target <= 1.5), consolidate 10N / consolidate
N (target <= 11), ``--jobs 1`` / ``--jobs 2`` (target >= 1.6), and peak memory of 10N against N.

Run from the repository root: ``python bench/bench_consolidate.py [--files 1000] [--repeat 1]
[--scale 10] [--jobs 2]``. Record the figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cases import PY, Run, tool  # noqa: E402

FLOOR = """\
import sys
from pathlib import Path
import python_calamine as c
import xlsxwriter
out = xlsxwriter.Workbook(sys.argv[2])
ws = out.add_worksheet()
r = 0
for p in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    wb = c.CalamineWorkbook.from_path(str(p))
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            for i, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(r, i, v)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, i, v)
            r += 1
out.close()
"""

FUNCTIONS = ("Маалымкат берүү", "Жер тилкелерин ижарага берүү", "Балдарды бакчага кабыл алуу",
             "Мамлекеттик сатып алуулар", "Кадрларды тандоо")
CASES = ("Пара алуу", "Кезексиз кабыл алуу, ата-энелерден акча талап кылуу",
         "Аукционсуз түз келишим менен берүү", "Тааныштык боюнча ишке алуу",
         "Бюджет каражатын максатсыз пайдалануу")
SCORES = (3, "2 балл", "Орточо", 1, 2.0, "3", "Төмөн", 2)


def build(folder: Path, files: int) -> None:
    """``files`` unit registers of 20 risks in ``folder`` (written with xlsxwriter)."""
    import xlsxwriter

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sample_workbooks.headers import REGISTER_KY

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        wb = xlsxwriter.Workbook(str(folder / f"u{i:05d}.xlsx"))
        ws = wb.add_worksheet("Тизмек")
        ws.write_string(0, 0, f"Мекеме: № {i} мектеп")
        for c, h in enumerate(REGISTER_KY):
            ws.write_string(2, c, h)
            ws.write_number(3, c, c + 1)
        for r in range(20):
            k = i + r
            row = [r + 1, FUNCTIONS[k % 5], CASES[(k * 3) % 5] + f" ({r})", "Потенциалдуу",
                   None, f"№ {i} мектеп", "Директор", "Ооба", SCORES[k % 8], "негиз",
                   SCORES[(k * 5) % 8], "негиз", "орточо"]
            for c, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(4 + r, c, v)
                elif v is not None:
                    ws.write_number(4 + r, c, v)
        wb.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if args.build:
        build(args.build, args.files)
        return
    import subprocess

    with tempfile.TemporaryDirectory(prefix="bench_consolidate_") as tmp:
        root = Path(tmp)
        small, large = root / "n", root / "n10"
        n, n10 = args.files, args.files * args.scale
        for folder, count in ((small, n), (large, n10)):
            subprocess.run([PY, __file__, "--build", str(folder), "--files", str(count)],
                           check=True)
        run = Run(args.repeat)
        out = root / "out"
        out.mkdir()
        print(f"consolidate: {n} and {n10} unit registers of 20 risks, --jobs {args.jobs}")
        run.time({
            f"floor {n}": [PY, "-c", FLOOR, str(small), str(out / "floor.xlsx")],
            f"consolidate {n}": tool("consolidate", str(small), "-o", str(out / "c.xlsx"),
                                     "--jobs", str(args.jobs), "--as-of", "2026-11-25"),
            f"consolidate {n} --jobs 1": tool("consolidate", str(small), "-o",
                                              str(out / "c1.xlsx"), "--jobs", "1",
                                              "--as-of", "2026-11-25"),
            f"floor {n10}": [PY, "-c", FLOOR, str(large), str(out / "floor10.xlsx")],
            f"consolidate {n10}": tool("consolidate", str(large), "-o", str(out / "c10.xlsx"),
                                       "--jobs", str(args.jobs), "--as-of", "2026-11-25"),
        })
        run.ratio(f"consolidate {n} / floor {n}", f"consolidate {n}", f"floor {n}", 1.5)
        run.ratio(f"consolidate {n10} / consolidate {n}", f"consolidate {n10}",
                  f"consolidate {n}", 11)
        run.ratio("--jobs 1 / --jobs 2 (speed-up)", f"consolidate {n} --jobs 1",
                  f"consolidate {n}")
        run.ratio(f"peak memory {n10} / {n}", f"consolidate {n10}", f"consolidate {n}",
                  memory=True)
        run.ratio(f"floor {n10} / floor {n}", f"floor {n10}", f"floor {n}")


if __name__ == "__main__":
    main()
