"""The rule registry: one module per rule kind, listed here once."""

from __future__ import annotations

from papershelf.check.rules import (
    archive_in_git,
    broken_submodule,
    committed_artifact,
    duplicate_paper,
    empty_file,
    large_file,
    missing_paper,
    missing_path,
    mojibake,
    plan_file,
    plan_reference,
    portable_name,
    section_numbering,
    unlisted_paper,
)
from papershelf.check.rules.base import Context, Rule

RULES: dict[str, Rule] = {
    rule.slug: rule
    for rule in (
        missing_path.RULE,
        missing_paper.RULE,
        plan_reference.RULE,
        empty_file.RULE,
        section_numbering.RULE,
        duplicate_paper.RULE,
        unlisted_paper.RULE,
        plan_file.RULE,
        archive_in_git.RULE,
        large_file.RULE,
        broken_submodule.RULE,
        committed_artifact.RULE,
        portable_name.RULE,
        mojibake.RULE,
    )
}


def known_options() -> dict[str, dict[str, object]]:
    """``slug -> default options``: what a configuration may set for each rule."""
    return {slug: dict(rule.options) for slug, rule in RULES.items()}


__all__ = ["RULES", "Context", "Rule", "known_options"]
