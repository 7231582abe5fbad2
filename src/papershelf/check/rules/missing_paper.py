"""A paper the plan names is not in the repository.

A paper is found by what its PDF says first — the arXiv id or DOI the plan
writes beside it, its title in the PDF's metadata or on its first page — then
by its title (or its bare title: "A Wait-Free Stack" of "A Wait-Free Stack
(2015)") in a file name, with case, punctuation and spacing ignored, as whole
words: "Llama 3 Herd of Models" matches ``The Llama 3 Herd of Models.pdf``;
"LoRA" does not match ``QLoRA.pdf``; a name that is exactly the title comes
first, a file another paper holds is not this one, and a folder is never a
paper ("Data Compression" is not ``data_compression/``). A
paper filed in another folder than the step that reads it is reported as
info, naming where it is; a paper only inside an archive points to
``papershelf extract``. A paper the plan links only online is not reported
unless the ``online`` option asks for it. A paper in a folder the plan names
that is missing is reported once, with that folder, by ``missing-path``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.plan.model import Item, ReadingPlan, Status, owner
from papershelf.plan.names import DOCUMENT_SUFFIXES
from papershelf.shown import command


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.layout.plan_root is None:
        return
    for plan in ctx.plans:
        home = (plan.plan_file or "").rpartition("/")[0] if plan.plan_file else plan.root
        for item in plan.all_items():
            if owner(plan, item) == RULE.slug:
                finding = _finding(ctx, plan, item, home)
                if finding is not None:
                    yield finding


def _finding(ctx: Context, plan: ReadingPlan, item: Item, home: str) -> Finding | None:
    """The one finding for a paper that is not where the plan reads it."""
    step = f" ({item.step})" if item.step else ""
    expected = item.path or ""
    if expected.lower().endswith(DOCUMENT_SUFFIXES):  # linked to a file: its folder
        expected = expected.rpartition("/")[0]
    folder = posixpath.join(plan.root, expected).strip("/") if plan.root else expected
    if not item.path:
        folder = home
    if item.status == Status.MISPLACED and item.where:
        filed = item.where.rpartition("/")[0] or "."
        return RULE.finding(
            item.where,
            f'"{item.name}" is filed under `{filed}`, where the '
            f"plan's step{step} reads it from `{expected}`",
            severity=Severity.INFO,
            hint=f"move it: {_move_command(item.where, folder, item.name, item.how)}, "
            "or leave it if you prefer it there",
        )
    if item.status == Status.ARCHIVED and item.where:
        return RULE.finding(
            item.where,
            f'"{item.name}" is only inside the archive `{item.where}`{step}',
            hint=f"extract it outside git: {command('papershelf extract', item.where)}",
        )
    if item.status == Status.ONLINE:
        if not ctx.options.get("online"):
            return None
        return RULE.finding(
            folder or ".",
            f'"{item.name}" is only online: the plan links it{step}',
            hint="download the paper into the folder the plan reads it from",
        )
    if folder in ctx.snapshot.dirs or not folder:
        return RULE.finding(
            folder or ".", f'"{item.name}" is missing: the plan reads it here{step}'
        )
    message = f'"{item.name}" is missing: the plan reads it from `{folder}`{step}'
    return RULE.finding(folder, message)


def _move_command(where: str, folder: str, title: str, how: str | None) -> str:
    """The exact ``git mv``; a file found by its content also gets its title as its name."""
    from papershelf.papers import file_name_for

    name = where.rpartition("/")[2]
    if how not in (None, "path", "file-name") and name.lower().endswith(".pdf"):
        name = file_name_for(title)
    target = f"{folder}/{name}" if folder else name
    return command("git mv", where, target)


RULE = Rule(
    slug="missing-paper",
    code="PS102",
    severity=Severity.WARNING,
    description="A paper the plan names is not in the repository (by id, PDF title or name).",
    hint="add the paper's PDF with its title in the file name",
    check=check,
    options={"online": False},
    doc=__doc__ or "",
)
