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

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

from papershelf.errors import PapershelfError
from papershelf.mkexp import interpreters, pipconfig
from papershelf.mkexp.declarations import Requirement
from papershelf.mkexp.explaining import normalize
from papershelf.mkexp.interpreters import Interpreter, VersionSpec
from papershelf.mkexp.model import EXCLUDED_PARTS

INPUT_NAME = "requirements.in"
_COPY_IGNORED = shutil.ignore_patterns(*EXCLUDED_PARTS, "*.egg-info", "build", "dist")
_LARGE = 20 * 1024 * 1024  # data and checkpoints: a build's metadata never needs them


class Package(NamedTuple):
    """One distribution the resolver chose, and what installing it takes."""

    name: str
    version: str  # "" for a local project or a URL
    sdist: str  # the source archive's URL when no wheel fits the target Python, else ""
    parents: tuple[str, ...] = ()  # normalized names of the packages that need it (pip)

    @property
    def shown(self) -> str:
        return f"{self.name} {self.version}" if self.version else f"{self.name} (local)"


class Outcome(NamedTuple):
    ok: bool
    output: str  # the resolver's messages (stderr)
    resolved: list[Package]  # when ok


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
            # pylock.toml lists, per package, only the wheels that fit the target Python
            args += ["--no-header", "--format", "pylock.toml", *uv_settings()]
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
        if code != 0 and self.tool == "uv" and re.search(r"unexpected argument|pylock", err):
            raise PapershelfError(
                f"{self.command[0]}: this uv cannot write pylock.toml, which check reads "
                "(uv 0.8 or newer: uv self update, or pip install -U uv)"
            )
        if code != 0:
            return Outcome(False, err, [])
        return Outcome(True, err, _resolved(self.tool, out))

    def parents(
        self, lines: Sequence[str], workdir: Path, python: Interpreter, timeout: float
    ) -> dict[str, tuple[str, ...]]:
        """Who needs each package (uv's '# via' notes; pip's come with its report): a second
        run, offline, from what the first put in uv's cache."""
        source = workdir / INPUT_NAME
        source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        args = [*self.command, "pip", "compile", str(source), "--python"]
        args += [str(python.path.absolute()), "--no-header", "--annotation-style", "line"]
        args += [*uv_settings(), "--offline"]
        code, out, _ = run_bounded(args, workdir, timeout)
        found: dict[str, tuple[str, ...]] = {}
        for line in out.splitlines() if code == 0 else []:
            match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)\S*\s+# via (.*)$", line)
            if match:
                via = [name.strip() for name in match.group(2).split(",")]
                names = tuple(normalize(name) for name in via if name and name[0] != "-")
                found[normalize(match.group(1))] = names
        return found


def uv_settings() -> list[str]:
    """The user's pip configuration (constraints, indexes) as uv options: uv reads none."""
    return pipconfig.uv_args(pipconfig.settings())


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


def _resolved(tool: str, out: str) -> list[Package]:
    try:
        found = _from_pylock(out) if tool == "uv" else _from_report(out)
    except (ValueError, KeyError, TypeError, AttributeError):
        return []
    return sorted(found, key=lambda package: package.shown)


def _from_pylock(text: str) -> list[Package]:
    """uv's pylock.toml: an sdist with no wheel beside it is a build."""
    found = []
    for item in tomllib.loads(text).get("packages", []):
        wheels, sdist = item.get("wheels"), item.get("sdist")
        local = item.get("directory") or item.get("archive") or item.get("vcs")
        source = "" if wheels or not isinstance(sdist, dict) or local else _location(sdist)
        found.append(Package(str(item["name"]), str(item.get("version", "")), source))
    return found


def _location(entry: dict[str, object]) -> str:
    return str(entry.get("url") or entry.get("path") or "")


def _from_report(text: str) -> list[Package]:
    """pip's --report: the archive it would download, and who requires what."""
    items = json.loads(text).get("install", [])
    names = {normalize(item["metadata"]["name"]) for item in items}
    requires: dict[str, list[str]] = {}
    for item in items:
        for line in item["metadata"].get("requires_dist") or []:
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
            if match and normalize(match.group(0)) in names:
                requires.setdefault(normalize(match.group(0)), []).append(
                    normalize(item["metadata"]["name"])
                )
    found = []
    for item in items:
        metadata, info = item["metadata"], item.get("download_info") or {}
        url = str(info.get("url", ""))
        local = "dir_info" in info or "vcs_info" in info or item.get("is_direct")
        source = "" if local or url.endswith(".whl") else url
        name = str(metadata["name"])
        version = "" if local else str(metadata["version"])
        found.append(Package(name, version, source, tuple(requires.get(normalize(name), ()))))
    return found


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
            lines.append(_not_editable(requirement.text))
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


def _not_editable(text: str) -> str:
    """``-e git+URL#egg=NAME`` as ``NAME @ git+URL``: uv takes no editable VCS, and pip's
    would clone into ``src/`` in the experiment's work tree."""
    match = re.fullmatch(r"(?:-e|--editable)\s*=?\s*(\S+://\S+)", text)
    if match is None:
        return text
    url = match.group(1)
    egg = re.search(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)", url)
    return f"{egg.group(1)} @ {url.split('#', 1)[0]}" if egg else url.split("#", 1)[0]


def temporary_line(output: str) -> int | None:
    """The line of the resolver's input that its message cites, if it cites one (uv: "in
    `…/requirements.in` at line 17", pip: "(from line 17 of …/requirements.in)")."""
    name = re.escape(INPUT_NAME)
    match = re.search(rf"{name}`? at line (\d+)|from line (\d+) of \S*{name}", output)
    return int(match.group(1) or match.group(2)) if match else None


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
