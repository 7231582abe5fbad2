"""A plan file a glob in ``plan`` matched was not read.

With ``plan = ["**/README.md"]`` one README may be in another encoding
(cp1251) or a binary file, and the plans together may be too large to check
in reasonable time: such a file is skipped with this finding and every other
plan file is checked. papershelf reads at most 4 MB of plan text and 20,000
folders, files and papers, all plan files together, in path order: a file
over a limit by itself is skipped alone; the file with which the plans
together pass a limit is not read, nor those after it, and the finding names
the line where the item limit was passed. A plan file named exactly by
``plan``, or found by its usual name, that cannot be read stops the check
instead: one line naming it, exit 2, since its plan could not be checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity


def check(ctx: Context) -> Iterator[Finding]:
    for plan in ctx.plans:
        if plan.skipped is not None:
            skipped = plan.skipped
            yield RULE.finding(
                skipped.file, skipped.reason, hint=skipped.hint, line=skipped.line or None
            )


RULE = Rule(
    slug="plan-file",
    code="PS108",
    severity=Severity.ERROR,
    description="A plan file a glob in `plan` matched was not read (not UTF-8, over the limits).",
    hint="save it as UTF-8, or leave it out of `plan`",
    check=check,
    doc=__doc__ or "",
)
