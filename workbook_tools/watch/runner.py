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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import messages
from ..model import DEFAULT_OPTIONS, FileReport, Options
from . import intake
from .journal import JOURNAL_NAME, Drop, Journal

PART = ".wtpart"  # the hidden copy of step 1
OUT = ".wtout.xlsx"  # the hidden scored copy of step 6
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
        self.journal = Journal(config.journal)
        self.lang = config.options.lang
        #: path -> (size and mtime seen, when first seen so, when found incomplete)
        self._seen: dict[Path, tuple[tuple[int, int], float]] = {}
        self._waiting_said: set[Path] = set()
        self.wake = threading.Event()
        self._skip_dirs = [config.outbox, config.archive, config.rejected]
        journal = str(config.journal)
        self._skip_files = {journal, journal + "-wal", journal + "-shm", journal + "-journal",
                            str(config.log), str(config.consolidate)}
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
        """Take each stable file; a step that fails (a full disk, a folder not writable) is
        said in the log and the drop is carried on at the next look."""
        taken = 0
        for seen in stable:
            if stop.is_set():
                break
            try:
                taken += self.take(seen) is not None
            except OSError as exc:
                self._failed(seen.path.name, exc)
        if taken:
            self.consolidate()
        if stop.is_set():
            return
        for drop in self.journal.unfinished() if self._retry else ():
            try:
                self._finish(drop)
            except OSError as exc:
                self._failed(drop.name, exc)
                return
        self._retry = False

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

    # --- one drop -----------------------------------------------------------------------------

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.config.inbox).as_posix()

    def take(self, seen: intake.Seen) -> Drop | None:
        """Keep and score one stable file (steps 1-7); None when it changed meanwhile."""
        cfg = self.config
        rel = Path(self._relative(seen.path))
        self._counter += 1
        part = cfg.archive / rel.parent / f".{rel.name}.{os.getpid()}-{self._counter}{PART}"
        try:
            copied = intake.copy_hashed(seen.path, part)
        except FileNotFoundError:
            return None  # taken away meanwhile
        if copied is None:
            return None  # it changed while being copied: looked at again when stable
        sha, size, mtime_ns = copied
        when = _now()
        archive = intake.free_name(cfg.archive / rel.parent,
                                   intake.variants(rel.name, intake.stamp(when)),
                                   self.journal.taken)
        unit = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        drop = self.journal.add(unit=unit, name=rel.as_posix(), source=str(seen.path),
                                state="claimed", dropped_at=when.isoformat(), size=size,
                                mtime_ns=mtime_ns, sha256=sha, part=str(part),
                                archive=str(archive))
        self._seen.pop(seen.path, None)
        return self._finish(drop)

    def _finish(self, drop: Drop) -> Drop:
        """Carry ``drop`` on from its state to a final one."""
        if drop.state == "claimed":
            drop = self._archive(drop)
        if drop.state == "archived":
            drop = self._score(drop)
        if drop.state == "rejecting":
            drop = self._reject(drop)
        return drop

    def _archive(self, drop: Drop) -> Drop:
        """Steps 3-5."""
        assert drop.archive is not None and drop.part is not None
        archive, part, source = Path(drop.archive), Path(drop.part), Path(drop.source)
        if not os.path.lexists(archive):
            if not part.exists():  # the copy is gone (by hand): start again from the inbox
                return self.journal.update(drop, state="withdrawn", part=None, archive=None,
                                           finished_at=_now().isoformat())
            try:
                intake.place(part, archive)
            except FileExistsError:  # someone put a file there: another name
                archive = intake.free_name(archive.parent, intake.variants(
                    Path(drop.name).name, intake.stamp(datetime.fromisoformat(drop.dropped_at))),
                    self.journal.taken)
                drop = self.journal.update(drop, archive=str(archive))
                intake.place(part, archive)
        intake.remove(part)  # a link made, the hidden name not yet removed
        if self._same_file(source, drop):
            intake.remove(source)
            intake.fsync_dir(source.parent)
        from ..pipeline import output_path

        rel = Path(drop.name)
        mark = intake.stamp(datetime.fromisoformat(drop.dropped_at))
        names = intake.variants(archive.name, mark)
        output = intake.free_name(self.config.outbox / rel.parent,
                                  lambda n: output_path(Path(names(n)), None).name,
                                  self.journal.taken)
        return self.journal.update(drop, state="archived", part=None, output=str(output))

    def _same_file(self, source: Path, drop: Drop) -> bool:
        """Whether the file at ``source`` is still the one this drop copied."""
        try:
            st = os.stat(source, follow_symlinks=False)
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != (drop.size, drop.mtime_ns):
            return False
        try:
            return intake.sha256_of(source) == drop.sha256
        except OSError:
            return False

    def _temp_output(self, drop: Drop) -> Path:
        assert drop.output is not None
        output = Path(drop.output)
        return output.with_name(f".{output.name}.{drop.id}{OUT}")

    def _clean_output(self, drop: Drop) -> None:
        temp = self._temp_output(drop)
        intake.remove(temp)
        if temp.parent.exists():
            for leftover in temp.parent.glob(f".{glob_escape(temp.name)}.*.tmp"):
                intake.remove(leftover)

    def _score(self, drop: Drop) -> Drop:
        """Steps 6-7."""
        from ..pipeline import analyse, is_scored_copy, run

        assert drop.archive is not None and drop.output is not None
        archive, output = Path(drop.archive), Path(drop.output)
        options = self.config.options
        self._clean_output(drop)
        if os.path.lexists(output):  # put in place before a kill: only the record is missing
            report = analyse(archive, options)
        else:
            temp = self._temp_output(drop)
            temp.parent.mkdir(parents=True, exist_ok=True)
            report = run(archive, write=True, options=options, target=temp)
            if report.output is not None and report.status != "rejected":
                try:
                    intake.place(temp, output)
                except FileExistsError:
                    output = intake.free_name(output.parent, lambda n: _numbered(output, n),
                                              self.journal.taken)
                    drop = self.journal.update(drop, output=str(output))
                    intake.place(temp, output)
            self._clean_output(drop)
        from .history import record

        fields = record(report, self.lang)
        if report.status == "rejected":
            rel = Path(drop.name)
            rejected = intake.free_name(self.config.rejected / rel.parent,
                                        intake.variants(archive.name, intake.stamp(_now())),
                                        self.journal.taken)
            return self.journal.update(drop, state="rejecting", rejected=str(rejected),
                                       output=None, **fields)
        kept = None if is_scored_copy(report) else str(output)
        drop = self.journal.update(drop, state="done", output=kept,
                                   finished_at=_now().isoformat(), **fields)
        self._log(drop, report)
        return drop

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
                                     reason_file(drop))
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
        for drop in unfinished:
            self._finish(drop)

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


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _numbered(output: Path, n: int) -> str:
    base = output.name[:-len(".scored.xlsx")] if output.name.endswith(".scored.xlsx") \
        else output.stem
    return output.name if n == 0 else f"{base} ({n + 1}).scored.xlsx"


def reason_file(drop: Drop) -> str:
    """The text beside a rejected file: what it is, when it came, why it was not accepted,
    in Kyrgyz and in Russian."""
    from .history import when

    name = Path(drop.name).name
    blocks = []
    for lang in ("ky", "ru"):
        reason = messages.reason_text(drop.reason or "file.unreadable", drop.params(), lang)
        blocks.append("\n".join((
            messages.text("reason_file.title", lang, name=name),
            messages.text("reason_file.when", lang, date=when(drop.dropped_at)),
            messages.text("reason_file.reason", lang, reason=reason),
            messages.text("reason_file.what_to_do", lang),
        )))
    return "\n\n".join(blocks) + "\n"
