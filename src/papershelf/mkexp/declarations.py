"""What an experiment declares: the Python it asks for and the requirements to install."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from papershelf.errors import ConfigError, PapershelfError
from papershelf.mkexp.interpreters import VersionSpec
from papershelf.mkexp.model import (
    Experiment,
)
from papershelf.repo import repopaths
from papershelf.repo.gitfiles import repository_root
from papershelf.sizes import TEXT_MAX_BYTES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


def requested_python(folder: Path) -> VersionSpec | None:
    """From .python-version, requires-python, Pipfile, runtime.txt or environment.yml, in order."""
    readers = (
        _from_python_version,
        _from_pyproject,
        _from_setup,
        _from_pipfile,
        _from_runtime,
        _from_conda,
    )
    for reader in readers:
        spec = reader(folder)
        if spec is not None:
            return spec
    return None


@functools.lru_cache(maxsize=64)
def boundary(folder: Path) -> Path:
    """What an experiment's declarations may name: its git work tree (a clone is
    untrusted), or outside git the experiment folder itself."""
    return repository_root(folder) or folder.resolve()


def _read(path: Path, root: Path | None = None) -> str | None:
    """A declaration's text; None when absent or not UTF-8. A file leading outside ``root``
    (default: :func:`boundary` of its folder), a FIFO or a device is refused, unread."""
    root = boundary(path.parent.absolute()) if root is None else root
    if os.path.lexists(path) and repopaths.within(root, path) is None:
        raise ConfigError(str(path), repopaths.OUTSIDE_LINK)
    try:
        data = repopaths.read_bytes(path, TEXT_MAX_BYTES, str(path))
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _from_python_version(folder: Path) -> VersionSpec | None:
    path = folder / ".python-version"
    text = _read(path)
    if text is None:
        return None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = re.fullmatch(r"(?:python|cpython)?-?(\d+(?:\.\d+){0,2})", line)
            if not match:
                raise PapershelfError(f"{path}: cannot read Python version {line!r}")
            return VersionSpec(match.group(1), str(path))
    return None


def _from_pyproject(folder: Path) -> VersionSpec | None:
    path = folder / "pyproject.toml"
    data = _toml(path)
    if data is None:
        return None
    project = data.get("project")
    if isinstance(project, dict) and "requires-python" in project:
        requires = project["requires-python"]
        if not isinstance(requires, str):
            raise _bad_value(path, "[project] requires-python", requires, "a string")
        return VersionSpec(requires, str(path))
    tool = data.get("tool")
    poetry = tool.get("poetry", {}).get("dependencies", {}) if isinstance(tool, dict) else {}
    if isinstance(poetry, dict) and isinstance(poetry.get("python"), str):
        return VersionSpec(_poetry_to_pep440(poetry["python"]), str(path))
    return None


def _poetry_to_pep440(text: str) -> str:
    clauses = []
    for clause in text.split(","):
        clause = clause.strip()
        caret = re.fullmatch(r"([\^~])\s*(\d+)(?:\.(\d+))?(?:\.\d+)?", clause)
        if caret:
            kind, major, minor = caret.groups()
            low = clause[1:].strip()
            if kind == "^" and int(major) > 0:
                clauses += [f">={low}", f"<{int(major) + 1}"]
            else:
                clauses += [f">={low}", f"<{major}.{int(minor or 0) + 1}"]
        elif clause and clause != "*":
            clauses.append(clause)
    return ",".join(clauses)


def _toml(path: Path) -> dict[str, object] | None:
    text = _read(path)
    if text is None:
        return None
    try:
        data: dict[str, object] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as error:
        raise PapershelfError(f"{path}: not valid TOML: {error}") from error


def _from_setup(folder: Path) -> VersionSpec | None:
    for name in ("setup.cfg", "setup.py"):
        text = _read(folder / name)
        if text:
            match = re.search(r"python_requires\s*=\s*['\"]?([^'\"\n]+)", text)
            if match:
                return VersionSpec(match.group(1).strip(), str(folder / name))
    return None


def _from_pipfile(folder: Path) -> VersionSpec | None:
    """[requires] python_full_version (exact) or python_version (that minor)."""
    path = folder / "Pipfile"
    data = _toml(path)
    requires = data.get("requires") if data else None
    if not isinstance(requires, dict):
        return None
    for key in ("python_full_version", "python_version"):
        if key in requires:
            value = requires[key]
            if not isinstance(value, str):
                raise _bad_value(path, key, value, 'a version string like "3.8"')
            return VersionSpec(value.strip(), str(path))
    return None


def _from_runtime(folder: Path) -> VersionSpec | None:
    path = folder / "runtime.txt"
    text = _read(path)
    match = re.search(r"python-(\d+(?:\.\d+){0,2})", text or "")
    return VersionSpec(match.group(1), str(path)) if match else None


def _from_conda(folder: Path) -> VersionSpec | None:
    for name in ("environment.yml", "environment.yaml"):
        path = folder / name
        for _, entry, _ in _conda_dependencies(path)[0]:
            match = re.fullmatch(r"python\s*([=<>!~].*)?", entry)
            if match:
                constraint = (match.group(1) or "").strip()
                if not constraint:
                    return None
                if re.fullmatch(r"=[\d.]+\*?", constraint):  # conda '=3.8' is 3.8.*
                    constraint = "==" + constraint[1:].rstrip("*").rstrip(".")
                return VersionSpec(constraint, str(path))
    return None


CondaEntries = list[tuple[Path, str, int]]


def _conda_dependencies(path: Path) -> tuple[CondaEntries, CondaEntries]:
    """(conda entries, pip entries) of an environment.yml, each with its line number.

    A small reader for the one shape these files have; no YAML library needed.
    """
    text = _read(path)
    conda: CondaEntries = []
    pip: CondaEntries = []
    if text is None:
        return conda, pip
    in_deps = False
    pip_indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split(" #", 1)[0].rstrip()
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        indent = len(stripped) - len(stripped.lstrip())
        if indent == 0:
            in_deps = stripped.startswith("dependencies:")
            pip_indent = None
            continue
        if not in_deps:
            continue
        item = stripped.strip()
        if not item.startswith("-"):
            continue
        value = item[1:].strip().strip("'\"")
        if pip_indent is not None and indent > pip_indent:
            pip.append((path, value, number))
            continue
        pip_indent = None
        if value == "pip:":
            pip_indent = indent
        else:
            conda.append((path, value, number))
    return conda, pip


# --- what to install ---

# requirements-file options that stay with the requirements (indexes, constraints)
_KEPT_OPTIONS = re.compile(
    r"(-c|--constraint|-f|--find-links|-i|--index-url|--extra-index-url|--no-index|--pre"
    r"|--only-binary|--no-binary|--prefer-binary|--trusted-host)(?=[\s=]|$)\s*=?\s*(.*)"
)
# options whose value is a path relative to the file that names it
_PATH_OPTIONS = ("-c", "--constraint", "-f", "--find-links")


class Requirement(NamedTuple):
    """One line of a declaration: a requirement, '-e PATH', or an index/constraint option."""

    text: str
    path: Path
    line: int | None
    option: bool = False
    declared: str = ""  # as the file wrote it, when ``text`` is its pip form (conda)

    @property
    def written(self) -> str:
        return self.declared or self.text

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    @property
    def local_path(self) -> Path | None:
        """The folder or file a local requirement names, from the declaration's folder."""
        target = self.text.removeprefix("-e").removeprefix("--editable").strip()
        if self.option or "://" in target or "@" in target:
            return None
        if target == "." or target.startswith(("./", "../", "/", "~")) or os.sep in target:
            return self.path.parent / Path(target).expanduser()
        return None


