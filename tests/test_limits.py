"""The limits are settings: each one, made small, turns a normal file into a clear rejection."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook_tools import Limits, Options, analyse, messages

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
SAMPLE = SAMPLES / "dostuk_apparat_register.xlsx"


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (Limits(max_seconds=0.0), "file.timeout"),
        (Limits(max_rows=10), "file.too_large"),
        (Limits(max_columns=5), "file.too_large"),
        (Limits(max_cells=50), "file.too_large"),
        (Limits(max_zip_entries=3), "file.zip_bomb"),
        (Limits(max_uncompressed_bytes=1000), "file.zip_bomb"),
        (Limits(max_file_bytes=100), "file.too_large"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_small_limit_rejects_with_its_reason(limits: Limits, reason: str) -> None:
    report = analyse(SAMPLE, Options(limits=limits))
    assert (report.status, report.reason) == ("rejected", reason)
    for lang in messages.LANGS:
        text = messages.rejection(report, lang)
        assert text and "{" not in text


def test_default_limits_read_the_sample() -> None:
    assert analyse(SAMPLE).status in ("ok", "errors")
