"""A writer of stored (uncompressed) RAR5 and RAR3 archives, for tests only.

No free RAR writer exists, and stored entries are all the safety tests need:
names, links, modes, multiple volumes and damaged data. Formats from RARLAB's
published technical notes (RAR 5.0 archive format; RAR 2.9/3.x "technote").
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from papershelf.extract import rar5_literal

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
RAR3_SIGNATURE = b"Rar!\x1a\x07\x00"
UNIX_SYMLINK = 1
HARD_LINK = 4


@dataclass
class Member:
    """One entry to write; ``name`` may be bytes to write hostile names verbatim."""

    name: str | bytes
    data: bytes = b""
    mode: int = 0o100644
    is_dir: bool = False
    link: str | None = None  # symlink target (RAR5 redirection or RAR3 data)
    hardlink: str | None = None  # RAR5 hard link target
    crc: int | None = None  # override, to write a wrong CRC
    size: int | None = None  # override the declared unpacked size
    compress: bool = False  # Huffman-coded literals instead of stored bytes
    solid: bool = False  # continue the previous entry's decoder state


def file(name: str | bytes, data: bytes, mode: int = 0o100644) -> Member:
    return Member(name, data, mode)


def directory(name: str) -> Member:
    return Member(name, mode=0o040755, is_dir=True)


def symlink(name: str, target: str) -> Member:
    return Member(name, mode=0o120777, link=target)


def hardlink(name: str, target: str) -> Member:
    return Member(name, hardlink=target)


vint = rar5_literal.vint
_rar5_header = rar5_literal.header


def _name_bytes(name: str | bytes) -> bytes:
    return name if isinstance(name, bytes) else name.encode("utf-8")


KDF_SHIFT = 15  # 2**15 PBKDF2 rounds, RAR's default


@dataclass(frozen=True)
class Rar5Key:
    """AES-256 key material for one password (RAR 5.0 format, "Encryption" sections)."""

    password: str
    salt: bytes

    @property
    def key(self) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", self.password.encode(), self.salt, 1 << KDF_SHIFT)

    @property
    def check_value(self) -> bytes:
        """8 bytes folded from 32 more PBKDF2 rounds, then 4 bytes of their SHA-256."""
        value = hashlib.pbkdf2_hmac(
            "sha256", self.password.encode(), self.salt, (1 << KDF_SHIFT) + 32
        )
        check = bytearray(8)
        for index, byte in enumerate(value):
            check[index % 8] ^= byte
        return bytes(check) + hashlib.sha256(bytes(check)).digest()[:4]

    def tweaked(self, crc: int) -> int:
        """The CRC as ``rar`` stores it for an encrypted file (unrar's ConvertHashToMAC)."""
        hash_key = hashlib.pbkdf2_hmac(
            "sha256", self.password.encode(), self.salt, (1 << KDF_SHIFT) + 16
        )
        digest = hmac.new(hash_key, struct.pack("<I", crc), hashlib.sha256).digest()
        value = 0
        for index, byte in enumerate(digest):
            value ^= byte << ((index & 3) * 8)
        return value

    def encrypt(self, data: bytes, iv: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        padded = data + b"\0" * (-len(data) % 16)
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(iv)).encryptor()
        return encryptor.update(padded) + encryptor.finalize()


def _rar5_file(
    member: Member,
    part: bytes,
    crc: int,
    split_before: bool,
    split_after: bool,
    key: Rar5Key | None = None,
    tweak: bool = False,
) -> bytes:
    extra = b""
    if key is not None:
        iv = os.urandom(16)
        flags = 0x0001 | (0x0002 if tweak else 0)  # password check; checksums as HMAC
        record = (
            vint(1) + vint(0) + vint(flags) + bytes([KDF_SHIFT]) + key.salt + iv + key.check_value
        )
        extra += vint(len(record)) + record
        part = key.encrypt(part, iv)
    if member.link is not None or member.hardlink is not None:
        kind = UNIX_SYMLINK if member.link is not None else HARD_LINK
        target = (member.link if member.link is not None else member.hardlink or "").encode()
        record = vint(5) + vint(kind) + vint(0) + vint(len(target)) + target
        extra += vint(len(record)) + record
    flags = (
        0x0002
        | (0x0001 if extra else 0)
        | (0x0008 if split_before else 0)
        | (0x0010 if split_after else 0)
    )
    file_flags = (0x0001 if member.is_dir else 0) | 0x0004
    size = member.size if member.size is not None else len(member.data)
    name = _name_bytes(member.name)
    method = (
        rar5_literal.COMPRESSION_INFO | (rar5_literal.SOLID_FLAG if member.solid else 0)
        if member.compress and member.data
        else 0
    )
    body = (
        vint(2)
        + vint(flags)
        + (vint(len(extra)) if extra else b"")
        + vint(len(part))
        + vint(file_flags)
        + vint(size)
        + vint(member.mode)
        + struct.pack("<I", crc)
        + vint(method)
        + vint(1)
        + vint(len(name))
        + name
        + extra
    )
    return _rar5_header(body) + part


def write_rar5(
    path: Path,
    members: Sequence[Member],
    volume_size: int | None = None,
    solid: bool = False,
    password: str | None = None,
    encrypt_headers: bool = False,
    tweak_checksums: bool = False,
) -> list[Path]:
    """Write ``members``; with ``volume_size``, data is split into ``.partN.rar`` volumes.

    With ``password`` every file's data is AES-256 encrypted, its CRC32 stored
    plain or, with ``tweak_checksums`` (what ``rar`` does by default), as an
    HMAC (flag 0x0002); ``encrypt_headers`` also encrypts every header (``rar -hp``).
    """
    volumes: list[bytearray] = [bytearray()]
    used = [0]
    key = Rar5Key(password, os.urandom(16)) if password is not None else None
    header_key = key if encrypt_headers else None

    def seal(plain: bytes) -> bytes:
        if header_key is None:
            return plain
        iv = os.urandom(16)
        return iv + header_key.encrypt(plain, iv)

    def header(body: bytes) -> bytes:
        return seal(_rar5_header(body))

    def start_volume(number: int) -> None:
        flags = (
            (0x0001 if volume_size else 0) | (0x0002 if number else 0) | (0x0004 if solid else 0)
        )
        body = vint(1) + vint(0) + vint(flags) + (vint(number) if number else b"")
        volumes[-1] += RAR5_SIGNATURE
        if header_key is not None:
            volumes[-1] += _rar5_header(
                vint(4)
                + vint(0)
                + vint(0)
                + vint(0x0001)
                + bytes([KDF_SHIFT])
                + header_key.salt
                + header_key.check_value
            )
        volumes[-1] += header(body)

    start_volume(0)
    for member in members:
        full_crc = member.crc if member.crc is not None else zlib.crc32(member.data)
        data = rar5_literal.encode(member.data) if member.compress and member.data else member.data
        offset = 0
        first = True
        while True:
            room = (volume_size - used[0]) if volume_size else len(data)
            part = data[offset : offset + max(room, 0)] if volume_size else data
            last = offset + len(part) >= len(data)
            crc = full_crc if last else zlib.crc32(part)
            if key is not None and tweak_checksums:
                crc = key.tweaked(crc)
            entry = _rar5_file(member, part, crc, not first, not last, key, tweak_checksums)
            if header_key is not None:  # the header is encrypted, its data follows as is
                size = len(entry) - len(key.encrypt(part, bytes(16)) if key else part)
                entry = seal(entry[:size]) + entry[size:]
            volumes[-1] += entry
            used[0] += len(part)
            offset += len(part)
            first = False
            if last:
                break
            volumes[-1] += header(vint(5) + vint(0) + vint(0x0001))
            volumes.append(bytearray())
            used[0] = 0
            start_volume(len(volumes) - 1)
    volumes[-1] += header(vint(5) + vint(0) + vint(0))
    if len(volumes) == 1 and not volume_size:
        path.write_bytes(bytes(volumes[0]))
        return [path]
    stem = path.name[: -len(".rar")] if path.name.endswith(".rar") else path.name
    paths = []
    for number, content in enumerate(volumes, 1):
        target = path.with_name(f"{stem}.part{number}.rar")
        target.write_bytes(bytes(content))
        paths.append(target)
    return paths


def _rar3_block(kind: int, flags: int, fields: bytes, data: bytes = b"") -> bytes:
    size = 7 + len(fields)
    head = struct.pack("<BHH", kind, flags, size) + fields
    return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head + data


def write_rar3(path: Path, members: Sequence[Member], volume_size: int | None = None) -> list[Path]:
    """Stored RAR 2.9/3.x; volumes use the old ``.rar, .r00, .r01`` naming."""
    volumes: list[bytearray] = [bytearray()]

    def start_volume(number: int) -> None:
        flags = (0x0001 if volume_size else 0) | (0x0100 if number == 0 and volume_size else 0)
        volumes[-1] += RAR3_SIGNATURE + _rar3_block(0x73, flags, b"\0" * 6)

    start_volume(0)
    used = 0
    for member in members:
        data = member.link.encode() if member.link is not None else member.data
        offset, first = 0, True
        while True:
            room = (volume_size - used) if volume_size else len(data)
            part = data[offset : offset + max(room, 0)]
            last = offset + len(part) >= len(data)
            crc = (
                member.crc
                if member.crc is not None and last
                else zlib.crc32(data if last else part)
            )
            name = _name_bytes(member.name).replace(b"/", b"\\")
            flags = (
                0x8000
                | (0x0001 if not first else 0)
                | (0x0002 if not last else 0)
                | (0x00E0 if member.is_dir else 0)
            )
            attributes = 0x10 if member.is_dir else 0x20  # Windows: directory, archive
            fields = (
                struct.pack(
                    "<IIBIIBBHI",
                    len(part),
                    len(data),
                    2,
                    crc,
                    0x21000000,
                    20,
                    0x30,
                    len(name),
                    attributes,
                )
                + name
            )
            volumes[-1] += _rar3_block(0x74, flags, fields, part)
            used += len(part)
            offset += len(part)
            first = False
            if last:
                break
            volumes[-1] += _rar3_block(0x7B, 0x0001, b"")
            volumes.append(bytearray())
            used = 0
            start_volume(len(volumes) - 1)
    volumes[-1] += _rar3_block(0x7B, 0, b"")
    paths = []
    for number, content in enumerate(volumes):
        target = path if number == 0 else path.with_suffix(f".r{number - 1:02d}")
        target.write_bytes(bytes(content))
        paths.append(target)
    return paths