@dataclass
class InstallPlan:
    """The requirements and options an experiment declares, each with its file and line."""

    requirements: list[Requirement] = field(default_factory=list)
    options: list[Requirement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted({req.path.name for req in self.requirements})


def install_plan(experiment: Experiment) -> InstallPlan:
    """requirements.txt when present (else every requirements*.txt), then the other files."""
    plan = InstallPlan()
    names = experiment.declarations
    requirement_files = [n for n in names if n.endswith(".txt")]
    if "requirements.txt" in requirement_files:
        requirement_files = ["requirements.txt"]
    root = boundary(experiment.path.absolute())
    for name in requirement_files:
        for entry in requirement_lines(experiment.path / name, options=True, root=root):
            (plan.options if entry.option else plan.requirements).append(entry)
    if "pyproject.toml" in names:
        plan.requirements += _pyproject_requirements(experiment.path / "pyproject.toml")
        tool = (_toml(experiment.path / "pyproject.toml") or {}).get("tool")
        if isinstance(tool, dict) and "poetry" in tool:
            plan.notes.append("pyproject.toml: Poetry dependencies are not read (poetry install)")
    if "Pipfile" in names:
        plan.requirements += _pipfile_requirements(experiment.path / "Pipfile")
    for conda_name in conda_files(experiment):
        if requirement_files:
            plan.notes.append(
                f"{conda_name}: not read: {requirement_files[0]} is what pip installs "
                f"({conda_name} is for conda env create)"
            )
            continue
        conda, pip = _conda_dependencies(experiment.path / conda_name)
        plan.requirements += [Requirement(text, path, line) for path, text, line in pip]
        for path, text, line in conda:
            spec = pip_form(text)
            if spec:
                plan.requirements.append(Requirement(spec, path, line, declared=text))
        skipped = conda_only(conda)
        if skipped:
            listed = ", ".join(text for _, text, _ in skipped)
            plan.notes.append(f"{conda_name}: conda-only packages, not installed: {listed}")
    has_project = "pyproject.toml" in names and _has_build_system(experiment.path)
    if (
        not plan.requirements
        and not requirement_files
        and (has_project or {"setup.py", "setup.cfg"} & set(names))
    ):
        source = (
            "setup.py"
            if "setup.py" in names
            else sorted({"setup.cfg", "pyproject.toml"} & set(names))[0]
        )
        plan.requirements.append(Requirement("-e .", experiment.path / source, None))
    return plan


# conda packages that are not Python distributions: pip has nothing of that name to install
CONDA_ONLY = frozenset(
    {
        "cudatoolkit",
        "cudatoolkit-dev",
        "cuda-toolkit",
        "cudnn",
        "nccl",
        "mkl",
        "blas",
        "nomkl",
        "libgcc",
        "libgcc-ng",
        "libstdcxx-ng",
        "openssl",
        "ca-certificates",
        "ffmpeg",
        "nodejs",
        "graphviz",
    }
)
# conda names whose pip distribution is called otherwise
CONDA_TO_PIP = {
    "pytorch": "torch",
    "pytorch-cpu": "torch",
    "py-opencv": "opencv-python",
    "python-graphviz": "graphviz",
    "py-xgboost": "xgboost",
}
_CONDA_SPEC = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)")


