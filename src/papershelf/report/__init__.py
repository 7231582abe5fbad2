"""Reporters: each turns a check result into text for one audience."""

from __future__ import annotations

import importlib
from typing import Protocol

from papershelf.findings import CheckResult

FORMATS = {"text": "text", "json": "json", "sarif": "sarif", "github": "github"}


class Reporter(Protocol):
    def __call__(self, result: CheckResult, *, color: bool = False) -> str: ...


def get_reporter(name: str) -> Reporter:
    module = importlib.import_module(f"papershelf.report.{FORMATS[name]}")
    reporter: Reporter = module.render
    return reporter
