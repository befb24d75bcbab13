"""Shared fixtures: tiny on purpose; workbooks are built in each test by tests/builders.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.builders import SOFFICE, soffice_convert


@pytest.fixture(scope="session")
def lo_convert(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str, Path], Path]:
    """``convert(src, fmt, outdir)`` with LibreOffice headless and one throw-away profile;
    skips the test when ``soffice`` is not installed."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path_factory.mktemp("lo_profile")

    def convert(src: Path, fmt: str, outdir: Path) -> Path:
        return soffice_convert(src, fmt, outdir, profile)

    return convert


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for ``lo_convert`` runs LibreOffice: it is ``slow`` wherever it is."""
    for item in items:
        if "lo_convert" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


#: the variables that choose the CLI's language when --lang is not given (clilang.pick_lang)
LANG_VARIABLES = ("WORKBOOK_TOOLS_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture(autouse=True)
def _no_language_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as on a machine whose locale says nothing (the CLI then speaks Kyrgyz), so
    their outcome never depends on the CI machine's LANG; a test sets what it needs."""
    for name in LANG_VARIABLES:
        monkeypatch.delenv(name, raising=False)
