"""Resolving requirements without installing.

The answer is one line per requirement that cannot be had, with its file and
line, instead of pip's traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from papershelf import interpreters
from papershelf.errors import PapershelfError
from papershelf.experiments.declarations import InstallPlan, install_plan
from papershelf.experiments.model import Experiment
from papershelf.interpreters import VersionSpec

_NOT_FOUND = re.compile(r"Could not find a version that satisfies the requirement (\S+)")
_VERSIONS = re.compile(r"\(from versions: ([^)]*)\)")
_IGNORED = re.compile(r"require a different python version: (.*)")
_IGNORED_ITEM = re.compile(r"(\S+) Requires-Python (\S+)")
_WRONG_PYTHON = re.compile(r"requires a different Python: \S+ not in '([^']*)'")


class CheckResult(NamedTuple):
    problems: list[str]  # one line per requirement that cannot be had, with file and line
    resolved: list[str]  # 'name version' of what would be installed, when all resolve


def check(experiment: Experiment, python: Path, plan: InstallPlan | None = None) -> CheckResult:
    """One line per requirement the Python cannot get, instead of pip's traceback."""
    plan = install_plan(experiment) if plan is None else plan
    if not plan.args:
        return CheckResult([], [])
    ok, message, resolved = _dry_run(python, plan.args)
    if ok:
        return CheckResult([], resolved)
    if "No module named pip" in message:
        raise PapershelfError(
            f"{python}: has no pip to check with; make the environment first "
            f"(mkexp {experiment.path}), then check again"
        )
    singles = list(plan.requirements)
    if not singles:
        return CheckResult([f"{experiment.path}: {_summary(message)}"], [])
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda req: _dry_run(python, [req.text]), singles))
    problems = [
        f"{req.where}: {req.text}: {_summary(alone)}"
        for req, (good, alone, _) in zip(singles, results, strict=True)
        if not good
    ]
    if not problems:
        problems.append(f"{experiment.path}: together: {_summary(message)}")
    return CheckResult(problems, [])


def _dry_run(python: Path, args: Sequence[str]) -> tuple[bool, str, list[str]]:
    """pip's own resolver for this interpreter, installing nothing; --report names the result."""
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
        "--report",
        "-",
        "--disable-pip-version-check",
        "--no-input",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return False, result.stderr, []
    try:
        report = json.loads(result.stdout)
        resolved = sorted(
            f"{item['metadata']['name']} {item['metadata']['version']}"
            for item in report.get("install", [])
        )
    except (ValueError, KeyError, TypeError):
        resolved = []
    return True, result.stderr, resolved


def _summary(message: str) -> str:
    ignored = _IGNORED.search(message)
    found = _NOT_FOUND.search(message)
    wrong = _WRONG_PYTHON.findall(message)
    if ignored or wrong:
        listed = _IGNORED_ITEM.findall(ignored.group(1)) if ignored else []
        specs = sorted({spec.rstrip(";,") for _, spec in listed} | set(wrong))
        works = _working_pythons(specs)
        where = f"; installed Pythons that fit: {', '.join(works)}" if works else ""
        return f"needs Python {' or '.join(specs)}{where}"
    if found:
        versions = _VERSIONS.search(message)
        if versions and versions.group(1).strip() == "none":
            return "no such package on the index"
        available = f" (available: {versions.group(1)})" if versions else ""
        return f"no matching version{available}"
    if "conflict" in message.lower():
        cause = [
            line.strip()
            for line in message.splitlines()
            if " depends on " in line and not line.startswith(("ERROR", "INFO"))
        ]
        return "conflicting requirements: " + "; ".join(cause[:4])
    errors = [line for line in message.splitlines() if line.startswith("ERROR:")]
    if errors:
        return errors[-1].removeprefix("ERROR:").strip()
    lines = message.strip().splitlines()
    return lines[-1] if lines else "pip failed"


def _working_pythons(specs: Sequence[str]) -> list[str]:
    fitting: list[str] = []
    for interpreter in interpreters.find_interpreters():
        for spec in specs:
            try:
                allowed = VersionSpec(spec, "Requires-Python").allows(interpreter.version)
            except PapershelfError:
                continue
            if allowed:
                fitting.append(interpreters.format_version(interpreter.version))
                break
    return fitting
