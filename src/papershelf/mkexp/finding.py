"""Finding experiments from the git file list, so environments and node_modules are never walked."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from papershelf.errors import PapershelfError
from papershelf.mkexp.model import (
    EXCLUDED_PARTS,
    VERSION_FILES,
    Experiment,
    is_code,
    is_declaration,
)
from papershelf.repo import repopaths
from papershelf.repo.gitfiles import repository_root, work_tree_files
from papershelf.sizes import TEXT_MAX_BYTES

# a call of setup() (setuptools.setup( too) on a line that is not a comment
_SETUP_CALL = re.compile(rb"^[^#\n]*\bsetup\s*\(", re.MULTILINE)


def setup_makes_project(root: Path, setup: Path, in_subpackage: bool) -> bool:
    """A ``setup.py`` declares a project only when it calls ``setup(`` and is not a
    module of a sub-package (its folder and the one above both hold ``__init__.py``):
    a package's ``runtime/setup.py`` of helper functions is code, not an experiment."""
    if in_subpackage:
        return False
    try:
        text = repopaths.read_inside(root, setup, TEXT_MAX_BYTES)
    except (OSError, repopaths.Refused):
        return False
    return _SETUP_CALL.search(text) is not None


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
    versions: dict[str, list[str]] = {}
    packages: set[str] = set()
    for path in files:
        folder, _, name = path.rpartition("/")
        if name == "__init__.py":
            packages.add(folder)
        if name == "pyvenv.cfg":
            environments.append(folder + "/")
            continue
        if name in VERSION_FILES:
            versions.setdefault(folder, []).append(name)
            continue
        declaration = is_declaration(name)
        if not declaration and not is_code(name):
            continue
        if folder and not EXCLUDED_PARTS.isdisjoint(folder.split("/")):
            continue
        if declaration:
            declared.setdefault(folder, []).append(name)
        else:
            code[folder] = code.get(folder, False) or name.endswith(".ipynb")
    for folder, names in list(declared.items()):
        parent = folder.rpartition("/")[0] if folder else None
        in_subpackage = folder in packages and parent in packages
        if "setup.py" in names and not setup_makes_project(
            root, _join(root, folder) / "setup.py", in_subpackage
        ):
            names.remove("setup.py")
            code[folder] = code.get(folder, False)
            if not names:
                del declared[folder]
    envs = tuple(environments)

    def inside_env(folder: str) -> bool:
        return bool(envs) and (folder + "/").startswith(envs)

    def ancestors(folder: str) -> list[str]:
        parts = folder.split("/")
        return ["/".join(parts[:depth]) for depth in range(len(parts) + 1)]

    # Loose code belongs to the nearest declared experiment above it, else to the
    # topmost folder of code; never to the repository root, which is the study repo.
    notebooks: dict[str, bool] = {}
    for folder in sorted(code, key=lambda item: (item.count("/"), item)):
        if inside_env(folder):
            continue
        above = ancestors(folder)
        owners = [parent for parent in above if parent in declared or parent in notebooks]
        if not owners and not folder:
            continue
        owner = owners[-1] if owners and owners[-1] in declared else (owners or [folder])[0]
        notebooks[owner] = notebooks.get(owner, False) or code[folder]
    found = [
        Experiment(
            _join(root, folder),
            tuple(sorted(names)),
            notebooks.pop(folder, False),
            tuple(versions.get(folder, ())),
        )
        for folder, names in declared.items()
        if not inside_env(folder)
    ]
    found += [
        Experiment(_join(root, top), (), has, tuple(versions.get(top, ())))
        for top, has in notebooks.items()
    ]
    return sorted(found, key=lambda item: item.path.as_posix())


def _join(root: Path, folder: str) -> Path:
    return root / folder if folder else root


def discover(start: Path) -> tuple[Path, list[Experiment]]:
    """Experiments in the git work tree holding ``start`` (or under it, outside git)."""
    top = repository_root(start)
    if top is None:
        return start, experiments_in_files(start, _walk_files(start))
    files = work_tree_files(top, EXCLUDED_PARTS)
    experiments = experiments_in_files(top, files + _embedded_clone_files(top, files))
    start_resolved = start.resolve()
    if start_resolved != top.resolve():
        experiments = [
            item for item in experiments if item.path.resolve().is_relative_to(start_resolved)
        ]
    return top, experiments


def _embedded_clone_files(top: Path, files: list[str]) -> list[str]:
    """Files of clones committed with ``git add -A``: a gitlink with no .gitmodules entry.

    git lists such a clone as one path with nothing under it; only dot-less
    names can be one, so few paths are looked at.
    """
    candidates = [path for path in files if "." not in path.rpartition("/")[2]]
    if not candidates:
        return []
    prefixes = set()
    for folder in {path.rpartition("/")[0] for path in files}:
        while folder and folder not in prefixes:
            prefixes.add(folder)
            folder = folder.rpartition("/")[0]
    found: list[str] = []
    for path in candidates:
        if path in prefixes or not EXCLUDED_PARTS.isdisjoint(path.split("/")):
            continue  # listed already (a .gitmodules submodule), or never searched
        if (top / path / ".git").exists() and (top / path).is_dir():
            found += [f"{path}/{inner}" for inner in work_tree_files(top / path, EXCLUDED_PARTS)]
    return found


def experiment_at(
    folder: Path, look_deep_for_notebooks: bool = False, *, force: bool = False
) -> Experiment:
    """The experiment a folder named on the command line is, or a one-line error.

    Inside git a folder of loose code must be one that --list shows (not the
    package folder of an experiment above it, not a root holding only scripts)
    unless ``force``.
    Notebooks in sub-folders are searched for only when asked (--kernel): a big
    clone is otherwise never walked.
    """
    if not folder.is_dir():
        raise PapershelfError(f"{folder}: no such folder")
    names = sorted(os.listdir(folder))
    in_subpackage = "__init__.py" in names and (folder.absolute().parent / "__init__.py").is_file()
    declarations = tuple(
        name
        for name in names
        if is_declaration(name)
        and (
            name != "setup.py"
            or setup_makes_project(repository_root(folder) or folder, folder / name, in_subpackage)
        )
    )
    code = [name for name in names if is_code(name)]
    if not force and not declarations and code:
        _refuse_unlisted(folder)  # a declaration always makes an experiment; loose code may not
    if not declarations and not code and not force:
        raise PapershelfError(
            f"{folder}: not an experiment (no requirements*.txt, pyproject.toml, setup.py, "
            "setup.cfg, Pipfile, environment.yml, notebook or script); add a requirements.txt "
            "or use 'mkexp new NAME'"
        )
    notebooks = any(name.endswith(".ipynb") for name in code)
    if not notebooks and look_deep_for_notebooks:
        notebooks = _deep(folder)
    return Experiment(folder, declarations, notebooks)


def _refuse_unlisted(folder: Path) -> None:
    top = repository_root(folder)
    if top is None:
        return  # outside git there is no study to judge by
    _, found = discover(top)
    here = folder.resolve()
    if any(item.path.resolve() == here for item in found):
        return
    owners = [item for item in found if here.is_relative_to(item.path.resolve())]
    if owners:
        owner = max(owners, key=lambda item: len(item.path.resolve().parts))
        relative = os.path.relpath(owner.path, Path.cwd())
        why = f"its code belongs to the experiment {relative} (mkexp {relative})"
    elif here == top.resolve():
        why = "the repository root holds the study; its scripts make no experiment"
    else:
        why = "--list does not show it"
    raise PapershelfError(
        f"{folder}: not an experiment: {why}; --force makes an environment here anyway"
    )


def _deep(folder: Path) -> bool:
    for _, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if name not in EXCLUDED_PARTS]
        if any(name.endswith(".ipynb") for name in names):
            return True
    return False
