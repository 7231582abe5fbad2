"""Keeping extracted files out of git: a destination in a work tree must be ignored."""

from __future__ import annotations

import re
from pathlib import Path

from papershelf.extract.model import ArchiveError
from papershelf.repo import gitfiles, repopaths
from papershelf.sizes import TEXT_MAX_BYTES


def _existing_ancestor(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def work_tree_of(path: Path) -> Path | None:
    """The git work tree ``path`` lies in, or None."""
    anchor = _existing_ancestor(path)
    if not anchor.is_dir():
        anchor = anchor.parent
    return gitfiles.repository_root(anchor)


def guard(dest: Path, explicit: bool) -> str | None:
    """Refuse or exclude a destination inside a work tree; returns a note for the user."""
    top = work_tree_of(dest)
    if top is None:
        return None
    rel = dest.resolve().relative_to(top.resolve()).as_posix()
    if rel == "." or rel.split("/")[0] == ".git":
        raise ArchiveError(f"{dest}: cannot extract into the repository root or .git")
    exclude = gitfiles.git_path(top, "info/exclude")
    old = _exclude_text(exclude)  # before git reads it too: a FIFO there would hang git
    if gitfiles.is_ignored(top, f"{rel}/"):
        return None
    if not explicit:
        raise ArchiveError(
            f"{dest}: inside the git work tree {top} and not ignored; choose --dest outside it"
        )
    if "\n" in rel or "\r" in rel:
        raise ArchiveError(f"{dest}: a line break in --dest cannot be excluded from git")
    exclude.parent.mkdir(parents=True, exist_ok=True)
    line = f"{exclude_pattern(rel)}\n"
    if line not in old:
        with open(exclude, "a", encoding="utf-8") as stream:
            stream.write(("" if not old or old.endswith("\n") else "\n") + line)
    return f"added {line.strip()} to {exclude} so the extracted files cannot be committed"


def _exclude_text(exclude: Path) -> str:
    """git's exclude file, read only when a regular file in its own folder: a copied
    ``.git`` may hold a FIFO or a link out there."""
    try:
        data = repopaths.read_inside(exclude.parent, exclude, TEXT_MAX_BYTES, str(exclude))
    except FileNotFoundError:
        return ""
    except (OSError, repopaths.Refused) as error:
        reason = error.reason if isinstance(error, repopaths.Refused) else str(error)
        raise ArchiveError(
            f"{exclude}: cannot read it to exclude --dest from git: {reason}"
        ) from None
    return data.decode("utf-8", "replace")


def exclude_pattern(relative: str) -> str:
    """The gitignore line matching exactly the folder ``relative``: anchored with ``/``
    (so a leading ``!`` or ``#`` is a name), its ``\\ * ? [`` escaped (``Курс [2023]`` is
    no character class, ``*`` no wildcard), trailing spaces kept by the closing ``/``."""
    return "/" + re.sub(r"([\\*?\[])", r"\\\1", relative) + "/"
