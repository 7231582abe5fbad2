"""Zip, read with the standard library; overlapping entries (zip bombs) detected here."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import stat
import struct
import time
import zipfile
import zlib
from pathlib import Path
from typing import IO

from papershelf.extract import chain
from papershelf.extract.joined import Joined
from papershelf.extract.model import ArchiveError, Entry, EntryKind, Method, Planned, Sink
from papershelf.extract.names import WINDOWS_SYSTEMS, decode_names, raw_name
from papershelf.extract.safety import MAX_LINK_BYTES

_LOCAL_HEADER = struct.Struct("<4s5HIIIHH")
_END = struct.Struct("<4s4HIIH")  # end of central directory record
_END64 = struct.Struct("<4sQ2H2I4Q")  # zip64 end of central directory record
_LOCATOR64_SIZE = 20
_ENCRYPTED = 0x1
_CHUNK = 1024 * 1024
_AES_EXTRA = 0x9901  # WinZip AES: vendor version, "AE", strength, the real method
_TIME_EXTRA = 0x5455  # Info-ZIP extended timestamp: the modification time in UTC
_AES = 99
_AES_KEY_BYTES = {1: 16, 2: 24, 3: 32}  # the extra field's strength byte: AES-128/192/256
# Methods of APPNOTE 4.4.5 that Python's zipfile does not implement, by their common names.
_METHODS = {
    1: "Shrink",
    2: "Reduce",
    3: "Reduce",
    4: "Reduce",
    5: "Reduce",
    6: "Implode",
    9: "Deflate64",
    10: "PKWARE DCL Implode",
    18: "IBM TERSE",
    19: "IBM LZ77",
    93: "Zstandard",
    95: "XZ",
    96: "JPEG",
    97: "WavPack",
    98: "PPMd",
}
_PYTHON_READS = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
    getattr(zipfile, "ZIP_ZSTANDARD", zipfile.ZIP_STORED),
}


def _extra_fields(extra: bytes) -> dict[int, bytes]:
    fields: dict[int, bytes] = {}
    pos = 0
    while pos + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, pos)
        fields.setdefault(kind, extra[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return fields


def method_name(info: zipfile.ZipInfo) -> str | None:
    """What Python's zipfile cannot read in this entry, named as people know it; or None."""
    if info.compress_type == _AES:
        body = _extra_fields(info.extra).get(_AES_EXTRA, b"")
        size = _AES_KEY_BYTES.get(body[4]) if len(body) >= 5 else None
        return f"zip AES-{size * 8} encryption" if size else "zip AES encryption"
    if info.compress_type in _PYTHON_READS:
        return None
    return _METHODS.get(info.compress_type, f"compression method {info.compress_type}")


def _crc(info: zipfile.ZipInfo) -> int | None:
    """The CRC-32 to check, or None: WinZip's AE-2 stores 0 (its MAC checks the data)."""
    if info.compress_type == _AES:
        body = _extra_fields(info.extra).get(_AES_EXTRA, b"")
        if len(body) >= 2 and struct.unpack_from("<H", body)[0] == 2:
            return None
    return info.CRC


def _mtime(info: zipfile.ZipInfo) -> float | None:
    """The extended timestamp (UTC) if present, else the DOS time read as local time."""
    body = _extra_fields(info.extra).get(_TIME_EXTRA, b"")
    if len(body) >= 5 and body[0] & 1:
        return float(struct.unpack_from("<i", body, 1)[0])
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return None


_SPANNED = re.compile(r"\.[zZ](\d\d)$")


def spanned_parts(path: Path) -> list[Path]:
    """A spanned zip's volumes in disk order (``x.z01``, ``x.z02`` … ``x.zip``), or ``[path]``.

    Any of them may be given; the ``.zip`` holds the central directory and the
    number of disks before it. A missing volume is named.
    """
    last = path.with_name(path.name[:-4] + ".zip") if _SPANNED.search(path.name) else path
    if last != path and not last.is_file():
        raise ArchiveError(f"{path}: a spanned zip's last volume {last.name} is missing")
    with open(last, "rb") as stream:
        found = _end_record(stream)
    disks = found[0] if found is not None else 0
    parts = [last.with_name(f"{last.stem}.z{number:02d}") for number in range(1, disks + 1)]
    for number, part in enumerate(parts, 1):
        if not os.path.lexists(part):
            raise ArchiveError(
                f"{last}: spanned zip volume {number} of {disks + 1} missing ({part.name})"
            )
        if part.is_symlink() or not part.is_file():
            raise ArchiveError(f"{part}: a volume of {last} is not a regular file")
    return [*parts, last]


