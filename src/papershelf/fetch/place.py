"""Where downloads wait, and how a verified one takes its place without half-done files.

A download is written to ``.git/papershelf/fetch/partial/`` (git never stages
it, and a clone never sees it), under a name made from its target, so an
interrupted run leaves it there and the next run resumes it. Only a complete
PDF that is the plan's paper is linked to its final name, and never over a
file already there; a PDF that is another paper is moved to
``.git/papershelf/fetch/aside/`` and reported.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from papershelf.repo import repopaths


def version_of(partial: Path) -> Path:
    """Where the version the server named for ``partial`` is kept (see fetch.http)."""
    return partial.with_name(partial.name + ".version")


class Places:
    """The run's folders under git's own folder, and the repository it writes into."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root = root
        self.partial_dir = work / "partial"
        self.aside_dir = work / "aside"

    def partial(self, target: str, url: str) -> Path:
        """The partial file of ``target`` from ``url``: the same on every run, so it
        resumes, and never one another URL's bytes are appended to."""
        named = f"{target}\0{url}".encode("utf-8", "surrogateescape")
        key = hashlib.sha256(named).hexdigest()[:32]
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        return self.partial_dir / f"{key}.pdf.part"

    def discard(self, target: str, urls: Iterable[str]) -> None:
        """Remove what partial files ``target`` has from ``urls``: it is settled."""
        for url in urls:
            partial = self.partial(target, url)
            partial.unlink(missing_ok=True)
            version_of(partial).unlink(missing_ok=True)

    def final(self, target: str) -> Path:
        """``target`` in the work tree; :class:`repopaths.OutsideRepository` when it leaves
        the repository (a folder linked outside, ``..``) or lands in ``.git``."""
        return repopaths.writable(self.root, target)

    def put(self, partial: Path, target: str) -> bool:
        """Give ``partial`` its final name; False when a file is there already (kept)."""
        final = self.final(target)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(partial, final)  # never replaces, and is whole at once
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
                raise
            return _copy_into_place(partial, final)
        partial.unlink()
        return True

    def set_aside(self, partial: Path, name: str) -> Path:
        """Move ``partial`` to the aside folder as ``name`` (numbered when taken)."""
        self.aside_dir.mkdir(parents=True, exist_ok=True)
        stem, suffix = name.rsplit(".", 1) if "." in name else (name, "pdf")
        aside = self.aside_dir / name
        number = 1
        while aside.exists():
            number += 1
            aside = self.aside_dir / f"{stem} ({number}).{suffix}"
        os.replace(partial, aside)
        return aside


def _copy_into_place(partial: Path, final: Path) -> bool:
    """Where git's folder is on another file system: copied to a hidden name beside the
    target first, then renamed, so the final name never holds part of the file."""
    if final.exists():
        return False
    hidden = final.with_name(f".{final.name}.papershelf-part")
    shutil.copyfile(partial, hidden)
    if final.exists():
        hidden.unlink()
        return False
    os.replace(hidden, final)
    partial.unlink()
    return True
