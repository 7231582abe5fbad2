"""Is git's index file whole? Checked before papershelf believes what git lists from it.

git reads the index without verifying its trailing checksum (only ``git fsck``
does), so a flipped bit in a path gives wrong paths, and a truncated file can
list fewer entries. papershelf checks the file itself: the header, that every
entry and extension lies inside the file, and the trailing SHA-1 (or SHA-256)
checksum. Format: git's Documentation/gitformat-index.txt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from papershelf.errors import EXIT_USAGE, PapershelfError

_HEADER = 12
_STAT = 40  # ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields
_NAME_MASK = 0xFFF
_EXTENDED = 0x4000


class IndexDamaged(PapershelfError):
    """The index file is not one git wrote whole: no finding read from it can be trusted."""

    exit_code = EXIT_USAGE

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"{path}: the git index is damaged ({why}); move it away and rebuild it from "
            "the last commit with `git reset` (changes staged since are lost)"
        )


def check(path: Path) -> None:
    """Raise :class:`IndexDamaged` unless ``path`` is a whole index (absent is fine)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError as error:
        raise IndexDamaged(path, f"cannot read it: {error.strerror}") from error
    why = problem(data)
    if why is not None:
        raise IndexDamaged(path, why)


def problem(data: bytes) -> str | None:
    """What is wrong with an index file's bytes, or None when it is whole.

    A matching checksum means git wrote these bytes, entries included; with no
    checksum (``index.skipHash``) every entry's bounds are walked instead.
    """
    if len(data) < _HEADER or data[:4] != b"DIRC":
        return "no index signature"
    version = int.from_bytes(data[4:8], "big")
    if version not in (2, 3, 4):
        return f"unknown index version {version}"
    count = int.from_bytes(data[8:12], "big")
    for size, digest in ((20, hashlib.sha1), (32, hashlib.sha256)):
        if (
            len(data) >= _HEADER + size
            and digest(memoryview(data)[:-size]).digest() == data[-size:]
        ):
            return None
    zero_trailers = [
        size for size in (20, 32) if len(data) >= _HEADER + size and not any(data[-size:])
    ]
    if not zero_trailers:
        return "its checksum does not match: truncated or changed"
    reasons = [_layout_problem(data, version, count, size) for size in zero_trailers]
    return None if None in reasons else reasons[0]


def _layout_problem(data: bytes, version: int, count: int, oid_size: int) -> str | None:
    """Every entry and extension must end inside the file, before its checksum."""
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
        position += 8 + size
    if position != end:
        return "an extension runs past the end"
    return None
