"""What a rule is: an id, a default severity, options, and a pure ``check``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from papershelf.config import Config
from papershelf.findings import Finding, Severity
from papershelf.plan.layout import Layout
from papershelf.repo.snapshot import Snapshot

if TYPE_CHECKING:
    from papershelf.plan.model import ReadingPlan


class Context(NamedTuple):
    """Everything a rule may look at; rules never call git or open files."""

    snapshot: Snapshot
    config: Config
    layout: Layout
    options: Mapping[str, Any]

    @property
    def plans(self) -> list[ReadingPlan]:
        """The plans' status, computed once per run for every rule that asks."""
        from papershelf.plan.status import plan_status

        return plan_status(self.snapshot, self.config, self.layout)


class Rule(NamedTuple):
    slug: str
    code: str
    severity: Severity
    description: str
    hint: str
    check: Callable[[Context], Iterator[Finding]]
    needs_git: bool = False
    options: Mapping[str, Any] = MappingProxyType({})
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