def pip_form(conda: str) -> str | None:
    """A conda spec as pip writes it (``numpy=1.21.2`` is ``numpy==1.21.2``, ``=1.21`` is
    ``==1.21.*``, a build string dropped); None for python, pip and conda-only packages."""
    match = _CONDA_SPEC.fullmatch(conda.rpartition("::")[2].strip())
    if match is None:
        return None
    name, spec = match.group(1), match.group(2).replace(" ", "")
    if name.lower() in ("python", "pip") or name.lower() in CONDA_ONLY:
        return None
    name = CONDA_TO_PIP.get(name.lower(), name)
    if spec[:1].isdigit():
        spec = "=" + spec
    if spec.startswith("=") and not spec.startswith("=="):
        version = spec[1:].split("=", 1)[0].rstrip(".*")
        exact = version.count(".") >= 2
        return f"{name}=={version}" if exact else f"{name}=={version}.*"
    if spec.startswith("=="):
        return f"{name}=={spec[2:].split('=', 1)[0]}"
    return f"{name}{spec}"


def conda_only(conda: CondaEntries) -> CondaEntries:
    """Conda entries pip cannot install: packages that are not Python distributions."""
    return [
        entry
        for entry in conda
        if pip_form(entry[1]) is None and not re.match(r"(python|pip)\b", entry[1])
    ]


def conda_files(experiment: Experiment) -> list[str]:
    return [
        name for name in ("environment.yml", "environment.yaml") if name in experiment.declarations
    ]


def conda_entries(experiment: Experiment) -> CondaEntries:
    """The conda-only entries of the conda file pip's install reads: none when the
    experiment has requirements files, which are the pip route beside conda's."""
    if any(name.endswith(".txt") for name in experiment.declarations):
        return []
    found: CondaEntries = []
    for conda_name in conda_files(experiment):
        found += conda_only(_conda_dependencies(experiment.path / conda_name)[0])
    return found


