"""What a package with no wheel for the target Python needs to be built from source.

A resolver that succeeds has not said the install will: a pin whose only file
for this Python is a source archive is compiled on install, and whether that
works depends on a toolchain (Rust, a C compiler, CUDA) the user may not have.
The archive's own build files say which; its index says which installed
Pythons have wheels instead.
"""

from __future__ import annotations

import io
import re
import shutil
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlparse

from papershelf.mkexp import indexes, interpreters
from papershelf.mkexp.explaining import normalize
from papershelf.mkexp.interpreters import Interpreter

SDIST_MAX_BYTES = 64 * 1024 * 1024
_BUILD_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_RUST_BACKENDS = re.compile(r"setuptools[-_]rust|maturin", re.IGNORECASE)
_CUDA_WORDS = re.compile(r"CUDAExtension|CUDA_HOME|\bnvcc\b")
_C_WORDS = re.compile(
    r"\bExtension\s*\(|ext_modules|cythonize|pybind11|scikit[-_]build|cmake|meson",
    re.IGNORECASE,
)
_C_SOURCES = (".c", ".cc", ".cpp", ".cxx", ".pyx", ".f", ".f90")


class Toolchain(NamedTuple):
    name: str  # "Rust", "CUDA", "a C compiler"
    program: str  # what must be on PATH for it
    why: str  # what in the archive says so


TOOLCHAINS = {
    "rust": ("Rust", "cargo"),
    "cuda": ("CUDA", "nvcc"),
    "c": ("a C compiler", "cc"),
}


def toolchains(members: Sequence[str], build_text: str) -> list[Toolchain]:
    """The toolchains a source archive's file names and build files ask for."""
    found: list[Toolchain] = []

    def add(kind: str, why: str) -> None:
        name, program = TOOLCHAINS[kind]
        found.append(Toolchain(name, program, why))

    rust = _RUST_BACKENDS.search(build_text)
    if rust or any(member.endswith("/Cargo.toml") for member in members):
        add("rust", rust.group(0) if rust else "Cargo.toml")
    cuda = _CUDA_WORDS.search(build_text)
    if cuda or any(member.endswith((".cu", ".cuh")) for member in members):
        add("cuda", cuda.group(0) if cuda else ".cu sources")
    c_words = _C_WORDS.search(build_text)
    sources = [member for member in members if member.lower().endswith(_C_SOURCES)]
    if c_words or sources:
        add("c", c_words.group(0) if c_words else f"{Path(sources[0]).suffix} sources")
    return found


def read_archive(location: str) -> tuple[list[str], str]:
    """(member names, text of its top-level build files) of a source archive at a URL or path."""
    data = _fetch(location)
    members: list[str] = []
    texts: list[str] = []
    if location.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.namelist()
            for member in members:
                if _is_build_file(member):
                    texts.append(archive.read(member)[:1_000_000].decode("utf-8", "replace"))
        return members, "\n".join(texts)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for info in archive:
            members.append(info.name)
            if info.isfile() and _is_build_file(info.name):
                stream = archive.extractfile(info)
                if stream is not None:
                    texts.append(stream.read(1_000_000).decode("utf-8", "replace"))
    return members, "\n".join(texts)


def _is_build_file(member: str) -> bool:
    parts = member.strip("/").split("/")
    return len(parts) == 2 and parts[1] in _BUILD_FILES


def _fetch(location: str) -> bytes:
    if location.startswith("file:"):
        path = Path(unquote(urlparse(location).path))
    elif "://" not in location:
        path = Path(location)
    else:
        import urllib.request  # only for a build: check's start stays quick

        with urllib.request.urlopen(location, timeout=30) as response:
            data: bytes = response.read(SDIST_MAX_BYTES + 1)
        return _bounded(data)
    with path.open("rb") as stream:
        return _bounded(stream.read(SDIST_MAX_BYTES + 1))


def _bounded(data: bytes) -> bytes:
    if len(data) > SDIST_MAX_BYTES:
        raise OSError(f"larger than {SDIST_MAX_BYTES // 2**20} MB")
    return data


def what_it_needs(location: str) -> str:
    """'Rust (setuptools-rust; cargo is on PATH)'; '' for pure Python source, which any
    Python builds with its backend alone; or why that cannot be told."""
    try:
        members, text = read_archive(location)
    except (OSError, tarfile.TarError, zipfile.BadZipFile, ValueError) as error:
        return f"a toolchain its source archive does not say (unreadable: {error})"
    return " and ".join(
        f"{tool.name} ({tool.why}; {tool.program} "
        f"{'is on PATH' if shutil.which(tool.program) else 'is not on PATH'})"
        for tool in toolchains(members, text)
    )


def pythons_with_wheels(
    name: str, version: str, python: Interpreter, options: Sequence[str]
) -> str:
    """'; installed Pythons with wheels: 3.9.18, 3.8.18', or '' when none has one."""
    links, urls = indexes.sources(options)
    files = indexes.files_for(normalize(name), links, urls)
    others = [
        item
        for item in interpreters.find_interpreters(trust_names=True)
        if item.version[:2] != python.version[:2]
    ]
    wheels = [(file, requires) for file, requires in files if file.endswith(".whl")]
    fitting = indexes.fitting_pythons(wheels, version, others)
    if not fitting:
        return "; no installed Python has a wheel of it"
    listed = ", ".join(interpreters.format_version(item.version) for item in fitting)
    newest = interpreters.format_version(fitting[0].version[:2])
    return f"; installed Pythons with wheels: {listed} (--python {newest})"
