"""Python interpreters on this machine, and the version an experiment asks for.

papershelf lists interpreters itself because virtualenv's discovery only sees
what is on PATH: pyenv versions that are installed but not active, and
uv-managed Pythons, would be missed.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from papershelf.errors import PapershelfError

Version = tuple[int, ...]

_QUERY = "import sys, platform; print(platform.python_implementation(), *sys.version_info[:3])"
_EXE_NAME = re.compile(r"^python3(\.\d+)?$")


class Interpreter(NamedTuple):
    path: Path
    version: Version
    implementation: str

    def describe(self) -> str:
        return f"{self.implementation} {format_version(self.version)} ({self.path})"


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


def parse_version(text: str) -> Version:
    """'3.8' -> (3, 8); anything non-numeric raises ValueError."""
    parts = text.strip().split(".")
    return tuple(int(part) for part in parts)


class VersionSpec:
    """A PEP 440-style specifier set restricted to release numbers, enough for Pythons.

    ``packaging`` is not a runtime dependency; Python versions never need
    pre-release or local-version logic, so twenty lines do.
    """

    _CLAUSE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)?\s*v?([0-9]+(?:\.[0-9]+)*)(\.\*)?\s*$")

    def __init__(self, text: str, source: str) -> None:
        self.text = text.strip()
        self.source = source
        self.clauses: list[tuple[str, Version, bool]] = []
        for clause in filter(None, (part.strip() for part in self.text.split(","))):
            match = self._CLAUSE.match(clause)
            if not match:
                raise PapershelfError(f"{source}: cannot read Python version {clause!r}")
            operator, number, wildcard = match.groups()
            self.clauses.append((operator or "==", parse_version(number), bool(wildcard)))

    def __repr__(self) -> str:
        return f"VersionSpec({self.text!r}, {self.source!r})"

    def __str__(self) -> str:
        return self.text

    def allows(self, version: Version) -> bool:
        return all(_clause_allows(op, number, wild, version) for op, number, wild in self.clauses)


def _clause_allows(operator: str, number: Version, wildcard: bool, version: Version) -> bool:
    def padded(value: Version, length: int) -> Version:
        return value + (0,) * (length - len(value))

    length = max(len(number), len(version))
    if operator in ("==", "===", "!="):
        # A bare '3.8' (from .python-version, runtime.txt) means any 3.8.x.
        prefix = wildcard or (operator == "==" and len(number) < 3)
        equal = (
            version[: len(number)] == number
            if prefix
            else padded(version, length) == padded(number, length)
        )
        return equal if operator != "!=" else not equal
    left, right = padded(version, length), padded(number, length)
    if operator == ">=":
        return left >= right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    if operator == "<":
        return left < right
    # ~=X.Y[.Z]: >= X.Y[.Z] and the same release prefix without its last part
    return left >= right and version[: len(number) - 1] == number[:-1]


def _candidate_paths(env: Mapping[str, str]) -> Iterator[Path]:
    home = Path(env.get("HOME") or Path.home())
    for folder in env.get("PATH", "").split(os.pathsep):
        if folder and "shims" not in Path(folder).parts[-1:]:
            yield from _executables_in(Path(folder))
    pyenv_root = Path(env.get("PYENV_ROOT") or home / ".pyenv")
    yield from _executables_in_each(pyenv_root / "versions")
    uv_dir = env.get("UV_PYTHON_INSTALL_DIR")
    uv_root = Path(uv_dir) if uv_dir else _data_home(env, home) / "uv" / "python"
    yield from _executables_in_each(uv_root)
    yield from _executables_in(Path("/usr/bin"))


def _data_home(env: Mapping[str, str], home: Path) -> Path:
    return Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")


def _executables_in_each(root: Path) -> Iterator[Path]:
    try:
        versions = sorted(root.iterdir())
    except OSError:
        return
    for version_dir in versions:
        yield from _executables_in(version_dir / "bin")


def _executables_in(folder: Path) -> Iterator[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        if _EXE_NAME.match(name):
            path = folder / name
            if os.access(path, os.X_OK) and path.is_file():
                yield path


def _query(path: Path) -> Interpreter | None:
    try:
        result = subprocess.run(
            [str(path), "-I", "-S", "-c", _QUERY],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    fields = result.stdout.split()
    if result.returncode != 0 or len(fields) != 4:
        return None
    return Interpreter(path, tuple(int(part) for part in fields[1:]), fields[0])


_VERSION_FOLDER = re.compile(r"^(?:cpython-)?(\d+)\.(\d+)\.(\d+)(?:-|$)")


def _named(path: Path) -> Interpreter | None:
    """pyenv's versions/3.8.18/bin/python3.8, uv's cpython-3.8.18-…/bin/python3.8, unrun."""
    match = _VERSION_FOLDER.match(path.parent.parent.name)
    if match is None or path.name not in (f"python{match[1]}.{match[2]}", f"python{match[1]}"):
        return None
    return Interpreter(path, tuple(int(part) for part in match.groups()), "CPython")


def find_interpreters(
    env: Mapping[str, str] | None = None, *, trust_names: bool = False
) -> list[Interpreter]:
    """Every working Python 3 found, newest first, one entry per real executable.

    ``trust_names`` reads the version of pyenv and uv installs from their folder
    names instead of running them: enough to name Pythons in a message.
    """
    seen: set[str] = set()
    unique: list[Path] = []
    for path in _candidate_paths(os.environ if env is None else env):
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    named = [_named(path) if trust_names else None for path in unique]
    found = [item for item in named if item is not None]
    unnamed = [path for path, item in zip(unique, named, strict=True) if item is None]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found += [found for found in pool.map(_query, unnamed) if found is not None]
    by_version: dict[Version, Interpreter] = {}
    for interpreter in found:
        by_version.setdefault(interpreter.version, interpreter)
    return sorted(by_version.values(), key=lambda item: item.version, reverse=True)


def current_interpreter() -> Interpreter:
    """The Python papershelf runs on: its base installation, when running from a venv.

    The base, not the venv's python: it is what a new environment should point
    at, and it has pip for ``mkexp check``.
    """
    major, minor = sys.version_info[:2]
    base = Path(sys.base_prefix) / "bin"
    candidates = [
        base / f"python{major}.{minor}",
        base / f"python{major}",
        Path(getattr(sys, "_base_executable", "") or sys.executable),
        Path(sys.executable),
    ]
    path = next(candidate for candidate in candidates if candidate.is_file())
    return Interpreter(path, tuple(sys.version_info[:3]), platform.python_implementation())


def query_interpreter(path: Path) -> Interpreter:
    found = _query(path)
    if found is None:
        raise PapershelfError(f"{path}: not a working Python interpreter")
    return found


def choose(spec: VersionSpec, interpreters: Iterable[Interpreter]) -> Interpreter:
    """The newest interpreter the spec allows, or an error listing what there is."""
    candidates = list(interpreters)
    for interpreter in sorted(candidates, key=lambda item: item.version, reverse=True):
        if spec.allows(interpreter.version):
            return interpreter
    found = ", ".join(format_version(item.version) for item in candidates) or "none"
    raise PapershelfError(
        f"{spec.source} asks for Python {spec.text}, but no interpreter found satisfies it "
        f"(found: {found}); install one (pyenv install, uv python install) or pass --python"
    )


def pyvenv_cfg(env_dir: Path) -> dict[str, str]:
    """The key = value pairs of an environment's pyvenv.cfg (empty when missing, or when
    not a regular file inside the environment: a FIFO would block, a link out leak)."""
    from papershelf.repo import repopaths
    from papershelf.sizes import TEXT_MAX_BYTES

    try:
        data = repopaths.read_inside(env_dir, env_dir / "pyvenv.cfg", TEXT_MAX_BYTES)
    except (OSError, repopaths.Refused):
        return {}
    text = data.decode("utf-8", "replace")
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values
