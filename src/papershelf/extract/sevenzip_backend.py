"""7z: py7zr lists and validates; 7zz (when installed), py7zr itself, bsdtar or unar writes.

py7zr alone measures 1.4-2.1x ``7zz x``; the 7-Zip binary, run once and its
output verified against py7zr's listing and CRCs, is as safe and faster. A
split archive (``x.7z.001``, ``x.7z.002`` …) is read as its volumes joined.
"""

from __future__ import annotations

import io
import lzma
import math
import os
import re
import stat
import struct
from pathlib import Path
from typing import Any

import py7zr
import py7zr.exceptions
import py7zr.helpers
import py7zr.io

from papershelf.extract import chain
from papershelf.extract.joined import Joined
from papershelf.extract.model import (
    ArchiveError,
    Entry,
    EntryKind,
    MemberWriter,
    Method,
    Planned,
    Sink,
)

_ERRORS = (
    py7zr.exceptions.ArchiveError,
    lzma.LZMAError,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
)  # py7zr on garbage, e.g. a wrong header key


# 7z coder ids (7-Zip's Methods.txt) by name: what py7zr may not implement.
_METHODS = {
    b"\x03": "Delta",
    b"\x04": "x86 (BCJ)",
    b"\x05": "PowerPC",
    b"\x06": "IA64",
    b"\x07": "ARM",
    b"\x08": "ARMT",
    b"\x09": "SPARC",
    b"\x0a": "ARM64",
    b"\x0b": "RISCV",
    b"\x21": "LZMA2",
    b"\x03\x01\x01": "LZMA",
    b"\x03\x03\x01\x03": "x86 (BCJ)",
    b"\x03\x03\x01\x1b": "BCJ2",
    b"\x03\x03\x02\x05": "PowerPC",
    b"\x03\x03\x04\x01": "IA64",
    b"\x03\x03\x05\x01": "ARM",
    b"\x03\x03\x07\x01": "ARMT",
    b"\x03\x03\x08\x05": "SPARC",
    b"\x03\x04\x01": "PPMd",
    b"\x04\x01\x08": "Deflate",
    b"\x04\x01\x09": "Deflate64",
    b"\x04\x02\x02": "BZip2",
    b"\x04\xf7\x11\x01": "Zstandard",
    b"\x04\xf7\x11\x02": "Brotli",
    b"\x04\xf7\x11\x04": "LZ4",
    b"\x06\xf1\x07\x01": "7zAES",
}


def _unsupported(path: Path, error: py7zr.exceptions.UnsupportedCompressionMethodError) -> str:
    """An archive py7zr cannot unpack is not damaged: say which method, and who can."""
    method = error.args[0] if error.args else b""
    name = _METHODS.get(method) if isinstance(method, bytes) else None
    if name is None:
        name = f"0x{method.hex()}" if isinstance(method, bytes) and method else "(unknown)"
    return f"{path}: py7zr cannot unpack the {name} method (7-Zip can)"


class _Adapter(py7zr.io.Py7zIO):
    """py7zr's writer interface, feeding one member's bytes to the staging sink."""

    def __init__(self, writer: MemberWriter) -> None:
        self.writer = writer
        self.length = 0

    def write(self, s: bytes | bytearray) -> int:
        self.length += len(s)
        return self.writer.write(bytes(s))

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self.length


class _Factory(py7zr.io.WriterFactory):
    def __init__(self, sink: Sink, by_name: dict[str, Planned]) -> None:
        self.sink = sink
        self.by_name = by_name
        self.writers: list[MemberWriter] = []
        self.created: set[Planned] = set()

    def create(self, filename: str) -> _Adapter:
        item = self.by_name[filename]
        self.created.add(item)
        writer = self.sink.open_writer(item)
        self.writers.append(writer)
        return _Adapter(writer)


_SPLIT = re.compile(r"\.(\d{3})$")
_START_HEADER = struct.Struct("<6s2sIQQI")  # signature, version, CRC, next header offset/size


def split_volumes(path: Path) -> list[Path]:
    """``x.7z.001`` and the ``.002``, ``.003`` … beside it; else ``[path]``.

    A missing volume is named: the start header says how long the whole archive is.
    """
    match = _SPLIT.search(path.name)
    if match is None or match.group(1) != "001":
        return [path]
    stem = path.name[: match.start()]
    volumes = [path]
    while os.path.lexists(following := path.with_name(f"{stem}.{len(volumes) + 1:03d}")):
        if following.is_symlink() or not following.is_file():
            raise ArchiveError(f"{following}: a volume of {path} is not a regular file")
        volumes.append(following)
    with open(path, "rb") as stream:
        header = stream.read(_START_HEADER.size)
    if len(header) == _START_HEADER.size:
        _sig, _ver, _crc, offset, size, _crc2 = _START_HEADER.unpack(header)
        needed = _START_HEADER.size + offset + size
        have = sum(v.stat().st_size for v in volumes)
        first = max(path.stat().st_size, 1)
        if have < needed:
            count = max(math.ceil(needed / first), len(volumes) + 1)
            raise ArchiveError(
                f"{path}: split 7z volume {len(volumes) + 1} of {count} missing "
                f"({stem}.{len(volumes) + 1:03d})"
            )
    return volumes


