"""Resolving requirements without installing, and saying why one cannot be had.

The resolver (uv, else pip) runs over the whole set; its own explanation is
read into a cause and blamed on a file and line. With uv the set is resolved
again without that line until the rest resolves: one line per problem, in
milliseconds a run. pip's run costs half a second, so with pip check stops
at the first problem, as pip does, and says so. A set that resolves may still
not install: a package with no wheel for this Python is built on install, so
its archive is read for the toolchain that build needs.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from papershelf.errors import PapershelfError
from papershelf.mkexp import building, indexes, interpreters, pipconfig
from papershelf.mkexp.declarations import (
    InstallPlan,
    Requirement,
    conda_entries,
    install_plan,
)
from papershelf.mkexp.explaining import Cause, explain, normalize
from papershelf.mkexp.interpreters import Interpreter, VersionSpec
from papershelf.mkexp.model import Experiment
from papershelf.mkexp.resolving import (
    Package,
    Timeout,
    find_resolver,
    pip_runs_on,
    resolver_lines,
    temporary_line,
)

DEFAULT_TIMEOUT = 300.0


class CheckResult(NamedTuple):
    """One of three answers: problems (cannot install), builds (needs a build), or neither
    (installs from wheels)."""

    problems: list[str]  # one line per requirement that cannot be had, with file and line
    resolved: list[str]  # 'name version' of what would be installed, when all resolve
    notes: list[str]  # what check cannot judge (conda packages)
    tool: str
    builds: tuple[str, ...] = ()  # one line per requirement that pulls in a source-only package
    unavailable: tuple[Requirement, ...] = ()  # conda names pip has no package for
    pure: tuple[str, ...] = ()  # source-only packages of pure Python: built by any Python


def check(
    experiment: Experiment,
    python: Interpreter,
    plan: InstallPlan | None = None,
    *,
    installer: str = "auto",
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str], None] | None = None,
) -> CheckResult:
    """Installs from wheels, needs a build, or cannot install: one line per requirement
    that needs a build or cannot be had, at its file and line, instead of the resolver's
    traceback."""
    plan = install_plan(experiment) if plan is None else plan
    notes = [
        conda_note(Requirement(text, path, line)) for path, text, line in conda_entries(experiment)
    ]
    resolver = find_resolver(installer)
    if not plan.requirements:
        return CheckResult([], [], notes, resolver.tool)
    version = interpreters.format_version(python.version)
    doing = f"resolving {', '.join(plan.files)} with {resolver.tool} for Python {version}"
    if progress:
        progress(f"{experiment.label}: {doing} ({len(plan.requirements)} requirements)")
    deadline = time.monotonic() + timeout
    problems: list[str] = []
    unavailable: list[Requirement] = []
    remaining = list(plan.requirements)
    with tempfile.TemporaryDirectory(prefix="mkexp-check-") as temporary:
        workdir = Path(temporary)
        copies: dict[Path, Path] = {}
        while remaining:
            lines = resolver_lines(remaining, plan.options, workdir / "projects", copies)
            try:
                outcome = resolver.run(
                    lines, workdir, python, max(deadline - time.monotonic(), 0.1)
                )
            except Timeout as stop:
                last = f"; its last words: {stop.last}" if stop.last else ""
                raise PapershelfError(
                    f"{experiment.label}: check stopped after {timeout:g} s (--timeout) while "
                    f"{doing}{last}"
                ) from None
            if outcome.ok:
                if problems:
                    return CheckResult(problems, [], notes, resolver.tool, (), (*unavailable,))
                needing = _needing(outcome.resolved, python, plan)
                parents = None
                if resolver.tool == "uv" and any(tools for tools, _ in needing.values()):
                    parents = resolver.parents(
                        lines, workdir, python, max(deadline - time.monotonic(), 0.1)
                    )
                builds = _builds(
                    outcome.resolved, needing, remaining, python, plan, experiment.label, parents
                )
                pure = tuple(package.shown for package, (tools, _) in needing.items() if not tools)
                shown = [package.shown for package in outcome.resolved]
                return CheckResult(
                    [], shown, notes, resolver.tool, (*builds,), (*unavailable,), pure
                )
            cause = explain(resolver.tool, outcome.output)
            blamed = _cited(outcome.output, len(plan.options), remaining)
            blamed = blamed or _blamed(cause, remaining, outcome.output, copies)
            if blamed is None:
                problems.append(
                    f"{experiment.label}: {_sentence(cause, None, remaining, python, plan)}"
                )
                break
            if blamed.declared and cause.kind == "missing":
                notes.append(conda_note(blamed))  # conda's name for a package pip has not
                remaining.remove(blamed)
                unavailable.append(blamed)
                continue
            wheels_only = resolver.tool == "pip" and not pip_runs_on(python)
            sentence = _constrained(cause, blamed, remaining, python, plan) or _sentence(
                cause, blamed, remaining, python, plan, wheels_only
            )
            problems.append(f"{blamed.where}: {blamed.written}: {sentence}")
            remaining.remove(blamed)
            if resolver.tool == "pip" and remaining:
                # pip takes half a second a run: say what the first run found, no more
                notes.append(
                    f"{experiment.label}: pip stops at the first problem, so the other "
                    "lines were not checked (with uv on PATH, check lists every problem)"
                )
                break
    return CheckResult(problems, [], notes, resolver.tool, (), (*unavailable,))


def conda_note(entry: Requirement) -> str:
    return (
        f"{entry.where}: {entry.written}: conda-only (pip has no such package): "
        f"conda env create -f {entry.path.name} installs it"
    )


def _needing(
    packages: list[Package], python: Interpreter, plan: InstallPlan
) -> dict[Package, tuple[str, str]]:
    """Each package with no wheel here: the toolchain its build needs ('' for none) and the
    installed Pythons with wheels, both read from the network at once."""
    sources = [package for package in packages if package.sdist]
    if not sources:
        return {}
    options = [option.text for option in plan.options]
    with ThreadPoolExecutor(max_workers=8) as pool:
        toolchains = [pool.submit(building.what_it_needs, package.sdist) for package in sources]
        pythons = [
            pool.submit(
                building.pythons_with_wheels, package.name, package.version, python, options
            )
            for package in sources
        ]
        return {
            package: (toolchain.result(), wheels.result())
            for package, toolchain, wheels in zip(sources, toolchains, pythons, strict=True)
        }


def _builds(
    packages: list[Package],
    needing: dict[Package, tuple[str, str]],
    requirements: list[Requirement],
    python: Interpreter,
    plan: InstallPlan,
    label: str,
    parents: dict[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """A line per requirement that pulls in a package with only a source archive here."""
    if not any(toolchain for toolchain, _ in needing.values()):
        return []
    if parents is None:
        parents = {normalize(package.name): package.parents for package in packages}
    by_name = {requirement_name(req): req for req in requirements if requirement_name(req)}
    version = interpreters.format_version(python.version)
    found = []
    for package, (toolchain, wheels) in needing.items():
        name = normalize(package.name)
        if not toolchain:
            continue  # pure Python: its build backend alone builds it, on any Python
        cause = f"building it needs {toolchain}{wheels}"
        owners = _owners(name, parents, by_name)
        if not owners:
            found.append(
                f"{label}: needs a build: {package.shown} has no wheel for Python {version}; "
                + cause
            )
        for owner in owners:
            what = (
                f"no wheel of {package.shown} for Python {version}"
                if requirement_name(owner) == name
                else f"it needs {package.shown}, which has no wheel for Python {version}"
            )
            found.append(f"{owner.where}: {owner.written}: needs a build: {what}; {cause}")
    return found


def _owners(
    name: str, parents: dict[str, tuple[str, ...]], by_name: dict[str, Requirement]
) -> list[Requirement]:
    """The user's requirements that ``name`` is needed by, nearest first."""
    if name in by_name:
        return [by_name[name]]
    seen, queue, found = {name}, [name], []
    while queue:
        for parent in parents.get(queue.pop(0), ()):
            if parent in seen:
                continue
            seen.add(parent)
            if parent in by_name:
                found.append(by_name[parent])
            else:
                queue.append(parent)
    return found


