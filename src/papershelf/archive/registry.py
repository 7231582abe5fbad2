"""The explicit list of formats: a sniffed format name to the backend that reads it."""

from __future__ import annotations

from pathlib import Path

from papershelf.archive.model import ArchiveError, Backend, Reader
from papershelf.archive.rar_backend import RarBackend
from papershelf.archive.sevenzip_backend import SevenZipBackend
from papershelf.archive.tar_backend import TarBackend
from papershelf.archive.zip_backend import ZipBackend

# magic.sniff() names -> backend; compressed tars are tars once decompressed.
BACKENDS: dict[str, Backend] = {
    "zip": ZipBackend(),
    "tar": TarBackend(),
    "gzip": TarBackend(),
    "bzip2": TarBackend(),
    "xz": TarBackend(),
    "7z": SevenZipBackend(),
    "rar": RarBackend(),
}


def open_reader(path: Path, kind: str | None, password: str | None, encoding: str | None,
                tool: str) -> Reader:
    """Open ``path`` with the backend for its sniffed ``kind``."""
    if kind is None:
        raise ArchiveError(f"{path}: not an archive papershelf knows (zip, rar, 7z, tar)")
    backend = BACKENDS.get(kind)
    if backend is None:
        raise ArchiveError(f"{path}: {kind} data is not supported (zip, rar, 7z, tar and "
                           "tar.gz/.bz2/.xz are)")
    return backend.open(path, password, encoding, tool)
