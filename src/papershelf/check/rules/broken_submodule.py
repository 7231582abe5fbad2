"""A submodule is half-declared: a clone gets an empty folder.

A gitlink (a cloned repository such as ``UltraChat`` added with ``git add``)
needs a ``.gitmodules`` entry to be cloned; an entry with no gitlink points at
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.repo.gitfiles import MODE_GITLINK
from papershelf.shown import Placeholder, command


def check(ctx: Context) -> Iterator[Finding]:
    snapshot = ctx.snapshot
    gitlinks = {path for path, mode in snapshot.special.items() if mode == MODE_GITLINK}
    for path in sorted(gitlinks - set(snapshot.gitmodules)):
        yield RULE.finding(
            path,
            "a nested repository is committed as a gitlink with no .gitmodules entry",
            hint=f"{command('git submodule add', Placeholder('<url>'), path)} (or "
            f"{command('git rm --cached', path)} and vendor it)",
        )
    for path in sorted(set(snapshot.gitmodules) - gitlinks):
        yield RULE.finding(
            path,
            f".gitmodules declares submodule '{snapshot.gitmodules[path]}' here, "
            "but no gitlink is committed",
            hint="git submodule add the repository again, or delete the stale .gitmodules entry",
        )


RULE = Rule(
    slug="broken-submodule",
    code="PS203",
    severity=Severity.ERROR,
    description="A gitlink without a .gitmodules entry, or an entry without a gitlink.",
    hint="declare the submodule in .gitmodules, or remove the gitlink",
    check=check,
    needs_git=True,
    doc=__doc__ or "",
)