def requirement_name(requirement: Requirement) -> str:
    match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)", requirement.text)
    return normalize(match.group(1)) if match and not requirement.text.startswith("-") else ""


def _cited(output: str, options: int, remaining: list[Requirement]) -> Requirement | None:
    """The requirement behind a line of the resolver's input that its message names by
    number, or quotes alone on a line (a requirement neither uv nor pip can parse)."""
    line = temporary_line(output)
    index = line - 1 - options if line else -1
    if 0 <= index < len(remaining):
        return remaining[index]
    quoted = {text.strip() for text in output.splitlines()}
    return next((req for req in remaining if req.text in quoted), None)


def _blamed(
    cause: Cause, remaining: list[Requirement], output: str, copies: dict[Path, Path]
) -> Requirement | None:
    by_name = {requirement_name(req): req for req in remaining if requirement_name(req)}
    for name in cause.names:
        if name in by_name:
            return by_name[name]
    host = re.search(r"cannot reach (\S+)", cause.detail) if cause.kind == "network" else None
    for req in remaining:
        if host and f"://{host.group(1)}" in req.text:
            return req
    for req in remaining:
        local = req.local_path
        if local is not None:
            places = {str(local.absolute()), str(copies.get(local.absolute(), local))}
            if any(place in output for place in places):
                return req
    if cause.kind in ("build", "network"):
        projects = [req for req in remaining if req.local_path is not None]
        if len(remaining) == 1:
            return remaining[0]
        if cause.kind == "build" and len(projects) == 1:
            return projects[0]
    return None


