"""Making, populating and cleaning up environments with virtualenv in-process."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlparse

from papershelf.errors import PapershelfError
from papershelf.mkexp import interpreters
from papershelf.mkexp.checking import check
from papershelf.mkexp.declarations import (
    InstallPlan,
    _read,
    conda_entries,
    install_plan,
    requested_python,
)
from papershelf.mkexp.explaining import explain
from papershelf.mkexp.interpreters import Interpreter, VersionSpec
from papershelf.mkexp.model import (
    EGG_INFO_BLOCK,
    ENV_DIR,
    GITIGNORE_BLOCK,
    INCOMPLETE_NAME,
    LOCK_NAME,
    STAMP_NAME,
    Experiment,
    Say,
    State,
)
from papershelf.mkexp.resolving import resolver_lines, uv_settings
from papershelf.mkexp.state import declaration_digest, env_python, state_of
from papershelf.repo import repopaths
from papershelf.repo.gitfiles import is_ignored, repository_root
from papershelf.sizes import TEXT_MAX_BYTES

OLD_SUFFIX = ".mkexp-old"


@dataclass
class MakeOptions:
    python: str | None = None
    clear: bool = False
    install: bool = False
    kernel: bool = False
    installer: str = "auto"


def select_interpreter(
    experiment: Experiment, python: str | None, say: Say | None = None
) -> Interpreter:
    """--python (a path or a version) wins; then what the experiment asks for; else ours."""
    if python:
        if os.sep in python or python.startswith("."):
            return interpreters.query_interpreter(Path(python).absolute())
        spec: VersionSpec | None = VersionSpec(python.removeprefix("python"), "--python")
    else:
        spec = requested_python(experiment.path)
    if spec is None:
        return interpreters.current_interpreter()
    if _python2_only(spec):
        raise PapershelfError(
            f"{spec.source} asks for Python {spec.text}: Python 2 is not supported; "
            "mkexp makes Python 3 environments (pass --python 3.x)"
        )
    found = interpreters.find_interpreters()
    try:
        return interpreters.choose(spec, found)
    except PapershelfError:
        closest = _closest_patch(spec, found)
        if closest is None:
            raise
    if say is not None:
        say(
            f"{spec.source} asks for Python {spec.text}, which is not installed; using "
            f"{interpreters.format_version(closest.version)}, the closest installed patch release"
        )
    return closest


def _python2_only(spec: VersionSpec) -> bool:
    return bool(spec.clauses) and all(
        operator in ("==", "===", "<", "<=", "~=") and number[0] <= 2
        for operator, number, _ in spec.clauses
    )


def _closest_patch(spec: VersionSpec, found: Sequence[Interpreter]) -> Interpreter | None:
    """For an exact X.Y.Z pin (runtime.txt 'python-3.7.9'): the installed X.Y nearest to Z."""
    if len(spec.clauses) != 1:
        return None
    operator, number, wildcard = spec.clauses[0]
    if operator not in ("==", "===") or wildcard or len(number) != 3:
        return None
    same_minor = [item for item in found if item.version[:2] == number[:2]]
    if not same_minor:
        return None
    return min(same_minor, key=lambda item: (abs(item.version[2] - number[2]), -item.version[2]))


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


def create_env(env: Path, interpreter: Interpreter, prompt: str, uv: str | None = None) -> None:
    """``uv venv`` when uv installs (no pip seeded: uv installs without it), else virtualenv
    in-process; there, Pythons before 3.9 get pip from their own ensurepip."""
    env.mkdir()
    (env / INCOMPLETE_NAME).write_text("mkexp is creating this environment\n", encoding="utf-8")
    if uv:
        command = [uv, "venv", "--quiet", "--allow-existing", "--python", str(interpreter.path)]
        _run_step([*command, f"--prompt={prompt}", str(env.absolute())], env)
        return
    from virtualenv import cli_run  # imported here: --list never pays for it

    old = interpreter.version < (3, 9)
    args = ["--no-periodic-update", "--quiet", "--python", str(interpreter.path)]
    args.append(f"--prompt={prompt}")  # a folder named '-rf' or '--help' is a prompt too
    args += ["--no-seed"] if old else ["--seeder", "app-data"]
    try:
        cli_run([*args, str(env.absolute())], setup_logging=False)
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
        step = " ".join([Path(command[0]).name, *command[1:3]])
        raise PapershelfError(f"{where}: {step} failed: {last}")
    return result.stdout


def use_uv(installer: str) -> str | None:
    if installer == "pip":
        return None
    uv = shutil.which("uv")
    if installer == "uv" and uv is None:
        raise PapershelfError("--installer uv: uv is not on PATH (pip install uv)")
    return uv


def install_command(env: Path, uv: str | None, args: Sequence[str]) -> list[str]:
    env = env.absolute()
    if uv:
        return [uv, "pip", "install", "--python", str(env_python(env)), *uv_settings(), *args]
    python = str(env_python(env))
    if not any(env.glob("lib/python*/site-packages/pip")):
        # made by uv venv, which seeds no pip: the environment's own ensurepip gives it one
        _run_step([python, "-m", "ensurepip", "--default-pip"], env)
    return [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *args]


# pip freeze's output without pip's 0.4 s start-up: importlib.metadata, Python 3.8+
_FREEZE = """
import importlib.metadata as metadata, json
lines = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if not name or name.lower() in ("pip", "setuptools", "wheel", "distribute", *lines):
        continue  # the first on sys.path is installed; later ones are egg-info in sources
    direct = json.loads(dist.read_text("direct_url.json") or "null")
    if direct and direct.get("dir_info", {}).get("editable"):
        lines[name.lower()] = "-e " + direct["url"]
    elif direct:
        lines[name.lower()] = name + " @ " + direct["url"]
    else:
        lines[name.lower()] = name + "==" + dist.version
