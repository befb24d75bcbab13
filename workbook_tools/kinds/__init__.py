"""The kinds of table the tool knows, one module each: what is particular to a register, to a
plan (and later to an assessment sheet). The pipeline tries every kind in :data:`KINDS` on every
sheet; the copy and the outputs call a table's kind and never test its name.
"""

from __future__ import annotations

from ..model import TableKind
from .plan import PLAN
from .register import REGISTER

#: Every kind, in the order they are tried on a sheet (the first wins a header row both match
#: equally well).
KINDS: tuple[TableKind, ...] = (REGISTER, PLAN)

__all__ = ["KINDS", "PLAN", "REGISTER"]
