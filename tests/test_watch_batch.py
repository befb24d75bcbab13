"""The drop folder scores a burst in batches (issue 14): every drop gets what it gets when it is
dropped alone (its journal row, its copy by values, its place), in process and by worker
processes; a file that breaks its batch is rejected alone; a kill at any step of a burst taken
in several groups is finished by the next start.

Table-driven over registers that fail each check, another schema, a plan, Russian, a scored
copy, the same bytes twice, the same name in two units, and files that are no workbook.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.builders import KY_HEADER, make_register, risk
from tests.test_watch import Killed, arm_kills, run_once
from tests.watch_checks import check_folders, rows, sha
from workbook_tools import batch, pipeline
from workbook_tools.model import Options

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"

#: where in the inbox -> how the file is made (a register's rows, a sample, bytes)
FILES: dict[str, Any] = {
    "mektep/clean.xlsx": [risk(1), risk(2, p=1, h=1)],
    "mektep/mismatch.xlsx": [risk(1, level="Төмөн", p=3, h=3), risk(2, level="Орточо", p=2, h=2)],
    "bakcha/out_of_range.xlsx": [risk(1, p=7), risk(2, h=0)],
    "bakcha/clean.xlsx": [risk(1, cases="Жер бөлүү", p=3, h=2)],  # the same name, another unit
    "reason_missing.xlsx": [risk(1, p_reason=None), risk(2, h_reason=None)],
    "typos.xlsx": [risk(1, level="Орго", p="2 балл", h="Жогору")],
    "fewer_columns.xlsx": "fewer",
    "plan/dostuk_action_plan.xlsx": SAMPLES / "dostuk_action_plan.xlsx",
    "russian.xlsx": SAMPLES / "mektep_register_ru.xlsx",
    "mixed.xlsx": SAMPLES / "mixed_register_and_plan.xlsx",
    "again/clean.xlsx": [risk(1), risk(2, p=1, h=1)],  # the same bytes as mektep/clean.xlsx
    "copy.scored.xlsx": "scored",  # a scored copy dropped in: recorded, no copy of its own
    "notes.xlsx": b"just text, not a spreadsheet\n",
    "empty.xlsx": b"",
    "cut.xlsx": "cut",  # a zip cut short: damaged
}

#: the journal's fields that say what became of a drop (times and paths aside)
FIELDS = ("unit", "state", "size", "sha256", "status", "reason", "reason_params", "levels",
          "errors", "warnings", "overdue", "risks", "summary")


def _make(tmp: Path, rel: str, how: Any) -> bytes:
    build = tmp / "_build" / rel
    build.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(how, list):
        make_register(build, rows=how)
    elif how == "fewer":
        make_register(build, header=list(KY_HEADER[:9]), rows=[risk(1), risk(2, p=9)])
    elif how == "scored":
        source = make_register(tmp / "_build" / "source.xlsx", rows=[risk(1)])
        out = pipeline.score_file(source, tmp / "_build" / "scored").output
        assert out is not None
        shutil.copyfile(out, build)
    elif how == "cut":
        build.write_bytes(make_register(tmp / "_build" / "whole.xlsx", rows=[risk(1)])
                          .read_bytes()[:700])
    elif isinstance(how, Path):
        shutil.copyfile(how, build)
    else:
        build.write_bytes(how)
    return build.read_bytes()


@pytest.fixture
def made(tmp_path: Path) -> dict[str, bytes]:
    return {rel: _make(tmp_path, rel, how) for rel, how in FILES.items()}


def _drop(root: Path, rel: str, data: bytes) -> None:
    path = root / "inbox" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets}


def _outcome(root: Path) -> dict[str, dict[str, Any]]:
    """Each drop's journal fields, where its original and copy went (inside ``root``), and
    its copy's values; by its name in the inbox."""
    out = {}
    for r in rows(root):
        got = {k: r[k] for k in FIELDS}
        for key in ("archive", "rejected", "output"):
            got[key] = None if r[key] is None else Path(str(r[key])).relative_to(root).as_posix()
        if r["output"] is not None:
            got["copy"] = _values(Path(str(r["output"])))
        out[str(r["name"])] = got
    return out


def _good(made: dict[str, bytes]) -> set[str]:
    return {sha(data) for rel, data in made.items()
            if FILES[rel] not in (b"just text, not a spreadsheet\n", b"", "cut")}


def _no_copy(made: dict[str, bytes]) -> frozenset[str]:
    return frozenset({sha(made["copy.scored.xlsx"])})


