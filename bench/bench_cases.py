"""Benchmarks of issue 14: every case of the issue's table, each against its floor in one run.

Whole processes, timed the way a user runs them (median of ``--repeat`` runs, peak memory the
largest ``ru_maxrss`` of them, from ``wait4``). The inputs are built by a separate process
(``--build``), so this parent stays small: a child's ``ru_maxrss`` starts from its parent's
resident memory at the fork, and a parent holding openpyxl and a 10,000-row workbook would put
a floor of about 79 MiB under every figure.

Cases (``--cases``, comma separated; all by default):

  many      ``score`` of 200 registers of 50 rows in one run, and ``validate`` of them, against
            a process that imports pandera, reads each file with python-calamine (and, for
            ``score``, copies each file); as a user runs them (``--jobs`` defaults to the
            number of cores) and with ``--jobs 1``;
  one       ``score`` and ``validate`` of one 50-row register against a process that imports
            pandera and reads it with calamine; ``--help`` and ``--version`` against
            ``python -c pass``;
  big       ``validate`` of a 10,000-row register against import pandera + calamine read;
            ``score`` of it against openpyxl's own load+save (time and peak memory), and
            against what a user would write instead (pandas.read_excel, a pandera schema,
            openpyxl to colour the rows).

Run from the repository root: ``python bench/bench_cases.py [--cases many,one,big]
[--repeat 3] [--files 200] [--rows 10000] [--without-hypothesis]``. The children run this
checkout (its root is put first on ``PYTHONPATH``). Record the ratios in bench/README.md.

The package's bytecode is compiled first (``compileall``, into its ``__pycache__`` folders, which
git ignores), as ``pip install`` does: a machine with ``PYTHONDONTWRITEBYTECODE=1`` (this one)
would otherwise compile every module of the tool from source in every process (about 70 ms),
while pandas and pandera, installed, start from their bytecode.

``--without-hypothesis``: the children run as a user's install does (``pip install .``, without
the test extra): a development machine has hypothesis installed, and pandera imports it at the
first validation (about 90 ms); a stub package that refuses to import takes its place, for every
process measured alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# --- the floors and the user's own script, as child programs ----------------------------------

READ = ("import python_calamine as c\n"
        "def read(p):\n"
        "    wb = c.CalamineWorkbook.from_path(p)\n"
        "    return [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]\n")
FLOOR_READ = ("import sys, pandera.pandas\n" + READ +
              "for p in sys.argv[1:]:\n    read(p)\n")
FLOOR_READ_COPY = ("import sys, shutil, pandera.pandas\nfrom pathlib import Path\n" + READ +
                   "out = Path(sys.argv[1]); out.mkdir(exist_ok=True)\n"
                   "for p in sys.argv[2:]:\n"
                   "    read(p); shutil.copyfile(p, out / Path(p).name)\n")
OPENPYXL_SAVE = ("import sys, openpyxl\n"
                 "openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])\n")
# What a user would write instead of the tool: pandas reads the sheet, a pandera schema checks
# the scores, openpyxl colours each row by its level and saves a copy.
BY_HAND = """\
import sys
import openpyxl
import pandas as pd
import pandera.pandas as pa
from openpyxl.styles import PatternFill

df = pd.read_excel(sys.argv[1], header=2, skiprows=[3], engine="openpyxl")
df = df.rename(columns={df.columns[8]: "p", df.columns[10]: "h"})
df = df[pd.to_numeric(df["p"], errors="coerce").notna()]
df["p"] = df["p"].astype(int)
df["h"] = pd.to_numeric(df["h"], errors="coerce")
schema = pa.DataFrameSchema({"p": pa.Column(int, pa.Check.isin([1, 2, 3])),
                             "h": pa.Column(float, pa.Check.isin([1, 2, 3]), nullable=True)})
try:
    schema.validate(df, lazy=True)
except pa.errors.SchemaErrors:
    pass
fills = {k: PatternFill("solid", fgColor=c) for k, c in
         (("low", "C6EFCE"), ("medium", "FFEB9C"), ("high", "FFC7CE"))}
by_row = {}
for index, p, h in zip(df.index, df["p"], df["h"]):
    total = p + (0 if pd.isna(h) else int(h))
    by_row[index + 5] = fills["low" if total <= 3 else "medium" if total == 4 else "high"]
wb = openpyxl.load_workbook(sys.argv[1])
for row in wb.active.iter_rows(min_row=5):
    fill = by_row.get(row[0].row)
    if fill is not None:
        for cell in row:
            cell.fill = fill
wb.save(sys.argv[2])
"""


def tool(*args: str) -> list[str]:
    return [PY, "-m", "workbook_tools.cli", *args]


# --- building the inputs (in a child process) -------------------------------------------------


def build(folder: Path, files: int, rows: int) -> None:
    """Write the inputs: ``many/r000.xlsx``... (``files`` registers of 50 rows), ``one.xlsx``
    (50 rows) and ``big.xlsx`` (``rows`` rows); called in the child started by
    :func:`build_inputs`."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_register import generate

    many = folder / "many"
    many.mkdir(parents=True, exist_ok=True)
    generate(folder / "one.xlsx", 50)
    for i in range(files):
        generate(many / f"r{i:03d}.xlsx", 50)
    if rows:
        generate(folder / "big.xlsx", rows)


def build_inputs(folder: Path, files: int, rows: int) -> None:
    subprocess.run([PY, __file__, "--build", str(folder), "--files", str(files),
                    "--rows", str(rows)], check=True)


