"""A tracked file is larger than the limit and not stored in Git LFS.

Large blobs make every clone slow and are hard to remove from history. The
size is the blob's as git stores it, so an LFS pointer is never reported.
Option ``max-size`` (default 50 MB; ``"20MiB"`` style strings work).
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.repo.magic import LFS_POINTER_KIND
from papershelf.schema import Option


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover


def check(ctx: Context) -> Iterator[Finding]:
    limit = int(ctx.options["max-size"])
    notable = ctx.snapshot.notable
    for path, size in sorted(ctx.snapshot.sizes_over(limit).items()):
        if path in notable and notable[path][1] == LFS_POINTER_KIND:
            continue
        yield RULE.finding(
            path,
            f"{human_size(size)} file is over the {human_size(limit)} limit "
            "and not stored in Git LFS",
        )


RULE = Rule(
    slug="large-file",
    code="PS202",
    severity=Severity.WARNING,
    description="A tracked file is over the size limit and not in Git LFS.",
    hint="git lfs track the file type, or keep the file out of git",
    check=check,
    options={"max-size": Option(50_000_000, kind="size", minimum=1)},
    doc=__doc__ or "",
)
