"""Facts about file names that more than one part of papershelf needs, each said once.

The rules (``portable-name``, the reading plan's archived stand-ins) and the
extractor (its name checks, the folder an archive gets) import them from here,
so a name cannot be reserved, or an archive's stem differ, in one place only.
"""

from __future__ import annotations

import re

from papershelf.repo.magic import ARCHIVE_SUFFIXES

# Windows refuses these as a name, with or without an extension (``aux.txt``), in any
# case, digits 1-9 and the superscripts it also reads as digits. COM0 and LPT0 can be
# created (Git for Windows checks out ``com0.c``), so they are not listed.
WINDOWS_RESERVED = r"(?:CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])"
WINDOWS_RESERVED_STEMS = ("con", "prn", "aux", "nul", "com", "lpt")
_RESERVED_NAME = re.compile(rf"{WINDOWS_RESERVED}(?:\..*)?", re.IGNORECASE | re.DOTALL)
_VOLUME = re.compile(r"\.(part\d+|r\d\d)$", re.IGNORECASE)

# One document compressed on its own: a paper to read, not an archive to extract.
COMPRESSED_DOCUMENT_SUFFIXES = (
    ".pdf.gz",
    ".ps.gz",
    ".eps.gz",
    ".djvu.gz",
    ".pdf.bz2",
    ".ps.bz2",
    ".pdf.xz",
    ".ps.xz",
    ".ps.z",
)


def is_windows_reserved(name: str) -> bool:
    """``CON``, ``aux.txt``, ``Com1 .`` — Windows drops trailing dots and spaces first."""
    return _RESERVED_NAME.fullmatch(name.rstrip(" .")) is not None


def archive_stem(name: str) -> str:
    """``Разработка LLM с нуля.part1.rar`` -> ``Разработка LLM с нуля``, as every volume."""
    lowered = name.lower()
    for suffix in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True):
        if lowered.endswith(suffix):
            name = name[: -len(suffix)]
            break
    else:
        name = name.rpartition(".")[0] or name
    if name.lower().endswith(".tar"):
        name = name[:-4]
    return _VOLUME.sub("", name)


def is_compressed_document(name: str) -> bool:
    """``paper.ps.gz``: a single compressed document, not an archive of files."""
    return name.lower().endswith(COMPRESSED_DOCUMENT_SUFFIXES)
