"""Shared fixtures: tiny on purpose; workbooks are built in each test by tests/builders.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def soffice_profile(tmp_path: Path) -> Path:
    """A throw-away LibreOffice profile, so runs never share or lock one; skip without soffice."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return tmp_path / "lo_profile"
