"""What an experiment is: its declaration files, the folders never searched, its states."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ENV_DIR = ".venv"
LOCK_NAME = "requirements.lock.txt"
STAMP_NAME = ".mkexp.json"
INCOMPLETE_NAME = ".mkexp-incomplete"
DECLARATION_NAMES = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml", "environment.yaml"}
)
VERSION_FILES = (".python-version", "runtime.txt")
# declarations that may name a Python version (requires-python, python_requires, python=)
VERSION_DECLARATIONS = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml", "environment.yaml"}
)
EXCLUDED_PARTS = frozenset(
    {ENV_DIR, "site-packages", "node_modules", ".git", "__pycache__", ".ipynb_checkpoints"}
)
GITIGNORE_BLOCK = "\n# virtual environments made by mkexp, one per experiment\n.venv/\n"
EGG_INFO_BLOCK = (
    "\n# build metadata that 'pip install -e .' writes beside the sources\n*.egg-info/\n"
)

Say = Callable[[str], None]


def is_declaration(name: str) -> bool:
    if name in DECLARATION_NAMES:
        return True
    return name.startswith("requirements") and name.endswith(".txt") and name != LOCK_NAME


def is_code(name: str) -> bool:
    return name.endswith((".py", ".ipynb"))


class State(str, enum.Enum):
    """An experiment's environment as --list shows it.

    partial: made from the declaration, but without the conda-only packages it
    declares (pip has none); stale: the declaration changed since the environment
    was made; broken: its interpreter is gone or its creation was killed; foreign:
    a .venv that is not a virtual environment, which mkexp never touches.
    """

    NONE = "none"
    READY = "ready"
    PARTIAL = "partial"
    STALE = "stale"
    BROKEN = "broken"
    FOREIGN = "foreign"


@dataclass(frozen=True)
class Experiment:
    path: Path
    declarations: tuple[str, ...]
    notebooks: bool
    # .python-version / runtime.txt present; None when not known (then the files are read)
    version_files: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        """The folder's name; for '.' or '..', the name of the folder it stands for."""
        return self.path.name or self.path.absolute().resolve().name

    @property
    def label(self) -> str:
        """How messages name the experiment: its path as given, or its name for '.'."""
        return self.name if self.path.name in ("", "..") else str(self.path)

    @property
    def env(self) -> Path:
        return self.path / ENV_DIR
