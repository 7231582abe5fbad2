"""A path written in the plan file resolves to nothing.

Backticked paths and markdown links in the plan file are looked up from the
plan root, then beside the plan file, then as the unique end of an existing
path (``02_Data_Filtering_Quality`` finds ``01_Data_Centric_AI/02_…``). A path
that exists only as an archive is pointed to ``papershelf extract``. A folder
or file the plan names that is missing is reported once, by ``missing-path``,
and not again on the plan's line (nor is what the plan reads from it); a
missing paper the plan links to is reported by ``missing-paper``. This rule
keeps what only it catches: a name written short (``06_Engineering`` for
``06_Engineering_&_Tuning``), a path written wrong for what is found elsewhere.
What the plan view shows found is named where it is, never "resolves to nothing":
``papershelf plan`` and this rule give one answer for each line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.plan.model import Kind, Status
from papershelf.plan.names import near_match
from papershelf.shown import command


def check(ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, int, str]] = set()
    for plan in ctx.plans:
        if plan.plan_file is None:
            continue
        for item in plan.items():
            key = (plan.plan_file, item.line, item.written)
            if not item.written or item.resolves or item.gone or key in seen:
                continue  # a folder the plan names, or one it sits in, is missing-path's
            if item.kind == Kind.PAPER and item.status == Status.MISSING:
                continue  # missing-paper's: one finding per missing paper
            seen.add(key)
            if item.status == Status.ARCHIVED and item.where:
                yield RULE.finding(
                    plan.plan_file,
                    f"`{item.written}` exists only as the archive `{item.where}`",
                    hint=f"extract it outside git: {command('papershelf extract', item.where)}",
                    line=item.line,
                )
                continue
            if item.where and item.status in FOUND:  # `plan` shows it there: say where
                what = "paper" if item.kind == Kind.PAPER else item.kind.value
                yield RULE.finding(
                    plan.plan_file,
                    f"`{item.written}` is not a path in the repository: the {what} is at "
                    f"`{item.where}`",
                    hint="write the path it is at in the plan file",
                    line=item.line,
                )
                continue
            target = posixpath.join(plan.root, item.written) if plan.root else item.written
            near = near_match(ctx.snapshot, target, is_file=item.kind in (Kind.FILE, Kind.PAPER))
            yield RULE.finding(
                plan.plan_file,
                f"`{item.written}` resolves to nothing"
                + (f" (did you mean `{near}`?)" if near else ""),
                line=item.line,
            )


# found, though not where it is written: `papershelf plan` shows where it is
FOUND = (Status.PRESENT, Status.EMPTY, Status.MISPLACED)


RULE = Rule(
    slug="plan-reference",
    code="PS103",
    severity=Severity.WARNING,
    description="A path written in the plan file resolves to nothing.",
    hint="fix the path in the plan file, or create what it names",
    check=check,
    doc=__doc__ or "",
)
