"""The repository as data, built once per run; rules read it and never touch the disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from papershelf import gitfiles, magic

T = TypeVar("T")


@dataclass
class Snapshot:
    """Tracked files (or, outside git, the files a walk finds) with what rules need."""

    root: Path
    in_git: bool
    files: list[str]
    sizes: list[int]
    kinds: list[str | None]  # archive kind by first bytes, "lfs-pointer", or None
    special: dict[str, int] = field(default_factory=dict)  # gitlinks and symlinks
    gitmodules: dict[str, str] = field(default_factory=dict)  # path -> submodule name
    _dirs: set[str] | None = None
    _file_set: set[str] | None = None
    _children: dict[str, list[str]] | None = None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Derived data several rules need, computed once per run."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    @property
    def archive_named(self) -> list[str]:
        """Paths whose names look like archives."""
        return self.memo(
            "archive_named", lambda: [p for p in self.files if magic.has_archive_suffix(p)]
        )

    @property
    def dirs(self) -> set[str]:
        """Every folder that holds a file, at any depth (``""`` is the root)."""
        if self._dirs is None:
            parents = {path.rpartition("/")[0] for path in self.files}
            dirs = {""}
            for parent in parents:
                while parent not in dirs:
                    dirs.add(parent)
                    parent = parent.rpartition("/")[0]
            self._dirs = dirs
        return self._dirs

    @property
    def file_set(self) -> set[str]:
        if self._file_set is None:
            self._file_set = set(self.files)
        return self._file_set

    def children(self, folder: str) -> list[str]:
        """Names of the files and folders directly inside ``folder``."""
        if self._children is None:
            table: dict[str, list[str]] = {}
            for path in (*self.dirs, *self.files):
                if path:
                    parent, _, name = path.rpartition("/")
                    table.setdefault(parent, []).append(name)
            self._children = table
        return self._children.get(folder, [])

    def exists(self, path: str) -> bool:
        return path in self.file_set or path in self.dirs

    def size_of(self, path: str) -> int | None:
        try:
            return self.sizes[self.files.index(path)]
        except ValueError:
            return None

    def read_text(self, path: str) -> str | None:
        """A small text file's content (the plan file); None when unreadable."""
        try:
            return (self.root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None


def from_git(root: Path, use_cache: bool = True) -> Snapshot:
    from papershelf import blobinfo

    listing = gitfiles.index_listing(root)
    infos = blobinfo.blob_infos(
        root, listing.paths, listing.shas, set(listing.special), use_cache=use_cache
    )
    no_info = (0, None)
    sizes = []
    kinds = []
    for sha in listing.shas:
        size, kind = infos.get(sha, no_info)
        sizes.append(size)
        kinds.append(kind)
    return Snapshot(
        root=root,
        in_git=True,
        files=listing.paths,
        sizes=sizes,
        kinds=kinds,
        special=listing.special,
        gitmodules=gitfiles.gitmodules_paths(root),
    )


def from_walk(root: Path) -> Snapshot:
    """Outside git: walk the tree, honouring ``.gitignore`` files the way git would."""
    import pathspec

    patterns: list[str] = []
    files: list[str] = []
    sizes: list[int] = []
    kinds: list[str | None] = []
    spec = pathspec.GitIgnoreSpec.from_lines([])
    for current, dirnames, filenames in os.walk(root):
        relative = os.path.relpath(current, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        if ".gitignore" in filenames:
            patterns.extend(_anchor(prefix, (Path(current) / ".gitignore").read_text("utf-8")))
            spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name != ".git" and not spec.match_file(prefix + name + "/")
        )
        for name in sorted(filenames):
            path = prefix + name
            if spec.match_file(path):
                continue
            full = Path(current) / name
            try:
                size = full.lstat().st_size
            except OSError:
                continue
            files.append(path)
            sizes.append(size)
            kinds.append(magic.sniff_file(full) if full.is_file() else None)
    return Snapshot(root=root, in_git=False, files=files, sizes=sizes, kinds=kinds)


def _anchor(prefix: str, text: str) -> list[str]:
    """Rewrite a nested ``.gitignore``'s patterns to apply from the walk's root."""
    anchored = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = "!" if line.startswith("!") else ""
        line = line.removeprefix("!")
        body = line.rstrip("/")
        if "/" in body:
            anchored.append(f"{negate}{prefix}{line.lstrip('/')}")
        else:
            anchored.append(f"{negate}{prefix}**/{line}" if prefix else f"{negate}{line}")
    return anchored
