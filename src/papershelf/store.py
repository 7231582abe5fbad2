"""papershelf's one cache: the store in ``<git-dir>/papershelf/``.

Every fact papershelf keeps about a repository between runs is an entry of
:data:`ENTRIES`, written in one format, under one name and version, so an upgrade
removes what an older papershelf kept (:func:`prune`). (What extract learns of the
tools on this machine is the user's, not a repository's: it is kept in the user's
cache, in the same format.) Two kinds of entry:

- tables keyed by content — a blob's object id, a text — whose values cannot go
  stale, only unused: parsed plans, blob facts, PDF identities (and parsed TOML,
  by its file's path, size and modification time);
- answers keyed by an explicit record of what they were made from: the index
  facts by the index file's identity, each plan file's paper facts by its PDFs'
  blob ids and its titles, and a check's findings by papershelf's code, the
  options, the index and every file the run read — configuration, rule sets,
  plan files, the shipped plan text, ignore files (:mod:`papershelf.repo.inputs`).

What papershelf's code derives also carries its :func:`code_stamp`: results made
by other code are never reused.

A file is a run of frames, each ``length (8 bytes) | CRC-32 (4 bytes) | body``
with the body marshalled. A frame whose length or checksum does not match is a
miss: the caller rebuilds what it wanted and writes the file anew. A damaged
cache can cost time, never a wrong result. CRC-32 finds every flipped bit and
burst up to 32 bits and costs about a millisecond per megabyte.
"""

from __future__ import annotations

import functools
import marshal
import os
import zlib
from pathlib import Path
from typing import IO, Any

_FRAME_HEAD = 12
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


# name -> (version, what the entry holds and what it is keyed by)
ENTRIES: dict[str, tuple[int, str]] = {
    "check-result": (1, "a check's findings, by every input the run read"),
    "index-facts": (2, "tracked paths and what rules derive from them, by the index's identity"),
    "blobs": (2, "each blob's size and kind, by its object id"),
    "papers": (1, "each PDF's ids and titles, by its blob id"),
    "paper-facts": (2, "each plan file's papers found, by its PDFs' blob ids and its titles"),
    "plans": (1, "each plan text's parse, by the text"),
    "toml": (1, "each configuration and rule set's table, by the file's identity"),
}


def directory(git_dir: Path) -> Path:
    """Where the store of the repository whose git directory is ``git_dir`` lives."""
    return git_dir / "papershelf"


def entry(cache_dir: Path, name: str) -> Path:
    """The file holding entry ``name`` (one of :data:`ENTRIES`)."""
    return cache_dir / f"{name}.v{ENTRIES[name][0]}"


def prune(cache_dir: Path) -> None:
    """Remove the files no entry of this papershelf names (what another version kept).

    Dot-files are left alone: a run's temporary files, renamed into place when done.
    """
    kept = {entry(cache_dir, name).name for name in ENTRIES}
    try:
        with os.scandir(cache_dir) as found:
            stale = [
                item.path
                for item in found
                if item.name not in kept
                and not item.name.startswith(".")
                and item.is_file(follow_symlinks=False)
            ]
        for path in stale:
            os.unlink(path)
    except OSError:
        pass  # a read-only repository keeps its old files; they are never read


@functools.cache
def code_stamp() -> tuple[str, int]:
    """papershelf's version and its code's newest change: cached results made by other
    code (an upgrade, or an edit in a checkout) are never reused."""
    from papershelf import __version__

    package = Path(__file__).parent
    newest = 0
    # The rules and the models whose results are cached (the repository, the plan, the papers).
    folders = ("repo", "plan", "papers", "check", "check/rules")
    for folder in (package, *(package / name for name in folders)):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    newest = max(newest, entry.stat().st_mtime_ns)
    return (__version__, newest)


class Damaged(Exception):
    """A frame is short, or its body does not match its checksum."""


def frame(value: Any) -> bytes:
    body = marshal.dumps(value)
    return len(body).to_bytes(8, "big") + zlib.crc32(body).to_bytes(4, "big") + body


def store(path: Path, *values: Any) -> None:
    """Write ``values`` as frames, atomically; a read-only repository goes without, and
    so does a value marshal cannot write (a TOML table nested thousands deep)."""
    try:
        data = b"".join(frame(value) for value in values)
    except ValueError:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        # Named by the process id, which no other live process holds (importing
        # tempfile would cost a hook run more than the write itself).
        temporary = path.parent / f".{path.name}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only repository is still checked, just not faster next time


def _read_frame(stream: IO[bytes], left: int) -> tuple[Any, int]:
    """The next frame's value and the bytes left after it; :class:`Damaged` when it is
    short, longer than the file, or its checksum fails."""
    head = stream.read(_FRAME_HEAD)
    size = int.from_bytes(head[:8], "big")
    left -= _FRAME_HEAD + size
    if len(head) != _FRAME_HEAD or left < 0:
        raise Damaged
    body = stream.read(size)
    if len(body) != size or zlib.crc32(body) != int.from_bytes(head[8:], "big"):
        raise Damaged
    try:
        return marshal.loads(body), left
    except (EOFError, ValueError, TypeError) as error:
        raise Damaged from error


def load(path: Path, count: int, expect_first: Any = None) -> list[Any] | None:
    """All ``count`` values of a cache file, or None when it is absent or damaged.

    With ``expect_first``, a file whose first value differs is a miss too, and the
    rest (a large body, often) is never read.
    """
    values: list[Any] = []
    try:
        with open(path, "rb") as stream:
            left = os.fstat(stream.fileno()).st_size
            while len(values) < count:
                value, left = _read_frame(stream, left)
                if not values and expect_first is not None and value != expect_first:
                    return None
                values.append(value)
    except (OSError, Damaged):
        return None
    return values if left == 0 else None  # trailing bytes: not a file this code wrote
