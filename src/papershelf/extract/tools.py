"""External extractors (unrar, unar, bsdtar, 7zz): found, probed once, run once per archive.

rarfile's own tool choice only checks that a tool starts; here each tool must
really decode a small solid, Huffman-compressed RAR5 archive before it is
trusted, and it is run once for the whole archive (rarfile runs one process
per member: quadratic on solid archives).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from papershelf.extract import rar5_literal
from papershelf.extract.model import ArchiveError

RAR_TOOLS = ("unrar", "unar", "bsdtar")
SEVENZIP_TOOLS = ("7zz",)


@dataclass(frozen=True)
class Tool:
    """A found extractor and what it can be trusted with."""

    name: str
    path: str
    version: str
    works: bool  # it extracted the probe archive correctly
    multivolume: bool
    encrypted: bool
    solid_rar3: bool


_vint = rar5_literal.vint


def _rar5_block(fields: bytes, data: bytes = b"") -> bytes:
    return rar5_literal.header(fields) + data


def probe_rar5(files: dict[str, bytes]) -> bytes:
    """A solid RAR5 archive of Huffman-compressed entries: can a tool really decode RAR?"""
    main = _rar5_block(_vint(1) + _vint(0) + _vint(0x0004))
    blocks = []
    for index, (name, data) in enumerate(files.items()):
        packed = rar5_literal.encode(data)
        method = rar5_literal.COMPRESSION_INFO | (rar5_literal.SOLID_FLAG if index else 0)
        raw = name.encode()
        fields = (
            _vint(2)
            + _vint(0x0002)
            + _vint(len(packed))
            + _vint(0x0004)
            + _vint(len(data))
            + _vint(0o644)
            + struct.pack("<I", zlib.crc32(data))
            + _vint(method)
            + _vint(1)
            + _vint(len(raw))
            + raw
        )
        blocks.append(_rar5_block(fields, packed))
    end = _rar5_block(_vint(5) + _vint(0) + _vint(0))
    return b"Rar!\x1a\x07\x01\x00" + main + b"".join(blocks) + end


def _version(path: str, name: str) -> str:
    flag = {"unrar": [], "unar": ["-v"], "bsdtar": ["--version"], "7zz": []}[name]
    try:
        result = subprocess.run(
            [path, *flag],
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


def rar_command(tool: Tool, archive: Path, out: Path, password: str | None) -> list[str]:
    if tool.name == "unrar":
        return [
            tool.path,
            "x",
            "-idq",
            "-o-",
            "-y",
            f"-p{password}" if password else "-p-",
            str(archive),
            f"{out}{os.sep}",
        ]
    if tool.name == "unar":
        extra = ["-p", password] if password else []
        return [tool.path, "-q", "-o", str(out), "-D", "-f", "-nr", *extra, str(archive)]
    return [tool.path, "-x", "-o", "--no-same-permissions", "-f", str(archive), "-C", str(out)]


def sevenzip_command(tool: Tool, archive: Path, out: Path, password: str | None) -> list[str]:
    return [
        tool.path,
        "x",
        "-y",
        "-bd",
        "-bso0",
        "-bsp0",
        f"-p{password or ''}",
        f"-o{out}",
        str(archive),
    ]


def run(argv: Sequence[str], archive: str) -> None:
    """Run an extractor to completion; any failure or interrupt kills it."""
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _out, err = process.communicate()
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        text = err.decode("utf-8", "replace").strip().splitlines()
        detail = text[-1] if text else f"exit status {process.returncode}"
        tool = os.path.basename(argv[0])
        raise ArchiveError(f"{archive}: {tool} failed: {detail}")


@functools.cache
def find(name: str) -> Tool | None:
    """The tool ``name`` if installed, probed for real extraction (cached per process)."""
    path = shutil.which(name)
    if path is None:
        return None
    tool = Tool(
        name,
        path,
        _version(path, name),
        False,
        multivolume=name != "bsdtar",
        encrypted=name != "bsdtar",
        solid_rar3=name != "bsdtar",
    )
    return Tool(**{**tool.__dict__, "works": _probe(tool)})


def _probe(tool: Tool) -> bool:
    payload = "проба papershelf\n".encode() * 64
    files = {"probe.txt": payload, "probe2.txt": payload[::-1]}
    with tempfile.TemporaryDirectory(prefix="papershelf-probe-") as tmp:
        archive = Path(tmp, "probe.rar" if tool.name in RAR_TOOLS else "probe.7z")
        out = Path(tmp, "out")
        out.mkdir()
        if tool.name in RAR_TOOLS:
            archive.write_bytes(probe_rar5(files))
            argv = rar_command(tool, archive, out, None)
        else:
            import py7zr

            with py7zr.SevenZipFile(archive, "w") as seven:
                seven.writestr(payload, "probe.txt")
            argv = sevenzip_command(tool, archive, out, None)
        try:
            run(argv, str(archive))
        except (ArchiveError, OSError):
            return False
        if tool.name not in RAR_TOOLS:
            files = {"probe.txt": payload}
        return all(
            (out / name).is_file() and (out / name).read_bytes() == data
            for name, data in files.items()
        )


def choose(
    candidates: Sequence[str], wanted: str, need_volumes: bool, need_crypto: bool, archive: str
) -> Tool:
    """The first working tool able to do this archive; ``wanted`` forces one."""
    names = list(candidates) if wanted == "auto" else [wanted]
    tried = []
    for name in names:
        tool = find(name)
        if tool is None:
            tried.append(f"{name}: not installed")
        elif not tool.works:
            tried.append(f"{name}: failed the extraction probe")
        elif need_volumes and not tool.multivolume:
            tried.append(f"{name}: cannot read multi-volume archives")
        elif need_crypto and not tool.encrypted:
            tried.append(f"{name}: cannot decrypt")
        else:
            return tool
    raise ArchiveError(
        f"{archive}: no usable extractor ({'; '.join(tried)}); "
        "install unar (Debian: apt-get install unar)"
    )
