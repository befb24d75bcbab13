"""The drop folder's loop: look at the inbox, take each stable file, keep it, score it.

The steps of one drop, each committed to the journal (:mod:`.journal`) before the next; a kill
at any instant leaves a state the next start finishes (:meth:`Watcher.recover`):

1. the original is copied to a hidden name in the archive (``.name.N.wtpart``), hashed and
   fsynced; it stays in the inbox;
2. journal: ``claimed`` (hash, size, the archive name chosen);
3. the copy takes its archive name (a hard link: never over another file);
4. the original leaves the inbox (only if it is still the same file);
5. journal: ``archived``, with the name the scored copy will take;
6. the pipeline scores the archived original into a hidden name in OUTBOX (the writer writes a
   temporary file and renames it), which then takes its final name (a hard link again);
7. journal: ``done`` with what the submission held. Or, when the file cannot be read:
   ``rejecting``; the original moves from the archive to the rejected folder, the reason text
   is written beside it; ``rejected``.

The files stable at one look are taken in groups (a batch of ``batch.batches``): each step is
done for every drop of the group before the commit that records it for all of them, one fsync
of a folder standing for its files' new or removed names (the order each drop's own steps
need is kept: see :meth:`Watcher._archive_many`, :meth:`Watcher._record_many`); a group's
originals are scored together (:mod:`.scoring`), by ``Config.jobs`` worker processes when the
burst is large. A single drop goes through the same steps at once.

A restart first removes what no journal row owns (the hidden copies of step 1 never claimed),
then takes each unfinished row from where its files say it stood. Every step is keyed by the
drop's number, so nothing is done twice into two outputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import messages
from ..model import DEFAULT_OPTIONS, FileReport, Options
from . import history, intake
from .journal import JOURNAL_NAME, LOCK_SUFFIX, Drop, Journal
from .scoring import Scored

PART = ".wtpart"  # the hidden copy of step 1
LOG_NAME = "workbook-tools.log"


@dataclass(frozen=True)
class Config:
    """Where the drop folder keeps things, and how it looks at the inbox."""

    inbox: Path
    outbox: Path
    archive: Path
    rejected: Path
    journal: Path
    log: Path | None
    interval: float = 2.0  # seconds a file must stay unchanged; the polling period
    grace: float = 60.0  # seconds an incomplete zip package is waited for, then taken anyway
    events: bool = True  # file-system events (watchdog); False: polling only
    options: Options = field(default=DEFAULT_OPTIONS)
    #: a consolidated workbook of the latest submission of every unit, brought up to date
    #: after each batch (None: none kept)
    consolidate: Path | None = None
    #: worker processes scoring a burst (from ``batch.PARALLEL_FROM`` drops on); 1: none
    jobs: int = 1

    @classmethod
    def beside(cls, inbox: Path, *, outbox: Path | None = None, archive: Path | None = None,
               rejected: Path | None = None, journal: Path | None = None,
               log: Path | None = None, **kw: Any) -> Config:
        """The default layout: ``scored/``, ``archive/``, ``rejected/``, the journal and the
        log beside INBOX."""
        inbox = Path(inbox).absolute()
        parent = inbox.parent
        return cls(inbox, Path(outbox or parent / "scored").absolute(),
                   Path(archive or parent / "archive").absolute(),
                   Path(rejected or parent / "rejected").absolute(),
                   Path(journal or parent / JOURNAL_NAME).absolute(),
                   Path(log or parent / LOG_NAME).absolute(), **kw)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Watcher:
    """The drop folder. ``echo`` receives each line the log gets (the command prints it)."""

    def __init__(self, config: Config, echo: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.echo = echo
        for folder in (config.inbox, config.outbox, config.archive, config.rejected):
            folder.mkdir(parents=True, exist_ok=True)
        self.journal = Journal(config.journal, exclusive=True)  # JournalBusy: another has it
        self.lang = config.options.lang
        #: path -> (size and mtime seen, when first seen so, when found incomplete)
        self._seen: dict[Path, tuple[tuple[int, int], float]] = {}
        self._waiting_said: set[Path] = set()
        self.wake = threading.Event()
        self._skip_dirs = [config.outbox, config.archive, config.rejected]
        journal = str(config.journal)
        self._skip_files = {journal, journal + "-wal", journal + "-shm", journal + "-journal",
                            journal + LOCK_SUFFIX, str(config.log), str(config.consolidate)}
        self._counter = 0
        self._retry = False
        self._once = False

    def close(self) -> None:
        self.journal.close()

    # --- the loop -----------------------------------------------------------------------------

    def run(self, *, once: bool = False, stop: threading.Event | None = None) -> None:
        """Recover, then take every stable file as it comes; ``once``: what is there now (two
        looks an interval apart), then return. ``stop`` ends the loop between files."""
        stop = stop or threading.Event()
        self._once = once
        self.recover()
        observer = None if once or not self.config.events else self._observe()
        if not once and self.config.events and observer is None:
            self._say(messages.text("watch.polling", self.lang,
                                    seconds=f"{self.config.interval:g}"))
        try:
            if once:
                stable, next_due = self.look()  # all seen for the first time: none stable yet
                if next_due is not None:
                    stop.wait(max(0.0, next_due - time.monotonic()))
                    stable, _ = self.look()
                self._take_all(stable, stop)
                return
            while not stop.is_set():
                stable, next_due = self.look()
                self._take_all(stable, stop)
                timeout = self.config.interval
                if observer is not None:  # events wake the loop; a look at each deadline
                    timeout = 5 * self.config.interval if next_due is None else \
                        max(0.01, next_due - time.monotonic())
                self.wake.wait(timeout)
                self.wake.clear()
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)

    def _take_all(self, stable: list[intake.Seen], stop: threading.Event) -> None:
        """Take the stable files, a batch at a time; a step that fails (a full disk, a folder
        not writable) is said in the log and the drop is carried on at the next look."""
        if self._take_many(stable, stop):
            self.consolidate()
        if stop.is_set() or not self._retry:
            return
        self._retry = False  # set again by a step that fails again
        self._finish_all(self.journal.unfinished())

    def consolidate(self) -> Path | None:
        """The consolidated workbook of the latest scored submission of every unit, written
        again (atomically) after a batch; None when none is kept or it could not be written
        (the log says why). Each unit is named as the drop folder knows it (its subfolder), not
        as its workbook or an archive name with a time stamp says; the originals are shown to
        consolidation as hard links in a private folder, removed after."""
        target = self.config.consolidate
        if target is None:
            return None
        from ..consolidate import consolidate

        latest = [d for d in self.journal.latest() if d.archive and Path(d.archive).exists()]
        work = Path(tempfile.mkdtemp(prefix=".wt-consolidate-", dir=self.config.archive))
        units: dict[Path, str] = {}
        try:
            for i, d in enumerate(latest):
                original = Path(d.archive or "")
                link = work / f"{i:05d} {_file_name(d.unit or original.stem)}{original.suffix}"
                try:
                    os.link(original, link)
                except OSError:
                    shutil.copyfile(original, link)
                units[link.resolve()] = d.unit or original.stem
            result = consolidate([work], target, options=self.config.options, jobs=1,
                                 name=self.config.inbox.name, unit_names=units)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if result.output is None:
            self._say(messages.text("watch.consolidate_failed", self.lang, path=target,
                                    detail=result.output_error or ""))
            return None
        self._say(messages.text("watch.consolidated", self.lang, path=target,
                                units=len(result.consolidation.units)))
        return result.output

    def _failed(self, name: str, exc: OSError) -> None:
        self._retry = True
        self._say(messages.text("watch.failed", self.lang, name=name,
                                detail=f"{type(exc).__name__}: {exc}"[:200]))

    def _observe(self) -> Any:
        """A watchdog observer that wakes the loop on any change, or None where the system
        gives no events (the loop then polls)."""
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            return None
        wake = self.wake

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                wake.set()

        try:
            observer = Observer()
            observer.schedule(Handler(), str(self.config.inbox), recursive=True)
            observer.start()
        except Exception:  # no inotify watches left, an unsupported share...: poll instead
            return None
        return observer

    def look(self) -> tuple[list[intake.Seen], float | None]:
        """The files stable now, and when the next one may become stable (monotonic)."""
        now = time.monotonic()
        interval = self.config.interval
        stable: list[intake.Seen] = []
        next_due: float | None = None
        present: dict[Path, tuple[tuple[int, int], float]] = {}
        for seen in intake.scan(self.config.inbox, self._skip_dirs):
            if str(seen.path) in self._skip_files:
                continue
            old = self._seen.get(seen.path)
            since = old[1] if old is not None and old[0] == seen.signature else now
            present[seen.path] = (seen.signature, since)
            due = since + interval
            if now < due:
                next_due = due if next_due is None else min(next_due, due)
            elif (intake.ready(seen.path) or now - since >= self.config.grace
                  or (self._once and seen.age() >= self.config.grace)):
                stable.append(seen)
            else:
                if seen.path not in self._waiting_said:
                    self._waiting_said.add(seen.path)
                    self._say(messages.text("watch.waiting", self.lang,
                                            name=self._relative(seen.path)))
                due = now + interval
                next_due = due if next_due is None else min(next_due, due)
        self._seen = present
        return stable, next_due

    # --- the drops: steps 1-5 for a group of files, 6-7 for a batch of drops -----------------

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.config.inbox).as_posix()

    def _take_many(self, stable: list[intake.Seen], stop: threading.Event) -> int:
        """Keep the stable files a group at a time (steps 1-5) and score each group's drops
        together (6-7): a burst in batches, by ``config.jobs`` worker processes when it is
        large. Returns how many drops were claimed."""
        from ..batch import batches

        claimed = 0

        def kept() -> Iterator[list[Drop]]:
            nonlocal claimed
            for group in batches(stable, lambda seen: seen.path):
                if stop.is_set():
                    return  # what is left stays in the inbox, for the next look or start
                drops = self._claim(group)
                claimed += len(drops)
                yield self._archive_many(drops)

        self._score_many(kept(), len(stable), stop)
        return claimed

    def _claim(self, group: list[intake.Seen]) -> list[Drop]:
        """Steps 1-2: each original copied to a hidden name in the archive (hashed, fsynced),
        then one commit claims them all (a kill before it: the hidden copies belong to no row
        and are removed at the next start, the originals are still in the inbox)."""
        cfg = self.config
        copies = []
        for seen in group:
            rel = Path(self._relative(seen.path))
            self._counter += 1
            part = cfg.archive / rel.parent / f".{rel.name}.{os.getpid()}-{self._counter}{PART}"
            try:
                copied = intake.copy_hashed(seen.path, part)
            except FileNotFoundError:
                continue  # taken away meanwhile
            except OSError as exc:
                self._failed(seen.path.name, exc)
                continue
            if copied is not None:  # None: it changed while being copied; taken when stable
                copies.append((seen, rel, part, copied))
        if not copies:
            return []
        drops = []
        with self.journal.transaction():
            for seen, rel, part, (sha, size, mtime_ns) in copies:
                when = _now()
                archive = intake.free_name(cfg.archive / rel.parent,
                                           intake.variants(rel.name, intake.stamp(when)),
                                           self.journal.taken)
                unit = rel.parts[0] if len(rel.parts) > 1 else rel.stem
                drops.append(self.journal.add(
                    unit=unit, name=rel.as_posix(), source=str(seen.path), state="claimed",
                    dropped_at=when.isoformat(), size=size, mtime_ns=mtime_ns, sha256=sha,
                    part=str(part), archive=str(archive)))
        for seen, *_ in copies:
            self._seen.pop(seen.path, None)
        return drops

    def _archive_many(self, drops: list[Drop]) -> list[Drop]:
        """Steps 3-5 for claimed drops: each copy takes its archive name; one fsync of each
        archive folder makes those names durable before any original leaves the inbox; one
        fsync of each inbox folder makes the removals durable before the one commit that
        marks the drops archived (a power cut cannot bring an original back into the inbox
        after its drop is archived: it would be taken twice). A kill anywhere before that
        commit leaves the drops claimed, and each of these steps is done again or found done.
        Returns the drops archived."""
        linked = []
        for drop in drops:
            try:
                drop = self._link(drop)
            except OSError as exc:
                self._failed(drop.name, exc)
                continue
            if drop.state == "claimed":
                linked.append(drop)
        for folder in {Path(d.archive or "").parent for d in linked}:
            intake.fsync_dir(folder)
        left, inboxes = [], set()
        for drop in linked:
            source = Path(drop.source)
            try:
                intake.remove(Path(drop.part or ""))  # a link made, the hidden name left
                if intake.same_file(source, drop.size, drop.mtime_ns, drop.sha256):
                    intake.remove(source)
                    inboxes.add(source.parent)
            except OSError as exc:
                self._failed(drop.name, exc)
                continue
            left.append(drop)
        for folder in inboxes:
            intake.fsync_dir(folder)
        if not left:
            return []
        with self.journal.transaction():
            return [self._archived(drop) for drop in left]

    def _link(self, drop: Drop) -> Drop:
        """Step 3 without its fsync: the hidden copy takes its archive name (done already when
        the name is there); withdrawn when the copy is gone."""
        assert drop.archive is not None and drop.part is not None
        archive, part = Path(drop.archive), Path(drop.part)
        if os.path.lexists(archive):
            return drop
        if not part.exists():  # the copy is gone (by hand): start again from the inbox
            return self.journal.update(drop, state="withdrawn", part=None, archive=None,
                                       finished_at=_now().isoformat())
        try:
            intake.place(part, archive, sync=False)
        except FileExistsError:  # someone put a file there: another name
            archive = intake.free_name(archive.parent, intake.variants(
                Path(drop.name).name, intake.stamp(datetime.fromisoformat(drop.dropped_at))),
                self.journal.taken)
            drop = self.journal.update(drop, archive=str(archive))
            intake.place(part, archive, sync=False)
        return drop

    def _archived(self, drop: Drop) -> Drop:
        """Step 5: the drop archived, with the name its scored copy will take."""
        from ..pipeline import output_path

        rel = Path(drop.name)
        mark = intake.stamp(datetime.fromisoformat(drop.dropped_at))
        names = intake.variants(Path(drop.archive or "").name, mark)
        output = intake.free_name(self.config.outbox / rel.parent,
                                  lambda n: output_path(Path(names(n)), None).name,
                                  self.journal.taken)
        return self.journal.update(drop, state="archived", part=None, output=str(output))

    def _score_many(self, groups: Iterable[list[Drop]], count: int,
                    stop: threading.Event | None) -> None:
        """Steps 6-7 for each group of archived drops (about ``count`` in all): scored together
        into hidden names in OUTBOX (:func:`.scoring.score_batch`), by ``config.jobs`` worker
        processes from ``batch.PARALLEL_FROM`` drops on, while this process keeps the next
        groups; then each batch's copies placed and recorded here, in order."""
        from ..batch import PARALLEL_FROM
        from ..parallel import ordered_map
        from .scoring import score_batch

        jobs = self.config.jobs if count >= PARALLEL_FROM else 1
        if jobs > 1:  # the copy's modules imported once, before the workers are forked
            from ..annotated import writer  # noqa: F401
        sent: deque[list[Drop]] = deque()
        options, lang, pid = self.config.options, self.lang, os.getpid()

        def work() -> Iterator[tuple[list[Path], list[Path], Options, str, int]]:
            for drops in groups:
                todo = self._to_score(drops)
                if todo:
                    sent.append(todo)
                    yield ([Path(d.archive or "") for d in todo],
                           [self._temp_output(d) for d in todo], options, lang, pid)
                if stop is not None and stop.is_set():
                    return

        for results in ordered_map(score_batch, work(), jobs):
            self._record_many(sent.popleft(), results)

    def _to_score(self, drops: list[Drop]) -> list[Drop]:
        """The archived drops of ``drops`` whose copy is still to be written, their hidden
        names cleared; a drop whose copy took its name before a kill is only recorded."""
        from ..pipeline import analyse
        from .scoring import clean, scored

        archived = [d for d in drops if d.state == "archived"]
        todo = []
        failed = clean([self._temp_output(d) for d in archived])
        for drop in archived:
            try:
                if self._temp_output(drop) in failed:  # OUTBOX not writable: the next look
                    raise failed[self._temp_output(drop)]
                if not os.path.lexists(drop.output or ""):
                    Path(drop.output or "").parent.mkdir(parents=True, exist_ok=True)
                    todo.append(drop)
                else:  # put in place before a kill: only the record is missing
                    self._record_many([drop], [scored(analyse(Path(drop.archive or ""),
                                                              self.config.options), self.lang)])
            except OSError as exc:
                self._failed(drop.name, exc)
        return todo

    def _temp_output(self, drop: Drop) -> Path:
        from .scoring import temp_name

        assert drop.output is not None
        return temp_name(Path(drop.output), drop.id)

    def _record_many(self, drops: list[Drop], results: list[Scored]) -> None:
        """Step 7 for a batch: each copy takes its final name (a hard link, never over a file);
        one fsync of each OUTBOX folder makes them durable before the one commit that records
        every drop done (or rejecting: then moved to the rejected folder, one by one). A kill
        before that commit leaves the drops archived: a copy found in place is only recorded
        at the next start, one not yet there is written again."""
        from .scoring import clean

        placed, folders = [], set()
        for drop, got in zip(drops, results, strict=True):
            temp = self._temp_output(drop)  # named after the output planned
            try:
                if got.output is not None and got.status != "rejected":
                    drop = self._place_copy(drop, Path(got.output))
                    folders.add(Path(drop.output or "").parent)
            except OSError as exc:
                self._failed(drop.name, exc)
                continue
            placed.append((temp, drop, got))
        for folder in folders:
            intake.fsync_dir(folder)
        failed = clean([self._temp_output(d) for d in drops])
        ready = []
        for temp, drop, got in placed:
            if temp in failed:  # left archived: at the next look its hidden copy is removed
                self._failed(drop.name, failed[temp])  # and the copy found in place recorded
            else:
                ready.append((drop, got))
        recorded: list[Drop] = []
        if ready:
            with self.journal.transaction():
                recorded = [self._record(drop, got) for drop, got in ready]
        for drop in recorded:
            if drop.state == "rejecting":
                try:
                    self._reject(drop)
                except OSError as exc:
                    self._failed(drop.name, exc)
            else:
                self._log(drop, None)

    def _place_copy(self, drop: Drop, temp: Path) -> Drop:
        """The hidden copy takes the drop's output name (its fsync left to the caller), or the
        next free one when a file has taken it meanwhile."""
        output = Path(drop.output or "")
        try:
            intake.place(temp, output, sync=False)
        except FileExistsError:
            output = intake.free_name(output.parent, lambda n: _numbered(output, n),
                                      self.journal.taken)
            drop = self.journal.update(drop, output=str(output))
            intake.place(temp, output, sync=False)
        return drop

    def _record(self, drop: Drop, got: Scored) -> Drop:
        """The journal row of a scored drop: done, or rejecting with its rejected name."""
        if got.status == "rejected":
            rel = Path(drop.name)
            rejected = intake.free_name(self.config.rejected / rel.parent,
                                        intake.variants(Path(drop.archive or "").name,
                                                        intake.stamp(_now())),
                                        self.journal.taken)
            return self.journal.update(drop, state="rejecting", rejected=str(rejected),
                                       output=None, **got.fields)
        return self.journal.update(drop, state="done",
                                   output=None if got.scored_copy else drop.output,
                                   finished_at=_now().isoformat(), **got.fields)

    def _reject(self, drop: Drop) -> Drop:
        """The original from the archive to the rejected folder, the reason text beside it."""
        assert drop.rejected is not None and drop.archive is not None
        archive, rejected = Path(drop.archive), Path(drop.rejected)
        if not os.path.lexists(rejected):
            intake.place(archive, rejected)
            intake.fsync_dir(archive.parent)  # the archive name gone for good, even on power cut
        elif archive.exists() and os.path.samefile(archive, rejected):
            intake.remove(archive)  # linked before a kill, the archive name not yet removed
            intake.fsync_dir(archive.parent)
        intake.write_text_atomically(rejected.with_name(rejected.name + ".txt"),
                                     history.reason_file(drop))
        drop = self.journal.update(drop, state="rejected", archive=None,
                                   finished_at=_now().isoformat())
        self._log(drop, None)
        return drop

    # --- recovery -----------------------------------------------------------------------------

    def recover(self) -> None:
        """Finish what a kill interrupted: remove the hidden copies no row owns, then carry
        each unfinished row on."""
        unfinished = self.journal.unfinished()
        owned = {d.part for d in unfinished if d.part}
        for folder, _dirs, files in os.walk(self.config.archive):
            for name in files:
                path = os.path.join(folder, name)
                if name.startswith(".") and name.endswith(PART) and path not in owned:
                    intake.remove(Path(path))
        self._finish_all(unfinished)

    def _finish_all(self, drops: list[Drop]) -> None:
        """Carry unfinished drops on to a final state: the rejecting ones moved, the claimed
        ones archived, then the archived ones scored in batches."""
        from ..batch import batches

        for drop in drops:
            if drop.state == "rejecting":
                try:
                    self._reject(drop)
                except OSError as exc:
                    self._failed(drop.name, exc)
        archived = [d for d in drops if d.state == "archived"]
        archived += self._archive_many([d for d in drops if d.state == "claimed"])
        archived.sort(key=lambda d: d.id)
        self._score_many(batches(archived, lambda d: Path(d.archive or "")), len(archived),
                         None)

    # --- the log ------------------------------------------------------------------------------

    def _log(self, drop: Drop, report: FileReport | None) -> None:
        """One line per file: time, file, result, counts by level."""
        from .history import counts_text

        if drop.state == "done":
            result = messages.text("watch.scored" if drop.output else "watch.no_copy", self.lang)
            line = f"{drop.name}\t{result}\t{drop.summary or counts_text(drop, self.lang)}"
            if drop.output:
                line += f"\t{drop.output}"
        else:
            line = f"{drop.name}\t{counts_text(drop, self.lang)}\t{drop.original}"
        self._say(line)

    def _say(self, line: str) -> None:
        moment = _now()
        stamped = f"{messages.day_text(moment.date())} {moment:%H:%M:%S}\t{line}"
        if self.config.log is not None:
            with open(self.config.log, "a", encoding="utf-8") as fh:
                fh.write(stamped + "\n")
        if self.echo is not None:
            self.echo(stamped)


def _file_name(unit: str) -> str:
    """A unit's name made a file name (no folder separators, no reserved characters)."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in unit)
    return cleaned.strip(" .")[:120] or "unit"


def _numbered(output: Path, n: int) -> str:
    base = output.name[:-len(".scored.xlsx")] if output.name.endswith(".scored.xlsx") \
        else output.stem
    return output.name if n == 0 else f"{base} ({n + 1}).scored.xlsx"
