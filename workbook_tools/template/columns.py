"""The columns of each template: the table format's own columns (``schemas/*.toml``, headed with
their labels so the tool's header search finds them) and the computed ones, with their widths.

A computed column the tool also computes is named by :data:`COMPUTED` (the frame's column it
must agree with); its header names no column of the table format, so the tool never takes it
for data (tests/test_template.py checks both).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import messages
from ..rules.formats import table_format


@dataclass(frozen=True)
class Col:
    """One column of a template."""

    key: str
    width: float
    #: a formula column (protected, grey); else staff type in it
    formula: bool = False
    #: the catalogue code of its header; None: the table format's label of ``key``
    header: str | None = None

    def title(self, kind: str, lang: str) -> str:
        if self.header is not None:
            return messages.text(self.header, lang)
        return table_format(kind).column(self.key).label[lang]


COLUMNS: dict[str, tuple[Col, ...]] = {
    # the register's eight columns, then the Annex I inputs; the level of column 5 is computed
    "register": (
        Col("number", 5), Col("function", 16), Col("cases", 28), Col("category", 14),
        Col("stated_level", 11, formula=True), Col("unit", 14), Col("positions", 14),
        Col("other_bodies", 12), Col("probability", 10), Col("probability_reason", 20),
        Col("harm", 10), Col("harm_reason", 20), Col("sum", 9, formula=True, header="col.sum"),
        Col("control", 12), Col("residual", 12, formula=True, header="col.residual"),
        Col("measure", 22, formula=True, header="col.measure"), Col("measures", 24),
    ),
    # the plan's seven columns, its status and a completion note, then the computed ones
    "plan": (
        Col("number", 5), Col("task", 22), Col("activity", 32), Col("deadline", 18),
        Col("expected", 24), Col("responsible", 18), Col("funding", 14), Col("status", 15),
        Col("note", 20, header="template.col.note"),
        Col("due", 12, formula=True, header="template.col.due"),
        Col("state", 16, formula=True, header="template.col.state"),
    ),
}

#: The column a section's name is written in (a row with no other value).
SECTION_COLUMN: dict[str, str] = {"register": "function", "plan": "task"}

#: Computed template columns and the frame column (after the tool's scoring) each must equal.
COMPUTED: dict[str, dict[str, str]] = {
    "register": {"stated_level": "level", "sum": "score", "residual": "residual_level",
                 "measure": "measure"},
    "plan": {"due": "next_due", "state": "status"},
}


def letter(index: int) -> str:
    """The Excel column letter of a 0-based index."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def position(kind: str) -> dict[str, int]:
    """Column key -> 0-based index in the template."""
    return {c.key: i for i, c in enumerate(COLUMNS[kind])}
