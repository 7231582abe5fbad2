"""7z: py7zr lists and validates; 7zz (when installed) or py7zr itself writes.

py7zr alone measures 1.4-2.1x ``7zz x``; the 7-Zip binary, run once and its
output verified against py7zr's listing and CRCs, is as safe and faster.
"""

from __future__ import annotations

import lzma
import stat
from pathlib import Path
from typing import Any

import py7zr
import py7zr.exceptions
import py7zr.helpers
import py7zr.io

from papershelf.extract import tools
from papershelf.extract.model import ArchiveError, Entry, EntryKind, MemberWriter, Planned, Sink

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
    return (
        f"{path}: unsupported compression method {name}: py7zr cannot unpack it "
        "(7-Zip can: install 7zz and use --backend 7zz)"
    )


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


class SevenZipReader:
    def __init__(self, path: Path, password: str | None, tool: str) -> None:
        self.path = path
        self.password = password
        self.tool_name = tool
        try:
            self.archive = py7zr.SevenZipFile(path, "r", password=password)
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

    def extract(self, items: list[Planned], sink: Sink) -> None:
        files = [i for i in items if i.entry.kind is EntryKind.FILE]
        if self.tool_name != "py7zr":
            tool = tools.find("7zz") if self.tool_name in ("auto", "7zz") else None
            if tool is not None and tool.works:
                self._extract_with_tool(tool, items, sink)
                return
            if self.tool_name == "7zz":
                raise ArchiveError(f"{self.path}: 7zz is not installed or does not work")
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

    def _extract_with_tool(self, tool: tools.Tool, items: list[Planned], sink: Sink) -> None:
        work = Path(sink.root).parent / ".tool"
        inbox, out = work / "in", work / "out"
        inbox.mkdir(parents=True)
        out.mkdir()
        link = inbox / "archive.7z"
        link.symlink_to(self.path.resolve())
        tools.run(tools.sevenzip_command(tool, link, out, self.password), str(self.path))
        sink.adopt_tree(out, items)

    def close(self) -> None:
        self.archive.close()


class SevenZipBackend:
    name = "7z"

    def open(
        self, path: Path, password: str | None, encoding: str | None, tool: str = "auto"
    ) -> SevenZipReader:
        return SevenZipReader(path, password, tool)
