"""What the drop folder takes, and the file operations that never lose or overwrite a file.

* Files left alone: office lock files (``~$name.xlsx``, ``.~lock.name#``), temporary files
  (``*.tmp``, ``*.part``, ``*.crdownload``, ``~name``...), hidden files and folders, system files
  (``Thumbs.db``, ``desktop.ini``) and symbolic links (never followed).
* A file is taken once it is stable: the same size and modification time seen over an interval,
  openable, and (for the zip formats) with its end record written, so a file still being copied
  is never read half-way.
* :func:`place` puts a file under a new name without ever replacing one (a hard link, or a rename
  that refuses an existing name); :func:`copy_hashed` copies with its SHA-256, fsynced;
  :func:`free_name` finds a name not taken, with a time stamp and then a number.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

#: Names the watcher never touches: lock, temporary and system files.
_LOCK_PREFIXES = ("~$", ".~lock.", "~", ".")
_TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp",
                  ".lock", ".bak~", "~", "#")
_SYSTEM = {"thumbs.db", "desktop.ini", ".ds_store", "icon\r"}
#: Formats that are zip packages: a copy still under way has no end record yet.
_ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xlsb")
_CHUNK = 1 << 20


def left_alone(name: str) -> bool:
    """Whether a file of this name is a lock, temporary, hidden or system file."""
    lower = name.lower()
    return (name.startswith(_LOCK_PREFIXES) or lower.endswith(_TEMP_SUFFIXES)
            or lower in _SYSTEM)


@dataclass(frozen=True)
class Seen:
    """A file of the inbox as one look saw it."""

    path: Path
    size: int
    mtime_ns: int
    changed_ns: int = 0  # the latest of its modification and status-change times

    def age(self) -> float:
        """Seconds since the file was last written (as its times say)."""
        return time.time() - self.changed_ns / 1e9

    @property
    def signature(self) -> tuple[int, int]:
        return self.size, self.mtime_ns


def _hidden_on_windows(st: os.stat_result) -> bool:
    attrs = getattr(st, "st_file_attributes", 0)
    return bool(attrs & (getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2)
                         | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)
                         | getattr(stat, "FILE_ATTRIBUTE_TEMPORARY", 256)))


def scan(inbox: Path, skip: Iterable[Path] = ()) -> Iterator[Seen]:
    """The files of ``inbox`` and its subfolders that the watcher may take; symbolic links,
    hidden folders and the folders in ``skip`` (an archive or outbox inside the inbox) are
    not entered."""
    skipped = {os.path.normcase(os.path.abspath(p)) for p in skip}
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # a folder removed or not readable: looked at again next time
        for entry in sorted(entries, key=lambda e: e.name):
            try:
                if entry.is_symlink():
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if (not entry.name.startswith(".") and not _hidden_on_windows(st)
                        and os.path.normcase(os.path.abspath(entry.path)) not in skipped):
                    stack.append(Path(entry.path))
            elif (stat.S_ISREG(st.st_mode) and not left_alone(entry.name)
                  and not _hidden_on_windows(st)):
                yield Seen(Path(entry.path), st.st_size, st.st_mtime_ns,
                           max(st.st_mtime_ns, st.st_ctime_ns))


def ready(path: Path) -> bool:
    """Whether a stable file can be read now: it opens (a file Windows still copies does not),
    and a file that begins as a zip package has its end record (a copy cut short has none
    yet). A file that is no zip at all is ready: the reader says what it is."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if path.suffix.lower() in _ZIP_SUFFIXES and head == b"PK\x03\x04":
            return zipfile.is_zipfile(path)
    except OSError:
        return False
    return True


def stamp(when: datetime) -> str:
    """A time stamp for a file name, as people write dates: ``25.11.2026 14-03-22``."""
    return when.strftime("%d.%m.%Y %H-%M-%S")


def free_name(folder: Path, names: Callable[[int], str], taken: Callable[[str], bool]) -> Path:
    """``folder / names(0)``, else ``names(1)``, ``names(2)``... : the first that names no file
    there and that ``taken`` (the journal's planned names) does not know."""
    n = 0
    while True:
        target = folder / names(n)
        if not _exists(target) and not taken(str(target)):
            return target
        n += 1


def variants(name: str, mark: str) -> Callable[[int], str]:
    """The names a kept file may take: ``register.xlsx``, then ``register (25.11.2026
    14-03-22).xlsx``, then ``register (25.11.2026 14-03-22) (2).xlsx``..."""
    p = Path(name)

    def names(n: int) -> str:
        if n == 0:
            return name
        return f"{p.stem} ({mark}){'' if n == 1 else f' ({n})'}{p.suffix}"
    return names


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def same_file(path: Path, size: int, mtime_ns: int, sha256: str) -> bool:
    """Whether the file at ``path`` is still the one copied with these size, time and hash."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    if (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
        return False
    try:
        return sha256_of(path) == sha256
    except OSError:
        return False


def copy_hashed(src: Path, dst: Path) -> tuple[str, int, int] | None:
    """Copy ``src`` to the new file ``dst`` (fsynced), hashing it on the way: (sha256, size,
    mtime_ns), or None (and no ``dst``) when ``src`` changed during the copy."""
    before = os.stat(src)
    h = hashlib.sha256()
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        with src.open("rb") as fin, open(dst, "xb") as fout:
            while chunk := fin.read(_CHUNK):
                h.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        after = os.stat(src)
    except BaseException:
        _unlink(dst)
        raise
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) \
            or after.st_size != dst.stat().st_size:
        _unlink(dst)
        return None
    return h.hexdigest(), after.st_size, after.st_mtime_ns


def place(src: Path, dst: Path, *, sync: bool = True) -> None:
    """Give ``src`` the name ``dst`` and drop its old name, never replacing a file: a hard link
    then the old name removed; where links are not supported, a rename that refuses an
    existing name. Raises FileExistsError when ``dst`` is taken.

    The new name is made durable (:func:`fsync_dir`) before the old one is removed; with
    ``sync=False`` the caller does it, once for several files of one folder, before relying
    on any of them (the old name, still there until then, keeps the file meanwhile)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network shares): a rename
        if sys.platform != "win32" and _exists(dst):  # Windows' rename refuses by itself
            raise FileExistsError(dst) from None
        os.rename(src, dst)
        if sync:
            fsync_dir(dst.parent)
        return
    if not sync:
        return  # the old name is removed by the caller, after its fsync_dir
    fsync_dir(dst.parent)
    _unlink(src)  # not made durable: a hidden name left by a power cut is removed on restart


def write_text_atomically(path: Path, text: str) -> None:
    """``path`` holds ``text`` (UTF-8 with BOM, so Windows Notepad shows Cyrillic), written to a
    temporary name, fsynced and renamed."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="\r\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a new or removed name in ``folder`` durable (POSIX; Windows has no such call)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove(path: Path) -> None:
    """Remove one of the watcher's own temporary files (gone already: nothing to do)."""
    _unlink(path)
