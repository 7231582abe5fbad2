"""The repository as data, built once per run; rules read it and never touch the disk.

Built for 100,000 files: paths stay one list (and one NUL-joined text for
C-speed searches), and only the few notable blobs carry sizes and kinds.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from papershelf.repo import gitfiles, inputs, magic, repopaths
from papershelf.repo.indexcache import NOTABLE_SIZE, BlobInfo, IndexFacts
from papershelf.sizes import PLAN_MAX_BYTES, TEXT_MAX_BYTES

T = TypeVar("T")
# The last letter of every archive suffix: most paths (".pdf") are ruled out by one look.
_ARCHIVE_LAST_CHARACTERS = frozenset(
    {suffix[-1] for suffix in magic.ARCHIVE_SUFFIXES} | set("0123456789")
) | frozenset(suffix[-1].upper() for suffix in magic.ARCHIVE_SUFFIXES)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


class Snapshot:
    """Tracked files (or, outside git, the files a walk finds) with what rules need."""

    def __init__(
        self,
        root: Path,
        in_git: bool,
        files: list[str],
        notable: dict[str, BlobInfo] | None = None,  # archives, LFS pointers, big blobs
        empty: set[str] | None = None,
        special: dict[str, int] | None = None,  # gitlinks and symlinks
        gitmodules: dict[str, str] | None = None,  # path -> submodule name
        walked_sizes: dict[str, int] | None = None,  # outside git, every file's size
        facts: IndexFacts | None = None,  # where results derived from the paths persist
    ) -> None:
        self.root = root
        self.in_git = in_git
        self.files = files
        self.notable: dict[str, BlobInfo] = {} if notable is None else notable
        self.empty: set[str] = set() if empty is None else empty
        self.special: dict[str, int] = {} if special is None else special
        self.gitmodules: dict[str, str] = {} if gitmodules is None else gitmodules
        self.walked_sizes = walked_sizes
        self.facts = facts
        # Told how a long first read of the PDFs goes (done, total): the CLI draws a bar.
        self.progress: Callable[[int, int], None] | None = None
        # Why some PDFs went unread (the run's time budget for them was spent), "" when
        # none did: nothing derived from then on is kept, so a later run reads on.
        self.partial = ""
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T], persist: bool = False) -> T:
        """Derived data several rules need, computed once per run.

        With ``persist``, the value must depend on the tracked paths alone (and on
        whatever ``key`` names); it is then kept with the index facts and reused
        while the index is unchanged. Values must be plain data (marshal).
        """
        if key not in self._memo:
            derived = self.facts.derived if persist and self.facts is not None else None
            if derived is not None and key in derived:
                self._memo[key] = derived[key]
            else:
                self._memo[key] = compute()
                if derived is not None and not self.partial:
                    derived[key] = self._memo[key]
                    self.facts.changed = True  # type: ignore[union-attr]
        value: T = self._memo[key]
        return value

    @property
    def cache_dir(self) -> Path | None:
        """Where this run's caches live (``<git-dir>/papershelf``); None without a cache."""
        cache_file = self.facts.cache_file if self.facts is not None else None
        return cache_file.parent if cache_file is not None else None

    def save(self) -> None:
        """Keep what this run derived for the next run (a no-op outside git)."""
        if self.facts is not None:
            self.facts.save()

    @property
    def text(self) -> str:
        """All paths as ``"\\0a\\0b/c\\0"``: ``text.find("/x\\0")`` searches at C speed."""
        return self.memo("text", lambda: "\0" + "\0".join(self.files) + "\0")

    @property
    def file_set(self) -> set[str]:
        return self.memo("file_set", lambda: set(self.files))

    @property
    def dirs(self) -> set[str]:
        """Every folder that holds a file, at any depth (``""`` is the root)."""

        def compute() -> list[str]:
            parents = {path.rpartition("/")[0] for path in self.files}
            dirs = {""}
            for parent in parents:
                while parent not in dirs:
                    dirs.add(parent)
                    parent = parent.rpartition("/")[0]
            return sorted(dirs)

        return self.memo("dir_set", lambda: set(self.memo("dirs", compute, persist=True)))

    @property
    def folded_bytes(self) -> bytes:
        """The path text as UTF-8 with ASCII letters lowered: offsets stay put, search is fast."""
        return self.memo("folded_bytes", lambda: self._raw_bytes().lower())

    def paths_holding(self, needle: str, in_name: bool = False) -> list[str]:
        """Paths that contain ``needle`` (ASCII case ignored; with ``in_name``, in the last
        part of the path), found at C speed."""
        data, key = self.folded_bytes, needle.encode("utf-8", "surrogateescape").lower()
        raw = self._raw_bytes()
        found: dict[str, None] = {}
        if in_name:  # the regex engine skips hits in folder names without leaving C
            for match in re.finditer(re.escape(key) + rb"[^/\0]*\0", data):
                begin = data.rindex(b"\0", 0, match.start() + 1) + 1
                found[_decode(raw[begin : match.end() - 1])] = None
            return list(found)
        start = 0
        while (start := data.find(key, start)) != -1:
            end = data.index(b"\0", start + len(key.rstrip(b"\0")))
            begin = data.rindex(b"\0", 0, start + 1) + 1
            found[_decode(raw[begin:end])] = None
            start = end
        return list(found)

    def _raw_bytes(self) -> bytes:
        return self.memo("raw_bytes", lambda: self.text.encode("utf-8", "surrogateescape"))

    @property
    def archive_named(self) -> list[str]:
        """Paths whose names look like archives (``.zip``, ``.tar.gz``, ``.r00`` …)."""
        last = _ARCHIVE_LAST_CHARACTERS
        return self.memo(
            "archive_named",
            lambda: [p for p in self.files if p[-1:] in last and magic.has_archive_suffix(p)],
            persist=True,
        )

    def children(self, folder: str, with_files: bool = True) -> list[str]:
        """Names of the folders (and files) directly inside ``folder``."""

        def index() -> dict[str, list[str]]:
            table: dict[str, list[str]] = {}
            for directory in self.dirs:
                if directory:
                    parent, _, name = directory.rpartition("/")
                    table.setdefault(parent, []).append(name)
            return table

        names = list(self.memo("child_dirs", index).get(folder, []))
        if not with_files:
            return names
        if not folder:
            return names + [path for path in self.files if "/" not in path]
        text, start, needle = self.text, 0, "\0" + folder + "/"
        while (start := text.find(needle, start)) != -1:
            end = text.index("\0", start + 1)
            name = text[start + len(needle) : end]
            if "/" not in name:
                names.append(name)
            start = end
        return names

    def has_file(self, path: str) -> bool:
        """Whether ``path`` is a tracked file: a binary search, as paths are kept sorted."""
        files = self.files
        position = bisect.bisect_left(files, path)
        return position < len(files) and files[position] == path

    def exists(self, path: str) -> bool:
        return self.has_file(path) or path in self.dirs

    def is_empty(self, path: str) -> bool:
        return path in self.empty

    def sizes_over(self, limit: int) -> dict[str, int]:
        """Paths of blobs larger than ``limit`` bytes, with their sizes."""
        if self.walked_sizes is not None:
            return {path: size for path, size in self.walked_sizes.items() if size > limit}
        if limit + 1 >= NOTABLE_SIZE:
            return {path: info[0] for path, info in self.notable.items() if info[0] > limit}
        from papershelf.repo.indexcache import all_sizes

        return {path: size for path, size in all_sizes(self.root).items() if size > limit}

    def read_text(self, path: str) -> str | None:
        """A small text file's content (the plan file); None when unreadable."""
        inputs.note(self.root / path)
        try:
            data = repopaths.read_inside(self.root, self.root / path, PLAN_MAX_BYTES + 1)
        except (OSError, repopaths.Refused):  # a link out, a FIFO, too large
            return None
        return data.decode("utf-8", errors="replace")


