"""A PDF in a folder of the plan's papers that no item of the plan names.

Someone dropped a paper in and never added it to the plan, or named it so
that it does not match (another copy of a paper the plan names is
``duplicate-paper``'s finding). When the file resembles one of the plan's titles (by
its name, metadata title or first lines), the finding names that title and
the exact ``git mv`` that gives the file that title; ``--fix`` never renames. A
title some file already answers is never offered, a title resembles one file at
most, and a file another plan's paper is gets no such hint: "QLoRA" is not
``LoRA.pdf``, "Mamba-3" not the Mamba-1 PDF.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.papers import is_pdf, rename_command
from papershelf.plan.model import Item, Kind, ReadingPlan, Status
from papershelf.plan.names import DOCUMENT_SUFFIXES


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.layout.plan_root is None:
        return
    reported: set[str] = set()
    held = {item.where for plan in ctx.plans for item in plan.all_items() if item.where}
    for plan in ctx.plans:
        papers = [item for item in plan.all_items() if item.kind == Kind.PAPER]
        if plan.papers is None or not papers:
            continue
        folders, claimed = _read_in(plan, papers)
        found = {item.name for item in papers if item.status not in (Status.MISSING, Status.ONLINE)}
        for folder in sorted(folders):
            for name in sorted(ctx.snapshot.children(folder)):
                path = f"{folder}/{name}" if folder else name
                if not is_pdf(name) or path in claimed or path in reported:
                    continue
                if ctx.snapshot.has_file(path):
                    reported.add(path)
                    title = plan.papers.nearest.get(path)
                    # A hint never gives a file a title that another file answers, nor
                    # renames a file another plan's paper is.
                    yield _finding(path, None if title in found or path in held else title)


def _read_in(plan: ReadingPlan, papers: list[Item]) -> tuple[set[str], set[str]]:
    """The folders the plan reads papers in, and the PDFs it names (with their copies)."""
    folders: set[str] = set()
    claimed: set[str] = set()
    for item in papers:
        expected = posixpath.join(plan.root, item.path) if item.path else None
        if expected is not None and expected.lower().endswith(DOCUMENT_SUFFIXES):
            claimed.add(expected)
            expected = expected.rpartition("/")[0]
        if expected is not None:
            folders.add(expected)
        if item.where:
            claimed.add(item.where)
            folders.add(item.where.rpartition("/")[0])
    assert plan.papers is not None
    for _, copies in plan.papers.duplicates:  # another copy of a listed paper is listed
        if claimed.intersection(copies):
            claimed.update(copies)
    return folders, claimed


def _finding(path: str, title: str | None) -> Finding:
    if title is None:
        return RULE.finding(path, f"`{path}` is a paper the plan does not name")
    return RULE.finding(
        path,
        f'`{path}` is a paper the plan does not name; it resembles "{title}"',
        hint=f"if it is that paper, name it so: {rename_command(path, title)}",
    )


RULE = Rule(
    slug="unlisted-paper",
    code="PS107",
    severity=Severity.INFO,
    description="A PDF in a folder of the plan's papers that no item of the plan names.",
    hint="add it to the plan, or move it out of the plan's folders",
    check=check,
    doc=__doc__ or "",
)
