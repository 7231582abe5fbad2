"""Recognise archives by their first bytes, so a renamed archive is still an archive."""

from __future__ import annotations

import os

# How many leading bytes :func:`sniff` needs (the tar magic sits at offset 257).
HEAD_SIZE = 265

ARCHIVE_SUFFIXES: tuple[str, ...] = (
    ".zip",
    ".rar",
    ".7z",
    ".tar",
    ".tgz",
    ".tbz",
    ".tbz2",
    ".txz",
    ".tzst",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".z",
)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip: only the end-of-central-directory record
    (b"PK\x07\x08", "zip"),  # a spanned zip
    (b"Rar!\x1a\x07\x01\x00", "rar"),  # RAR5
    (b"Rar!\x1a\x07\x00", "rar"),  # RAR 1.5-4.x
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"LZIP", "lzip"),
)


_FIRST_TWO = frozenset(signature[:2] for signature, _ in _SIGNATURES)


def sniff(head: bytes) -> str | None:
    """The archive format whose signature ``head`` starts with, or None."""
    if head[:2] not in _FIRST_TWO:
        return "tar" if len(head) >= 262 and head[257:262] == b"ustar" else None
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


LFS_POINTER_KIND = "lfs-pointer"
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def is_lfs_pointer(head: bytes) -> bool:
    """A Git LFS pointer: the real content lives outside git, so it is not an archive here."""
    return head.startswith(_LFS_POINTER)


def kind_of(head: bytes) -> str | None:
    """What a blob's first bytes make it: an archive kind, an LFS pointer, or None."""
    return LFS_POINTER_KIND if is_lfs_pointer(head) else sniff(head)


def sniff_file(path: str | os.PathLike[str], root: os.PathLike[str] | None = None) -> str | None:
    """Like :func:`sniff`, reading the file's first bytes; None when unreadable, not a
    regular file (a FIFO is never opened blocking) or, given ``root``, leading out of it."""
    from pathlib import Path

    from papershelf.repo import repopaths

    if root is not None and repopaths.within(Path(root), Path(path)) is None:
        return None
    head = repopaths.head(os.fspath(path), HEAD_SIZE)
    return sniff(head) if head else None


_LAST_SUFFIXES = frozenset(suffix.rpartition(".")[2] for suffix in ARCHIVE_SUFFIXES)


def has_archive_suffix(name: str) -> bool:
    """Whether a file name looks like an archive (``.zip``, ``.tar.gz``, ``.r00`` …)."""
    suffix = name[name.rfind(".") + 1 :].lower()
    if suffix in _LAST_SUFFIXES:
        return True
    return len(suffix) == 3 and suffix[0] == "r" and suffix[1:].isdigit()
