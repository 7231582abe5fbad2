"""``path: severity slug: message`` lines, each with its hint, then a summary.

Names are shown through :func:`papershelf.shown.visible`: a tracked name cannot move the
cursor, recolour the terminal, or start a line of its own (a forged finding, or a
GitHub Actions ``::error`` command when this format runs in a workflow).
"""

from __future__ import annotations

from papershelf.findings import CheckResult, Severity, summarize
from papershelf.shown import visible

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"
_DIM = "\033[2m"


def render(result: CheckResult, *, color: bool = False) -> str:
    lines = []
    for finding in result.findings:
        where = visible(f"{finding.path}:{finding.line}" if finding.line else finding.path)
        label = finding.severity.label
        if color:
            label = f"{_COLORS[finding.severity]}{label}{_RESET}"
        lines.append(f"{where}: {label} {finding.rule}: {visible(finding.message)}")
        if finding.hint:
            hint = f"  hint: {visible(finding.hint)}"
            lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    for slug in result.skipped:
        lines.append(f"note: {slug} skipped: not a git repository")
    counts = summarize(result.findings)
    if result.findings:
        parts = [f"{n} {label}{'s' if n != 1 else ''}" for label, n in counts.items() if n]
        lines.append(
            f"{len(result.findings)} findings: " + ", ".join(parts)
            if len(result.findings) != 1
            else "1 finding: " + ", ".join(parts)
        )
    else:
        lines.append("no findings")
    return "\n".join(lines) + "\n"
