"""Real git repositories for the organizer's tests: no mocks, built in tmp_path."""

from __future__ import annotations

import subprocess
from pathlib import Path

DATA = Path(__file__).parent / "data"
PLAN_RU = DATA / "HOW_TO_READ.ru.md"
PLAN_MOJIBAKE = DATA / "HOW_TO_READ.mojibake.md"
ZIP_BYTES = b"PK\x05\x06" + b"\0" * 18  # an empty zip archive


def git(root: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "core.quotePath=false", *args],
        cwd=root,
        capture_output=True,
        check=True,
    )
    return completed.stdout.decode("utf-8")


def make_repo(root: Path, files: dict[str, bytes | str], commit: bool = True) -> Path:
    """A git repository holding ``files`` (path -> content), added and committed."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    if files:
        git(root, "add", "--", *files)
        if commit:
            git(root, "commit", "-q", "-m", "files")
    return root


def tracked(root: Path) -> list[str]:
    return [p for p in git(root, "ls-files", "-z").split("\0") if p]