class ZipReader:
    def __init__(self, path: Path, password: str | None, encoding: str | None) -> None:
        self.parts = spanned_parts(path)
        self.path = self.parts[-1]
        self.volumes = [self.parts[-1], *self.parts[:-1]]  # a tool opens the .zip
        self.password_text = password
        self.password = password.encode("utf-8") if password is not None else None
        try:
            self.zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ArchiveError(f"{path}: not a readable zip archive ({error})") from None
        try:
            self.infos = self.zf.infolist()
            self.names = decode_names(self.infos, encoding)
            self._check_framing()
            self._check_overlap()
            if self.password is None and any(i.flag_bits & _ENCRYPTED for i in self.infos):
                raise ArchiveError(f"{path}: encrypted; give --password or set PAPERSHELF_PASSWORD")
            if self.password is not None and not self._aes_password_checks(self.password):
                raise ArchiveError(f"{path}: wrong password")
        except BaseException:
            self.zf.close()
            raise

    def _absolute(self, info: zipfile.ZipInfo, starts: list[int]) -> int:
        """Where an entry's local header lies in the volumes joined."""
        if len(self.parts) == 1:  # a "disk number" a one-volume zip carries means nothing
            return info.header_offset
        return starts[min(info.volume, len(self.parts) - 1)] + info.header_offset

    def _aes_password_checks(self, password: bytes) -> bool:
        """False only when a WinZip AES entry's verification value proves ``password`` wrong.

        The entry's data starts with a salt and 2 bytes derived with the key
        (PBKDF2-HMAC-SHA1, 1000 rounds): checked here, no tool needs to fail first.
        """
        for info in self.infos:
            body = _extra_fields(info.extra).get(_AES_EXTRA, b"")
            if info.compress_type != _AES or len(body) < 5 or body[4] not in _AES_KEY_BYTES:
                continue
            key_bytes = _AES_KEY_BYTES[body[4]]
            salt_bytes = key_bytes // 2
            joined = Joined(self.parts)
            with io.BufferedReader(joined) as stream:
                stream.seek(self._absolute(info, joined.starts))
                header = stream.read(_LOCAL_HEADER.size)
                if len(header) < _LOCAL_HEADER.size:
                    return True  # damaged: the framing checks say so
                fields = _LOCAL_HEADER.unpack(header)
                stream.seek(fields[9] + fields[10], 1)
                start = stream.read(salt_bytes + 2)
            if len(start) < salt_bytes + 2:
                return True
            derived = hashlib.pbkdf2_hmac(
                "sha1", password, start[:salt_bytes], 1000, 2 * key_bytes + 2
            )
            return derived[-2:] == start[salt_bytes:]
        return True

    def _check_framing(self) -> None:
        """The central directory must start where the end record says, after no other zip.

        zipfile tolerates bytes before the archive by shifting every offset: right
        for a self-extractor's stub or padding, wrong when those bytes are a zip
        (one truncated before its central directory, storing another zip, then
        reads as that inner zip). ``unzip`` warns; we refuse that case.
        """
        if len(self.parts) > 1:
            return  # a spanned zip's offsets count from each volume's start
        with open(self.path, "rb") as stream:
            offsets = _directory_offsets(stream)
            stream.seek(0)
            stub_is_zip = stream.read(4) in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02")
            if offsets is not None and offsets[0] != offsets[1] and stub_is_zip:
                declared, start_dir = offsets
                raise ArchiveError(
                    f"{self.path}: damaged zip: its central directory is not where its end "
                    f"record says ({start_dir - declared:+} bytes; truncated, or a zip "
                    "stored in another?)"
                )
            first = min((info.header_offset for info in self.infos), default=0)
            if first > 0 and stub_is_zip:
                raise ArchiveError(
                    f"{self.path}: damaged zip: the {first} bytes before its first entry "
                    "are themselves a zip (truncated, or a zip stored in another?)"
                )

    def _check_overlap(self) -> None:
        """Refuse entries whose data overlap: Python before 3.11.8/3.12.2 accepts them.

        Also notes each entry whose local header names something else than the
        central directory: a streaming extractor would write that other name.
        """
        spans: list[tuple[int, int, str]] = []
        self.damage: dict[str, str] = {}
        joined = Joined(self.parts)
        with io.BufferedReader(joined) as stream:
            for info, name in zip(self.infos, self.names, strict=True):
                stream.seek(self._absolute(info, joined.starts))
                header = stream.read(_LOCAL_HEADER.size)
                if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
                    raise ArchiveError(
                        f"{self.path}: entry {name!r}: bad local header "
                        "(truncated or damaged archive)"
                    )
                fields = _LOCAL_HEADER.unpack(header)
                local = stream.read(fields[9])
                if local != raw_name(info):
                    shown = local.decode("utf-8", "replace")
                    self.damage[info.filename] = (
                        f"its local header names {shown!r} instead "
                        "(a disguised entry, or a damaged archive)"
                    )
                start = self._absolute(info, joined.starts)
                end = start + _LOCAL_HEADER.size + fields[9] + fields[10] + info.compress_size
                spans.append((start, end, name))
        spans.sort()
        for (_s1, end1, name1), (start2, _e2, name2) in itertools.pairwise(spans):
            if start2 < end1:
                raise ArchiveError(
                    f"{self.path}: entry {name2!r} overlaps entry {name1!r} "
                    "(an overlapping-entries zip bomb)"
                )
        with open(self.path, "rb") as stream:
            offsets = _directory_offsets(stream)
        directory = None if offsets is None else joined.starts[len(self.parts) - 1] + offsets[1]
        if spans and directory is not None and spans[-1][1] > directory:
            raise ArchiveError(
                f"{self.path}: entry {spans[-1][2]!r} overlaps the central "
                "directory (damaged archive or zip bomb)"
            )

    def entries(self) -> list[Entry]:
        result = []
        for info, name in zip(self.infos, self.names, strict=True):
            mode = info.external_attr >> 16 if info.create_system == 3 else 0
            dos_folder = info.create_system in WINDOWS_SYSTEMS and info.external_attr & 0x10
            if info.is_dir() or (dos_folder and not info.file_size):
                kind = EntryKind.DIR
            elif stat.S_ISLNK(mode):
                kind = EntryKind.SYMLINK
            elif mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                kind = EntryKind.SPECIAL
            else:
                kind = EntryKind.FILE
            link = None
            if kind is EntryKind.SYMLINK and info.filename not in self.damage:
                # Enough to judge: safety refuses any target longer than the system allows.
                try:
                    with self.zf.open(info, pwd=self.password) as stream:
                        target = stream.read(MAX_LINK_BYTES + 1)
                except (
                    RuntimeError,
                    zipfile.BadZipFile,
                    EOFError,
                    NotImplementedError,
                    ValueError,
                    zlib.error,
                ) as error:
                    raise ArchiveError(f"{self.path}: entry {name!r}: {error}") from None
                link = target.decode("utf-8", "replace")
            result.append(
                Entry(
                    name=name.rstrip("/") if kind is EntryKind.DIR else name,
                    kind=kind,
                    size=info.file_size,
                    packed=info.compress_size,
                    crc=_crc(info),
                    mode=mode & 0o7777 or None,
                    link=link,
                    encrypted=bool(info.flag_bits & _ENCRYPTED),
                    handle=info,
                    damage=self.damage.get(info.filename),
                    mtime=_mtime(info),
                )
            )
        return result

    def methods(self) -> list[Method]:
        """zipfile, unless an entry uses a method it lacks; then the tools that have it."""
        return [
            Method("zipfile", self._write, self._python_lacks),
            *chain.external("zip", self.volumes, self.password_text),
        ]

    def _python_lacks(self) -> str | None:
        if len(self.parts) > 1:
            return f"Python's zipfile cannot read a spanned zip ({len(self.parts)} volumes)"
        for info, name in zip(self.infos, self.names, strict=True):
            what = method_name(info)
            if what is not None and not info.is_dir():
                return f"Python's zipfile cannot read {what} (entry {name!r})"
        return None

    def _write(self, items: list[Planned], sink: Sink) -> None:
        for item in items:
            if item.entry.kind is not EntryKind.FILE:
                continue
            info = item.entry.handle
            assert isinstance(info, zipfile.ZipInfo)
            try:
                with self.zf.open(info, pwd=self.password) as source:
                    # zipfile checks the CRC itself at the end of each member.
                    sink.write_stream(item, source, verify_crc=False)
            except RuntimeError as error:  # zipfile: password required / bad password
                raise ArchiveError(f"{self.path}: entry {item.entry.name!r}: {error}") from None
            except (
                zipfile.BadZipFile,
                EOFError,
                NotImplementedError,
                ValueError,
                zlib.error,
            ) as error:
                raise ArchiveError(f"{self.path}: entry {item.entry.name!r}: {error}") from None
            except OSError as error:
                if isinstance(error.__cause__, OSError) or error.errno is None:
                    raise ArchiveError(f"{self.path}: entry {item.entry.name!r}: {error}") from None
                raise

    def close(self) -> None:
        self.zf.close()


