"""The stream backend: the copy of an .xlsx/.xlsm written by copying its package as it is and
streaming only the edited sheets' XML (see :mod:`.copier`), one module per part it writes."""

from __future__ import annotations

from .copier import write_stream
from .errors import StreamUnsupported

__all__ = ["StreamUnsupported", "write_stream"]