print("".join(lines[key] + chr(10) for key in sorted(lines)), end="")
"""


def frozen_requirements(env: Path, uv: str | None) -> str:
    """The environment's packages in pip freeze format."""
    python = str(env_python(env))
    if uv:
        frozen = _run_step([uv, "pip", "freeze", "--python", python], env)
        return "".join(
            line + "\n"
            for line in frozen.splitlines()
            if not re.match(r"(pip|setuptools|wheel)==", line)
        )
    version = interpreters.pyvenv_cfg(env).get("version_info", "0.0").split(".")
    if tuple(int(part) for part in version[:2] if part.isdigit()) >= (3, 8):
        return _run_step([python, "-I", "-c", _FREEZE], env)
    return _run_step([python, "-m", "pip", "freeze", "--disable-pip-version-check"], env)


def write_lock(experiment: Experiment, uv: str | None) -> Path:
    env = experiment.env
    frozen = frozen_requirements(env, uv)
    lines = [_portable(line, experiment.path.absolute()) for line in frozen.splitlines()]
    version = interpreters.pyvenv_cfg(env).get("version_info", "?")
    lock = experiment.path / LOCK_NAME
    lock.write_text(
        f"# written by mkexp: the packages of .venv (Python {version});\n"
        f"# rebuild, in this folder, with: pip install -r {LOCK_NAME}\n"
        + "".join(line + "\n" for line in lines),
        encoding="utf-8",
    )
    return lock


def _portable(line: str, folder: Path) -> str:
    """Local installs as paths relative to the experiment, so the lock works elsewhere."""
    match = re.match(r"(-e |[A-Za-z0-9._-]+ @ )(file://\S+)$", line)
    if not match:
        return line
    path = Path(unquote(urlparse(match.group(2)).path))
    relative = Path(os.path.relpath(path, folder)).as_posix()
    relative = relative if relative.startswith(".") else f"./{relative}"
    return f"-e {relative}" if match.group(1) == "-e " else relative


