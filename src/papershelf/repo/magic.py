"""Recognise archives by their first bytes, so a renamed archive is still an archive;
and the zips that are documents by their members, so a ``.docx`` is not one."""

from __future__ import annotations

import os
import re
from typing import IO

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


# --- zip containers that are documents ------------------------------------------------------

# The index's kind of a zip whose members say it is a document (see :func:`zip_document`):
# not an archive to extract.
ZIP_DOCUMENT_KIND = "zip-document"
# How much of a zip is read to name it: its end record and central directory (a zip of
# 50,000 members has about 4 MB of them); a larger one is taken for an archive.
ZIP_READ_MAX = 4 * 1024 * 1024
_MIMETYPE_MAX = 256
_WHEEL = re.compile(r"[^/]+\.dist-info/(?:WHEEL|METADATA|RECORD)")


def document_of(names: list[str], mimetype: str = "") -> str | None:
    """What document a zip with members ``names`` (and ``mimetype``'s text, when it has
    one) is, or None when it is a zip of files."""
    if "[Content_Types].xml" in names:
        return "an Office Open XML document (.docx, .xlsx, .pptx)"
    if mimetype.startswith("application/epub"):
        return "an EPUB book"
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return "an OpenDocument file (.odt, .ods, .odp)"
    if mimetype.startswith("application/"):
        return f"a document ({mimetype})"
    if any(_WHEEL.fullmatch(name) for name in names):
        return "a Python wheel"
    if "META-INF/MANIFEST.MF" in names:
        return "a Java archive (.jar)"
    files = [name for name in names if not name.endswith("/")]
    if files and all(name.endswith(".npy") for name in files):
        return "NumPy arrays (.npz)"
    top = files[0].partition("/")[0] if files else ""
    saved = {f"{top}/data.pkl", f"{top}/version"}
    if all(name.startswith(f"{top}/") for name in files) and saved <= set(files):
        return "a PyTorch save"
    return None


class _Bounded:
    """A seekable binary stream that refuses to read more than ``budget`` bytes in all."""

    def __init__(self, stream: IO[bytes], budget: int) -> None:
        self.stream, self.budget = stream, budget

    def read(self, size: int = -1) -> bytes:
        if size < 0:  # to the end: zipfile reads the end record so
            here = self.stream.tell()
            size = self.stream.seek(0, os.SEEK_END) - here
            self.stream.seek(here)
        if size > self.budget:
            raise OSError("more of the zip than papershelf reads to name it")
        data = self.stream.read(size)
        self.budget -= len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.stream.seek(offset, whence)

    def tell(self) -> int:
        return self.stream.tell()

    def seekable(self) -> bool:
        return True


def zip_document(stream: IO[bytes]) -> str | None:
    """What document the zip in ``stream`` is, by its members' names (and its ``mimetype``
    member), read through its central directory with zipfile, at most
    :data:`ZIP_READ_MAX` bytes; None for a zip of files, a damaged zip or a larger one."""
    import zipfile

    try:
        with zipfile.ZipFile(_Bounded(stream, ZIP_READ_MAX)) as container:
            names = container.namelist()
            mimetype = ""
            if "mimetype" in names and container.getinfo("mimetype").file_size <= _MIMETYPE_MAX:
                mimetype = container.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return None
    return document_of(names, mimetype)


def zip_document_at(path: str | os.PathLike[str]) -> str | None:
    """:func:`zip_document` of a regular file (never a FIFO, never through a symbolic
    link); None when it is anything else or unreadable."""
    import stat

    from papershelf.repo.repopaths import READ_FLAGS

    try:
        descriptor = os.open(path, READ_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return zip_document(stream)


def zip_kind(path: str | os.PathLike[str], data: bytes | None = None) -> str:
    """The kind of a zip (its first bytes said so) at ``path``, or in ``data`` when given:
    :data:`ZIP_DOCUMENT_KIND` for a document, else ``"zip"``."""
    import io

    document = zip_document(io.BytesIO(data)) if data is not None else zip_document_at(path)
    return "zip" if document is None else ZIP_DOCUMENT_KIND