@pytest.mark.parametrize("mode", ["in_process", "workers"])
def test_a_burst_gives_every_drop_what_it_gets_alone(
        tmp_path: Path, made: dict[str, bytes], mode: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    alone = tmp_path / "alone"
    for rel, data in made.items():  # one drop at a time, each scored before the next comes
        _drop(alone, rel, data)
        run_once(alone, grace=0.0)
    monkeypatch.setattr(batch, "BATCH_FILES", 4)  # a burst of 15 in four groups
    jobs = 1
    if mode == "workers":
        monkeypatch.setattr(batch, "PARALLEL_FROM", 1)
        jobs = 2
    burst = tmp_path / "burst"
    for rel, data in made.items():
        _drop(burst, rel, data)
    run_once(burst, grace=0.0, jobs=jobs)
    check_folders(burst, list(made.values()), _good(made), no_copy=_no_copy(made))
    expected, got = _outcome(alone), _outcome(burst)
    assert got == expected
    assert got["copy.scored.xlsx"]["output"] is None and got["copy.scored.xlsx"]["state"] == "done"
    assert {n for n, r in got.items() if r["state"] == "rejected"} == {
        "notes.xlsx", "empty.xlsx", "cut.xlsx"}
    log = (burst / "workbook-tools.log").read_text("utf-8").splitlines()
    assert len(log) == len(made)  # one line per file


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_breaks_the_batch_is_rejected_alone(
        tmp_path: Path, made: dict[str, bytes], jobs: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    broken = make_register(tmp_path / "_build" / "broken.xlsx", rows=[risk(1)],
                           sheet="Бузук").read_bytes()
    real = pipeline._analyse_sheet

    def analyse_sheet(grid: Any, options: Options) -> Any:
        if grid.name == "Бузук":
            raise ValueError("the tool's own failure")
        return real(grid, options)

    monkeypatch.setattr(pipeline, "_analyse_sheet", analyse_sheet)  # forked workers have it too
    monkeypatch.setattr(batch, "PARALLEL_FROM", 1)
    files = {**made, "mektep/broken.xlsx": broken}
    alone = tmp_path / "alone"
    for rel, data in files.items():
        _drop(alone, rel, data)
        run_once(alone, grace=0.0)
    burst = tmp_path / "burst"
    for rel, data in files.items():
        _drop(burst, rel, data)
    run_once(burst, grace=0.0, jobs=jobs)  # one batch (32 files at most) holds them all
    check_folders(burst, list(files.values()), _good(made), no_copy=_no_copy(made))
    got = _outcome(burst)
    assert got == _outcome(alone)
    assert got["mektep/broken.xlsx"]["reason"] == "file.unreadable"
    assert "the tool's own failure" in str(got["mektep/broken.xlsx"]["reason_params"])
    assert sum(r["state"] == "done" for r in got.values()) == len(made) - 3


@pytest.mark.slow
def test_a_kill_at_every_step_of_a_burst_in_groups_is_finished_by_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five drops in groups of two (two, two, one): a kill before and after every operation
    of the burst, then a start that finishes it; the invariants of tests/watch_checks.py."""
    from tests.test_watch import register_bytes

    good = [register_bytes(tmp_path, f"g{i}.xlsx", rows=[risk(1, cases=f"Пара {i}", p=i % 3 + 1)])
            for i in range(3)]
    dropped = {"u/a.xlsx": good[0], "bad.xlsx": b"junk", "u/b.xlsx": good[1],
               "v/c.xlsx": good[2], "v/d.xlsx": good[0]}

    def attempt(folder: Path, k: int, after: bool) -> int:
        for rel, data in dropped.items():
            _drop(folder, rel, data)
        with monkeypatch.context() as m:
            m.setattr(batch, "BATCH_FILES", 2)
            done = arm_kills(m, k, after)
            try:
                run_once(folder)
            except Killed:
                assert len(done) == k + after
        run_once(folder)  # power back: the real operations, one group
        check_folders(folder, list(dropped.values()), {sha(g) for g in good})
        return len(done)

    total = attempt(tmp_path / "whole", 10_000, False)  # no kill: how many operations
    # three groups (bad.xlsx and v/c.xlsx; v/d.xlsx and u/a.xlsx; u/b.xlsx), each: the copies,
    # the claims, the links, the hidden names and the originals removed, the archived rows,
    # run_batch, the copies placed and their hidden names removed, the rows recorded; and the
    # bad file moved to the rejected folder (3): 20 + 19 + 10
    assert total == 49, total
    for k in range(total):
        for after in (False, True):
            assert attempt(tmp_path / f"{k}-{after}", k, after) == k + after


@pytest.mark.parametrize("where", ["archive", "copy", "clean"])
def test_a_step_that_fails_in_a_burst_is_carried_on_at_the_next_look(
        tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk at one step of one drop of a burst: that drop is said in the log and left
    where its last commit put it, the others go on; the next look finishes it."""
    from tests.test_watch import register_bytes
    from workbook_tools.watch import intake, scoring

    good = [register_bytes(tmp_path, f"g{i}.xlsx", rows=[risk(1, cases=f"Пара {i}")])
            for i in range(3)]
    for i, data in enumerate(good):
        _drop(tmp_path, f"u/r{i}.xlsx", data)
    real_place, real_remove = intake.place, intake.remove
    failed: list[str] = []

    def full(what: str) -> None:  # for that file, as long as the first run lasts
        failed.append(what)
        raise OSError(28, "No space left on device")

    def place(src: Path, dst: Path, **kw: Any) -> None:
        if (where == "archive" and dst.name == "r1.xlsx") or (
                where == "copy" and dst.name == "r1.scored.xlsx"):
            full(dst.name)
        real_place(src, dst, **kw)

    def remove(path: Path) -> None:
        if where == "clean" and path.name.startswith(".r1.scored.xlsx."):
            full(path.name)
        real_remove(path)

    with monkeypatch.context() as m:
        m.setattr(intake, "place", place)
        m.setattr(scoring.intake, "remove", remove)
        run_once(tmp_path, jobs=1)
    assert len(failed) == 2  # and tried again once, after the burst
    states = {r["name"]: r["state"] for r in rows(tmp_path)}
    assert states["u/r0.xlsx"] == states["u/r2.xlsx"] == "done"
    assert states["u/r1.xlsx"] == ("claimed" if where == "archive" else "archived")
    log = (tmp_path / "workbook-tools.log").read_text("utf-8")
    assert "No space left on device" in log
    run_once(tmp_path)  # the disk has room again
    check_folders(tmp_path, good, {sha(g) for g in good})
