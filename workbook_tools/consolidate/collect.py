"""Consolidation as data: every file read (in parallel when asked), the same unit's versions
told apart, the roster checked, the changes since an earlier round found.

The newer version of a unit wins, part by part (a unit's register and its plan may come in
separate files): newer by the date the workbook itself says it was saved (an .xlsx's or .ods's
document properties), else the file's modification time; the older is listed as a duplicate,
never counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..batch import BATCH_FILES, shared_batches
from ..model import DEFAULT_OPTIONS, Options
from ..parallel import ordered_map
from .discover import Found, discover
from .extract import load_many
from .model import (
    ACTIVITY_INDEX,
    RISK_INDEX,
    Consolidation,
    Duplicate,
    Loaded,
    UnitFile,
    UnitSummary,
)
from .names import name_from_file, roster_matches, roster_names, unit_key

Progress = Callable[[int, int], None]


def _path(f: Found) -> Path:
    return f.path


def iter_loaded(found: list[Found], options: Options = DEFAULT_OPTIONS, jobs: int = 1,
                progress: Progress | None = None) -> Iterator[Loaded]:
    """Every file read, in order, each given as soon as its batch (and those before it) is
    done (:mod:`workbook_tools.batch`: a batch's tables are validated together). With ``jobs``
    > 1, batches are read by that many processes, a few at a time, so memory stays flat
    however many files there are."""
    total = len(found)
    done = 0
    work = (([(str(f.path), f.administration) for f in group], options)
            for group in shared_batches(found, _path, jobs))
    for loaded in ordered_map(load_many, work, jobs if total > BATCH_FILES else 1):
        for one in loaded:
            done += 1
            if progress is not None:
                progress(done, total)
            yield one


def _newer(u: UnitFile) -> tuple[datetime, str]:
    return (u.modified or datetime.min, u.file)


def merge_units(files: Iterable[UnitFile]) -> tuple[list[UnitSummary], list[Duplicate]]:
    """One summary per unit (administration and name, folded); for each part (register,
    plan) the newest file's rows, the others listed as duplicates."""
    by_part: dict[tuple[str, str, str], list[UnitFile]] = {}
    order: dict[tuple[str, str], None] = {}
    for u in files:
        key = (unit_key(u.administration), unit_key(u.unit))
        order.setdefault(key, None)
        for part in u.parts or ("register",):
            by_part.setdefault((*key, part), []).append(u)
    duplicates: list[Duplicate] = []
    used: dict[tuple[str, str], dict[str, UnitFile]] = {k: {} for k in order}
    for (admin, unit, part), group in by_part.items():
        group.sort(key=_newer, reverse=True)
        winner = group[0]
        used[(admin, unit)][part] = winner
        duplicates += [Duplicate(winner.unit, winner.administration, part, winner.file, u.file)
                       for u in group[1:]]
    units: list[UnitSummary] = []
    for key in order:
        parts = used[key]
        chosen = list({id(u): u for u in parts.values()}.values())
        named = parts.get("register") or chosen[0]
        stamps = [u.modified for u in chosen if u.modified is not None]
        units.append(UnitSummary(
            unit=named.unit, administration=named.administration,
            files=[u.file for u in chosen], modified=max(stamps) if stamps else None,
            risks=list(parts["register"].risks) if "register" in parts else [],
            activities=list(parts["plan"].activities) if "plan" in parts else [],
            errors=sum(u.errors for u in chosen), warnings=sum(u.warnings for u in chosen),
            unit_source=named.unit_source))
    units.sort(key=lambda s: (unit_key(s.administration), unit_key(s.unit)))
    return units, duplicates


def check_roster(units: list[UnitSummary], expected: list[str],
                 ) -> tuple[list[str], list[UnitSummary]]:
    """Each unit matched to its roster name (``unit.roster``); the roster names no unit
    matched, and the units that match no roster name."""
    matched: set[str] = set()
    unmatched: list[UnitSummary] = []
    for u in units:
        best: tuple[int, int, str] | None = None
        for name in expected:
            how = roster_matches(name, u.unit)
            if how and (best is None or (how, len(name)) > best[:2]):
                best = (how, len(name), name)
        if best is None:
            unmatched.append(u)
        else:
            u.roster = best[2]
            matched.add(best[2])
    return [n for n in expected if n not in matched], unmatched


def read_roster(path: Path, options: Options) -> tuple[list[str], Loaded | None]:
    """The expected units of a roster: a text file (one name a line) or a workbook (the first
    text of each row of its first sheet); its rejection when it cannot be read."""
    if path.suffix.lower() in (".txt", ".text", ".lst"):
        try:
            raw = path.read_bytes()
        except OSError:
            return [], Loaded(str(path), reason="file.not_found", reason_params={"path": str(path)})
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = raw.decode("cp1251", "replace")
        return roster_names([[line] for line in content.splitlines()]), None
    from ..errors import RejectedFile
    from ..read.reader import read_book

    try:
        book = read_book(path, options.limits)
    except RejectedFile as exc:
        return [], Loaded(str(path), reason=exc.reason, reason_params=dict(exc.params))
    sheet = next((g for g in book.sheets if g.visible), book.sheets[0] if book.sheets else None)
    names = roster_names(sheet.rows) if sheet is not None else []
    if not names:
        return [], Loaded(str(path), reason="roster.empty")
    return names, None


def collect(paths: Iterable[str | Path], options: Options = DEFAULT_OPTIONS, *,
            roster: Path | None = None, previous: Path | None = None, jobs: int = 1,
            progress: Progress | None = None, exclude: Iterable[Path] = (),
            name: str = "", unit_names: Mapping[Path, str] | None = None) -> Consolidation:
    """Read every file and put the units together (nothing is written). ``unit_names``: the unit
    each of some files belongs to, when the caller knows it (the drop folder's subfolders);
    it stands over what the workbook says."""
    from .changes import compare, read_previous

    own = [p for p in (*exclude, roster, previous) if p is not None]
    found, skipped = discover(paths, own)
    files: list[UnitFile] = []
    rejected: list[Loaded] = []
    error_files: list[str] = []
    for loaded in iter_loaded(found, options, jobs, progress):
        if loaded.reason is not None:
            rejected.append(loaded)
            continue
        if loaded.has_errors:
            error_files.append(loaded.file)
        given = unit_names.get(Path(loaded.file).resolve()) if unit_names else None
        files += [_named(u, given) if given else u for u in loaded.units]
    units, duplicates = merge_units(files)
    del files
    cons = Consolidation(units, rejected, skipped, duplicates, error_files, options.day, name)
    if roster is not None:
        expected, refused = read_roster(Path(roster), options)
        cons.roster_rejected = refused
        if refused is None:
            cons.roster = expected
            cons.missing, cons.unmatched = check_roster(units, expected)
    if previous is not None:
        before = read_previous(Path(previous), options)
        if before.reason is not None:
            cons.previous_rejected = before
        else:
            cons.changes = compare(before, units)
    return cons


def _named(u: UnitFile, unit: str) -> UnitFile:
    """``u`` under the unit name its caller gave, in its rows too."""
    ri, ai = RISK_INDEX["unit"], ACTIVITY_INDEX["unit"]
    return replace(u, unit=unit, unit_source="given",
                   risks=[(*r[:ri], unit, *r[ri + 1:]) for r in u.risks],
                   activities=[(*a[:ai], unit, *a[ai + 1:]) for a in u.activities])


def default_name(output: Path) -> str:
    """The name a consolidated workbook gives its units as their administration when it is
    itself consolidated again: its file's name."""
    return name_from_file(output)