def _mtime(member: Any) -> float | None:
    stamp = member.lastwritetime
    return None if stamp is None else float(stamp.totimestamp())


class SevenZipReader:
    def __init__(self, path: Path, password: str | None) -> None:
        self.path = path
        self.password = password
        self.volumes = split_volumes(path)
        self.source: Any = (
            path if len(self.volumes) == 1 else io.BufferedReader(Joined(self.volumes))
        )
        try:
            self.archive = py7zr.SevenZipFile(self.source, "r", password=password)
        except py7zr.exceptions.UnsupportedCompressionMethodError as error:
            raise ArchiveError(_unsupported(path, error)) from None
        except py7zr.exceptions.PasswordRequired:
            raise ArchiveError(
                f"{path}: encrypted; give --password or set PAPERSHELF_PASSWORD"
            ) from None
        except _ERRORS as error:
            hint = " (wrong password?)" if password else ""
            raise ArchiveError(f"{path}: not a readable 7z archive{hint} ({error})") from None
        if self.archive.needs_password() and not password:
            self.archive.close()
            raise ArchiveError(f"{path}: encrypted; give --password or set PAPERSHELF_PASSWORD")

    def entries(self) -> list[Entry]:
        result = []
        symlinks = [f.filename for f in self.archive.files if f.is_symlink]
        targets = self._read_small(symlinks)
        for f in self.archive.files:
            mode = f.posix_mode if f.posix_mode is not None else 0
            if f.is_directory:
                kind = EntryKind.DIR
            elif f.is_symlink:
                kind = EntryKind.SYMLINK
            elif f.is_socket or (mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG)):
                kind = EntryKind.SPECIAL
            else:
                kind = EntryKind.FILE
            result.append(
                Entry(
                    name=f.filename,
                    kind=kind,
                    size=f.uncompressed if kind is EntryKind.FILE else 0,
                    packed=None,
                    crc=f.crc32,
                    mode=(mode & 0o7777) or None,
                    link=targets.get(f.filename),
                    encrypted=self.archive.password_protected,
                    handle=f,
                    mtime=_mtime(f),
                )
            )
        return result

    def _read_small(self, names: list[str]) -> dict[str, str]:
        if not names:
            return {}
        factory = py7zr.io.BytesIOFactory(4096)
        try:
            self.archive.extract(targets=names, factory=factory)
        except py7zr.exceptions.UnsupportedCompressionMethodError as error:
            raise ArchiveError(_unsupported(self.path, error)) from None
        except _ERRORS as error:
            raise ArchiveError(f"{self.path}: cannot read symlink targets ({error})") from None
        finally:
            self.archive.reset()
        result = {}
        for name in names:
            key = py7zr.helpers.get_sanitized_output_path(name, None).as_posix()
            data: Any = factory.get(key).read()  # type: ignore[no-untyped-call]
            result[name] = bytes(data).decode("utf-8", "replace")
        return result

    def methods(self) -> list[Method]:
        """7zz first (1.4-2.1x faster than py7zr), then py7zr, then the other tools."""
        seven, *others = chain.external("7z", self.volumes, self.password)
        return [seven, Method("py7zr", self._write), *others]

    def _write(self, items: list[Planned], sink: Sink) -> None:
        files = [i for i in items if i.entry.kind is EntryKind.FILE]
        self.archive.reset()
        by_name = {
            py7zr.helpers.get_sanitized_output_path(i.entry.name, None).as_posix(): i for i in files
        }
        factory = _Factory(sink, by_name)
        try:
            self.archive.extract(targets=[i.entry.name for i in files], factory=factory)
        except ArchiveError:
            raise
        except py7zr.exceptions.UnsupportedCompressionMethodError as error:
            raise ArchiveError(_unsupported(self.path, error)) from None
        except _ERRORS as error:
            hint = " (wrong password?)" if self.password else ""
            raise ArchiveError(f"{self.path}: damaged archive{hint} ({error})") from None
        for writer in factory.writers:
            writer.finish(verify_crc=True)
        for item in files:
            if item not in factory.created:
                if item.entry.size:
                    raise ArchiveError(
                        f"{self.path}: entry {item.entry.name!r} was not "
                        "extracted (damaged archive?)"
                    )
                sink.open_writer(item).finish(verify_crc=False)

    def close(self) -> None:
        self.archive.close()
        if not isinstance(self.source, Path):
            self.source.close()


class SevenZipBackend:
    name = "7z"

    def open(self, path: Path, password: str | None, encoding: str | None) -> SevenZipReader:
        return SevenZipReader(path, password)
