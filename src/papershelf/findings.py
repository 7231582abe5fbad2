"""What every rule produces and every reporter consumes: findings and the check result."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import NamedTuple


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class Finding(NamedTuple):
    """One problem at one path. ``path`` is relative to the repository root, with ``/``."""

    rule: str
    code: str
    severity: Severity
    path: str
    message: str
    hint: str = ""
    line: int | None = None

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.code, self.message)


class CheckResult(NamedTuple):
    """One run of the rules over one repository, as the reporters see it."""

    root: Path
    in_git: bool
    plan_root: str | None
    plan_file: str | None
    findings: list[Finding]
    skipped: list[str]  # rules that need git, skipped outside git
    config_file: str | None = None
    plan_files: tuple[str, ...] = ()  # every plan file read, the first being ``plan_file``


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {severity.label: 0 for severity in sorted(Severity, reverse=True)}
    for finding in findings:
        counts[finding.severity.label] += 1
    return counts
