"""Is git's index file whole? Checked before papershelf believes what git lists from it.

git reads the index without verifying its trailing checksum (only ``git fsck``
does), so a flipped bit in a path gives wrong paths, and a truncated file can
list fewer entries. papershelf checks the file itself: the header, that every
entry and extension lies inside the file, and the trailing SHA-1 (or SHA-256)
checksum — of a split index's shared part too. Format: git's
Documentation/gitformat-index.txt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papershelf.errors import EXIT_USAGE, PapershelfError

_HEADER = 12
_STAT = 40  # ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields
_NAME_MASK = 0xFFF
_EXTENDED = 0x4000
# Below this size an index is hashed by Python's own SHA code (see _digests).
_SMALL_INDEX = 512 * 1024

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class IndexDamaged(PapershelfError):
    """The index file is not one git wrote whole: no finding read from it can be trusted."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"{path}: the git index is damaged ({why}); move it away and rebuild it from "
            "the last commit with `git reset` (changes staged since are lost)"
        )


def check(path: Path) -> None:
    """Raise :class:`IndexDamaged` unless ``path`` is a whole index (absent is fine), and,
    for a split index, unless the shared index it links to is whole and the one named."""
    data = _read(path)
    if data is None:
        return
    why, oid_size = _verify(data)
    if why is not None:
        raise IndexDamaged(path, why)
    link = _shared_index(path, data, oid_size)
    if link is not None:
        shared, oid = link
        shared_data = _read(shared)
        if shared_data is None:
            raise IndexDamaged(shared, "the split index's shared part is missing")
        why = _verify(shared_data)[0]
        if why is None and shared_data[-oid_size:] != oid:
            why = "not the shared part the index names"
        if why is not None:
            raise IndexDamaged(shared, why)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise IndexDamaged(path, f"cannot read it: {error.strerror}") from error


def problem(data: bytes) -> str | None:
    """What is wrong with an index file's bytes, or None when it is whole."""
    return _verify(data)[0]


def _digests(length: int) -> tuple[Callable[[ReadableBuffer], Any], ...]:
    """SHA-1 and SHA-256 for an index of ``length`` bytes: Python's own for a small one,
    as importing OpenSSL's (3 ms) costs more than hashing a commit hook's index with
    them; OpenSSL's, seven times faster, for a large one. Only a changed index is hashed."""
    if length < _SMALL_INDEX:
        from importlib import import_module

        try:
            sha1 = import_module("_sha1").sha1
            try:
                sha256 = import_module("_sha2").sha256  # Python 3.12 and later
            except ImportError:
                sha256 = import_module("_sha256").sha256
            return sha1, sha256
        except ImportError:  # a Python built without them
            pass
    import hashlib

    return hashlib.sha1, hashlib.sha256


def _verify(data: bytes) -> tuple[str | None, int]:
    """What is wrong, and the object id size (20 for SHA-1, 32 for SHA-256).

    A matching checksum means git wrote these bytes, entries included; with no
    checksum (``index.skipHash``) every entry's bounds are walked instead.
    """
    if len(data) < _HEADER or data[:4] != b"DIRC":
        return "no index signature", 20
    version = int.from_bytes(data[4:8], "big")
    if version not in (2, 3, 4):
        return f"unknown index version {version}", 20
    count = int.from_bytes(data[8:12], "big")
    for size, digest in zip((20, 32), _digests(len(data))):
        if (
            len(data) >= _HEADER + size
            and digest(memoryview(data)[:-size]).digest() == data[-size:]
        ):
            return None, size
    zero_trailers = [
        size for size in (20, 32) if len(data) >= _HEADER + size and not any(data[-size:])
    ]
    if not zero_trailers:
        return "its checksum does not match: truncated or changed", 20
    reasons = [(_layout_problem(data, version, count, size), size) for size in zero_trailers]
    return next((reason for reason in reasons if reason[0] is None), reasons[0])


def _shared_index(path: Path, data: bytes, oid_size: int) -> tuple[Path, bytes] | None:
    """The shared index a split index names in its ``link`` extension, and its id.

    Only looked for when a ``sharedindex.*`` file exists beside the index: a split
    index's own file holds few entries, so walking it to its extensions is quick.
    """
    try:
        if not any(name.startswith("sharedindex.") for name in os.listdir(path.parent)):
            return None
    except OSError:
        return None
    version, count = int.from_bytes(data[4:8], "big"), int.from_bytes(data[8:12], "big")
    extensions: dict[bytes, int] = {}
    if _layout_problem(data, version, count, oid_size, extensions) is not None:
        return None
    start = extensions.get(b"link")
    if start is None:
        return None
    oid = data[start : start + oid_size]
    return path.parent / f"sharedindex.{oid.hex()}", oid


def _layout_problem(
    data: bytes, version: int, count: int, oid_size: int, extensions: dict[bytes, int] | None = None
) -> str | None:
    """Every entry and extension must end inside the file, before its checksum; where each
    extension's data starts goes into ``extensions``."""
    end = len(data) - oid_size
    flags_at = _STAT + oid_size
    fixed = flags_at + 2
    position = _HEADER
    for number in range(1, count + 1):
        if position + fixed > end:
            return f"entry {number} of {count} runs past the end"
        flags = int.from_bytes(data[position + flags_at : position + fixed], "big")
        name_at = position + fixed
        if flags & _EXTENDED:
            if version < 3:
                return f"entry {number} has extended flags in a version {version} index"
            name_at += 2
        if version == 4:  # a prefix-compressed name: a varint, then a NUL-terminated suffix
            while name_at < end and data[name_at] & 0x80:
                name_at += 1
            nul = data.find(b"\0", name_at + 1, end)
            if nul == -1:
                return f"entry {number} of {count} has no end to its name"
            position = nul + 1
            continue
        length = flags & _NAME_MASK
        if length == _NAME_MASK:
            nul = data.find(b"\0", name_at + length, end)
            if nul == -1:
                return f"entry {number} of {count} has no end to its name"
            length = nul - name_at
        entry = (name_at - position + length + 8) & ~7
        if position + entry > end or data[name_at + length] != 0:
            return f"entry {number} of {count} runs past the end or has a bad name"
        position += entry
    while position < end:  # extensions: a signature and a size, then that many bytes
        if position + 8 > end:
            return "an extension runs past the end"
        size = int.from_bytes(data[position + 4 : position + 8], "big")
        if extensions is not None:
            extensions[data[position : position + 4]] = position + 8
        position += 8 + size
    if position != end:
        return "an extension runs past the end"
    return None
