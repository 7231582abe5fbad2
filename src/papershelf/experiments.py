"""Finding code experiments and making each its own virtual environment.

An experiment is a folder that declares Python dependencies (requirements*.txt,
pyproject.toml, setup.py/setup.cfg, Pipfile, environment.yml), or one holding
notebooks or scripts and no declaration above it. Its environment is
``FOLDER/.venv``, made in-process by virtualenv's ``cli_run`` so app-data
seeding makes every environment after the first take a fraction of a second.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import NamedTuple

from papershelf import interpreters
from papershelf.errors import PapershelfError
from papershelf.interpreters import Interpreter, VersionSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

ENV_DIR = ".venv"
LOCK_NAME = "requirements.lock.txt"
STAMP_NAME = ".mkexp.json"
INCOMPLETE_NAME = ".mkexp-incomplete"
DECLARATION_NAMES = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml", "environment.yaml"}
)
VERSION_FILES = (".python-version", "runtime.txt")
EXCLUDED_PARTS = frozenset(
    {ENV_DIR, "site-packages", "node_modules", ".git", "__pycache__", ".ipynb_checkpoints"}
)
GITIGNORE_BLOCK = "\n# virtual environments made by mkexp, one per experiment\n.venv/\n"

Say = Callable[[str], None]


def is_declaration(name: str) -> bool:
    if name in DECLARATION_NAMES:
        return True
    return name.startswith("requirements") and name.endswith(".txt") and name != LOCK_NAME


def _is_code(name: str) -> bool:
    return name.endswith((".py", ".ipynb"))


class State(str, enum.Enum):
    NONE = "none"
    READY = "ready"
    STALE = "stale"
    BROKEN = "broken"
    FOREIGN = "foreign"


STATE_HELP = {
    State.NONE: "no environment yet",
    State.READY: "environment up to date",
    State.STALE: "the declaration changed since the environment was made",
    State.BROKEN: "the environment's interpreter is gone, or its creation was interrupted",
    State.FOREIGN: ".venv exists but is not a virtual environment; mkexp leaves it alone",
}


@dataclass(frozen=True)
class Experiment:
    path: Path
    declarations: tuple[str, ...]
    notebooks: bool

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def env(self) -> Path:
        return self.path / ENV_DIR


# --- git: the only place this module calls git (to move into papershelf.gitfiles) ---


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise PapershelfError(f"cannot run git: {error}") from error


def git_toplevel(folder: Path) -> Path | None:
    result = _git(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        return None
    return Path(os.fsdecode(result.stdout.rstrip(b"\n")))


def git_files(top: Path) -> list[str]:
    """Tracked and untracked, not ignored, files under a work tree (posix, relative).

    A nested clone (``git ls-files -o`` shows it as ``dir/``) is listed by its own git.
    """
    result = _git(top, "ls-files", "-z", "-c", "-o", "--exclude-standard")
    if result.returncode != 0:
        raise PapershelfError(f"{top}: git ls-files failed: {os.fsdecode(result.stderr).strip()}")
    files: list[str] = []
    for raw in result.stdout.split(b"\0"):
        if not raw:
            continue
        path = os.fsdecode(raw)
        if path.endswith("/"):
            if not EXCLUDED_PARTS.isdisjoint(path.split("/")):
                continue
            files.extend(path + inner for inner in git_files(top / path))
        else:
            files.append(path)
    if ".gitmodules" in files:
        for submodule in _submodule_paths(top):
            if (top / submodule / ".git").exists():
                files.extend(f"{submodule}/{inner}" for inner in git_files(top / submodule))
    return files


def _submodule_paths(top: Path) -> list[str]:
    result = _git(top, "config", "-z", "--file", ".gitmodules", "--get-regexp", r"\.path$")
    paths = []
    for record in result.stdout.split(b"\0"):
        _, _, value = record.partition(b"\n")
        if value:
            paths.append(os.fsdecode(value).rstrip("/"))
    return paths


def git_ignores(top: Path, relative: str) -> bool:
    result = _git(top, "check-ignore", "-z", "--stdin", "--no-index", stdin=os.fsencode(relative))
    return result.returncode == 0


# --- discovery ---


def _walk_files(root: Path) -> list[str]:
    """Outside git: every file, never entering environments or node_modules."""
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in EXCLUDED_PARTS]
        if "pyvenv.cfg" in names:
            dirs[:] = []
            continue
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        files.extend(prefix + name for name in names)
    return files


def experiments_in_files(root: Path, files: Iterable[str]) -> list[Experiment]:
    """Experiments among relative file paths: declarations first, then loose code."""
    declared: dict[str, list[str]] = {}
    code: dict[str, bool] = {}
    environments: list[str] = []
    for path in files:
        folder, _, name = path.rpartition("/")
        if name == "pyvenv.cfg":
            environments.append(folder + "/")
            continue
        declaration = is_declaration(name)
        if not declaration and not _is_code(name):
            continue
        if folder and not EXCLUDED_PARTS.isdisjoint(folder.split("/")):
            continue
        if declaration:
            declared.setdefault(folder, []).append(name)
        else:
            code[folder] = code.get(folder, False) or name.endswith(".ipynb")
    envs = tuple(environments)

    def inside_env(folder: str) -> bool:
        return bool(envs) and (folder + "/").startswith(envs)

    def under(folder: str, parents: set[str] | dict[str, list[str]]) -> bool:
        parts = folder.split("/") if folder else []
        return any("/".join(parts[:depth]) in parents for depth in range(len(parts) + 1))

    found: list[Experiment] = []
    for folder, names in declared.items():
        if not inside_env(folder):
            has_notebooks = code.get(folder, False)
            found.append(Experiment(_join(root, folder), tuple(sorted(names)), has_notebooks))
    loose_tops: set[str] = set()
    for folder in sorted(code, key=lambda item: (item.count("/"), item)):
        if inside_env(folder) or under(folder, declared) or under(folder, loose_tops):
            continue
        loose_tops.add(folder)
        notebooks = any(
            has and (other == folder or other.startswith(folder + "/") or not folder)
            for other, has in code.items()
        )
        found.append(Experiment(_join(root, folder), (), notebooks))
    return sorted(found, key=lambda item: item.path.as_posix())


def _join(root: Path, folder: str) -> Path:
    return root / folder if folder else root


def discover(start: Path) -> tuple[Path, list[Experiment]]:
    """Experiments in the git work tree holding ``start`` (or under it, outside git)."""
    top = git_toplevel(start)
    if top is None:
        return start, experiments_in_files(start, _walk_files(start))
    experiments = experiments_in_files(top, git_files(top))
    start_resolved = start.resolve()
    if start_resolved != top.resolve():
        experiments = [
            item for item in experiments if item.path.resolve().is_relative_to(start_resolved)
        ]
    return top, experiments


def experiment_at(folder: Path) -> Experiment:
    """The experiment a folder named on the command line is, or a one-line error."""
    if not folder.is_dir():
        raise PapershelfError(f"{folder}: no such folder")
    names = sorted(os.listdir(folder))
    declarations = tuple(name for name in names if is_declaration(name))
    code = [name for name in names if _is_code(name)]
    if not declarations and not code:
        raise PapershelfError(
            f"{folder}: not an experiment (no requirements*.txt, pyproject.toml, setup.py, "
            "setup.cfg, Pipfile, environment.yml, notebook or script); add a requirements.txt "
            "or use 'mkexp new NAME'"
        )
    return Experiment(folder, declarations, any(name.endswith(".ipynb") for name in code))


# --- state ---


def declaration_digest(experiment: Experiment) -> str:
    digest = hashlib.sha256()
    for name in sorted((*experiment.declarations, *VERSION_FILES)):
        try:
            content = (experiment.path / name).read_bytes()
        except OSError:
            continue
        digest.update(name.encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def state_of(experiment: Experiment) -> State:
    env = experiment.env
    if not os.path.lexists(env):
        return State.NONE
    if not env.is_dir() or not (env / "pyvenv.cfg").is_file():
        return State.FOREIGN
    if (env / INCOMPLETE_NAME).exists() or not os.path.exists(env_python(env)):
        return State.BROKEN
    cfg = interpreters.pyvenv_cfg(env)
    base = cfg.get("base-executable") or cfg.get("executable")
    if base and not os.path.exists(base):
        return State.BROKEN
    try:
        stamp = json.loads((env / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    if isinstance(stamp, dict) and "digest" in stamp:
        fresh = stamp["digest"] == declaration_digest(experiment)
    else:
        made = (env / "pyvenv.cfg").stat().st_mtime
        fresh = all(
            (experiment.path / name).stat().st_mtime <= made for name in experiment.declarations
        )
    return State.READY if fresh else State.STALE


def env_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def python_label(experiment: Experiment, state: State) -> str:
    if state in (State.READY, State.STALE, State.BROKEN):
        cfg = interpreters.pyvenv_cfg(experiment.env)
        version = cfg.get("version_info") or cfg.get("version") or "?"
        return ".".join(version.split(".")[:3])
    try:
        spec = requested_python(experiment.path)
    except PapershelfError:
        return "?"
    return f"{spec.text} ({spec.source.rsplit('/', 1)[-1]})" if spec else "-"


class Row(NamedTuple):
    experiment: Experiment
    relative: str
    state: State
    python: str


def list_rows(start: Path) -> list[Row]:
    top, experiments = discover(start)
    rows = []
    for experiment in experiments:
        state = state_of(experiment)
        relative = experiment.path.relative_to(top).as_posix() if experiment.path != top else "."
        rows.append(Row(experiment, relative, state, python_label(experiment, state)))
    return rows


# --- the Python an experiment asks for ---


def requested_python(folder: Path) -> VersionSpec | None:
    """From .python-version, requires-python, runtime.txt or environment.yml, in that order."""
    for reader in (_from_python_version, _from_pyproject, _from_setup, _from_runtime, _from_conda):
        spec = reader(folder)
        if spec is not None:
            return spec
    return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
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
    if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
        return VersionSpec(project["requires-python"], str(path))
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


class Requirement(NamedTuple):
    text: str
    path: Path
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    @property
    def name(self) -> str:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", self.text)
        return _normalize(match.group(1)) if match else self.text


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class InstallPlan:
    """Installer arguments plus the requirements they stand for, for error reports."""

    args: list[str] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def install_plan(experiment: Experiment) -> InstallPlan:
    """requirements.txt when present (else every requirements*.txt), then the other files."""
    plan = InstallPlan()
    names = experiment.declarations
    requirement_files = [n for n in names if n.endswith(".txt")]
    if "requirements.txt" in requirement_files:
        requirement_files = ["requirements.txt"]
    for name in requirement_files:
        path = experiment.path / name
        plan.args += ["-r", str(path)]
        plan.requirements += requirement_lines(path)
    from_files = len(plan.requirements)
    if "pyproject.toml" in names:
        plan.requirements += _pyproject_requirements(experiment.path / "pyproject.toml")
    if "Pipfile" in names:
        plan.requirements += _pipfile_requirements(experiment.path / "Pipfile")
    for conda_name in ("environment.yml", "environment.yaml"):
        if conda_name in names:
            conda, pip = _conda_dependencies(experiment.path / conda_name)
            plan.requirements += [Requirement(text, path, line) for path, text, line in pip]
            skipped = [text for _, text, _ in conda if not re.match(r"(python|pip)\b", text)]
            if skipped:
                plan.notes.append(
                    f"{conda_name}: conda packages not installed by pip: {', '.join(skipped)}"
                )
    plan.args += [req.text for req in plan.requirements[from_files:]]
    has_project = "pyproject.toml" in names and _has_build_system(experiment.path)
    if not plan.requirements and not requirement_files and (
        has_project or {"setup.py", "setup.cfg"} & set(names)
    ):
        plan.args += ["-e", str(experiment.path)]
    return plan


def _has_build_system(folder: Path) -> bool:
    data = _toml(folder / "pyproject.toml") or {}
    return "build-system" in data and "project" not in data


def requirement_lines(path: Path, seen: set[Path] | None = None) -> list[Requirement]:
    """Requirement lines of a pip requirements file, following -r includes."""
    seen = set() if seen is None else seen
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    text = _read(path)
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
        if include:
            found += requirement_lines(path.parent / include.group(1), seen)
        elif not line.startswith("-"):
            found.append(Requirement(line, path, start))
    return found


def _line_of(path: Path, needle: str) -> int | None:
    text = _read(path) or ""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _pyproject_requirements(path: Path) -> list[Requirement]:
    data = _toml(path) or {}
    project = data.get("project")
    dependencies = project.get("dependencies", []) if isinstance(project, dict) else []
    return [Requirement(text, path, _line_of(path, text)) for text in dependencies]


def _pipfile_requirements(path: Path) -> list[Requirement]:
    data = _toml(path) or {}
    packages = data.get("packages", {})
    found = []
    for name, spec in packages.items() if isinstance(packages, dict) else ():
        version = spec if isinstance(spec, str) else spec.get("version", "*")
        text = name if version in ("*", "") else f"{name}{version}"
        found.append(Requirement(text, path, _line_of(path, name)))
    return found


# --- creating an environment ---


@dataclass
class MakeOptions:
    python: str | None = None
    clear: bool = False
    install: bool = False
    kernel: bool = False
    installer: str = "auto"


def select_interpreter(experiment: Experiment, python: str | None) -> Interpreter:
    """--python (a path or a version) wins; then what the experiment asks for; else ours."""
    if python:
        if os.sep in python or python.startswith("."):
            return interpreters.query_interpreter(Path(python).absolute())
        wanted = VersionSpec(python.removeprefix("python"), "--python")
        return interpreters.choose(wanted, interpreters.find_interpreters())
    spec = requested_python(experiment.path)
    current = interpreters.current_interpreter()
    if spec is None:
        return current
    return interpreters.choose(spec, interpreters.find_interpreters())


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def removed_on_failure(*paths: Path) -> Iterator[None]:
    """Remove what this step creates when it fails or is interrupted (Ctrl-C, SIGTERM)."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if main_thread else None
    try:
        yield
    except BaseException:
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                path.unlink()
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def create_env(env: Path, interpreter: Interpreter, prompt: str) -> None:
    """virtualenv in-process; Pythons before 3.9 get pip from their own ensurepip."""
    from virtualenv import cli_run  # imported here: --list never pays for it

    env.mkdir()
    (env / INCOMPLETE_NAME).write_text("mkexp is creating this environment\n", encoding="utf-8")
    old = interpreter.version < (3, 9)
    args = ["--no-periodic-update", "--quiet", "--python", str(interpreter.path)]
    args += ["--prompt", prompt]
    args += ["--no-seed"] if old else ["--seeder", "app-data"]
    try:
        cli_run([*args, str(env)], setup_logging=False)
    except (Exception, SystemExit) as error:
        raise PapershelfError(f"{env}: virtualenv failed: {error}") from error
    if interpreter.version < (3, 8):
        # virtualenv's distutils patch uses 3.8 syntax; those Pythons do not need it.
        for leftover in env.glob("lib/python*/site-packages/_virtualenv.*"):
            leftover.unlink()
    if old:
        _run_step([str(env_python(env)), "-m", "ensurepip", "--default-pip"], env)


