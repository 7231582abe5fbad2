"""The plans' status as plain data, kept with the index facts between runs.

A warm ``repo-check`` reads the status back instead of parsing the plan and
matching every item again: it is valid while the index (paths, emptiness), the
plan files' text and the configuration that shapes the plan are unchanged —
all three are in the key, and the index facts drop what they keep when the
index changes. Anything malformed is ignored and the status computed afresh.

Each plan file's parse is kept apart, by its text (:class:`ParsedPlans`): the
index changes with every commit, a plan far less often.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

from papershelf import store
from papershelf.plan.model import How, Item, Kind, Phase, ReadingPlan, Skipped, Status, Step

_FIELDS = Item._fields


def _item(item: Item) -> tuple[Any, ...]:
    """An item as values marshal writes: its enums by their values."""
    return tuple(_plain(getattr(item, name)) for name in _FIELDS)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def to_plain(plans: list[ReadingPlan]) -> tuple[Any, ...]:
    return tuple(
        (
            plan.title,
            plan.structured,
            plan.plan_file,
            plan.root,
            tuple(
                (
                    phase.title,
                    phase.line,
                    tuple(
                        (step.title, step.line, tuple(_item(item) for item in step.items))
                        for step in phase.steps
                    ),
                )
                for phase in plan.phases
            ),
            tuple(_item(item) for item in plan.sections),
            None if plan.papers is None else tuple(plan.papers),
            None if plan.skipped is None else tuple(plan.skipped),
        )
        for plan in plans
    )


def _read_item(values: Any) -> Item:
    values = tuple(values)
    if len(values) != len(_FIELDS):
        raise ValueError("an item of another shape")
    item = Item(*values)
    if not isinstance(item.line, int):
        raise ValueError("an item of another shape")
    how = None if item.how is None else How(item.how)  # ValueError if unknown
    return item.but(kind=Kind(item.kind), status=Status(item.status), how=how)


def from_plain(value: object) -> list[ReadingPlan] | None:
    """The plans read back, or None when the stored value is not what ``to_plain`` wrote."""
    try:
        plans = []
        for title, structured, plan_file, root, phases, sections, papers, skipped in value:  # type: ignore[attr-defined]
            plan = ReadingPlan(
                str(title),
                tuple(
                    Phase(
                        str(phase_title),
                        int(phase_line),
                        tuple(
                            Step(
                                str(step_title),
                                int(step_line),
                                tuple(_read_item(i) for i in items),
                            )
                            for step_title, step_line, items in steps
                        ),
                    )
                    for phase_title, phase_line, steps in phases
                ),
                bool(structured),
                None if plan_file is None else str(plan_file),
                str(root),
                tuple(_read_item(values) for values in sections),
            )
            if skipped is not None:
                file, reason, hint, line = skipped
                plan = plan.but(skipped=Skipped(str(file), str(reason), str(hint), int(line)))
            if papers is not None:
                from papershelf.papers.facts import PaperFacts

                plan = plan.but(papers=PaperFacts(*papers))
            plans.append(plan)
    except (TypeError, ValueError):
        return None
    return plans


class ParsedPlans:
    """Parsed plan files by their text and what shapes the parse, kept in git's directory.

    A commit that stages a paper changes the index, not the plan: the next run
    matches the same items against the new paths without reading the markdown
    again (or importing its reader). Only the entries a run uses are kept.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_file = store.entry(cache_dir, "plans") if cache_dir is not None else None
        self.stored: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.changed = False
        if self.cache_file is not None:
            loaded = store.load(self.cache_file, 2, expect_first=store.code_stamp())
            if loaded is not None and isinstance(loaded[1], dict):
                self.stored = loaded[1]

    def get(self, key: str) -> ReadingPlan | None:
        plans = from_plain(self.stored.get(key, ()))
        if not plans or len(plans) != 1:
            return None
        self.used[key] = self.stored[key]
        return plans[0]

    def put(self, key: str, plan: ReadingPlan) -> None:
        self.used[key] = to_plain([plan])
        self.changed = True

    def save(self) -> None:
        if self.cache_file is not None and (self.changed or self.used.keys() != self.stored.keys()):
            store.store(self.cache_file, store.code_stamp(), self.used)