def _directory_offsets(stream: IO[bytes]) -> tuple[int, int] | None:
    """Where the end record (found as zipfile finds it) says the central directory
    starts, and where it really starts: just before that record, by its size."""
    found = _end_record(stream)
    return None if found is None else found[1:]


def _end_record(stream: IO[bytes]) -> tuple[int, int, int] | None:
    """The end record's disk number, declared directory offset, and real directory start."""
    size = stream.seek(0, 2)
    tail_size = min(size, _END.size + 0xFFFF)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    if tail[-_END.size :][:4] == b"PK\x05\x06" and tail[-2:] == b"\0\0":
        at = len(tail) - _END.size
    else:
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _END.size > len(tail):
            return None
    fields = _END.unpack_from(tail, at)
    directory_size: int = fields[5]
    offset: int = fields[6]
    disk: int = fields[1]
    locator = tail[max(at - _LOCATOR64_SIZE, 0) : at]
    if not locator.startswith(b"PK\x06\x07"):
        return disk, offset, size - tail_size + at - directory_size
    at64 = size - tail_size + at - _LOCATOR64_SIZE - _END64.size
    if at64 < 0:
        return None
    stream.seek(at64)
    record = stream.read(_END64.size)
    if len(record) < _END64.size or record[:4] != b"PK\x06\x06":
        return None
    fields64 = _END64.unpack(record)
    return fields64[4], fields64[9], at64 - fields64[8]


class ZipBackend:
    name = "zip"

    def open(self, path: Path, password: str | None, encoding: str | None) -> ZipReader:
        return ZipReader(path, password, encoding)
