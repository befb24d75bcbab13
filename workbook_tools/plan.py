"""The action plan (иш-чаралар планы): deadlines, status, yearly report, cross-check."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .normalize import parse_text

PARSERS: dict[str, Any] = {"deadline": parse_text}


def analyse_plan(frame: pd.DataFrame, options: Any, sheet: str, layout: Any) -> list[Any]:
    return []


def cross_check(tables: list[Any], plans: list[Any]) -> None:
    return None

PLAN_COLUMNS: list[Any] = []


def status_fill(rec: dict[str, Any]) -> Any:
    return None


def legend_entries(lang: str) -> list[Any]:
    return []


def write_plan_summary(out: Any, table: Any, lang: str, options: Any) -> None:
    return None
