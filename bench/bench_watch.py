"""Benchmark of issue 11: the drop folder's latency and a burst of files, against ``score``.

Whole processes, as a user runs them: ``workbook-tools watch`` is started as a child on a fresh
set of folders (its root put first on ``PYTHONPATH``), warmed with one drop, then:

  latency   a typical register (sample_workbooks/dostuk_apparat_register.xlsx, 11 risks) is
            put into the inbox whole (written under a hidden name, then renamed), ``--repeat``
            times; the time from the file becoming stable (the rename + ``--interval``, the
            window it must stay unchanged) to its scored copy appearing in OUTBOX. With
            file-system events and with ``--poll``.
  burst     ``--files`` copies of it (each its own name) put into the inbox at once; the time
            from the burst becoming stable to the last scored copy appearing, against
            ``workbook-tools score`` of the same files in one run (its whole process), the two
            one after the other, ``--repeat`` times: each pair's ratio and their median. Both
            with their default ``--jobs`` (the number of cores), or ``--jobs N`` given to both.

Run from the repository root: ``python bench/bench_watch.py [--repeat 5] [--files 1000]
[--interval 1] [--jobs N]``. Record the figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SAMPLE = ROOT / "sample_workbooks" / "dostuk_apparat_register.xlsx"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}


def put(data: bytes, target: Path) -> float:
    """Write ``target`` whole (a hidden name, then a rename); returns when it was complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.rename(tmp, target)
    return time.monotonic()


def wait_for(path: Path, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.005)
    return time.monotonic()


def start(root: Path, interval: float, poll: bool,
          jobs: list[str] | None = None) -> subprocess.Popen[bytes]:
    command = [PY, "-m", "workbook_tools.cli", "watch", str(root / "inbox"),
               "--interval", str(interval), *(["--poll"] if poll else []), *(jobs or [])]
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL)
    put(SAMPLE.read_bytes(), root / "inbox" / "warm.xlsx")  # imports done, schemas built
    wait_for(root / "scored" / "warm.scored.xlsx")
    return proc


def latency(interval: float, poll: bool, repeat: int) -> list[float]:
    data = SAMPLE.read_bytes()
    with tempfile.TemporaryDirectory(prefix="bench_watch_") as tmp:
        root = Path(tmp)
        proc = start(root, interval, poll)
        try:
            out = []
            for i in range(repeat):
                time.sleep(interval * 0.37 * (i % 3))  # not always in step with the polling
                complete = put(data, root / "inbox" / f"r{i}.xlsx")
                copied = wait_for(root / "scored" / f"r{i}.scored.xlsx")
                out.append(copied - (complete + interval))
            return out
        finally:
            proc.kill()
            proc.wait()


def burst(interval: float, files: int, jobs: list[str]) -> tuple[float, float]:
    data = SAMPLE.read_bytes()
    with tempfile.TemporaryDirectory(prefix="bench_watch_") as tmp:
        root = Path(tmp)
        names = [f"register {i:04d}.xlsx" for i in range(files)]
        # score of the same files in one run: the floor
        given = root / "given"
        given.mkdir()
        for name in names:
            (given / name).write_bytes(data)
        started = time.monotonic()
        subprocess.run([PY, "-m", "workbook_tools.cli", "score", str(given), "--out",
                        str(root / "score_out"), *jobs], env=ENV, stdout=subprocess.DEVNULL,
                       check=False)
        score = time.monotonic() - started
        assert len(list((root / "score_out").iterdir())) == files
        proc = start(root, interval, poll=False, jobs=jobs)
        try:
            staging = root / "staging"
            shutil.move(str(given), staging)
            # dropped at once: the whole folder renamed into the inbox, as a copy lands
            complete = time.monotonic()
            os.rename(staging, root / "inbox" / "unit")
            last = root / "scored" / "unit" / f"{names[-1][:-5]}.scored.xlsx"
            deadline = time.monotonic() + 3600
            out = root / "scored" / "unit"
            while time.monotonic() < deadline:
                if out.exists() and sum(1 for p in out.iterdir()
                                        if not p.name.startswith(".")) >= files:
                    break
                time.sleep(0.05)
            done = time.monotonic()
            assert last.exists()
        finally:
            proc.kill()
            proc.wait()
        return score, done - (complete + interval)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--cases", default="latency,burst")
    parser.add_argument("--jobs", type=int, default=None,
                        help="given to both score and watch (default: theirs, the cores)")
    args = parser.parse_args()
    cases = args.cases.split(",")
    if "latency" in cases:
        for poll in (False, True):
            runs = latency(args.interval, poll, args.repeat)
            mode = "polling" if poll else "events"
            print(f"latency {mode} (interval {args.interval:g} s): median "
                  f"{statistics.median(runs):.2f} s, max {max(runs):.2f} s "
                  f"({', '.join(f'{r:.2f}' for r in runs)})", flush=True)
    if "burst" in cases:
        jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]
        ratios = []
        for _ in range(args.repeat):
            score, watch = burst(args.interval, args.files, jobs)
            ratios.append(watch / score)
            print(f"burst of {args.files}: score in one run {score:.1f} s, watch {watch:.1f} s "
                  f"after stable, ratio {watch / score:.2f}", flush=True)
        print(f"burst of {args.files}: median ratio {statistics.median(ratios):.2f} "
              f"({', '.join(f'{r:.2f}' for r in ratios)})", flush=True)


if __name__ == "__main__":
    main()
