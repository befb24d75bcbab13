"""LibreOffice, headless, as a converter: the reader of last resort and the .ods -> .xlsx path.

:func:`convert` turns a file into ``target_ext`` ("xlsx", "ods", "xls", "csv", "pdf") with
``soffice --headless --convert-to`` and returns the converted file, which lies alone in a fresh
private temporary folder. **The caller removes that folder** (``shutil.rmtree(path.parent)``,
or use :func:`converted`, a context manager that does it).

Safety:

* the input is never touched: LibreOffice opens a private copy (it would otherwise leave a lock
  file beside the input), so a folder the user cannot write to works too;
* a private, throw-away profile (``-env:UserInstallation``) that sets macro security to
  "very high" and disables macro execution, never updates links and never recalculates on load
  (so no WEBSERVICE or external link is fetched); ``--norestore``, ``--nolockcheck``;
* a hard time limit: LibreOffice runs in its own process group, killed whole (SIGKILL) when the
  limit passes; LibreOffice was seen to hang for minutes on crafted files.

Every failure is a :class:`LibreOfficeError`, a :class:`~workbook_tools.errors.RejectedFile`
with a reason code (``file.libreoffice_missing``, ``file.libreoffice_timeout``,
``file.libreoffice_failed``), so it reaches the user as a sentence in their language.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import RejectedFile

#: LibreOffice's export filter for each target extension.
FILTERS = {
    "pdf": "pdf:calc_pdf_Export",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76",
}

DEFAULT_TIMEOUT = 60.0

#: The private profile: macros never run, links are never updated, nothing is recalculated on
#: load (a recalculation could fetch WEBSERVICE or external data).
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update">\
<prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">\
<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RejectedFile):
    """LibreOffice is missing, timed out or could not convert the file (``reason`` says which).

    ``output`` holds what LibreOffice printed: parser text, for ``--debug`` only.
    """

    output: str = ""


def soffice() -> str | None:
    """The path of ``soffice`` (or ``libreoffice``) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """True when LibreOffice (``soffice``) is on PATH."""
    return soffice() is not None


def convert(src: Path, target_ext: str, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert ``src`` to ``target_ext`` with LibreOffice headless; return the converted file.

    The result lies alone in a fresh temporary folder that the caller removes
    (``shutil.rmtree(result.parent)``); on failure nothing is left behind. Raises
    :class:`LibreOfficeError`.
    """
    src = Path(src)
    exe = soffice()
    if exe is None:
        raise LibreOfficeError("file.libreoffice_missing")
    target_ext = target_ext.lower().lstrip(".")
    if target_ext not in FILTERS:
        raise ValueError(f"no LibreOffice filter for {target_ext!r}")
    work = Path(tempfile.mkdtemp(prefix="wbt-lo-"))
    try:
        result = _run(exe, src, target_ext, work, timeout)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result


@contextlib.contextmanager
def converted(src: Path, target_ext: str, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Path]:
    """:func:`convert` as a context manager: the converted file, removed on exit."""
    result = convert(src, target_ext, timeout=timeout)
    try:
        yield result
    finally:
        shutil.rmtree(result.parent, ignore_errors=True)


def _run(exe: str, src: Path, target_ext: str, work: Path, timeout: float) -> Path:
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    inbox = work / "in"
    inbox.mkdir()
    # a plain name: LibreOffice picks its import filter from the content, and an odd name
    # (spaces, leading dashes, non-ASCII) cannot be taken for an option
    copy = inbox / ("input" + "".join(src.suffixes[-1:]).lower())
    try:
        shutil.copyfile(src, copy)
    except OSError as exc:
        raise RejectedFile("file.unreadable", detail=exc.strerror or type(exc).__name__) from exc
    outdir = work / "out"
    outdir.mkdir()
    env = dict(os.environ, HOME=str(profile), TMPDIR=str(profile), SAL_USE_VCLPLUGIN="svp")
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        FILTERS[target_ext],
        "--outdir",
        str(outdir),
        str(copy),
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=work,
            start_new_session=True,  # its own process group, killed whole on timeout
        )
    except OSError as exc:
        error = LibreOfficeError("file.libreoffice_failed")
        error.output = str(exc)
        raise error from exc
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise LibreOfficeError("file.libreoffice_timeout", limit=f"{timeout:g}") from None
    except BaseException:
        _kill_group(proc)
        raise
    _kill_group(proc)  # a helper process may linger after soffice.bin has exited
    made = sorted(outdir.glob(f"*.{target_ext}"))
    if proc.returncode != 0 or len(made) != 1 or made[0].stat().st_size == 0:
        error = LibreOfficeError("file.libreoffice_failed")
        error.output = f"exit {proc.returncode}: " + output.decode("utf-8", "replace").strip()
        raise error
    result = work / f"converted.{target_ext}"
    made[0].replace(result)
    shutil.rmtree(profile, ignore_errors=True)
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.rmtree(outdir, ignore_errors=True)
    return result


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
        proc.communicate(timeout=5)  # reaps it and closes the pipe
