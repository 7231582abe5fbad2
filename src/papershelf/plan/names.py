"""Names: document suffixes, near matches, archived stand-ins, titles as file names match them."""

from __future__ import annotations

import re

from papershelf.repo.names import (  # the one definition of each, re-exported
    COMPRESSED_DOCUMENT_SUFFIXES as COMPRESSED_DOCUMENT_SUFFIXES,
    archive_stem as archive_stem,
    is_compressed_document as is_compressed_document,
)
from papershelf.repo.snapshot import Snapshot

DOCUMENT_SUFFIXES = (
    *COMPRESSED_DOCUMENT_SUFFIXES,
    ".pdf",
    ".djvu",
    ".epub",
    ".ps",
    ".doc",
    ".docx",
    ".txt",
    ".md",
    ".html",
    ".htm",
    ".tex",
)
_NOT_ALNUM = re.compile(r"[\W_]+")


def shortens(short: str, full: str) -> bool:
    """Whether the name ``full`` is ``short`` and more after ``_``, ``-`` or a space: a
    plan may write ``06_Engineering`` for the folder ``06_Engineering_&_Tuning``."""
    return full[len(short) : len(short) + 1] in ("_", "-", " ") and full.startswith(short)


def near_match(snapshot: Snapshot, path: str, is_file: bool = False) -> str | None:
    """A sibling whose name is close to the missing ``path``'s name (kept with the index)."""
    return snapshot.memo(
        f"near-match:{is_file}:{path}", lambda: _near_match(snapshot, path, is_file), persist=True
    )


def _near_match(snapshot: Snapshot, path: str, is_file: bool) -> str | None:
    parent, _, name = path.rpartition("/")
    siblings = snapshot.children(parent, with_files=is_file)
    if not siblings:
        return None
    folded = name.casefold()
    extended = [
        s for s in siblings if s.casefold().startswith(folded) or folded.startswith(s.casefold())
    ]
    if extended:
        return sorted(extended, key=len)[0]
    import difflib

    close = difflib.get_close_matches(name, siblings, n=1, cutoff=0.6)
    return close[0] if close else None


def archive_standin(snapshot: Snapshot, path: str, within: str = "") -> str | None:
    """An archive that holds what ``path`` names: beside it first, else anywhere ``within``."""
    parent, _, name = path.rpartition("/")
    wanted = name.casefold()
    prefix = within + "/" if within else ""
    matches = [
        candidate
        for candidate in snapshot.archive_named
        if candidate.startswith(prefix)
        and archive_stem(candidate.rpartition("/")[2]).casefold() == wanted
    ]
    beside = [candidate for candidate in matches if candidate.rpartition("/")[0] == parent]
    return (beside or matches)[0] if matches else None


def normalize_title(text: str) -> str:
    """Case, punctuation and spacing ignored: ``Llama-3_Herd`` -> ``llama 3 herd``."""
    return _NOT_ALNUM.sub(" ", text.casefold()).strip()


def title_pattern(title: str) -> re.Pattern[str]:
    """Match a normalized title as whole words in ``" name "`` lines.

    Words may also be run together (``AttentionIsAllYouNeed``), but a title never
    matches inside a longer word: ``lora`` is not in ``qlora``.
    """
    words = [re.escape(word) for word in title.split(" ")]
    return re.compile(" " + " ?".join(words) + " ")


def strip_suffix(name: str) -> str:
    if is_compressed_document(name):
        name = name.rpartition(".")[0]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name