def kernel_name(name: str) -> str:
    """Jupyter kernel names allow only ASCII letters, digits, '.', '_' and '-'."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-").lower()
    if safe != name.lower():
        safe = f"{safe or 'experiment'}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
    return safe


def jupyter_data_dir() -> Path:
    """Where 'ipykernel install --user' writes kernels (jupyter --data-dir)."""
    if os.environ.get("JUPYTER_DATA_DIR"):
        return Path(os.environ["JUPYTER_DATA_DIR"])
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Jupyter"
    if os.name == "nt":
        return Path(os.environ.get("APPDATA") or home) / "jupyter"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "jupyter"


def unique_kernel(experiment: Experiment) -> tuple[str, str]:
    """(kernel name, display name): the name already pointing here, else the folder's name,
    else one made from the folder's path in the repository, so no kernel is re-pointed."""
    kernels = jupyter_data_dir() / "kernels"
    python = str(env_python(experiment.env.absolute()))
    owners: dict[str, tuple[str, str]] = {}
    for spec in sorted(kernels.glob("*/kernel.json")):
        try:
            data = json.loads(spec.read_text(encoding="utf-8"))
            owners[spec.parent.name] = (str(data["argv"][0]), str(data.get("display_name", "")))
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            owners[spec.parent.name] = ("", "")
    for name, (argv0, display) in owners.items():
        if argv0 == python:
            return name, display or experiment.name
    top = repository_root(experiment.path)
    relative = os.path.relpath(experiment.path.absolute(), top) if top else ""
    relative = "" if relative == "." else relative.replace(os.sep, "/")
    digest = hashlib.sha256(str(experiment.path.absolute()).encode()).hexdigest()[:8]
    candidates = [(kernel_name(experiment.name), experiment.name)]
    if relative:
        candidates.append((kernel_name(relative.replace("/", "--")), relative))
    # the same folder in another clone: the display name says which clone
    where = str(top or experiment.path.absolute().parent)
    home = str(Path.home())
    where = "~" + where[len(home) :] if where.startswith(home + os.sep) else where
    display = f"{relative or experiment.name} ({where})"
    candidates.append((f"{kernel_name(experiment.name)}-{digest}", display))
    for name, display in candidates:
        if not (kernels / name).exists():
            return name, display
    return candidates[-1]


def confine(experiment: Experiment, lock: bool) -> None:
    """An experiment in a git work tree makes its environment (and ``lock``) inside that
    work tree: a tracked link to a folder outside, or a ``.venv`` linked out, is refused."""
    folder = Path(os.path.abspath(experiment.path))
    top = repository_root(folder.parent) or repository_root(folder)
    if top is not None:
        repopaths.writable_path(top, experiment.env)
        if lock:
            repopaths.writable_path(top, experiment.path / LOCK_NAME)


def make(experiment: Experiment, options: MakeOptions, say: Say) -> Path:
    """Create (or keep) the experiment's environment, then install and register as asked."""
    confine(experiment, options.install)
    try:
        return _make(experiment, options, say)
    except OSError as error:
        where = error.filename or experiment.path
        raise PapershelfError(
            f"{experiment.label}: cannot write its environment ({where}: {error.strerror}); "
            "make the folder writable, or copy the experiment somewhere writable"
        ) from error


