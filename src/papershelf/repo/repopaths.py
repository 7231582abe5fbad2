"""The one confinement rule for every path papershelf reads or writes.

A repository (a clone, a pull request) is untrusted input: its configuration,
its plan, a ``-r`` include or a tracked symbolic link may name anything. A
path is *inside* when, with every symbolic link on the way resolved, it is the
base folder (the repository's root, or a named destination) or below it, and
outside git's own ``.git`` folders when written. What is read must also be a
regular file: it is opened without blocking (a FIFO with no writer, a terminal,
``/dev/zero``) and read up to a stated limit. One definition serves the
configuration (which refuses such a value, exit 2), the plan reader, ``init``,
``--fix`` and ``mkexp``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from papershelf.errors import PapershelfError

# What a reader says of a repository's file that resolves outside it (a tracked link).
OUTSIDE_LINK = "a link to a file outside the repository; papershelf does not read it"


class Refused(PapershelfError):
    """A path papershelf will not read or write; nothing was read or written."""

    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(f"{shown}: {reason}")
        self.shown = shown
        self.reason = reason


class OutsideRepository(Refused):
    """A path that leads outside the repository (or the named destination)."""


class NotRegularFile(Refused):
    """A FIFO, device, socket or folder where a file is to be read."""


class TooLarge(Refused):
    """A file over the limit papershelf reads of its kind."""


def within(base: Path, path: Path) -> Path | None:
    """``path`` with links resolved, or None when that leaves ``base``."""
    top = base.resolve()
    try:
        target = path.resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
        return None
    return target if target == top or top in target.parents else None


def inside(root: Path, relative: str) -> Path | None:
    """``root / relative`` with links resolved, or None when that leaves ``root``."""
    if PurePosixPath(relative).is_absolute() or Path(relative).is_absolute():
        return None
    return within(root, root / relative)


def confined(root: Path, path: Path, shown: str | None = None) -> Path:
    """``path`` resolved; :class:`OutsideRepository` when it leaves ``root``."""
    resolved = within(root, path)
    if resolved is None:
        raise OutsideRepository(
            shown or str(path), f"leads outside the repository {root}; papershelf does not read it"
        )
    return resolved


def _in_git_dir(root: Path, target: Path) -> bool:
    """Whether ``target`` lies in a ``.git`` folder below ``root`` (git's own files)."""
    relative = target.relative_to(root.resolve())
    return any(part.casefold() == ".git" for part in relative.parts)


def writable(root: Path, relative: str) -> Path:
    """Where to write ``relative``; :class:`OutsideRepository` when it leaves ``root`` or
    lands in git's own ``.git`` folder."""
    target = inside(root, relative)
    if target is None:
        raise OutsideRepository(
            relative, f"refusing to write outside the repository {root} (nothing was written)"
        )
    if _in_git_dir(root, target):
        raise OutsideRepository(
            relative, "refusing to write into git's own folder .git (nothing was written)"
        )
    return root / relative


def writable_path(root: Path, path: Path) -> Path:
    """:func:`writable` for a path given whole (absolute, or from the working folder)."""
    resolved = within(root, path)
    if resolved is None:
        raise OutsideRepository(
            str(path), f"refusing to write outside the repository {root} (nothing was written)"
        )
    return writable(root, resolved.relative_to(root.resolve()).as_posix() or ".")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# Opening never waits: a FIFO with no writer, a terminal or a tape opens at once.
READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_bytes(
    path: Path | str, limit: int, shown: str | None = None, *, whole: bool = True
) -> bytes:
    """A regular file's bytes, at most ``limit`` of them.

    :class:`NotRegularFile` for anything else (checked before opening, and again on
    the descriptor: opening never blocks, a file swapped meanwhile is caught),
    :class:`TooLarge` past ``limit`` unless only the first bytes are wanted
    (``whole=False``); ``OSError`` when it cannot be opened at all.
    """
    shown = shown or str(path)
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(
            shown, f"{_kind(mode)}, not a regular file: papershelf reads only files"
        )
    descriptor = os.open(path, READ_FLAGS)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(
                shown, f"{_kind(mode)}, not a regular file: papershelf reads only files"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > limit and whole:
        raise TooLarge(shown, f"over the {limit:,} bytes papershelf reads of it")
    return b"".join(chunks)[:limit]


def read_inside(root: Path, path: Path, limit: int, shown: str | None = None) -> bytes:
    """:func:`read_bytes` of a path that must stay inside ``root``."""
    return read_bytes(confined(root, path, shown), limit, shown or str(path))


def head(path: Path | str, size: int) -> bytes:
    """A regular file's first ``size`` bytes; empty for anything else or when unreadable."""
    try:
        return read_bytes(path, size, whole=False)
    except (OSError, Refused):
        return b""
