"""One JSON object for tools: paths relative to the repository root, UTF-8 kept.

``plan`` is the first plan file, as it always was; ``plan_files`` lists every plan file
read (a glob in ``plan``, a README per folder), so adding it changed no existing key."""

from __future__ import annotations

import json

from papershelf.findings import CheckResult, summarize

VERSION = 1


def render(result: CheckResult, *, color: bool = False) -> str:
    document = {
        "version": VERSION,
        "root": str(result.root),
        "plan": result.plan_file,
        "plan_files": list(result.plan_files),
        "findings": [
            {
                "rule": finding.rule,
                "code": finding.code,
                "severity": finding.severity.label,
                "path": finding.path,
                **({"line": finding.line} if finding.line else {}),
                "message": finding.message,
                "hint": finding.hint,
            }
            for finding in result.findings
        ],
        "skipped": result.skipped,
        "summary": summarize(result.findings),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