def _make(experiment: Experiment, options: MakeOptions, say: Say) -> Path:
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
    if options.install or options.kernel:
        use_uv(options.installer)  # an unusable --installer fails before anything is made
    if options.clear and env.is_symlink():
        raise PapershelfError(
            f"{env}: is a symbolic link to {os.readlink(env)}; --clear remakes only an "
            "environment inside the experiment: remove the link first"
        )
    fresh = state is State.NONE or options.clear
    if not fresh:
        say(f"{experiment.label}: keeping its environment ({state.value}; --clear remakes it)")
        if options.install or options.kernel:
            missing = _populate(experiment, options, say)
            if options.install:
                python = interpreters.pyvenv_cfg(env).get("executable", "")
                _write_stamp(experiment, python, missing)
        return env
    interpreter = select_interpreter(experiment, options.python, say)
    old = None
    if state is not State.NONE:
        # --clear: the old environment waits aside until the new one is complete
        old = env.with_name(ENV_DIR + OLD_SUFFIX)
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)  # ours, left by a killed run
        elif os.path.lexists(old):
            old.unlink()
        env.rename(old)
    lock = experiment.path / LOCK_NAME
    undo = [env] if not options.install or os.path.lexists(lock) else [env, lock]
    try:
        with removed_on_failure(*undo):
            say(
                f"{experiment.label}: creating .venv with Python "
                f"{interpreters.format_version(interpreter.version)} ({interpreter.path})"
            )
            create_env(env, interpreter, experiment.name, use_uv(options.installer))
            missing = _populate(experiment, options, say)
            _write_stamp(experiment, str(interpreter.path), missing)
            (env / INCOMPLETE_NAME).unlink()
    except BaseException:
        if old is not None:
            old.rename(env)
            say(f"{experiment.label}: kept the old environment")
        raise
    if old is not None:
        shutil.rmtree(old)
        say(f"{experiment.label}: removed the old environment (--clear)")
    return env


def _write_stamp(experiment: Experiment, python: str, missing: Sequence[str] = ()) -> None:
    """What the environment was made from, so --list can tell 'stale' without mtimes, and
    what it lacks (conda-only packages), so it is never called ready without them."""
    stamp = {"digest": declaration_digest(experiment), "python": python, "missing": list(missing)}
    (experiment.env / STAMP_NAME).write_text(json.dumps(stamp) + "\n", encoding="utf-8")


def _populate(experiment: Experiment, options: MakeOptions, say: Say) -> list[str]:
    """Install and register as asked; the declared packages left out (conda-only)."""
    env = experiment.env
    missing: list[str] = []
    uv = use_uv(options.installer) if options.install or options.kernel else None
    tool = "uv" if uv else "pip"
    if options.install:
        plan = install_plan(experiment)
        for note in plan.notes:
            say(f"{experiment.label}: {note}")
        missing = [text for _, text, _ in conda_entries(experiment)]
        if plan.requirements:
            missing += _install(experiment, plan, uv, say)
            for left in ignore_build_metadata(experiment, plan):
                say(
                    f"{left}: an editable install's build metadata; added *.egg-info/ to .gitignore"
                )
        lock = write_lock(experiment, uv)
        say(f"{experiment.label}: wrote {lock.name} (pip freeze)")
    if options.kernel:
        if not experiment.notebooks:
            say(f"{experiment.label}: no notebooks, so no Jupyter kernel registered")
            return missing
        say(f"{experiment.label}: installing ipykernel with {tool}")
        _run_step(install_command(env, uv, ["ipykernel"]), experiment.path)
        name, display = unique_kernel(experiment)
        _run_step(
            [
                str(env_python(env)),
                "-m",
                "ipykernel",
                "install",
                "--user",
                "--name",
                name,
                "--display-name",
                display,
            ],
            experiment.path,
        )
        say(f"{experiment.label}: registered Jupyter kernel {name!r} ({display})")
    return missing