def _run_step(command: Sequence[str], where: Path) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        last = lines[-1] if lines else f"exit code {result.returncode}"
        raise PapershelfError(f"{where}: {Path(command[0]).name} {command[1:3]} failed: {last}")
    return result.stdout


def use_uv(installer: str) -> str | None:
    if installer == "pip":
        return None
    uv = shutil.which("uv")
    if installer == "uv" and uv is None:
        raise PapershelfError("--installer uv: uv is not on PATH (pip install uv)")
    return uv


def install_command(env: Path, uv: str | None, args: Sequence[str]) -> list[str]:
    if uv:
        return [uv, "pip", "install", "--python", str(env_python(env)), *args]
    python = str(env_python(env))
    return [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *args]


def write_lock(experiment: Experiment, uv: str | None) -> Path:
    env = experiment.env
    if uv:
        frozen = _run_step([uv, "pip", "freeze", "--python", str(env_python(env))], env)
        frozen = "".join(
            line + "\n"
            for line in frozen.splitlines()
            if not re.match(r"(pip|setuptools|wheel)==", line)
        )
    else:
        frozen = _run_step(
            [str(env_python(env)), "-m", "pip", "freeze", "--disable-pip-version-check"], env
        )
    version = interpreters.pyvenv_cfg(env).get("version_info", "?")
    lock = experiment.path / LOCK_NAME
    lock.write_text(
        f"# written by mkexp: the packages of .venv (Python {version});\n"
        f"# rebuild with: pip install -r {LOCK_NAME}\n{frozen}",
        encoding="utf-8",
    )
    return lock


