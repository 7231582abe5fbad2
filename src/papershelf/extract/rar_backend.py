"""RAR: rarfile lists and validates; one run of a probed tool extracts, then is verified.

The tool works in a private folder holding only links to this archive's own
volumes (unar otherwise glues unrelated ``a.rar`` and ``b.rar`` lying side by
side into one set), and what it writes is checked against rarfile's listing.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import stat
import struct
from collections.abc import Callable
from pathlib import Path

import rarfile

from papershelf.extract import chain, tools
from papershelf.extract.model import ArchiveError, Entry, EntryKind, Method, Planned, Sink

_REDIR_HARDLINK = 4
_REDIR_COPY = 5
_PASSWORD_CHECK = 0x0001  # file encryption record: a check value of the password follows
_TWEAKED_CHECKSUMS = 0x0002  # file encryption record: checksums stored as an HMAC


@functools.lru_cache(maxsize=16)
def _hash_key(password: str, salt: bytes, log2_count: int) -> bytes:
    """RAR5's HashKey: PBKDF2-HMAC-SHA256 of the password, 2**n + 16 rounds (unrar's pbkdf2)."""
    key: bytes = rarfile.rar5_s2k(password, salt, (1 << log2_count) + 16)
    return key


def _tweaked_crc(key: bytes) -> Callable[[int], int]:
    """unrar's ConvertHashToMAC for CRC32: HMAC-SHA256 of the CRC, folded to 32 bits.

    An encrypted RAR5 entry (``rar`` by default) stores this instead of its CRC32,
    so that the checksum tells nothing about the plain text.
    """

    def convert(crc: int) -> int:
        digest = hmac.new(key, struct.pack("<I", crc), hashlib.sha256).digest()
        value = 0
        for index, byte in enumerate(digest):
            value ^= byte << ((index & 3) * 8)
        return value

    return convert


class RarReader:
    def __init__(self, path: Path, password: str | None) -> None:
        self.path = path
        self.password = password
        try:
            self.rf = rarfile.RarFile(str(path))
            if password:
                self.rf.setpassword(password)  # encrypted headers are read here
        except rarfile.NeedFirstVolume:
            raise ArchiveError(
                f"{path}: this is not the first volume of a multi-volume "
                "archive; extract from the first one (.part1.rar or .rar)"
            ) from None
        except rarfile.RarWrongPassword:
            raise ArchiveError(f"{path}: wrong password") from None
        except rarfile.NoCrypto:
            raise ArchiveError(
                f"{path}: its headers are encrypted and rarfile finds no AES library "
                "(pip install cryptography)"
            ) from None
        except (rarfile.Error, OSError, EOFError) as error:
            raise ArchiveError(f"{path}: not a readable RAR archive ({error})") from None
        problem = self.rf.strerror()
        if problem:
            self.rf.close()
            raise ArchiveError(f"{path}: {problem} (missing volume, or truncated archive?)")
        if self.rf.needs_password() and not password:
            self.rf.close()
            raise ArchiveError(f"{path}: encrypted; give --password or set PAPERSHELF_PASSWORD")
        self.volumes = [Path(v) for v in self.rf.volumelist()]
        if password and not self._password_checks(password):
            self.rf.close()
            raise ArchiveError(f"{path}: wrong password")

    def _password_checks(self, password: str) -> bool:
        """False only when RAR5's stored check value proves the password wrong.

        Without one (RAR3 file data, RAR5 made without it) nothing is claimed;
        with encrypted headers rarfile has already verified it.
        """
        for info in self.rf.infolist():
            encryption = getattr(info, "file_encryption", None)
            if not encryption or not encryption[1] & _PASSWORD_CHECK:
                continue
            _algo, _flags, log2_count, salt, _iv, check = encryption
            if len(check) < 12 or hashlib.sha256(check[:8]).digest()[:4] != check[8:12]:
                continue  # the check value itself is damaged: let the tools say
            key: bytes = rarfile.rar5_s2k(password, salt, (1 << log2_count) + 32)
            folded = bytearray(8)
            for index, byte in enumerate(key):
                folded[index % 8] ^= byte
            return bool(folded == check[:8])
        return True

    def entries(self) -> list[Entry]:
        result = []
        for info in self.rf.infolist():
            mode = info.mode if info.host_os == rarfile.RAR_OS_UNIX else 0
            redir = getattr(info, "file_redir", None)
            link = None
            if info.is_dir():
                kind = EntryKind.DIR
            elif redir and redir[0] in (_REDIR_HARDLINK, _REDIR_COPY):
                kind, link = EntryKind.HARDLINK, redir[2]
            elif info.is_symlink():
                kind = EntryKind.SYMLINK
                link = redir[2] if redir else self.rf.read(info).decode("utf-8", "replace")
            elif mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                kind = EntryKind.SPECIAL
            else:
                kind = EntryKind.FILE
            encryption = getattr(info, "file_encryption", None)
            stored_crc = None
            if encryption and encryption[1] & _TWEAKED_CHECKSUMS and self.password:
                stored_crc = _tweaked_crc(_hash_key(self.password, encryption[3], encryption[2]))
            result.append(
                Entry(
                    name=info.filename.rstrip("/"),
                    kind=kind,
                    size=info.file_size if kind is EntryKind.FILE else 0,
                    packed=info.compress_size,
                    crc=info.CRC if kind is EntryKind.FILE else None,
                    mode=(mode & 0o7777) or None,
                    link=link,
                    encrypted=info.needs_password(),
                    handle=info,
                    stored_crc=stored_crc,
                    mtime=info.mtime.timestamp() if info.mtime is not None else None,
                )
            )
        return result

    def methods(self) -> list[Method]:
        """The tools, each run once; then rarfile itself, member by member: it reads
        stored entries (and decrypts them) alone, and hands others to a tool one at a
        time (quadratic on a solid archive), so it comes last."""
        needs = ["rar-aes"] if self.rf.needs_password() else []
        tools_first = chain.external("rar", self.volumes, self.password, needs)
        return [*tools_first, Method("rarfile", self._write, self._rarfile_lacks)]

    def _rarfile_lacks(self) -> str | None:
        packed = any(
            i.compress_type != rarfile.RAR_M0 for i in self.rf.infolist() if not i.is_dir()
        )
        if packed and not any(tools.reads(name, "rar") for name in chain.ORDER["rar"]):
            return "its compressed entries need a RAR tool (Debian package unar)"
        return None

    def _write(self, items: list[Planned], sink: Sink) -> None:
        for item in items:
            if item.entry.kind is not EntryKind.FILE:
                continue
            try:
                with self.rf.open(item.entry.handle) as source:
                    sink.write_stream(item, source, verify_crc=True)
            except (rarfile.Error, EOFError) as error:
                raise ArchiveError(f"{self.path}: entry {item.entry.name!r}: {error}") from None

    def close(self) -> None:
        self.rf.close()


class RarBackend:
    name = "rar"

    def open(self, path: Path, password: str | None, encoding: str | None) -> RarReader:
        return RarReader(path, password)
