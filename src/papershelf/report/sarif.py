"""SARIF 2.1.0 for GitHub code scanning: every rule in the driver, every finding a result.

GitHub shows a result only when it names a rule the driver lists and a location
relative to the checkout, so each ``uri`` is the repository-relative path,
percent-encoded (Cyrillic, spaces and ``&`` are legal in names, not in URIs),
with ``uriBaseId`` ``%SRCROOT%``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from papershelf import __version__
from papershelf.findings import CheckResult, Finding, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/papershelf/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def path_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference; the root is ``./``."""
    return quote(path if path not in ("", ".") else "./", safe="/")


def rule_descriptor(rule: Any) -> dict[str, Any]:
    doc = " ".join(rule.doc.split()) if rule.doc else rule.description
    return {
        "id": rule.code,
        "name": rule.slug,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": doc},
        "help": {
            "text": f"{doc}\nFix: {rule.hint}.",
            "markdown": f"{doc}\n\n**Fix:** {rule.hint}.",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["papershelf", rule.slug], "precision": "very-high"},
    }


def fingerprint(finding: Finding) -> str:
    """Stable across runs so code scanning tracks one alert, not a new one per push."""
    key = "\0".join((finding.code, finding.path, finding.message))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def result_entry(finding: Finding, index: int) -> dict[str, Any]:
    uri = path_uri(finding.path)
    text = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
    return {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line or 1},
                }
            }
        ],
        "partialFingerprints": {"papershelf/v1": fingerprint(finding)},
        "properties": {"rule": finding.rule, "path": finding.path},
    }


def document(result: CheckResult) -> dict[str, Any]:
    from papershelf.check.rules import RULES

    rules = list(RULES.values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "papershelf",
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": result.root.as_uri() + "/"}},
                "invocations": [{"executionSuccessful": True}],
                "results": [
                    result_entry(finding, index[finding.code]) for finding in result.findings
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(result: CheckResult, *, color: bool = False) -> str:
    return json.dumps(document(result), ensure_ascii=False, indent=2) + "\n"
