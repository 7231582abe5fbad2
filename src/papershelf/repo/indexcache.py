"""What the index holds, learnt once and cached by identity.

Two caches live in git's own directory (``<git-dir>/papershelf/``), never in
the work tree; ``--no-cache`` bypasses both:

- per blob, keyed by object id: its size and archive kind. An id names its
  content exactly, so what was learnt about a blob stays true.
- per index, keyed by the index file's identity (inode, size, times): the few
  facts rules need beyond the paths (special modes, empty files, notable blobs).
  git replaces the index file on every change, so an unchanged stamp means an
  unchanged index, and a warm run reads a small file instead of 100,000 blobs.

Both are entries of :mod:`papershelf.store`, checksummed: a damaged file is a
miss. A changed index is checked whole (:mod:`papershelf.repo.gitindex`) before git
lists it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from papershelf import store
from papershelf.repo import gitfiles, gitindex, inputs, magic, repopaths
from papershelf.store import code_stamp

VERSION = 1


# Blobs at least this large are remembered with their size; large-file limits
# below it fall back to asking git for every size.
NOTABLE_SIZE = 1_000_000
# Up to this many new blobs, reading their first bytes in turn beats starting threads.
_FEW_BLOBS = 64
# A zip only git holds (not the work tree) is read whole to name it, up to this size.
ZIP_BLOB_MAX = 64 * 1024 * 1024

BlobInfo = tuple[int, "str | None"]  # (size, archive kind / "lfs-pointer" / "zip-document" / None)


class IndexFacts:
    """What a scan of the index found, and where it is kept for the next run."""

    def __init__(
        self,
        files: list[str],
        special: dict[str, int],  # path -> mode, gitlinks and symlinks
        empty: set[str],  # paths of empty blobs
        notable: dict[str, BlobInfo],  # archives, LFS pointers and blobs >= NOTABLE_SIZE
        derived: dict[str, Any] | None = None,
        stamp: tuple[int, ...] | None = None,
        cache_file: Path | None = None,
        changed: bool = False,
        shas: list[str] | None = None,
    ) -> None:
        self.files = files
        self.special = special
        self.empty = empty
        self.notable = notable
        # Results computed from the paths alone (case collisions, paper candidates, …):
        # as true as the rest while the index is unchanged.
        self.derived: dict[str, Any] = {} if derived is None else derived
        self.stamp = stamp
        self.cache_file = cache_file
        self.changed = changed
        # Each path's object id, when this run listed the index (never saved): what reads
        # blobs by id (the papers) needs no second listing.
        self.shas = shas

    def save(self) -> None:
        """Write the facts (and what was derived from them) for the next run."""
        if self.changed and self.cache_file is not None and self.stamp is not None:
            # The header alone tells a stale file, so a changed index never reads the body.
            header = (VERSION, code_stamp(), self.stamp)
            body = (self.special, sorted(self.empty), self.notable, self.files, self.derived)
            store.store(self.cache_file, header, body)
            self.changed = False


def _work_tree_head(path: str, size: int) -> bytes:
    """The file's first bytes if it still has the staged size; else nothing."""
    try:
        descriptor = os.open(path, repopaths.READ_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return b""
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:  # a FIFO put in its place
            return b""
        return os.read(descriptor, magic.HEAD_SIZE)
    except OSError:
        return b""
    finally:
        os.close(descriptor)


def _load_facts(path: Path, header: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The facts' body when the file's header matches, else None (the body unread)."""
    loaded = store.load(path, 2, expect_first=header)
    if loaded is None:
        return None
    body = loaded[1]
    return body if isinstance(body, tuple) and len(body) == 5 else None


def _load_blobs(path: Path) -> tuple[set[str], dict[str, BlobInfo]]:
    """Object ids already measured, and the notable ones' sizes and kinds."""
    loaded = store.load(path, 1)
    value = loaded[0] if loaded is not None else None
    if not (isinstance(value, tuple) and len(value) == 4 and value[0] == code_stamp()):
        return set(), {}
    _, width, joined, notable = value
    return {joined[i : i + width] for i in range(0, len(joined), width)}, notable


def _learn(root: Path, pending: dict[str, str]) -> dict[str, BlobInfo]:
    """Measure blobs: size as git stores it, first bytes from the work tree (or git).

    Reading 100,000 first blocks waits on the disk, so threads overlap the waits; the
    few files a commit stages are read at once, without starting a thread.
    """
    sizes = gitfiles.blob_sizes(root, pending)
    base = os.fspath(root) + os.sep
    jobs = [(sha, sizes.get(sha, 0), base + path) for sha, path in pending.items()]

    def read_heads(chunk: list[tuple[str, int, str]]) -> list[bytes]:
        return [_work_tree_head(path, size) if size else b"" for _, size, path in chunk]

    if len(jobs) <= _FEW_BLOBS:
        heads = read_heads(jobs)
    else:
        from concurrent.futures import ThreadPoolExecutor

        step = max(1, len(jobs) // 16)
        chunks = [jobs[start : start + step] for start in range(0, len(jobs), step)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            heads = [head for part in pool.map(read_heads, chunks) for head in part]
    learnt: dict[str, BlobInfo] = {}
    for (sha, size, path), head in zip(jobs, heads):
        kind = None
        if size:
            staged = not head
            if staged:  # changed since it was staged, or absent: read the staged bytes
                head = gitfiles.blob_head(root, sha, magic.HEAD_SIZE)
            kind = magic.kind_of(head)
            if kind == "zip":  # a .docx, .npz or wheel is a document, not an archive
                kind = _zip_kind(root, sha, size, path, staged)
        learnt[sha] = (size, kind)
    return learnt


def _zip_kind(root: Path, sha: str, size: int, path: str, staged: bool) -> str:
    """A zip blob's kind by its members: from the work tree's file, else from git (up to
    :data:`ZIP_BLOB_MAX`; a larger blob stays a zip)."""
    if not staged:
        return magic.zip_kind(path)
    if size > ZIP_BLOB_MAX:
        return "zip"
    return magic.zip_kind(path, gitfiles.blob_head(root, sha, size))


def parse_stage(raw: str) -> tuple[list[str], list[str], dict[str, int]]:
    """Paths, object ids and special modes from ``git ls-files -s -z`` output."""
    records = raw.split("\0")
    records.pop()  # after the last terminator
    end = raw.find(" ", 7)  # object ids are 40 (SHA-1) or 64 (SHA-256) hex digits
    path_start = end + 3
    files = [record[path_start:] for record in records]
    shas = [record[7:end] for record in records]
    special: dict[str, int] = {}
    if "120000 " in raw or "160000 " in raw:
        special = {r[path_start:]: int(r[:6], 8) for r in records if not r.startswith("100")}
    if len(set(files)) != len(files):  # a conflict lists a path once per stage
        first = dict(zip(reversed(files), reversed(shas)))
        files, shas = list(first)[::-1], list(first.values())[::-1]
    return files, shas, special


def _pending(
    files: list[str], shas: list[str], unknown: set[str], special: dict[str, int], empty: set[str]
) -> dict[str, str]:
    """``sha -> one path holding it`` for the blobs not measured yet."""
    skip = special.keys() | empty
    if len(unknown) <= 64:  # the usual case after a commit: look the few up at C speed
        found = {}
        for sha in unknown:
            position = -1
            while True:
                try:
                    position = shas.index(sha, position + 1)
                except ValueError:
                    break
                if files[position] not in skip:
                    found[sha] = files[position]
                    break
        return found
    return {sha: path for path, sha in zip(files, shas) if sha in unknown and path not in skip}


def _list_checked_stage(repository: gitfiles.Repository) -> str:
    """``git ls-files -s`` of an index checked whole first (git does not verify its checksum)."""
    index = gitfiles.index_file(repository)
    gitindex.check(index)
    try:
        return gitfiles.list_stage(repository.root)
    except gitfiles.GitError as error:
        if "index" in str(error):  # git's own checks: "bad signature", "index file corrupt", ...
            raise gitindex.IndexDamaged(index, str(error).rpartition(": ")[2]) from error
        raise


def scan(repository: gitfiles.Repository, use_cache: bool = True) -> IndexFacts:
    """Every tracked path, and the facts about them that rules need."""
    root, cache_dir = repository.root, store.directory(repository.git_dir)
    stamp = inputs.identity(gitfiles.index_file(repository))
    facts_file = store.entry(cache_dir, "index-facts") if use_cache else None
    if facts_file is not None and stamp is not None:
        cached = _load_facts(facts_file, (VERSION, code_stamp(), stamp))
        if cached is not None:
            special, empty_list, notable, files, derived = cached
            return IndexFacts(files, special, set(empty_list), notable, derived, stamp, facts_file)
    files, shas, special = parse_stage(_list_checked_stage(repository))
    current = set(shas)
    empty = (
        {path for path, sha in zip(files, shas) if sha in gitfiles.EMPTY_BLOBS}
        if not current.isdisjoint(gitfiles.EMPTY_BLOBS)
        else set()
    )
    known, notable_blobs = (
        _load_blobs(store.entry(cache_dir, "blobs")) if use_cache else (set(), {})
    )
    pending = _pending(files, shas, current - known, special, empty)
    if pending:
        for sha, info in _learn(root, pending).items():
            known.add(sha)
            if info[1] is not None or info[0] >= NOTABLE_SIZE:
                notable_blobs[sha] = info
    notable = {path: notable_blobs[sha] for path, sha in zip(files, shas) if sha in notable_blobs}
    # The stamp was read before git listed the index: if the index changed in
    # between, the next run sees another stamp and starts afresh.
    facts = IndexFacts(files, special, empty, notable, {}, stamp, facts_file, True, shas)
    if use_cache and (pending or len(known) > len(current)):
        known &= current
        notable_blobs = {sha: info for sha, info in notable_blobs.items() if sha in known}
        # One joined string: marshal writes it in a blink, a set of 100,000 slowly.
        width = len(shas[0]) if shas else 40
        store.store(
            store.entry(cache_dir, "blobs"), (code_stamp(), width, "".join(known), notable_blobs)
        )
    return facts


def all_sizes(root: Path) -> dict[str, int]:
    """Every tracked path's blob size: the slow path, for limits under NOTABLE_SIZE."""
    files, shas, special = parse_stage(gitfiles.list_stage(root))
    wanted = {sha for path, sha in zip(files, shas) if path not in special}
    sizes = gitfiles.blob_sizes(root, wanted)
    return {path: sizes.get(sha, 0) for path, sha in zip(files, shas) if path not in special}