def _constrained(
    cause: Cause,
    blamed: Requirement,
    remaining: list[Requirement],
    python: Interpreter,
    plan: InstallPlan,
) -> str:
    """'conflicts with the constraint …' when a constraint of the user's pip configuration,
    not another requirement nor this Python, is what excludes the pin; else ''."""
    if cause.kind not in ("conflict", "python", "other"):
        return ""
    name = requirement_name(blamed)
    constraint = pipconfig.constraint_on(name, pipconfig.settings())
    others = {requirement_name(req) for req in remaining} - {name}
    if not constraint or others.intersection(cause.names):
        return ""
    pinned = re.search(r"===?\s*([A-Za-z0-9.!+]+)(?![.*\w])", blamed.text)
    links, urls = indexes.sources([option.text for option in plan.options])
    files = indexes.files_for(name, links, urls)
    if not indexes.fitting_pythons(files, pinned.group(1) if pinned else None, [python]):
        return ""  # no file for this Python: that, not the constraint, decides
    return f"conflicts with {constraint}"


def _sentence(
    cause: Cause,
    blamed: Requirement | None,
    remaining: list[Requirement],
    python: Interpreter,
    plan: InstallPlan,
    wheels_only: bool = False,
) -> str:
    if cause.kind == "conflict":
        names = {requirement_name(req): req for req in remaining}
        others = [names[name] for name in cause.names if name in names and names[name] != blamed]
        if blamed is not None:  # the same package pinned twice (requirements.txt, pyproject)
            same = requirement_name(blamed)
            others += [req for req in remaining if requirement_name(req) == same and req != blamed]
        with_whom = ", ".join(f"{req.written} ({req.where})" for req in others)
        head = f"conflicts with {with_whom}" if with_whom else "conflicting requirements"
        return f"{head}: {cause.detail}" if cause.detail else head
    if cause.kind in ("python", "missing", "version") and blamed is not None:
        return _no_release(cause, blamed, python, plan, wheels_only)
    return cause.detail or cause.kind


def _no_release(
    cause: Cause, blamed: Requirement, python: Interpreter, plan: InstallPlan, wheels_only: bool
) -> str:
    """Which installed Pythons would work: from requires-python, else the index's files."""
    name = requirement_name(blamed)
    pinned = re.search(r"===?\s*([A-Za-z0-9.!+]+)(?![.*\w])", blamed.text)
    found = interpreters.find_interpreters(trust_names=True)
    others = [item for item in found if item.version[:2] != python.version[:2]]
    if cause.kind == "python" and cause.detail:
        fitting = [item for item in others if _allows(cause.detail, item)]
    else:
        links, urls = indexes.sources([option.text for option in plan.options])
        files = indexes.files_for(name, links, urls)
        version_files = [
            file for file, _ in files if pinned is None or indexes.version_of(file) == pinned[1]
        ]
        fitting = indexes.fitting_pythons(files, pinned.group(1) if pinned else None, others)
        if not files and cause.kind == "missing":
            return "no such package on the index"
        here = indexes.fitting_pythons(files, pinned.group(1) if pinned else None, [python])
        if cause.kind == "python" and here:
            # pip's "no matching distributions" of a pin this Python has files for
            return "conflicting requirements (pip names no other requirement; uv, on PATH, does)"
        sdists = [file for file in version_files if not file.endswith(".whl")]
        if wheels_only and sdists and not fitting:
            shown = interpreters.format_version(python.version)
            return (
                f"only a source distribution ({sdists[0]}), and papershelf's pip, which does "
                f"not run on Python {shown}, checks it with wheels only: put uv on PATH"
            )
    if cause.kind == "version" and not fitting:
        return f"no matching version ({cause.detail})" if cause.detail else "no matching version"
    version = interpreters.format_version(python.version)
    needs = f" (it needs Python {cause.detail})" if cause.kind == "python" and cause.detail else ""
    if fitting:
        listed = ", ".join(interpreters.format_version(item.version) for item in fitting)
        return f"no release for Python {version}{needs}; installed Pythons that have one: {listed}"
    return f"no release for Python {version}{needs}, nor for any installed Python"


def _allows(spec: str, python: Interpreter) -> bool:
    try:
        return any(
            VersionSpec(part, "Requires-Python").allows(python.version)
            for part in spec.split(" or ")
        )
    except PapershelfError:
        return False