def _install(experiment: Experiment, plan: InstallPlan, uv: str | None, say: Say) -> list[str]:
    """Install from the declaration's folder; a failure is explained one line per requirement.

    Conda names that pip has no package for are said, left out, and returned."""
    tool = "uv" if uv else "pip"
    files = ", ".join(plan.files)
    say(f"{experiment.label}: installing {files} with {tool}")
    result = _run_install(experiment, plan, uv)
    if result.returncode == 0:
        return []
    checked = check(experiment, env_interpreter(experiment.env), plan, installer=tool)
    if checked.unavailable and not checked.problems:
        for note in checked.notes:
            say(note)
        rest = [req for req in plan.requirements if req not in checked.unavailable]
        plan = InstallPlan(rest, plan.options, plan.notes)
        result = _run_install(experiment, plan, uv)
        if result.returncode == 0:
            return [req.written for req in checked.unavailable]
    for line in checked.problems or checked.builds:
        say(line)
    if checked.problems:
        raise PapershelfError(
            f"{experiment.label}: {len(checked.problems)} requirement(s) cannot be installed "
            "(listed above); nothing was installed"
        )
    cause = explain(tool, result.stderr or result.stdout)
    during = " building from source (listed above)" if checked.builds else ""
    raise PapershelfError(f"{experiment.label}: installing {files} failed{during}: {cause.detail}")


def _run_install(
    experiment: Experiment, plan: InstallPlan, uv: str | None
) -> subprocess.CompletedProcess[str]:
    env = experiment.env
    with tempfile.TemporaryDirectory(prefix="mkexp-install-") as temporary:
        source = Path(temporary) / "requirements.in"
        lines = resolver_lines(plan.requirements, plan.options)
        source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return subprocess.run(
            install_command(env, uv, ["-r", str(source)]),
            cwd=experiment.path,
            capture_output=True,
            text=True,
            check=False,
        )


def env_interpreter(env: Path) -> Interpreter:
    """The environment's Python, as pyvenv.cfg describes it (no subprocess)."""
    cfg = interpreters.pyvenv_cfg(env)
    version = re.findall(r"\d+", cfg.get("version_info") or cfg.get("version") or "")
    return Interpreter(env_python(env), tuple(int(part) for part in version[:3]), "CPython")


def ensure_ignored(env: Path) -> Path | None:
    """Add '.venv/' to the top-level .gitignore once, unless git already ignores env."""
    top = repository_root(env.parent)
    if top is None:
        return None
    gitignore = top / ".gitignore"
    if os.path.lexists(gitignore) and not gitignore.is_symlink() and not gitignore.is_file():
        # git itself would wait forever on a FIFO .gitignore
        repopaths.read_bytes(gitignore, TEXT_MAX_BYTES, str(gitignore))
    # No trailing slash: virtualenv's own '.venv/.gitignore' ('*') would match 'env/'.
    relative = os.path.relpath(env.absolute(), top).replace(os.sep, "/")
    if is_ignored(top, relative):
        return None
    return _append_ignore(top, (".venv/", ".venv"), GITIGNORE_BLOCK)


def _append_ignore(top: Path, spellings: Sequence[str], block: str) -> Path | None:
    """Append ``block`` to the top-level .gitignore unless a line already reads one of
    ``spellings``."""
    gitignore = repopaths.writable(top, ".gitignore")  # a .gitignore linked out is not ours
    text = _read(gitignore, top) or ""
    if any(line.strip() in spellings for line in text.splitlines()):
        return None
    prefix = "" if not text or text.endswith("\n") else "\n"
    with gitignore.open("a", encoding="utf-8") as stream:
        stream.write(prefix + (block if text else block.lstrip("\n")))
    return gitignore


def ignore_build_metadata(experiment: Experiment, plan: InstallPlan) -> list[str]:
    """The ``*.egg-info`` folders an editable install left beside local sources, which git
    would otherwise offer to commit: ``*.egg-info/`` is added to the .gitignore."""
    top = repository_root(experiment.path)
    if top is None:
        return []
    left: list[str] = []
    for requirement in plan.requirements:
        local = requirement.local_path
        if local is None or not local.is_dir():
            continue
        for found in (*local.glob("*.egg-info"), *local.glob("src/*.egg-info")):
            relative = os.path.relpath(found.absolute(), top).replace(os.sep, "/")
            if found.is_dir() and not found.is_symlink() and not is_ignored(top, relative):
                left.append(relative)
    if left:
        _append_ignore(top, ("*.egg-info/", "*.egg-info"), EGG_INFO_BLOCK)
    return left


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
