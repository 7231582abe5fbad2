"""Two tracked PDFs are one paper.

Files are one paper when they hold the same content, carry the same arXiv id
(any version: ``2106.09685v1.pdf`` and ``2106.09685v2.pdf``), the same DOI, or
the same real title in their metadata: an app's default ("New Note",
"Untitled", "Slide 1", "Microsoft Word - x.doc") or a file name is no title,
so two lecture notes an app called "New Note" are not one paper. All the
copies are named in one finding; keeping one is the reader's choice, so
``--fix`` never removes any, and the hint gives the ``git rm`` only when the
copies are byte for byte the same (versions of one paper are compared by the
reader first).
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.shown import command


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.layout.plan_root is None:
        return
    seen: set[tuple[str, ...]] = set()
    for plan in ctx.plans:
        if plan.papers is None:
            continue
        for why, paths in plan.papers.duplicates:
            if tuple(paths) in seen:
                continue
            seen.add(tuple(paths))
            from papershelf.papers.matching import SAME_CONTENT  # only when a paper is twice

            first, others = paths[0], paths[1:]
            named = ", ".join(f"`{path}`" for path in paths[:-1]) + f" and `{paths[-1]}`"
            yield RULE.finding(
                first,
                f"{named} are one paper: {why}",
                hint="keep one copy: " + command("git rm", *others)
                if why == SAME_CONTENT
                else "they differ: compare them, keep the copy you want and git rm the others",
            )


RULE = Rule(
    slug="duplicate-paper",
    code="PS106",
    severity=Severity.WARNING,
    description="Two tracked PDFs are one paper (same content, arXiv id, DOI or title).",
    hint="keep one copy",
    check=check,
    doc=__doc__ or "",
)
