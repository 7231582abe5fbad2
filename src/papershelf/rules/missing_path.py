"""A folder or file the plan expects is absent.

The plan sends the reader to these paths in order; when one is missing the
reading order breaks. When a sibling has a close name the finding says so, and
when the folder exists only as an archive it points to ``papershelf extract``.
A repository with no plan folders at all gets one finding, not one per folder.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.findings import Finding, Severity
from papershelf.rules._paths import archive_standin, near_match
from papershelf.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    layout, snapshot, config = ctx.layout, ctx.snapshot, ctx.config
    if layout.plan_root is None:
        first = config.sections[0].path if config.sections else "?"
        yield RULE.finding(
            ".",
            f"no plan folders found: expected `{first}` and the other "
            f"{len(config.sections) - 1} sections of the plan",
            hint="run `papershelf init` to create them, or set `root` in the configuration",
        )
        return
    expected = [(s.path, "dir") for s in config.sections if s.required]
    expected += [(p.path, p.kind) for p in config.paths]
    reported: list[str] = []
    for relative, kind in dict.fromkeys(expected):
        path = layout.under_root(relative)
        present = snapshot.has_file(path) if kind == "file" else path in snapshot.dirs
        if present or any(path.startswith(gone + "/") for gone in reported):
            continue
        reported.append(path)
        what = "file" if kind == "file" else "folder"
        archive = archive_standin(snapshot, path, layout.plan_root)
        if archive:
            yield RULE.finding(
                path,
                f"the plan's {what} `{relative}` exists only as the archive `{archive}`",
                severity=Severity.WARNING,
                hint=f"extract it outside git: papershelf extract '{archive}'",
            )
            continue
        near = near_match(snapshot, path, is_file=kind == "file")
        suggestion = f" (did you mean `{near}`?)" if near else ""
        yield RULE.finding(path, f"the plan's {what} `{relative}` is missing{suggestion}")


RULE = Rule(
    slug="missing-path",
    code="PS101",
    severity=Severity.ERROR,
    description="A folder or file the plan expects is absent.",
    hint="create it where the plan expects it, or rename the folder that holds it",
    check=check,
    doc=__doc__ or "",
)
