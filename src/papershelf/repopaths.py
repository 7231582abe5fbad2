"""Paths that must stay inside the repository: ``root``/``plan`` and whatever ``--fix`` writes.

One definition serves the configuration (which refuses such a value, exit 2)
and the writer (which refuses to write, whatever asked it to): a path is inside
when, with every symbolic link on the way resolved, it is the repository's
root or below it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from papershelf.errors import PapershelfError


class OutsideRepository(PapershelfError):
    """A write that would land outside the repository; nothing was written."""


def inside(root: Path, relative: str) -> Path | None:
    """``root / relative`` with links resolved, or None when that leaves ``root``."""
    if PurePosixPath(relative).is_absolute() or Path(relative).is_absolute():
        return None
    base = root.resolve()
    target = (base / relative).resolve()
    return target if target == base or base in target.parents else None


def writable(root: Path, relative: str) -> Path:
    """Where to write ``relative``; :class:`OutsideRepository` when it leaves ``root``."""
    if inside(root, relative) is None:
        raise OutsideRepository(
            f"{relative}: refusing to write outside the repository {root} (nothing was written)"
        )
    return root / relative
