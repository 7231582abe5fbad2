"""Tar, plain or gzip/bzip2/xz compressed, read with the standard library as a stream."""

from __future__ import annotations

import lzma
import tarfile
import zlib
from pathlib import Path

from papershelf.extract.model import ArchiveError, Entry, EntryKind, Planned, Sink

_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)


class TarReader:
    def __init__(self, path: Path, password: str | None, encoding: str | None) -> None:
        self.path = path
        try:
            self.tf = tarfile.open(  # noqa: SIM115 - closed by close()
                path, "r:*", encoding=encoding or "utf-8", errors="surrogateescape"
            )
        except _READ_ERRORS as error:
            raise ArchiveError(f"{path}: not a readable tar archive ({error})") from None
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
                )
            )
        return result

    def extract(self, items: list[Planned], sink: Sink) -> None:
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


class TarBackend:
    name = "tar"

    def open(
        self, path: Path, password: str | None, encoding: str | None, tool: str = "auto"
    ) -> TarReader:
        return TarReader(path, password, encoding)