def _has_build_system(folder: Path) -> bool:
    data = _toml(folder / "pyproject.toml") or {}
    return "build-system" in data and "project" not in data


def requirement_lines(
    path: Path, seen: set[Path] | None = None, *, options: bool = False, root: Path | None = None
) -> list[Requirement]:
    """Requirement lines of a pip requirements file, following -r includes.

    With ``options``, index and constraint options come too (flagged), paths
    made absolute from the file's folder, as pip reads them. Every file read and
    every local path (``-r``, ``-e``, ``-c``, ``-f``) must stay inside ``root``
    (default: :func:`boundary` of the file's folder): one outside is refused with
    its file and line, never read nor copied.
    """
    root = boundary(path.parent.absolute()) if root is None else root
    seen = set() if seen is None else seen
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    text = _read(path, root)
    if text is None:
        raise PapershelfError(f"{path}: cannot read")
    found: list[Requirement] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = " ".join((pending + line).split())
        pending = ""
        if not line:
            continue
        include = re.match(r"(?:-r|--requirement)\s*=?\s*(\S+)", line)
        editable = re.match(r"(?:-e|--editable)\s*=?\s*(\S+)", line)
        kept = _KEPT_OPTIONS.match(line)
        if include:
            included = path.parent / include.group(1)
            _inside(root, included, path, start, line)
            found += requirement_lines(included, seen, options=options, root=root)
        elif editable:
            found.append(_local(root, Requirement(f"-e {editable.group(1)}", path, start), line))
        elif kept and options:
            name, value = kept.groups()
            if name in _PATH_OPTIONS and "://" not in value:
                _inside(root, path.parent / value, path, start, line)
                value = (path.parent / value).absolute().as_uri()  # no quoting needed
            found.append(Requirement(f"{name} {value}".strip(), path, start, option=True))
        elif not line.startswith("-"):
            # per-requirement options (--hash=...) belong to the file, not the requirement
            found.append(_local(root, Requirement(line.split(" --", 1)[0], path, start), line))
    return found


def _inside(root: Path, target: Path, path: Path, line: int, text: str) -> None:
    """Refuse a path a requirements line names outside ``root`` (``-r /dev/zero``,
    ``-e /``, ``-r ../../creds.txt``): it is neither read nor copied."""
    if repopaths.within(root, target.expanduser()) is None:
        raise ConfigError(
            str(path), f"{text}: leads outside the repository {root}; mkexp does not read it", line
        )


def _local(root: Path, requirement: Requirement, text: str) -> Requirement:
    local = requirement.local_path
    if local is not None:
        _inside(root, local, requirement.path, requirement.line or 0, text)
    return requirement


def _line_of(path: Path, needle: str) -> int | None:
    text = _read(path) or ""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _key_line(path: Path, key: str) -> int | None:
    """The line where a TOML key is assigned (tomllib keeps no positions)."""
    text = _read(path) or ""
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _bad_value(path: Path, key: str, value: object, expected: str) -> ConfigError:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    line = _key_line(path, key.rsplit(" ", 1)[-1])
    return ConfigError(str(path), f"{key}: expected {expected}, got {shown}", line)


def _pyproject_requirements(path: Path) -> list[Requirement]:
    data = _toml(path) or {}
    project = data.get("project")
    if not isinstance(project, dict) or "dependencies" not in project:
        return []
    dependencies = project["dependencies"]
    if not isinstance(dependencies, list):
        raise _bad_value(path, "[project] dependencies", dependencies, "a list of strings")
    found = []
    for text in dependencies:
        if not isinstance(text, str):
            raise _bad_value(path, "[project] dependencies", text, "a requirement string")
        found.append(Requirement(text, path, _line_of(path, text)))
    return found


def _pipfile_requirements(path: Path) -> list[Requirement]:
    data = _toml(path) or {}
    packages = data.get("packages", {})
    if not isinstance(packages, dict):
        raise _bad_value(path, "packages", packages, "a table")
    found = []
    for name, spec in packages.items():
        version = spec.get("version", "*") if isinstance(spec, dict) else spec
        if not isinstance(version, str):
            expected = 'a version string like "*" or "==1.0", or a table'
            raise _bad_value(path, f"[packages] {name}", version, expected)
        text = name if version in ("*", "") else f"{name}{version}"
        found.append(Requirement(text, path, _key_line(path, name)))
    return found
