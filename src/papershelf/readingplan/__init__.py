"""The reading plan: parse its markdown, compute its status over a snapshot, render it."""

from __future__ import annotations

from papershelf.readingplan.model import HOW, KINDS, STATUSES, Item, Phase, ReadingPlan, Step
from papershelf.readingplan.parse import explain, parse

__all__ = [
    "HOW",
    "KINDS",
    "STATUSES",
    "Item",
    "Phase",
    "ReadingPlan",
    "Step",
    "explain",
    "parse",
]
