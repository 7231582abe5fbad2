"""Running a resolver (uv, else pip) over an experiment's requirements, installing nothing.

The requirements go to the resolver as one file written in a temporary folder,
every path in it absolute from the declaration's folder; local projects are
resolved from a copy there, so a build's ``*.egg-info`` never lands in the
work tree.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NamedTuple
from urllib.parse import unquote

from papershelf.errors import PapershelfError
from papershelf.mkexp import interpreters
from papershelf.mkexp.declarations import Requirement
from papershelf.mkexp.interpreters import Interpreter, VersionSpec
from papershelf.mkexp.model import EXCLUDED_PARTS

INPUT_NAME = "requirements.in"
_COPY_IGNORED = shutil.ignore_patterns(*EXCLUDED_PARTS, "*.egg-info", "build", "dist")
_LARGE = 20 * 1024 * 1024  # data and checkpoints: a build's metadata never needs them


class Outcome(NamedTuple):
    ok: bool
    output: str  # the resolver's messages (stderr)
    resolved: list[str]  # 'name version' when ok


class Resolver(NamedTuple):
    """uv, or pip run from papershelf's own installation (a modern pip) for the target."""

    tool: str  # "uv" or "pip"
    command: tuple[str, ...]

    def run(
        self, lines: Sequence[str], workdir: Path, python: Interpreter, timeout: float
    ) -> Outcome:
        source = workdir / INPUT_NAME
        source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        if self.tool == "uv":
            args = [
                *self.command,
                "pip",
                "compile",
                str(source),
                "--python",
                str(python.path.absolute()),
            ]
            args += ["--no-header", "--no-annotate"]
        else:
            args = [*self.command, *_pip_target(python), "install", "--dry-run"]
            report = workdir / "report.json"
            args += ["--ignore-installed", "--report", str(report), "--disable-pip-version-check"]
            args += ["--no-input", "--retries", "1", "-r", str(source)]
            if not pip_runs_on(python):
                version = interpreters.format_version(python.version)
                args += ["--python-version", version, "--only-binary=:all:"]
        code, out, err = run_bounded(args, workdir, timeout)
        if self.tool == "pip":
            # pip logs to stdout ("Collecting ..."), errors to stderr; the report is a file
            err, out = out + err, _read_report(workdir / "report.json") if code == 0 else ""
        if code != 0:
            return Outcome(False, err, [])
        return Outcome(True, err, _resolved(self.tool, out))


def find_resolver(installer: str) -> Resolver:
    uv = None if installer == "pip" else shutil.which("uv")
    if installer == "uv" and uv is None:
        raise PapershelfError("--installer uv: uv is not on PATH (pip install uv)")
    if uv:
        return Resolver("uv", (uv,))
    if importlib.util.find_spec("pip") is None:
        raise PapershelfError(
            f"{sys.executable}: papershelf's Python has neither uv nor pip to check with "
            "(pip install uv)"
        )
    return Resolver("pip", (sys.executable, "-m", "pip"))


def _pip_target(python: Interpreter) -> list[str]:
    """pip's --python runs this pip for the target; the same Python needs nothing."""
    if python.version[:2] == tuple(sys.version_info[:2]) or not pip_runs_on(python):
        return []
    return ["--python", str(python.path.absolute())]


def pip_runs_on(python: Interpreter) -> bool:
    if python.version[:2] == tuple(sys.version_info[:2]):
        return True
    from importlib import metadata

    try:
        requires = metadata.metadata("pip")["Requires-Python"] or ""
        return VersionSpec(requires, "pip").allows(python.version)
    except (metadata.PackageNotFoundError, PapershelfError):
        return False


def _resolved(tool: str, out: str) -> list[str]:
    if tool == "uv":
        found = []
        for line in out.splitlines():
            pinned = re.match(r"([A-Za-z0-9._-]+)==(\S+)", line)
            local = re.match(r"(?:-e )?(?:([A-Za-z0-9._-]+) @ )?file://(\S+)", line)
            if pinned:
                found.append(f"{pinned.group(1)} {pinned.group(2)}")
            elif local:
                folder = unquote(local.group(2)).rstrip("/").rsplit("/", 1)[-1]
                found.append(f"{local.group(1) or folder} (local)")
        return sorted(found)
    try:
        report = json.loads(out)
        return sorted(
            f"{item['metadata']['name']} {item['metadata']['version']}"
            for item in report.get("install", [])
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def _read_report(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


class Timeout(Exception):
    def __init__(self, seconds: float, last: str) -> None:
        super().__init__(last)
        self.seconds = seconds
        self.last = last


def run_bounded(args: Sequence[str], cwd: Path, timeout: float) -> tuple[int, str, str]:
    """Run with a time limit; on expiry the whole process group is killed."""
    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=_collect, args=(stream, into), daemon=True)
        for stream, into in ((process.stdout, out), (process.stderr, err))
    ]
    for reader in readers:
        reader.start()
    started = time.monotonic()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        last = next((line.strip() for line in reversed(err) if line.strip()), "")
        raise Timeout(time.monotonic() - started, last) from None
    except BaseException:
        _kill(process)
        raise
    finally:
        for reader in readers:
            reader.join(5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    return process.returncode, "".join(out), "".join(err)


def _collect(stream: IO[str] | None, lines: list[str]) -> None:
    assert stream is not None
    for line in stream:
        lines.append(line)


def _kill(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def resolver_lines(
    requirements: Sequence[Requirement],
    options: Sequence[Requirement],
    copies: Path | None = None,
    copied: dict[Path, Path] | None = None,
) -> list[str]:
    """The resolver's input: options, then requirements with local paths made absolute.

    With ``copies``, each local project is resolved from a copy made there
    (remembered in ``copied``).
    """
    lines = [option.text for option in options]
    copied = {} if copied is None else copied
    for requirement in requirements:
        local = requirement.local_path
        if local is None:
            lines.append(requirement.text)
            continue
        target = local.absolute()
        if copies is not None and target.is_dir():
            if target not in copied:
                copied[target] = _copy_project(
                    target, copies / str(len(copied)) / (target.name or "project")
                )
            target = copied[target]
        editable = requirement.text.startswith(("-e", "--editable"))
        # file: URLs: pip and uv read paths with spaces in them alike
        lines.append(f"-e {target.as_uri()}" if editable else target.as_uri())
    return lines


def _copy_project(source: Path, destination: Path) -> Path:
    """A real copy (a build may rewrite its files), without environments or large data."""
    shutil.copytree(source, destination, ignore=_ignored_in_copy, symlinks=True)
    return destination


def _ignored_in_copy(folder: str, names: list[str]) -> set[str]:
    ignored = set(_COPY_IGNORED(folder, names))
    for name in names:
        try:
            if os.path.getsize(os.path.join(folder, name)) > _LARGE and name not in ignored:
                ignored.add(name)
        except OSError:
            ignored.add(name)
    return ignored
