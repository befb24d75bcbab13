"""What the drop folder must hold after any run, killed or not: shared by the watcher's tests.

:func:`check_folders` checks the issue's invariants: every input still exists byte for byte
(in the archive, or in the rejected folder with its reason text), each good one has exactly one
scored copy per drop, each a workbook openpyxl opens, nothing half-written under a final name,
and the journal agrees with the folders.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from workbook_tools.watch.intake import left_alone


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def rows(root: Path) -> list[dict[str, object]]:
    db = sqlite3.connect(root / "workbook-tools.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM drops ORDER BY id")]
    finally:
        db.close()


def check_folders(root: Path, dropped: list[bytes], good: set[str],
                  open_copies: bool = True,
                  no_copy: frozenset[str] = frozenset()) -> list[dict[str, object]]:
    """``root`` holds inbox/, archive/, rejected/, scored/ and the journal (the default layout);
    ``dropped``: the bytes of every file dropped (a file dropped twice counts twice); ``good``:
    the hashes of those that must be scored; ``no_copy``: those of the good ones that get no
    copy (scored copies dropped in). Returns the journal's rows."""
    journal = rows(root)
    archive, rejected, scored = root / "archive", root / "rejected", root / "scored"
    # the inbox holds only what the watcher leaves alone
    assert [p.name for p in files(root / "inbox") if not left_alone(p.name)] == []
    # nothing half-written or hidden left in the folders the watcher writes
    for folder in (archive, rejected, scored):
        assert [p for p in files(folder) if p.name.startswith(".")] == []
    # every drop once in the journal, each finished
    assert Counter(r["sha256"] for r in journal) == Counter(sha(d) for d in dropped)
    assert {r["state"] for r in journal} <= {"done", "rejected"}
    kept_archive, kept_rejected, outputs = set(), set(), set()
    for r in journal:
        if r["state"] == "done":
            original = Path(str(r["archive"]))
            kept_archive.add(original)
            assert r["sha256"] in good, r
            if r["sha256"] in no_copy:
                assert r["output"] is None, r
                assert sha(original.read_bytes()) == r["sha256"]
                continue
            assert r["output"] is not None, r
            output = Path(str(r["output"]))
            outputs.add(output)
            assert output.name.endswith(".scored.xlsx")
            if open_copies:
                load_workbook(output, read_only=True).close()
        else:
            original = Path(str(r["rejected"]))
            kept_rejected.add(original)
            assert r["sha256"] not in good, r
            reason = original.with_name(original.name + ".txt").read_text("utf-8-sig")
            assert "Себеби:" in reason and "Причина:" in reason
        assert sha(original.read_bytes()) == r["sha256"]  # byte for byte
    # the journal agrees with the folders: no file it does not know, none it names missing
    assert set(files(archive)) == kept_archive
    assert {p for p in files(rejected) if p.suffix != ".txt"} == kept_rejected
    assert {p for p in files(rejected) if p.suffix == ".txt"} == {
        p.with_name(p.name + ".txt") for p in kept_rejected}
    assert set(files(scored)) == outputs
    assert len(outputs) == sum(1 for r in journal  # one copy per drop
                               if r["state"] == "done" and r["sha256"] not in no_copy)
    return journal