def kernel_name(name: str) -> str:
    """Jupyter kernel names allow only ASCII letters, digits, '.', '_' and '-'."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-").lower()
    if safe != name.lower():
        safe = f"{safe or 'experiment'}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
    return safe


def make(experiment: Experiment, options: MakeOptions, say: Say) -> Path:
    """Create (or keep) the experiment's environment, then install and register as asked."""
    env = experiment.env
    state = state_of(experiment)
    if state is State.FOREIGN:
        raise PapershelfError(
            f"{env}: exists but is not a virtual environment (no pyvenv.cfg); "
            "mkexp leaves it alone: move it away first"
        )
    if state is State.BROKEN and (env / INCOMPLETE_NAME).exists():
        say(f"{env}: removing a half-made environment left by an interrupted mkexp")
        shutil.rmtree(env)
        state = State.NONE
    fresh = state is State.NONE or options.clear
    if not fresh:
        say(f"{experiment.path}: keeping its environment ({state.value}; --clear remakes it)")
        if options.install or options.kernel:
            _populate(experiment, options, say)
            if options.install and state is State.STALE:
                _write_stamp(experiment, interpreters.pyvenv_cfg(env).get("executable", ""))
        return env
    interpreter = select_interpreter(experiment, options.python)
    if state is not State.NONE:
        say(f"{experiment.path}: removing the old environment (--clear)")
        shutil.rmtree(env)
    lock = experiment.path / LOCK_NAME
    undo = [env] if not options.install or os.path.lexists(lock) else [env, lock]
    with removed_on_failure(*undo):
        say(
            f"{experiment.path}: creating .venv with Python "
            f"{interpreters.format_version(interpreter.version)} ({interpreter.path})"
        )
        create_env(env, interpreter, experiment.name)
        _populate(experiment, options, say)
        _write_stamp(experiment, str(interpreter.path))
        (env / INCOMPLETE_NAME).unlink()
    return env


