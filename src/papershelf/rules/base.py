"""What a rule is: an id, a default severity, options, and a pure ``check``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from papershelf.findings import Finding, Severity
from papershelf.layout import Layout
from papershelf.plan import Config
from papershelf.snapshot import Snapshot


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at; rules never call git or open files."""

    snapshot: Snapshot
    config: Config
    layout: Layout
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    slug: str
    code: str
    severity: Severity
    description: str
    hint: str
    check: Callable[[Context], Iterator[Finding]]
    needs_git: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    doc: str = ""

    def finding(
        self,
        path: str,
        message: str,
        *,
        severity: Severity | None = None,
        hint: str | None = None,
        line: int | None = None,
    ) -> Finding:
        return Finding(
            rule=self.slug,
            code=self.code,
            severity=severity or self.severity,
            path=path,
            message=message,
            hint=self.hint if hint is None else hint,
            line=line,
        )
