"""A report a worker process sends back names its table's kind: the receiver's own object
takes its place (not a copy carrying the kind's table format)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from workbook_tools.batch import _light
from workbook_tools.kinds import KINDS
from workbook_tools.kinds.register import RegisterKind
from workbook_tools.pipeline import analyse

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_kind_is_pickled_by_its_name(kind: object) -> None:
    data = pickle.dumps(kind, protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(data) is kind
    assert len(data) < 200  # its name, not its table format


def test_a_kind_of_its_own_is_pickled_as_objects_are() -> None:
    other = RegisterKind()
    back = pickle.loads(pickle.dumps(other))
    assert type(back) is RegisterKind and back is not other


def test_a_light_report_comes_back_with_the_same_kinds() -> None:
    report = _light(analyse(SAMPLES / "mixed_register_and_plan.xlsx"))
    assert {t.kind.name for t in report.tables} == {"register", "plan"}
    back = pickle.loads(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    assert [t.kind for t in back.tables] == [t.kind for t in report.tables]
    assert all(b.kind is t.kind for b, t in zip(back.tables, report.tables, strict=True))
    assert all(b.frame.equals(t.frame) for b, t in zip(back.tables, report.tables, strict=True))