def _write_stamp(experiment: Experiment, python: str) -> None:
    """What the environment was made from, so --list can tell 'stale' without mtimes."""
    stamp = {"digest": declaration_digest(experiment), "python": python}
    (experiment.env / STAMP_NAME).write_text(json.dumps(stamp) + "\n", encoding="utf-8")


def _populate(experiment: Experiment, options: MakeOptions, say: Say) -> None:
    env = experiment.env
    uv = use_uv(options.installer) if options.install or options.kernel else None
    tool = "uv" if uv else "pip"
    if options.install:
        plan = install_plan(experiment)
        for note in plan.notes:
            say(f"{experiment.path}: {note}")
        if plan.args:
            resolves = _uv_resolves(env, uv, plan)
            problems = [] if resolves else check(experiment, env_python(env), plan)
            if problems:
                for problem in problems:
                    say(problem)
                raise PapershelfError(
                    f"{experiment.path}: {len(problems)} requirement(s) cannot be installed "
                    "for this Python (listed above); nothing was installed"
                )
            say(f"{experiment.path}: installing {_describe(plan)} with {tool}")
            _run_step(install_command(env, uv, plan.args), experiment.path)
        lock = write_lock(experiment, uv)
        say(f"{experiment.path}: wrote {lock.name} (pip freeze)")
    if options.kernel:
        if not experiment.notebooks:
            say(f"{experiment.path}: no notebooks, so no Jupyter kernel registered")
            return
        say(f"{experiment.path}: installing ipykernel with {tool}")
        _run_step(install_command(env, uv, ["ipykernel"]), experiment.path)
        name = kernel_name(experiment.name)
        _run_step(
            [str(env_python(env)), "-m", "ipykernel", "install", "--user", "--name", name,
             "--display-name", experiment.name],
            experiment.path,
        )
        say(f"{experiment.path}: registered Jupyter kernel {name!r} ({experiment.name})")


