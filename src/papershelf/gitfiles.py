"""The only module that runs git.

Every call uses ``-z`` and ``core.quotePath=false`` so Cyrillic, space and ``&``
names arrive exactly as they are on disk, never as git's quoted escapes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from papershelf.errors import PapershelfError

GIT = ("git", "-c", "core.quotePath=false")
MODE_GITLINK = 0o160000
MODE_SYMLINK = 0o120000
EMPTY_BLOB_SHA1 = "e69de29bb2d1d6484b8b5ab5dd2a5fd3f0d7a4e8"


class GitError(PapershelfError):
    pass


class IndexListing(NamedTuple):
    """The index as parallel lists: cheap to build for 100,000 entries."""

    paths: list[str]
    shas: list[str]
    special: dict[str, int]  # path -> mode, for gitlinks and symlinks only


def _run(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            [*GIT, *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed or not on PATH") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed in {cwd}: {message[-1] if message else '?'}")
    return completed.stdout


def repository_root(start: Path) -> Path | None:
    """The work tree holding ``start``, or None outside a git repository."""
    try:
        completed = subprocess.run(
            [*GIT, "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    if completed.returncode != 0:
        return None
    top = completed.stdout.rstrip(b"\n")
    return Path(os.fsdecode(top)) if top else None


def git_dir(root: Path) -> Path:
    """The directory git keeps shared state in (the common dir for worktrees)."""
    out = _run(["rev-parse", "--git-common-dir"], root).rstrip(b"\n")
    path = Path(os.fsdecode(out))
    return path if path.is_absolute() else root / path


def start_index_listing(root: Path) -> subprocess.Popen[bytes]:
    """Start ``git ls-files -s -z`` so the caller can work while git reads the index."""
    return subprocess.Popen(
        [*GIT, "ls-files", "--stage", "-z"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish_index_listing(process: subprocess.Popen[bytes]) -> IndexListing:
    out, err = process.communicate()
    if process.returncode != 0:
        raise GitError(f"git ls-files failed: {err.decode('utf-8', 'replace').strip()}")
    # Each record is "<mode> <sha> <stage>\t<path>"; modes and shas are fixed width.
    records = out.decode("utf-8", "surrogateescape").split("\0")
    records.pop()  # the trailing terminator
    paths = [record[50:] for record in records]
    shas = [record[7:47] for record in records]
    special = {
        record[50:]: int(record[:6], 8)
        for record in records
        if not record.startswith("100")
    }
    if len(set(paths)) != len(paths):  # unmerged entries appear once per stage
        paths, shas = _first_stage_only(paths, shas)
    return IndexListing(paths, shas, special)


def _first_stage_only(paths: list[str], shas: list[str]) -> tuple[list[str], list[str]]:
    seen: dict[str, str] = {}
    for path, sha in zip(paths, shas):
        seen.setdefault(path, sha)
    return list(seen), list(seen.values())


def index_listing(root: Path) -> IndexListing:
    return finish_index_listing(start_index_listing(root))


def blob_sizes(root: Path, shas: Iterable[str]) -> dict[str, int]:
    """Sizes of blobs as stored (an LFS pointer is small, whatever the work tree holds)."""
    wanted = "".join(f"{sha}\n" for sha in shas).encode()
    if not wanted:
        return {}
    out = _run(["cat-file", "--batch-check=%(objectname) %(objectsize)"], root, wanted)
    sizes: dict[str, int] = {}
    for line in out.decode().splitlines():
        sha, _, size = line.partition(" ")
        if size.isdigit():
            sizes[sha] = int(size)
    return sizes


def blob_head(root: Path, sha: str, size: int) -> bytes:
    """The first ``size`` bytes of a blob, for when the work tree does not hold it."""
    completed = subprocess.run(
        [*GIT, "cat-file", "blob", sha], cwd=root, capture_output=True, check=False
    )
    return completed.stdout[:size]


def gitmodules_paths(root: Path) -> dict[str, str]:
    """``path -> submodule name`` from ``.gitmodules`` (as staged, falling back to the file)."""
    if not (root / ".gitmodules").is_file():
        return {}
    try:
        out = _run(["config", "-z", "--file", ".gitmodules", "--get-regexp", r"\.path$"], root)
    except GitError:
        return {}
    result: dict[str, str] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        key, _, value = record.partition("\n")
        name = key[len("submodule.") : -len(".path")]
        result[value.strip("/")] = name
    return result


def ignored(root: Path, paths: Sequence[str]) -> set[str]:
    """Which of ``paths`` git ignores (``.gitignore``, ``info/exclude``, global excludes)."""
    if not paths:
        return set()
    completed = subprocess.run(
        [*GIT, "check-ignore", "-z", "--stdin", "--no-index"],
        cwd=root,
        input="".join(f"{path}\0" for path in paths).encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise GitError(f"git check-ignore failed: {completed.stderr.decode().strip()}")
    return {p for p in completed.stdout.decode("utf-8", "surrogateescape").split("\0") if p}
