"""Builders of real (and hostile) archives for the extract tests; nothing is committed.

The standard writers refuse some hostile names, so those archives are written
with a placeholder of the same length and then patched byte for byte.
"""

from __future__ import annotations

import io
import random
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import py7zr

UNIX = 3


def patch(path: Path, old: bytes, new: bytes) -> None:
    """Replace every ``old`` by ``new`` (same length) in the file."""
    assert len(old) == len(new), (old, new)
    data = path.read_bytes()
    assert old in data, old
    path.write_bytes(data.replace(old, new))


def zip_entry(
    name: str, mode: int | None = None, compress: int = zipfile.ZIP_DEFLATED
) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = compress
    if mode is not None:
        info.create_system = UNIX
        info.external_attr = mode << 16
    return info


def make_zip(
    path: Path,
    files: Mapping[str, bytes] | Iterable[tuple[str, bytes]],
    symlinks: Mapping[str, str] | None = None,
    modes: Mapping[str, int] | None = None,
) -> Path:
    """A zip of ``files`` (name -> data); ``symlinks`` (name -> target) as Unix links."""
    items = files.items() if isinstance(files, Mapping) else files
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in items:
            mode = (modes or {}).get(name)
            archive.writestr(zip_entry(name, mode), data)
        for name, target in (symlinks or {}).items():
            archive.writestr(zip_entry(name, stat.S_IFLNK | 0o777, zipfile.ZIP_STORED), target)
    return path


def make_zip_raw_names(
    path: Path,
    names: Mapping[bytes, bytes],
    flag_utf8: bool = False,
    extra: Mapping[bytes, bytes] | None = None,
) -> Path:
    """A zip whose names are the raw bytes given (placeholder -> raw name bytes)."""
    with zipfile.ZipFile(path, "w") as archive:
        for placeholder, data in names.items():
            info = zip_entry(placeholder.decode("ascii"))
            info.create_system = UNIX
            if extra and placeholder in extra:
                info.extra = extra[placeholder]
            archive.writestr(info, data)
    return path


def unicode_path_extra(raw_name: bytes, real: str) -> bytes:
    """The Info-ZIP Unicode Path extra field (0x7075)."""
    body = b"\x01" + struct.pack("<I", zlib.crc32(raw_name)) + real.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(body)) + body


def tar_file(archive: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    archive.addfile(info, io.BytesIO(data))


def tar_special(archive: tarfile.TarFile, name: str, kind: bytes, link: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    archive.addfile(info)


def make_tar(
    path: Path,
    files: Mapping[str, bytes],
    mode: str = "w",
    symlinks: Mapping[str, str] | None = None,
    hardlinks: Mapping[str, str] | None = None,
) -> Path:
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as archive:
        for name, data in files.items():
            tar_file(archive, name, data)
        for name, target in (symlinks or {}).items():
            tar_special(archive, name, tarfile.SYMTYPE, target)
        for name, target in (hardlinks or {}).items():
            tar_special(archive, name, tarfile.LNKTYPE, target)
    return path


def make_7z(
    path: Path,
    files: Mapping[str, bytes],
    password: str | None = None,
    renames: Mapping[str, str] | None = None,
    header_encryption: bool = False,
) -> Path:
    """A 7z archive; ``renames`` patches placeholder names into hostile ones."""
    with py7zr.SevenZipFile(
        path, "w", password=password, header_encryption=header_encryption
    ) as archive:
        if renames:
            archive.set_encoded_header_mode(False)
        for name, data in files.items():
            archive.writestr(data, name)
    for placeholder, real in (renames or {}).items():
        _patch_7z_name(path, placeholder, real)
    return path


def _patch_7z_name(path: Path, placeholder: str, real: str) -> None:
    old, new = placeholder.encode("utf-16-le"), real.encode("utf-16-le")
    data = bytearray(path.read_bytes())
    offset, size = struct.unpack_from("<QQ", data, 12)
    start = 32 + offset
    header = bytes(data[start : start + size]).replace(old, new)
    assert len(header) == size
    data[start : start + size] = header
    struct.pack_into("<I", data, 28, zlib.crc32(header))
    struct.pack_into("<I", data, 8, zlib.crc32(bytes(data[12:32])))
    path.write_bytes(bytes(data))


def mixed_payload(index: int, size: int) -> bytes:
    """Compressible text (odd ``index``) or incompressible bytes (even), deterministic."""
    if index % 2:
        line = f"{index} Пример строки текста для сжатия & more words\n".encode()
        return (line * (size // len(line) + 1))[:size]
    return random.Random(index).randbytes(size)


def make_zip_by_hand(
    path: Path, members: Iterable[tuple[bytes, bytes, bytes]], prefix: bytes = b""
) -> Path:
    """A stored zip written field by field: (central name, local name, data) per member.

    zipfile always writes one name twice; a disguised entry needs two. ``prefix``
    goes before the first entry, the offsets counting it (as ``zip -A`` adjusts them).
    """
    body, central = bytearray(prefix), bytearray()
    count = 0
    for central_name, local_name, data in members:
        crc = zlib.crc32(data)
        offset = len(body)
        body += struct.pack(
            "<4s5HIIIHH",
            b"PK\x03\x04",
            20,
            0,
            0,
            0,
            0,
            crc,
            len(data),
            len(data),
            len(local_name),
            0,
        )
        body += local_name + data
        central += struct.pack(
            "<4s6HIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            0,
            0,
            0,
            crc,
            len(data),
            len(data),
            len(central_name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += central_name
        count += 1
    end = struct.pack("<4s4HIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))
    return path
