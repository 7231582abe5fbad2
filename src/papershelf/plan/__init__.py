"""The reading plan: read its markdown, resolve its items over a snapshot (views render it).

The markdown reader is imported only when a plan is read: a warm ``repo-check``
takes the plan's status from the cache and never needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from papershelf.plan.model import HOW, KINDS, STATUSES, Item, Phase, ReadingPlan, Step


def parse(text: str, sections: set[str] | None = None, **options: Any) -> ReadingPlan:
    """The plan's phases, steps and items (see :func:`papershelf.plan.reader.read`)."""
    from papershelf.plan.reader import read

    return read(text, sections, **options)[0]


def explain(
    text: str, sections: set[str] | None = None, **options: Any
) -> Iterator[tuple[int, str, str]]:
    """Each line of the plan and what it was taken for (``papershelf plan --explain``)."""
    from papershelf.plan.reader import read

    return iter(read(text, sections, **options)[1])


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
