"""A file the plan tells you to open is empty.

An empty reading-order file or a zero-byte PDF passes every existence check
and still leaves the reader with nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.findings import Finding, Severity
from papershelf.rules.base import Context, Rule
from papershelf.rules.missing_paper import located_papers


def check(ctx: Context) -> Iterator[Finding]:
    layout, snapshot = ctx.layout, ctx.snapshot
    if layout.plan_root is None:
        return
    to_open = [layout.under_root(p.path) for p in ctx.config.paths if p.open and p.kind == "file"]
    for found in located_papers(ctx).values():
        to_open.extend(found)
    for path in dict.fromkeys(to_open):
        if snapshot.is_empty(path):
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
