"""A file the plan tells you to open is empty.

An empty reading-order file or a zero-byte PDF passes every existence check
and still leaves the reader with nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.plan.model import owner


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.layout.plan_root is None:
        return
    empty: dict[str, None] = {}
    for plan in ctx.plans:
        for item in plan.all_items():
            if owner(plan, item) == RULE.slug:
                path = item.where or plan.expected(item)
                if path:
                    empty[path] = None
    for path in empty:
        yield RULE.finding(path, "the plan tells you to open this file, but it is empty")


RULE = Rule(
    slug="empty-file",
    code="PS104",
    severity=Severity.WARNING,
    description="A file the plan tells you to open is empty.",
    hint="add its content (a placeholder commit of an empty file helps no reader)",
    check=check,
    doc=__doc__ or "",
)
