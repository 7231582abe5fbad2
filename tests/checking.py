"""Run the engine on a real repository and look at findings by rule."""

from __future__ import annotations

from pathlib import Path

from papershelf.check.engine import run_check
from papershelf.findings import Finding


def findings(repo: Path, rule: str) -> list[Finding]:
    return run_check(repo, only={rule}).findings


def summary(repo: Path, rule: str) -> list[tuple[str, str, str]]:
    """``(path, severity, message)`` of one rule's findings, for exact assertions."""
    return [(f.path, f.severity.label, f.message) for f in findings(repo, rule)]
