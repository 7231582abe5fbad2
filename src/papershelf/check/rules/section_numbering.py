"""Numbered folders (``NN_Title``, ``xx_Title``) clash or skip a number.

Two siblings with the same number make the reading order ambiguous (an
error); a skipped number is worth knowing about (info) — unless it lies within
the numbers the plan's own folders span there: a folder the plan names that is
missing is ``missing-path``'s, and a number the plan itself skips is its
author's choice (``papershelf init`` lays out exactly that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity

_NUMBERED = re.compile(r"^(\d+)_")


def check(ctx: Context) -> Iterator[Finding]:
    root = ctx.layout.plan_root
    if root is None:
        return
    prefix = root + "/" if root else ""
    by_parent: dict[str, dict[int, list[str]]] = {}
    for folder in ctx.snapshot.dirs:
        if not folder.startswith(prefix):
            continue
        parent, _, name = folder.rpartition("/")
        match = _NUMBERED.match(name)
        if match:
            by_parent.setdefault(parent, {}).setdefault(int(match[1]), []).append(name)
    planned = _planned_numbers(ctx)
    for parent in sorted(by_parent):
        numbers = by_parent[parent]
        for number in sorted(numbers):
            names = sorted(numbers[number])
            if len(names) > 1:
                width = len(names[0].split("_")[0])
                for name in names:
                    others_list = [f"`{other}`" for other in names if other != name]
                    others = ", ".join(others_list[:3])
                    if len(others_list) > 3:
                        others += f" and {len(others_list) - 3} more"
                    yield RULE.finding(
                        f"{parent}/{name}" if parent else name,
                        f"number {number:0{width}d} is also used by {others}",
                    )
        gaps = sorted(
            set(range(min(numbers), max(numbers) + 1)) - set(numbers) - planned.get(parent, set())
        )
        if gaps:
            width = len(next(iter(numbers.values()))[0].split("_")[0])
            listed = ", ".join(f"{gap:0{width}d}" for gap in gaps)
            yield RULE.finding(
                parent or ".",
                f"numbered folders skip {listed}",
                severity=Severity.INFO,
                hint="renumber the folders, or ignore this if the gap is deliberate",
            )


def _planned_numbers(ctx: Context) -> dict[str, set[int]]:
    """``parent -> numbers`` the plans' numbered folders span there (optional ones too),
    from the first to the last: what the plan numbers, and the numbers it skips."""
    from papershelf.plan.status import planned_folders

    planned: dict[str, set[int]] = {}
    for path in planned_folders(ctx.plans, optional=True):
        parent, _, name = path.rpartition("/")
        match = _NUMBERED.match(name)
        if match:
            planned.setdefault(parent, set()).add(int(match[1]))
    return {
        parent: set(range(min(spanned), max(spanned) + 1)) for parent, spanned in planned.items()
    }


RULE = Rule(
    slug="section-numbering",
    code="PS105",
    severity=Severity.ERROR,
    description="Numbered sibling folders share a number (error) or skip one (info).",
    hint="give each numbered folder its own number",
    check=check,
    doc=__doc__ or "",
)
