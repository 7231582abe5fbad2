"""Size and archive kind of every tracked blob, cached by object id.

A blob id names its content exactly, so what was learnt about it once stays
true: a warm run reads one small file instead of opening 100,000. The cache
lives in git's own directory (``papershelf/blob-info.v1``), never in the work
tree, and ``--no-cache`` bypasses it.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from papershelf import gitfiles, magic

CACHE_NAME = "blob-info.v1"
BlobInfo = tuple[int, "str | None"]  # (size in bytes, archive kind or None)


def _load(cache_file: Path) -> dict[str, BlobInfo]:
    try:
        data = cache_file.read_bytes()
    except OSError:
        return {}
    try:
        loaded = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _store(cache_file: Path, table: dict[str, BlobInfo]) -> None:
    try:
        cache_file.parent.mkdir(exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".blob-info.", dir=cache_file.parent)
        with os.fdopen(fd, "wb") as stream:
            marshal.dump(table, stream)
        os.replace(temporary, cache_file)
    except OSError:
        pass  # a read-only repository still gets checked, just not faster next time


def _learn(root: Path, entries: Iterable[tuple[str, str]]) -> dict[str, BlobInfo]:
    """Measure blobs: size from git's object store, first bytes from the work tree."""
    pending = dict(entries)  # sha -> one path holding it
    sizes = gitfiles.blob_sizes(root, pending)
    learnt: dict[str, BlobInfo] = {}
    for sha, path in pending.items():
        size = sizes.get(sha, 0)
        kind = None
        if size:
            head = b""
            try:
                with open(root / path, "rb") as stream:
                    if os.fstat(stream.fileno()).st_size == size:
                        head = stream.read(magic.HEAD_SIZE)
            except OSError:
                pass
            if not head:  # changed since staged, or absent: ask git for the staged bytes
                head = gitfiles.blob_head(root, sha, magic.HEAD_SIZE)
            kind = magic.LFS_POINTER_KIND if magic.is_lfs_pointer(head) else magic.sniff(head)
        learnt[sha] = (size, kind)
    return learnt


def blob_infos(
    root: Path, paths: list[str], shas: list[str], skip: set[str], use_cache: bool = True
) -> dict[str, BlobInfo]:
    """``sha -> (size, kind)`` for every path not in ``skip`` (gitlinks, symlinks)."""
    cache_file = gitfiles.git_dir(root) / "papershelf" / CACHE_NAME if use_cache else None
    table = _load(cache_file) if cache_file else {}
    unknown = [
        (sha, path)
        for path, sha in zip(paths, shas)
        if sha not in table and path not in skip
    ]
    if unknown:
        table.update(_learn(root, unknown))
        if cache_file:  # keep only what the index holds now, so the cache never grows stale
            _store(cache_file, {sha: table[sha] for sha in set(shas) if sha in table})
    return table