def _uv_resolves(env: Path, uv: str | None, plan: InstallPlan) -> bool:
    """uv resolves in milliseconds; pip's slower dry run is needed only to explain a failure."""
    if uv is None:
        return False
    command = [uv, "pip", "install", "--dry-run", "--quiet", "--python", str(env_python(env))]
    result = subprocess.run([*command, *plan.args], capture_output=True, check=False)
    return result.returncode == 0


def _describe(plan: InstallPlan) -> str:
    files = sorted({req.path.name for req in plan.requirements})
    return ", ".join(files) if files else " ".join(plan.args)


# --- checking requirements without installing ---

_NOT_FOUND = re.compile(r"Could not find a version that satisfies the requirement (\S+)")
_VERSIONS = re.compile(r"\(from versions: ([^)]*)\)")
_IGNORED = re.compile(r"require a different python version: (.*)")
_IGNORED_ITEM = re.compile(r"(\S+) Requires-Python (\S+)")
_WRONG_PYTHON = re.compile(r"requires a different Python: \S+ not in '([^']*)'")


def check(experiment: Experiment, python: Path, plan: InstallPlan | None = None) -> list[str]:
    """One line per requirement the Python cannot get, instead of pip's traceback."""
    plan = install_plan(experiment) if plan is None else plan
    if not plan.args:
        return []
    ok, _ = _dry_run(python, plan.args)
    if ok:
        return []
    singles = [req for req in plan.requirements]
    if not singles:
        _, message = _dry_run(python, plan.args)
        return [f"{experiment.path}: {_summary(message)}"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda req: _dry_run(python, [req.text]), singles))
    problems = [
        f"{req.where}: {req.text}: {_summary(message)}"
        for req, (good, message) in zip(singles, results, strict=True)
        if not good
    ]
    if not problems:
        _, message = _dry_run(python, plan.args)
        problems.append(f"{experiment.path}: together: {_summary(message)}")
    return problems


