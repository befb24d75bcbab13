"""What the stream backend raises when it declines a package."""

from __future__ import annotations


class StreamUnsupported(Exception):
    """The package has something this backend does not handle; the caller falls back to
    openpyxl."""
