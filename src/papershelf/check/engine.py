"""Run the enabled rules over one snapshot; stamp severity and apply ignores.

Rules only say what they found; the engine decides how much it matters
(configured severity) and whether the user asked not to hear it (ignores).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from papershelf import workspace
from papershelf.check.rules import RULES, Context
from papershelf.findings import CheckResult, Finding

__all__ = ["CheckResult", "check_workspace", "run_check"]


def _ignore_filter(patterns: Iterable[str]) -> object | None:
    patterns = list(patterns)
    if not patterns:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _ignored(spec: object | None, path: str, is_dir: bool) -> bool:
    if spec is None:
        return False
    match = spec.match_file  # type: ignore[attr-defined]
    return bool(match(path) or (is_dir and match(path + "/")))


def run_check(
    start: Path,
    *,
    only: Collection[str] | None = None,
    config_file: Path | None = None,
    use_cache: bool = True,
) -> CheckResult:
    """Check the repository holding ``start`` (or, outside git, the folder itself)."""
    return check_workspace(workspace.load(start, config_file, use_cache), only)


def check_workspace(
    loaded: workspace.Workspace, only: Collection[str] | None = None
) -> CheckResult:
    """Run the enabled rules over an already loaded repository."""
    root, config, snap, where = loaded.root, loaded.config, loaded.snapshot, loaded.layout
    global_ignore = _ignore_filter(config.ignore)
    findings: list[Finding] = []
    skipped: list[str] = []
    for slug, settings in config.rules.items():
        rule = RULES[slug]
        if not settings.enabled or (only is not None and slug not in only):
            continue
        if rule.needs_git and not snap.in_git:
            skipped.append(slug)
            continue
        rule_ignore = _ignore_filter(settings.ignore)
        context = Context(snap, config, where, settings.options)
        for finding in rule.check(context):
            is_dir = finding.path in snap.dirs
            if _ignored(global_ignore, finding.path, is_dir) or _ignored(
                rule_ignore, finding.path, is_dir
            ):
                continue
            if settings.severity is not None:
                finding = finding._replace(severity=settings.severity)
            findings.append(finding)
    findings.sort(key=lambda finding: finding.sort_key)
    snap.save()
    return CheckResult(
        root=root,
        in_git=snap.in_git,
        plan_root=where.plan_root,
        plan_file=where.plan_file,
        findings=findings,
        skipped=skipped,
        config_file=config.config_file,
        plan_files=tuple(source.file for source in where.sources if source.file is not None),
    )
