"""The files a check read from disk, and how to tell whether one has changed since.

A warm ``repo-check`` reuses the previous run's findings while the index, the
code and every file that run read are unchanged (:mod:`papershelf.check.resultcache`).
Each place that reads the configuration, a rule set, a plan or ``.gitmodules``
notes the path here first, present or absent, so the list is exactly what the
findings were made from. One run records at a time: the CLI starts and stops it.
"""

from __future__ import annotations

import os

# (inode, size, mtime, ctime): git and editors replace or rewrite a file, and each
# changes at least one of them. None: the path does not exist.
Identity = tuple[int, int, int, int] | None

_recorded: dict[str, Identity] | None = None


def identity(path: str | os.PathLike[str]) -> Identity:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def note(path: str | os.PathLike[str]) -> None:
    """Remember ``path`` as read by this check (before reading it: a change made while
    the run reads it shows as another identity next time)."""
    if _recorded is not None:
        key = os.path.abspath(path)
        if key not in _recorded:
            _recorded[key] = identity(key)


# A path no file can have (a NUL): noted as read with an identity it never has, so the
# findings of a run that did not finish its work are never reused.
_INCOMPLETE = "\0incomplete run"


def incomplete() -> None:
    """This check did not finish what it reads (the PDFs' time budget was spent): its
    findings must not be reused by the next run."""
    if _recorded is not None:
        _recorded[_INCOMPLETE] = (-1, -1, -1, -1)


def start() -> None:
    global _recorded
    _recorded = {}


def stop() -> dict[str, Identity]:
    """What was noted since :func:`start`; recording ends."""
    global _recorded
    recorded, _recorded = _recorded or {}, None
    return recorded


def unchanged(recorded: object) -> bool:
    """Whether every ``(path, identity)`` pair still holds; anything else is a change."""
    if not isinstance(recorded, tuple):
        return False
    for entry in recorded:
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)):
            return False
        if identity(entry[0]) != entry[1]:
            return False
    return True
