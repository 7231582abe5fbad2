"""Finding code experiments and making each its own virtual environment.

An experiment is a folder that declares Python dependencies (requirements*.txt,
pyproject.toml, setup.py/setup.cfg, Pipfile, environment.yml), or one holding
notebooks or scripts and no declaration above it. Its environment is
``FOLDER/.venv``, made by ``uv venv`` when uv is there (uv installs, so no pip is
seeded), else in-process by virtualenv's ``cli_run``, whose app-data seeding makes
every environment after the first take a fraction of a second.

Layers, one way: model <- finding <- declarations <- state <- explaining <- pipconfig
<- indexes, building, resolving <- checking <- creating.
"""

from __future__ import annotations

from papershelf.mkexp.checking import DEFAULT_TIMEOUT, CheckResult, check
from papershelf.mkexp.creating import (
    MakeOptions,
    ensure_ignored,
    env_interpreter,
    kernel_name,
    make,
    new_experiment,
    removed_on_failure,
    select_interpreter,
    usage_lines,
)
from papershelf.mkexp.declarations import (
    InstallPlan,
    Requirement,
    install_plan,
    requested_python,
    requirement_lines,
)
from papershelf.mkexp.finding import discover, experiment_at, experiments_in_files
from papershelf.mkexp.model import ENV_DIR, LOCK_NAME, Experiment, State
from papershelf.mkexp.state import (
    Row,
    declaration_digest,
    env_python,
    list_rows,
    missing_packages,
    state_of,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_DIR",
    "LOCK_NAME",
    "CheckResult",
    "Experiment",
    "InstallPlan",
    "MakeOptions",
    "Requirement",
    "Row",
    "State",
    "check",
    "declaration_digest",
    "discover",
    "ensure_ignored",
    "env_interpreter",
    "env_python",
    "experiment_at",
    "experiments_in_files",
    "install_plan",
    "kernel_name",
    "list_rows",
    "make",
    "missing_packages",
    "new_experiment",
    "removed_on_failure",
    "requested_python",
    "requirement_lines",
    "select_interpreter",
    "state_of",
    "usage_lines",
]
