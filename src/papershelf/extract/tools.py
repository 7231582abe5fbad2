"""External extractors (unrar, unar, bsdtar, 7zz): found, probed, run once per archive.

What a tool reads is never taken from a table: each format it is asked to read
is first probed with a tiny archive made here (a solid, Huffman-compressed
RAR5; a deflated zip; a gzipped tar; an LZMA2 7z), and a tool that does not
give back the probe's exact bytes is passed over for that format. A tool runs
once for the whole archive (rarfile runs one process per member: quadratic on
solid archives), in a private folder holding only links to this archive's own
volumes, and its messages never show that folder. The probes' writers are
imported when a probe runs: an archive Python itself extracts needs none.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from papershelf.extract import rar5_literal
from papershelf.extract.model import ArchiveError

TOOLS = ("unrar", "unar", "bsdtar", "7zz")
_PACKAGES = {
    "unrar": "unrar (non-free)",
    "unar": "unar",
    "bsdtar": "libarchive-tools",
    "7zz": "7zip",
}


@dataclass(frozen=True)
class Tool:
    """A found extractor."""

    name: str
    path: str


def install_hint(name: str) -> str:
    return f"Debian package {_PACKAGES[name]}"


_vint = rar5_literal.vint


PROBE_PASSWORD = "проба"
_KDF_SHIFT = 15  # RAR's default: 2**15 PBKDF2 rounds


def _aes_record(packed: bytes) -> tuple[bytes, bytes]:
    """RAR5 file encryption (AES-256-CBC, password check): the extra record, the data."""
    import hashlib

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt, iv = os.urandom(16), os.urandom(16)
    secret = PROBE_PASSWORD.encode()
    key = hashlib.pbkdf2_hmac("sha256", secret, salt, 1 << _KDF_SHIFT)
    value = hashlib.pbkdf2_hmac("sha256", secret, salt, (1 << _KDF_SHIFT) + 32)
    check = bytearray(8)
    for index, byte in enumerate(value):
        check[index % 8] ^= byte
    check += hashlib.sha256(bytes(check)).digest()[:4]
    record = _vint(1) + _vint(0) + _vint(0x0001) + bytes([_KDF_SHIFT]) + salt + iv + check
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    data = encryptor.update(packed + b"\0" * (-len(packed) % 16)) + encryptor.finalize()
    return _vint(len(record)) + record, data


def probe_rar5(files: dict[str, bytes], encrypted: bool = False) -> bytes:
    """A solid RAR5 archive of Huffman-compressed entries: can a tool really decode RAR?

    ``encrypted``: each entry's data AES-256 encrypted with :data:`PROBE_PASSWORD`.
    """
    main = rar5_literal.header(_vint(1) + _vint(0) + _vint(0x0004))
    blocks = []
    for index, (name, data) in enumerate(files.items()):
        packed = rar5_literal.encode(data)
        extra = b""
        if encrypted:
            extra, packed = _aes_record(packed)
        method = rar5_literal.COMPRESSION_INFO | (rar5_literal.SOLID_FLAG if index else 0)
        raw = name.encode()
        fields = (
            _vint(2)
            + _vint(0x0003 if extra else 0x0002)
            + (_vint(len(extra)) if extra else b"")
            + _vint(len(packed))
            + _vint(0x0004)
            + _vint(len(data))
            + _vint(0o644)
            + struct.pack("<I", zlib.crc32(data))
            + _vint(method)
            + _vint(1)
            + _vint(len(raw))
            + raw
            + extra
        )
        blocks.append(rar5_literal.header(fields) + packed)
    end = rar5_literal.header(_vint(5) + _vint(0) + _vint(0))
    return b"Rar!\x1a\x07\x01\x00" + main + b"".join(blocks) + end


def _probe_zip(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _probe_tar(files: dict[str, bytes]) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _probe_7z(files: dict[str, bytes]) -> bytes:
    import io

    import py7zr

    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(data, name)
    return buffer.getvalue()


PROBES: dict[str, tuple[str, Callable[[dict[str, bytes]], bytes]]] = {
    "rar": ("solid compressed RAR5", probe_rar5),
    "rar-aes": ("AES-encrypted RAR5", functools.partial(probe_rar5, encrypted=True)),
    "zip": ("deflated zip", _probe_zip),
    "tar": ("gzipped tar", _probe_tar),
    "7z": ("LZMA2 7z", _probe_7z),
}


def version(tool: Tool) -> str:
    """What the tool says its version is (one more run of it: for ``doctor`` alone)."""
    flag = {"unrar": [], "unar": ["-v"], "bsdtar": ["--version"], "7zz": []}[tool.name]
    try:
        result = subprocess.run(
            [tool.path, *flag],
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
            errors="replace",
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.search(r"\d+\.\d+(?:\.\d+)?", result.stdout + result.stderr)
    return match.group(0) if match else "unknown"


def command(tool: Tool, archive: Path, out: Path, password: str | None) -> list[str]:
    """The one command line that extracts all of ``archive`` into ``out``."""
    if tool.name == "unrar":
        secret = f"-p{password}" if password else "-p-"
        return [tool.path, "x", "-idq", "-o-", "-y", secret, str(archive), f"{out}{os.sep}"]
    if tool.name == "unar":
        extra = ["-p", password] if password else []
        return [tool.path, "-q", "-o", str(out), "-D", "-f", "-nr", *extra, str(archive)]
    if tool.name == "7zz":
        secret = f"-p{password or ''}"
        return [tool.path, "x", "-y", "-bd", "-bso0", "-bsp0", secret, f"-o{out}", str(archive)]
    extra = ["--passphrase", password] if password else []
    flags = ["-x", "-o", "--no-same-permissions", *extra]
    return [tool.path, *flags, "-f", str(archive), "-C", str(out)]


def run(argv: Sequence[str], archive: str, hide: Sequence[tuple[str, str]] = ()) -> None:
    """Run an extractor to completion; any failure or interrupt kills it.

    ``hide`` maps private paths in its messages to what the user knows them as.
    """
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = process.communicate()
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        text = (err or out).decode("utf-8", "replace")
        for private, shown in hide:
            text = text.replace(private, shown)
        lines = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and "Error exit delayed" not in line  # bsdtar's closing line
        ]
        detail = lines[-1] if lines else f"exit status {process.returncode}"
        tool = os.path.basename(argv[0])
        raise ArchiveError(f"{archive}: {tool} failed: {detail}")


@functools.cache
def find(name: str) -> Tool | None:
    """The tool ``name`` if installed (cached per process)."""
    path = shutil.which(name)
    return None if path is None else Tool(name, path)


PROBE_VERSION = 1  # bump when a probe archive changes: older verdicts are then not reused


@functools.cache
def reads(name: str, probe: str, fresh: bool = False) -> bool:
    """Whether the installed tool ``name`` gave back the :data:`PROBES` archive exactly.

    The verdict is kept in the user's cache for this very binary (path, size,
    modification time): a probe costs a tool run, often more than the archive.
    ``fresh`` probes again whatever was kept (``doctor``).
    """
    tool = find(name)
    if tool is None or (name == "unrar" and not probe.startswith("rar")):
        return False
    from papershelf import store
    from papershelf.extract.destination import user_cache

    try:
        st = os.stat(tool.path)
    except OSError:
        return False
    stamp = (PROBE_VERSION, tool.path, st.st_size, st.st_mtime_ns, st.st_ino, probe)
    path = user_cache() / f"probe-{name}-{probe}"
    cached = None if fresh else store.load(path, 2, expect_first=stamp)
    if cached is not None and isinstance(cached[1], bool):
        return cached[1]
    verdict = _probe(tool, probe)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    store.store(path, stamp, verdict)
    return verdict


def _probe(tool: Tool, probe: str) -> bool:
    fmt = probe.partition("-")[0]
    payload = "проба papershelf\n".encode() * 64
    files = {"probe.txt": payload, "probe2.txt": payload[::-1]}
    with tempfile.TemporaryDirectory(prefix="papershelf-probe-") as tmp:
        archive = Path(tmp, f"probe.{fmt}")
        out = Path(tmp, "out")
        out.mkdir()
        archive.write_bytes(PROBES[probe][1](files))
        password = PROBE_PASSWORD if probe.endswith("-aes") else None
        try:
            run(command(tool, archive, out, password), str(archive))
        except (ArchiveError, OSError):
            return False
        return all(
            (out / name).is_file() and (out / name).read_bytes() == data
            for name, data in files.items()
        )


def extract_with(tool: Tool, volumes: Sequence[Path], out: Path, password: str | None) -> None:
    """Run ``tool`` on the archive whose volumes are ``volumes`` (first first), into ``out``.

    The tool sees a private folder of links to these volumes only, under the
    names it expects; its messages name the archive, never that folder.
    """
    inbox = out.parent / f"{out.name}.in"
    inbox.mkdir()
    for volume in volumes:
        if not os.path.isfile(volume) or os.path.islink(volume):
            raise ArchiveError(f"{volume}: a volume of {volumes[0]} is not a regular file")
        os.symlink(os.path.abspath(volume), inbox / volume.name)
    first = inbox / volumes[0].name
    hide = [(f"{inbox}{os.sep}", ""), (str(out), "the output folder"), (str(inbox), "")]
    try:
        run(command(tool, first, out, password), str(volumes[0]), hide)
    finally:
        shutil.rmtree(inbox, ignore_errors=True)
