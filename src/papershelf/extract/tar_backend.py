"""Tar, plain or gzip/bzip2/xz compressed, read with the standard library as a stream.

A gzip/bzip2/xz file that holds no tar (``paper.ps.gz``) is one compressed
file: it extracts as that file, under the archive's name without its suffix.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from papershelf.extract import chain
from papershelf.extract.model import ArchiveError, Entry, EntryKind, Method, Planned, Sink
from papershelf.repo.names import archive_stem

_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)
# Entries that only describe the next one, for the tools of one system: left out, counted.
_METADATA = {
    b"A": "Solaris ACL",
    b"E": "Solaris extended attributes",
    b"V": "GNU volume label",
}
_CHUNK = 1024 * 1024
MAX_MEASURED_RATIO = 1000


class TarReader:
    def __init__(self, path: Path, tf: tarfile.TarFile) -> None:
        self.path = path
        self.volumes = [path]
        self.tf = tf
        try:
            self.members = self.tf.getmembers()
        except _READ_ERRORS as error:
            self.tf.close()
            raise ArchiveError(f"{path}: damaged or truncated tar archive ({error})") from None
        except BaseException:
            self.tf.close()
            raise

    def entries(self) -> list[Entry]:
        result = []
        for member in self.members:
            if member.isdir():
                kind = EntryKind.DIR
            elif member.issym():
                kind = EntryKind.SYMLINK
            elif member.islnk():
                kind = EntryKind.HARDLINK
            elif member.isreg():
                kind = EntryKind.FILE
            else:
                kind = EntryKind.SPECIAL
            result.append(
                Entry(
                    name=member.name,
                    kind=kind,
                    size=member.size if member.isreg() else 0,
                    mode=member.mode,
                    link=member.linkname if member.issym() or member.islnk() else None,
                    handle=member,
                    mtime=float(member.mtime),
                    skip=_METADATA.get(member.type),
                )
            )
        return result

    def methods(self) -> list[Method]:
        return [Method("tarfile", self._write), *chain.external("tar", self.volumes, None)]

    def _write(self, items: list[Planned], sink: Sink) -> None:
        for item in items:
            if item.entry.kind is not EntryKind.FILE:
                continue
            member = item.entry.handle
            assert isinstance(member, tarfile.TarInfo)
            try:
                source = self.tf.extractfile(member)
                assert source is not None
                with source:
                    sink.write_stream(item, source, verify_crc=False)
            except _READ_ERRORS as error:
                if isinstance(error, OSError) and error.errno is not None:
                    raise
                raise ArchiveError(
                    f"{self.path}: entry {item.entry.name!r}: {error} "
                    "(damaged or truncated archive)"
                ) from None

    def close(self) -> None:
        self.tf.close()


def _opener(kind: str) -> Callable[[Path], IO[bytes]]:
    modules = {"gzip": gzip.GzipFile, "bzip2": bz2.BZ2File, "xz": lzma.LZMAFile}
    return modules[kind]


class CompressedFileReader:
    """One compressed file (no tar inside): its size and CRC are learnt by reading it once.

    Reading stops past ``MAX_MEASURED_RATIO`` times the file's size: whatever
    lies beyond is a bomb the ratio limit refuses anyway.
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.volumes = [path]
        self.open = _opener(kind)
        limit = MAX_MEASURED_RATIO * max(path.stat().st_size, 1024 * 1024)
        size, crc = 0, 0
        try:
            with self.open(path) as stream:
                while data := stream.read(_CHUNK):
                    size += len(data)
                    crc = zlib.crc32(data, crc)
                    if size > limit:
                        break
        except _READ_ERRORS as error:
            raise ArchiveError(f"{path}: not a readable {kind} file ({error})") from None
        stem = archive_stem(path.name)
        name = stem if stem and stem != path.name else f"{path.name}.out"
        self.entry = Entry(name, EntryKind.FILE, size, crc=crc, mtime=path.stat().st_mtime)

    def entries(self) -> list[Entry]:
        return [self.entry]

    def methods(self) -> list[Method]:
        return [Method("python", self._write)]

    def _write(self, items: list[Planned], sink: Sink) -> None:
        for item in items:
            stream: IO[bytes]
            with self.open(self.path) as stream:
                sink.write_stream(item, stream, verify_crc=True)

    def close(self) -> None:
        pass


class TarBackend:
    name = "tar"

    def open(
        self, path: Path, password: str | None, encoding: str | None
    ) -> TarReader | CompressedFileReader:
        try:
            tf = tarfile.open(  # noqa: SIM115 - closed by the reader
                path, "r:*", encoding=encoding or "utf-8", errors="surrogateescape"
            )
        except tarfile.ReadError as error:
            kind = _compression(path)
            if kind is None:
                raise ArchiveError(f"{path}: not a readable tar archive ({_why(error)})") from None
            return CompressedFileReader(path, kind)
        except _READ_ERRORS as error:
            raise ArchiveError(f"{path}: not a readable tar archive ({error})") from None
        return TarReader(path, tf)


def _why(error: tarfile.ReadError) -> str:
    """tarfile's reason on one line: "r:*" lists each method tried, the tar one last."""
    found = re.search(r"method tar: \w+\('(.*)'\)", str(error))
    return found.group(1) if found else " ".join(str(error).split())


def _compression(path: Path) -> str | None:
    with open(path, "rb") as stream:
        head = stream.read(6)
    for signature, kind in ((b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz")):
        if head.startswith(signature):
            return kind
    return None
