"""An environment's state (none, ready, stale, broken, foreign) and the --list rows."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import NamedTuple

from papershelf.errors import PapershelfError
from papershelf.mkexp import interpreters
from papershelf.mkexp.declarations import boundary, requested_python
from papershelf.mkexp.finding import discover
from papershelf.mkexp.model import (
    INCOMPLETE_NAME,
    STAMP_NAME,
    VERSION_DECLARATIONS,
    VERSION_FILES,
    Experiment,
    State,
)
from papershelf.repo import repopaths
from papershelf.sizes import TEXT_MAX_BYTES


def declaration_digest(experiment: Experiment) -> str:
    """What the environment was made from: the declarations' bytes, each read only when a
    regular file inside the experiment's repository (a FIFO would block, a link out leak)."""

    digest = hashlib.sha256()
    root = boundary(experiment.path.absolute())
    for name in sorted((*experiment.declarations, *VERSION_FILES)):
        try:
            content = repopaths.read_inside(root, experiment.path / name, TEXT_MAX_BYTES, name)
        except (OSError, repopaths.Refused):
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
    stamp = _stamp(env)
    if "digest" in stamp:
        fresh = stamp["digest"] == declaration_digest(experiment)
    else:
        made = (env / "pyvenv.cfg").stat().st_mtime
        fresh = all(
            (experiment.path / name).stat().st_mtime <= made for name in experiment.declarations
        )
    if not fresh:
        return State.STALE
    return State.PARTIAL if missing_packages(experiment) else State.READY


def _stamp(env: Path) -> dict[str, object]:
    try:
        stamp = json.loads((env / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def missing_packages(experiment: Experiment) -> list[str]:
    """What the declaration names that the environment lacks (conda-only packages)."""
    missing = _stamp(experiment.env).get("missing")
    return [str(item) for item in missing] if isinstance(missing, list) else []


def env_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def python_label(experiment: Experiment, state: State) -> str:
    if state in (State.READY, State.PARTIAL, State.STALE, State.BROKEN):
        cfg = interpreters.pyvenv_cfg(experiment.env)
        version = cfg.get("version_info") or cfg.get("version") or "?"
        return ".".join(version.split(".")[:3])
    if experiment.version_files == () and VERSION_DECLARATIONS.isdisjoint(experiment.declarations):
        return "-"  # known from the file list: nothing to read
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
        relative = os.path.relpath(experiment.path, top).replace(os.sep, "/")
        rows.append(Row(experiment, relative, state, python_label(experiment, state)))
    return rows
