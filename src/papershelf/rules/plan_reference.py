"""A path written in the plan file resolves to nothing.

Backticked paths and markdown links in the plan file are looked up from the
plan root, then beside the plan file, then as the unique end of an existing
path (``02_Data_Filtering_Quality`` finds ``01_Data_Centric_AI/02_…``). A path
that exists only as an archive is pointed to ``papershelf extract``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from papershelf.findings import Finding, Severity
from papershelf.rules._paths import archive_standin, near_match
from papershelf.rules.base import Context, Rule

_BACKTICKED = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^()\s]+(?:\([^()]*\))?[^()\s]*)\)")
_SECTION_NAME = re.compile(r"^(\d\d|xx)_", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")


def looks_like_path(text: str) -> bool:
    """Backticks also hold terms (``venv``) and suffix lists (``.rar/.zip``): skip those."""
    text = text.strip()
    if not text or text.startswith((".", "-", "$")) or "://" in text or text.startswith("#"):
        return False
    if " " in text and "/" not in text and not _SECTION_NAME.match(text):
        return False
    return "/" in text or bool(_SECTION_NAME.match(text)) or bool(_FILE_SUFFIX.search(text))


def references(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        for match in _BACKTICKED.finditer(line):
            if looks_like_path(match[1]):
                yield number, match[1].strip().strip("/")
        for match in _LINK.finditer(line):
            target = match[1].split("#")[0]
            if target and looks_like_path(target) and not target.startswith("mailto:"):
                yield number, target.strip("/")


def resolve(ctx: Context, reference: str) -> str | None:
    snapshot, layout = ctx.snapshot, ctx.layout
    plan_dir = (layout.plan_file or "").rpartition("/")[0]
    for base in dict.fromkeys((layout.plan_root or "", plan_dir)):
        candidate = posixpath.normpath(posixpath.join(base, reference)) if base else reference
        if snapshot.exists(candidate):
            return candidate
    tail = "/" + reference
    matches = [path for path in snapshot.dirs if path.endswith(tail)]
    text, needle = snapshot.text, tail + "\0"
    start = 0
    while len(matches) < 2 and (start := text.find(needle, start)) != -1:
        end = start + len(needle) - 1
        matches.append(text[text.rindex("\0", 0, start) + 1 : end])
        start = end
    return matches[0] if len(matches) == 1 else None


def check(ctx: Context) -> Iterator[Finding]:
    layout = ctx.layout
    if layout.plan_file is None or layout.plan_text is None:
        return
    for line, reference in references(layout.plan_text):
        if resolve(ctx, reference) is not None:
            continue
        target = layout.under_root(reference)
        archive = archive_standin(ctx.snapshot, target, layout.plan_root or "")
        if archive:
            yield RULE.finding(
                layout.plan_file,
                f"`{reference}` exists only as the archive `{archive}`",
                hint=f"extract it outside git: papershelf extract '{archive}'",
                line=line,
            )
            continue
        near = near_match(ctx.snapshot, target, is_file=bool(_FILE_SUFFIX.search(reference)))
        suggestion = f" (did you mean `{near}`?)" if near else ""
        yield RULE.finding(
            layout.plan_file, f"`{reference}` resolves to nothing{suggestion}", line=line
        )


RULE = Rule(
    slug="plan-reference",
    code="PS103",
    severity=Severity.WARNING,
    description="A path written in the plan file resolves to nothing.",
    hint="fix the path in the plan file, or create what it names",
    check=check,
    doc=__doc__ or "",
)