# --- measuring ----------------------------------------------------------------------------------


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{cmd[:4]} failed with {code}: {err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss


class Run:
    """The processes of one run, measured in turns (A B A B...), so a slow moment of the
    machine falls on every process alike."""

    def __init__(self, repeat: int, hide: Path | None = None) -> None:
        self.repeat = repeat
        self.env = {**os.environ,
                    "PYTHONPATH": os.pathsep.join(
                        str(p) for p in (hide, ROOT, os.environ.get("PYTHONPATH")) if p)}
        self.results: dict[str, tuple[float, float]] = {}

    def time(self, commands: dict[str, list[str]]) -> None:
        runs: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for _ in range(self.repeat):
            for name, cmd in commands.items():
                runs[name].append(measure(cmd, self.env))
        for name, got in runs.items():
            self.results[name] = (statistics.median(t for t, _ in got),
                                  max(m for _, m in got) / 1024)
            print(f"  {name:42} {self.results[name][0]:8.3f} s {self.results[name][1]:8.1f} MiB",
                  flush=True)

    def ratio(self, label: str, num: str, den: str, target: float | None = None,
              memory: bool = False) -> None:
        i = 1 if memory else 0
        value = self.results[num][i] / self.results[den][i]
        goal = f"(target <= {target})" if target is not None else ""
        print(f"  ratio {label:44} {value:6.2f} {goal}", flush=True)


def case_many(run: Run, inputs: Path, out: Path) -> None:
    files = sorted(str(p) for p in (inputs / "many").glob("*.xlsx"))
    n = len(files)
    print(f"many: {n} registers of 50 rows")
    run.time({
        "floor: import pandera, read + copy each": [PY, "-c", FLOOR_READ_COPY, str(out / "f"),
                                                    *files],
        "score (one run)": tool("score", *files, "--out", str(out / "s")),
        "score --jobs 1": tool("score", *files, "--out", str(out / "s1"), "--jobs", "1"),
        "floor: import pandera, read each": [PY, "-c", FLOOR_READ, *files],
        "validate (one run)": tool("validate", *files),
        "validate --jobs 1": tool("validate", *files, "--jobs", "1"),
    })
    for name in ("score (one run)", "score --jobs 1", "validate (one run)", "validate --jobs 1"):
        print(f"  {name}: {run.results[name][0] / n * 1000:.1f} ms a file")
    run.ratio("score many / floor", "score (one run)", "floor: import pandera, read + copy each",
              3.0)
    run.ratio("score many --jobs 1 / floor", "score --jobs 1",
              "floor: import pandera, read + copy each")
    run.ratio("validate many / floor", "validate (one run)", "floor: import pandera, read each")
    run.ratio("validate many --jobs 1 / floor", "validate --jobs 1",
              "floor: import pandera, read each")


def case_one(run: Run, inputs: Path, out: Path) -> None:
    one = str(inputs / "one.xlsx")
    print("one: a 50-row register, and start-up")
    run.time({
        "floor: import pandera, read": [PY, "-c", FLOOR_READ, one],
        "score one": tool("score", one, "--out", str(out / "one")),
        "validate one": tool("validate", one),
        "python -c pass": [PY, "-c", "pass"],
        "--help": tool("--help"),
        "--version": tool("--version"),
    })
    run.ratio("score one / floor", "score one", "floor: import pandera, read", 1.2)
    run.ratio("validate one / floor", "validate one", "floor: import pandera, read")
    run.ratio("--help / python -c pass", "--help", "python -c pass")


def case_big(run: Run, inputs: Path, out: Path) -> None:
    big = str(inputs / "big.xlsx")
    print(f"big: {big} ({Path(big).stat().st_size / 1e6:.1f} MB)")
    run.time({
        "floor: import pandera, read": [PY, "-c", FLOOR_READ, big],
        "validate big": tool("validate", big),
        "floor: openpyxl load+save": [PY, "-c", OPENPYXL_SAVE, big, str(out / "copy.xlsx")],
        "score big": tool("score", big, "--out", str(out / "big")),
        "by hand: pandas + pandera + openpyxl": [PY, "-c", BY_HAND, big, str(out / "hand.xlsx")],
        "calamine alone": [PY, "-c", READ + "import sys\nread(sys.argv[1])\n", big],
    })
    run.ratio("validate big / floor", "validate big", "floor: import pandera, read", 1.3)
    run.ratio("score big / openpyxl load+save", "score big", "floor: openpyxl load+save", 0.6)
    run.ratio("score big memory / openpyxl's", "score big", "floor: openpyxl load+save", 1.2,
              memory=True)
    run.ratio("by hand / score big", "by hand: pandas + pandera + openpyxl", "score big")


CASES = {"many": case_many, "one": case_one, "big": case_big}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="many,one,big")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help="reuse the inputs built in this folder")
    parser.add_argument("--without-hypothesis", action="store_true",
                        help="run the children as a user's install (no hypothesis)")
    args = parser.parse_args()
    if args.build is not None:
        build(args.build, args.files, args.rows)
        return
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        inputs = args.inputs or Path(tmp) / "in"
        if not (inputs / "one.xlsx").exists():
            build_inputs(inputs, args.files, args.rows if "big" in cases else 0)
        subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "workbook_tools")], check=True)
        hide = None
        if args.without_hypothesis:
            hide = Path(tmp) / "hide"
            (hide / "hypothesis").mkdir(parents=True)
            (hide / "hypothesis" / "__init__.py").write_text(
                'raise ImportError("hidden by bench_cases.py --without-hypothesis")\n')
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
              f"median of {args.repeat} runs"
              + (", hypothesis hidden (a user's install)" if hide else ""))
        run = Run(args.repeat, hide)
        for case in cases:
            CASES[case](run, inputs, Path(tmp) / "out")


if __name__ == "__main__":
    main()
