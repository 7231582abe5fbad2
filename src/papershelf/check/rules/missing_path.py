"""A folder or file the plan names is absent.

The plan sends the reader to these paths in order; when one is missing the
reading order breaks. When a sibling has a close name the finding says so, and
when the folder exists only as an archive it points to ``papershelf extract``.
A missing folder is reported once, not once more for every folder inside it,
and its finding names the papers the plan reads from it: ``papershelf plan``
shows each of them missing, "in <folder>, which is missing", and counts them
apart (``5 missing (3 in a missing folder)``).
A repository with none of its rule set's sections gets one error; one with no
plan at all gets one info finding saying how to add a plan.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.plan.layout import NO_PLAN_HINT
from papershelf.plan.model import Kind, Status, gone_items
from papershelf.plan.names import near_match
from papershelf.shown import command


def check(ctx: Context) -> Iterator[Finding]:
    layout, config = ctx.layout, ctx.config
    if layout.plan_root is None:
        first = config.sections[0].path if config.sections else "?"
        yield RULE.finding(
            ".",
            f"no plan folders found: expected `{first}` and the other "
            f"{len(config.sections) - 1} sections of the plan",
            hint="create them with `repo-check --fix` (see first: `repo-check --fix --dry-run`), "
            "or set `root` in the configuration to the folder that holds them",
        )
        return
    if not any(True for plan in ctx.plans for _ in plan.all_items()):
        if not any(plan.skipped for plan in ctx.plans):  # else `plan-file` said why
            yield _no_plan(ctx)
        return
    reported = gone_items(ctx.plans)
    papers: dict[str, dict[str, None]] = {}  # a missing folder -> the papers read from it
    for plan in ctx.plans:
        for item in plan.all_items():
            if item.gone is not None and item.kind == Kind.PAPER:
                papers.setdefault(item.gone, {})[item.name] = None
    for path in sorted(reported):
        item = reported[path]
        what = "file" if item.kind == Kind.FILE else "folder"
        with_it = _papers_with_it(list(papers.get(path, ())))
        if item.status == Status.ARCHIVED:
            yield RULE.finding(
                path,
                f"the plan's {what} `{item.path}` exists only as the archive `{item.where}`"
                + with_it,
                severity=Severity.WARNING,
                hint=f"extract it outside git: {command('papershelf extract', item.where or path)}",
            )
        elif item.status == Status.MISPLACED:
            yield RULE.finding(
                path,
                f"the plan's {what} `{item.path}` is missing here: it is at `{item.where}`"
                + with_it,
                hint="move it where the plan expects it, or correct the path in the plan",
            )
        else:
            near = near_match(ctx.snapshot, path, is_file=item.kind == Kind.FILE)
            suggestion = f" (did you mean `{near}`?)" if near else ""
            yield RULE.finding(
                path, f"the plan's {what} `{item.path}` is missing{suggestion}{with_it}"
            )


def _papers_with_it(titles: list[str], shown: int = 3) -> str:
    """``, and with it 2 papers the plan reads from it: "A", "B"`` (the first few named)."""
    if not titles:
        return ""
    count = len(titles)
    named = ", ".join(f'"{title}"' for title in titles[:shown])
    more = f" and {count - shown} more" if count > shown else ""
    papers = "the paper" if count == 1 else f"{count} papers"
    return f", and with it {papers} the plan reads from it: {named}{more}"


RULE = Rule(
    slug="missing-path",
    code="PS101",
    severity=Severity.ERROR,
    description="A folder or file the plan names is absent.",
    hint="create it where the plan expects it, or rename the folder that holds it",
    check=check,
    doc=__doc__ or "",
)


def _no_plan(ctx: Context) -> Finding:
    """One finding for a repository whose plan names nothing papershelf can check."""
    config, plan_file = ctx.config, ctx.layout.plan_file
    if config.plan and not ctx.layout.sources:
        named = ", ".join(f"`{name}`" for name in config.plan)
        return RULE.finding(
            ".",
            f"the configured plan {named} names no tracked, non-empty file",
            hint=f"correct `plan` in {config.config_file or 'the configuration'}",
        )
    if plan_file is not None and not (ctx.layout.sources and ctx.layout.sources[0].readme):
        return RULE.finding(
            plan_file,
            "the plan names no folder, file or paper papershelf understands",
            severity=Severity.INFO,
            hint="see what each line was taken for: papershelf plan --explain",
        )
    return RULE.finding(
        ".",
        "no reading plan found, so only the hygiene rules ran",
        severity=Severity.INFO,
        hint=NO_PLAN_HINT,
    )
