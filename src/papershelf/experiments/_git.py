"""Every git call of the experiments package.

Kept in one place so it can move into ``papershelf.gitfiles``. Always ``-z`` and
``core.quotePath=false``: Cyrillic, space and ``&`` names arrive as on disk.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from papershelf.errors import PapershelfError
from papershelf.experiments.model import EXCLUDED_PARTS


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