def _dry_run(python: Path, args: Sequence[str]) -> tuple[bool, str]:
    command = [
        str(python), "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
        "--report", "-", "--disable-pip-version-check", "--no-input", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return result.returncode == 0, result.stderr


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


# --- keeping environments out of git, and telling how to use them ---


def ensure_ignored(env: Path) -> Path | None:
    """Add '.venv/' to the top-level .gitignore once, unless git already ignores env."""
    top = git_toplevel(env.parent)
    if top is None:
        return None
    # No trailing slash: virtualenv's own '.venv/.gitignore' ('*') would match 'env/'.
    relative = os.path.relpath(env.absolute(), top).replace(os.sep, "/")
    if git_ignores(top, relative):
        return None
    gitignore = top / ".gitignore"
    text = _read(gitignore) or ""
    if any(line.strip() in (".venv/", ".venv") for line in text.splitlines()):
        return None
    prefix = "" if not text or text.endswith("\n") else "\n"
    with gitignore.open("a", encoding="utf-8") as stream:
        stream.write(prefix + (GITIGNORE_BLOCK if text else GITIGNORE_BLOCK.lstrip("\n")))
    return gitignore


def usage_lines(env: Path, shell: str | None = None) -> list[str]:
    env = env.absolute()
    shell_name = Path(shell or os.environ.get("SHELL", "sh")).name
    if os.name == "nt":
        activate = str(env / "Scripts" / "activate")
    elif shell_name == "fish":
        activate = f"source {shlex.quote(str(env / 'bin' / 'activate.fish'))}"
    elif shell_name in ("csh", "tcsh"):
        activate = f"source {shlex.quote(str(env / 'bin' / 'activate.csh'))}"
    elif shell_name == "nu":
        activate = f"overlay use {shlex.quote(str(env / 'bin' / 'activate.nu'))}"
    else:
        activate = f"source {shlex.quote(str(env / 'bin' / 'activate'))}"
    return [f"  activate:    {activate}", f"  interpreter: {env_python(env)}"]


def new_experiment(parent: Path, name: str) -> Experiment:
    """A new experiment folder with a README.md and an empty requirements.txt."""
    if not name or name in (".", "..") or "/" in name or os.sep in name:
        raise PapershelfError(f"{name!r}: an experiment name is one folder name")
    folder = parent / name
    if os.path.lexists(folder):
        raise PapershelfError(f"{folder}: already exists")
    folder.mkdir()
    (folder / "README.md").write_text(
        f"# {name}\n\nDependencies go in requirements.txt; "
        "`mkexp . --install` rebuilds the environment.\n",
        encoding="utf-8",
    )
    (folder / "requirements.txt").write_text("", encoding="utf-8")
    return Experiment(folder, ("requirements.txt",), False)
