"""GitHub Actions workflow commands: one ``::error file=…::`` annotation per finding.

The runner parses these lines from a step's output and pins each one to the
file in the pull request; ``%``, ``:``, ``,`` and newlines would end a field
early, so they are escaped the way the runner unescapes them. Control, bidirectional and
zero-width characters are first spelled out (:func:`papershelf.shown.visible`): the log
shows the annotation's text raw, and a name must not recolour it or hide its order.
"""

from __future__ import annotations

from papershelf.findings import CheckResult, Severity, summarize
from papershelf.shown import visible

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult, *, color: bool = False) -> str:
    lines = []
    for finding in result.findings:
        properties = [f"file={escape_property(visible(finding.path))}"]
        if finding.line:
            properties.append(f"line={finding.line}")
        properties.append(f"title={escape_property(f'{finding.code} {finding.rule}')}")
        message = visible(finding.message) + (
            f"\nhint: {visible(finding.hint)}" if finding.hint else ""
        )
        command = COMMANDS[finding.severity]
        lines.append(f"::{command} {','.join(properties)}::{escape_data(message)}")
    counts = summarize(result.findings)
    summary = ", ".join(f"{n} {label}" for label, n in counts.items())
    lines.append(f"papershelf: {summary}" if result.findings else "papershelf: no findings")
    return "\n".join(lines) + "\n"
