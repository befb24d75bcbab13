"""Every file the tool writes is written atomically: into a temporary file beside the target,
flushed to disk, then renamed over it, so no half-written file is ever visible under the
target's name (a power cut, a full disk, a crash). The scored copy, the consolidated workbook,
the templates, the assessment sheets and the web page all go through :func:`save_atomic`.

This module imports nothing of the package.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def save_atomic(write: Callable[[Path], T], target: Path) -> T:
    """Run ``write(temporary path)`` and rename the result to ``target``; returns what
    ``write`` returns. On any failure the temporary file is removed and the error goes on."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from colleagues
    try:
        result = write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result
