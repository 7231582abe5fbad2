"""``papershelf-no-archives``: the fast pre-commit hook that looks only at staged files.

It reads names and first bytes of the files pre-commit passes and nothing
else, so it costs milliseconds on any repository; ``repo-check`` does the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from papershelf.repo import magic, repopaths
from papershelf.repo.names import is_compressed_document
from papershelf.shown import command, visible


def find_archives(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, what)`` for every archive among ``paths``; LFS pointers, single compressed
    documents (``paper.pdf.gz``: a paper, as ``archive-in-git`` sees it) and zips that are
    documents by their members (``.docx``, ``.npz``, a wheel) are fine."""
    found = []
    for path in paths:
        if is_compressed_document(path):
            continue
        head = repopaths.head(path, magic.HEAD_SIZE)  # a FIFO or device: nothing, no wait
        kind = magic.kind_of(head)
        if kind == "zip":
            kind = magic.zip_kind(path)
        if kind in (magic.LFS_POINTER_KIND, magic.ZIP_DOCUMENT_KIND):
            continue
        if kind is not None:
            found.append((path, f"{kind} archive"))
        elif head and magic.has_archive_suffix(path):
            found.append((path, "file named like an archive"))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    archives = find_archives(paths)
    for path, what in archives:
        print(f"{visible(path)}: warning archive-in-git: {what} staged for commit")
        hint = command("git rm --cached", path) + " && " + command("papershelf extract", path)
        print(f"  hint: {hint}")
    return 1 if archives else 0


if __name__ == "__main__":
    sys.exit(main())
