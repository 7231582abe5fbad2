"""A warm ``repo-check`` answers from the previous run's findings.

In a pre-commit hook most runs see the index, the configuration and the plan
exactly as the last run did; rereading them, importing every rule and checking
again would only repeat that run. The findings are kept in
``<git-dir>/papershelf/`` under a key that names everything they were made from:
papershelf's code, the repository, the index file's identity, the command-line
choices that shape the findings (``--rule``, ``--config``), and every file the run
read (:mod:`papershelf.repo.inputs`). Any change is a miss, and a miss checks afresh.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from papershelf import store
from papershelf.findings import CheckResult, Finding, Severity
from papershelf.repo import gitfiles, inputs

VERSION = 1


class Key(NamedTuple):
    file: Path
    header: tuple[Any, ...]


def key_for(start: Path, config_file: Path | None, only: tuple[str, ...]) -> Key | None:
    """The key of a check of the repository holding ``start``; None outside git.

    Made before the run reads anything, so a change made while it runs is a miss later.
    """
    repository = gitfiles.find_repository(start)
    if repository is None:
        return None
    index = gitfiles.index_file(repository)
    header = (
        VERSION,
        store.code_stamp(),
        os.fspath(repository.root),
        os.path.abspath(index),
        inputs.identity(index),
        tuple(sorted(set(only))),
        None if config_file is None else os.path.abspath(config_file),
    )
    return Key(store.entry(store.directory(repository.git_dir), "check-result"), header)


def load(key: Key) -> CheckResult | None:
    """The stored result when nothing it was made from has changed; else None."""
    if key.header[4] is None:  # no index file: nothing to compare with
        return None
    loaded = store.load(key.file, 3, expect_first=key.header)
    if loaded is None or not inputs.unchanged(loaded[1]):
        return None
    try:
        return _result(Path(key.header[2]), loaded[2])
    except (TypeError, ValueError, KeyError):
        return None


def save(key: Key, recorded: dict[str, inputs.Identity], result: CheckResult) -> None:
    if key.header[4] is None:
        return
    body = (
        result.in_git,
        result.plan_root,
        result.plan_file,
        tuple(
            (f.rule, f.code, int(f.severity), f.path, f.message, f.hint, f.line)
            for f in result.findings
        ),
        tuple(result.skipped),
        result.config_file,
        result.plan_files,
    )
    store.store(key.file, key.header, tuple(sorted(recorded.items())), body)
    store.prune(key.file.parent)  # once a run: what an older papershelf kept goes


def _optional_str(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _finding(values: object) -> Finding:
    if not (isinstance(values, tuple) and len(values) == 7):
        raise ValueError("a finding of another shape")
    rule, code, severity, path, message, hint, line = values
    if line is not None and not isinstance(line, int):
        raise TypeError("not a line number")
    return Finding(
        _str(rule), _str(code), Severity(severity), _str(path), _str(message), _str(hint), line
    )


def _result(root: Path, body: object) -> CheckResult:
    """The stored body as a result; TypeError or ValueError when it is not what
    :func:`save` wrote."""
    if not (isinstance(body, tuple) and len(body) == 7):
        raise ValueError("a result of another shape")
    in_git, plan_root, plan_file, findings, skipped, config_file, plan_files = body
    if not (isinstance(in_git, bool) and isinstance(findings, tuple)):
        raise TypeError("a result of another shape")
    if not (isinstance(skipped, tuple) and isinstance(plan_files, tuple)):
        raise TypeError("a result of another shape")
    return CheckResult(
        root=root,
        in_git=in_git,
        plan_root=_optional_str(plan_root),
        plan_file=_optional_str(plan_file),
        findings=[_finding(values) for values in findings],
        skipped=[_str(slug) for slug in skipped],
        config_file=_optional_str(config_file),
        plan_files=tuple(_str(file) for file in plan_files),
    )