def from_git(repository: gitfiles.Repository, use_cache: bool = True) -> Snapshot:
    from papershelf.repo import indexcache

    facts = indexcache.scan(repository, use_cache=use_cache)
    return Snapshot(
        root=repository.root,
        in_git=True,
        files=facts.files,
        notable=facts.notable,
        empty=facts.empty,
        special=facts.special,
        gitmodules=gitfiles.gitmodules_paths(repository.root),
        facts=facts if use_cache else None,
    )


def from_walk(root: Path) -> Snapshot:
    """Outside git: walk the tree, honouring ``.gitignore`` files the way git would."""
    import pathspec

    patterns: list[str] = []
    sizes: dict[str, int] = {}
    notable: dict[str, BlobInfo] = {}
    spec = pathspec.GitIgnoreSpec.from_lines([])
    for current, dirnames, filenames in os.walk(root):
        relative = os.path.relpath(current, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        ignore_file = Path(current) / ".gitignore"
        # As git (2.32+) reads it: a regular file, never through a symbolic link.
        if ".gitignore" in filenames and not ignore_file.is_symlink():
            try:  # a FIFO or one out of the tree: no patterns from it
                text = repopaths.read_inside(root, ignore_file, TEXT_MAX_BYTES).decode(
                    "utf-8", "replace"
                )
            except (OSError, repopaths.Refused):
                text = ""
            patterns.extend(_anchor(prefix, text))
            spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        dirnames[:] = sorted(
            name for name in dirnames if name != ".git" and not spec.match_file(prefix + name + "/")
        )
        for name in sorted(filenames):
            path = prefix + name
            full = Path(current) / name
            if spec.match_file(path) or not full.is_file() or full.is_symlink():
                continue
            size = full.stat().st_size
            sizes[path] = size
            kind = magic.sniff_file(full, root) if size else None
            if kind == "zip":
                kind = magic.zip_kind(full)
            if kind is not None or size >= NOTABLE_SIZE:
                notable[path] = (size, kind)
    return Snapshot(
        root=root,
        in_git=False,
        files=sorted(sizes),
        notable=notable,
        empty={path for path, size in sizes.items() if size == 0},
        walked_sizes=sizes,
    )


def _anchor(prefix: str, text: str) -> list[str]:
    """Rewrite a nested ``.gitignore``'s patterns to apply from the walk's root."""
    anchored = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = "!" if line.startswith("!") else ""
        line = line.removeprefix("!")
        if "/" in line.rstrip("/"):
            anchored.append(f"{negate}{prefix}{line.lstrip('/')}")
        else:
            anchored.append(f"{negate}{prefix}**/{line}" if prefix else f"{negate}{line}")
    return anchored
