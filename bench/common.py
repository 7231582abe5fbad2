"""What the benchmarks share."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A command from the project's venv, else from PATH; a clear stop when it is missing."""
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"bench: {name} is not installed (make bench installs it)")
    return path
