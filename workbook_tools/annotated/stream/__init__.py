"""The stream backend: the copy of an .xlsx/.xlsm written by copying its package as it is and
streaming only the edited sheets' XML (see :mod:`.copier`)."""

from __future__ import annotations

from .copier import StreamUnsupported, write_stream

__all__ = ["StreamUnsupported", "write_stream"]
