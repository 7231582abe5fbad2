"""What a PDF is: its ids, its metadata title, its first page's title; and which plan paper it is.

``identities`` reads each tracked PDF once per blob (cached in git's directory);
``matching.match`` weighs the evidence for the papers a plan names; the plan
model and the rules only ever see the results.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the submodules load on first use: a warm check needs none of them
    from papershelf.papers.reading import Identity
    from papershelf.papers.scan import Progress
    from papershelf.repo.indexcache import IndexFacts

__all__ = ["blob_ids", "file_name_for", "identities", "is_pdf", "rename_command"]


def is_pdf(path: str) -> bool:
    return path[-4:].lower() == ".pdf"


def blob_ids(
    root: Path, in_git: bool, paths: Iterable[str], facts: IndexFacts | None = None
) -> dict[str, str]:
    """``path -> blob id`` of ``paths``: from the index in git (as this run listed it, when
    it did), from the content outside it."""
    wanted = set(paths)
    if not wanted:
        return {}
    if in_git:
        if facts is not None and facts.shas is not None:
            special = facts.special
            return {
                p: sha
                for p, sha in zip(facts.files, facts.shas)
                if p in wanted and p not in special
            }
        from papershelf.repo import gitfiles, indexcache

        files, shas, special = indexcache.parse_stage(gitfiles.list_stage(root))
        return {p: sha for p, sha in zip(files, shas) if p in wanted and p not in special}
    from papershelf.papers.scan import SIZE_CAP, _blob_id
    from papershelf.repo import repopaths

    found = {}
    for path in sorted(wanted):  # regular files inside only: no FIFO, no link out
        try:
            found[path] = _blob_id(repopaths.read_inside(root, root / path, SIZE_CAP, path), 40)
        except (OSError, repopaths.Refused):
            continue
    return found


def identities(
    root: Path,
    blobs: dict[str, str],
    cache_dir: Path | None,
    progress: Progress | None = None,
) -> dict[str, Identity]:
    """``path -> Identity`` for ``blobs`` (``path -> blob id``); only new blobs are read."""
    from papershelf.papers import scan

    return scan.identities(root, blobs, cache_dir, progress)


def file_name_for(title: str) -> str:
    """A portable PDF file name that carries ``title`` (what ``file-name`` matching finds):
    the bare title, without the year or author a label adds (:func:`titles.bare_title`)."""
    import re

    from papershelf.papers.titles import bare_title

    title = bare_title(title) or title
    name = " ".join(re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title).split()).strip(". ")
    return f"{name[:150]}.pdf"


def rename_command(path: str, title: str) -> str:
    """The exact ``git mv`` that gives the paper at ``path`` its title as its name."""
    from papershelf.shown import command

    folder = path.rpartition("/")[0]
    target = f"{folder}/{file_name_for(title)}" if folder else file_name_for(title)
    return command("git mv", path, target)
