"""The papers of one plan root, as the plan model and the paper rules need them.

Computed once per run and kept with the index facts (plain data): while the
index is unchanged its blobs are too, so a warm run neither lists blob ids nor
opens the PDF cache. What is kept stays small on a 100,000-file repository: the
matches, the duplicate groups, a nearest plan title for the few unclaimed PDFs
in the papers' folders, and a bounded sample of the notes about unreadable PDFs.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from papershelf.snapshot import Snapshot

NOTES_KEPT = 50
# The last run's facts, keyed by the PDFs' paths and blob ids and what the plan writes.
FACTS_FILE = "paper-facts.v1"
FACTS_VERSION = 1


class PaperFacts(NamedTuple):
    matches: dict[int, tuple[str, str]]  # index in the wanted list -> (path, how)
    duplicates: list[tuple[str, list[str]]]  # (why, paths), each group once
    nearest: dict[str, str]  # unclaimed PDF in a papers' folder -> the plan title it resembles
    notes: dict[str, str]  # PDF -> why it could not be read (at most NOTES_KEPT)
    unreadable: int  # how many PDFs could not be read in all


def _is_pdf(path: str) -> bool:
    return path[-4:].lower() == ".pdf"


def pdfs_under(snapshot: Snapshot, root: str) -> list[str]:
    root = root.strip("/") if root not in (".", "./") else ""
    prefix = root + "/" if root else ""
    return [p for p in snapshot.files if p[-4:].lower() == ".pdf" and p.startswith(prefix)]


# A paper as the plan writes it: its titles (title first, then aliases) and the ids,
# DOIs and links written beside it.
Written = tuple[tuple[str, ...], tuple[str, ...]]


def paper_facts(
    snapshot: Snapshot, root: str, written: Sequence[Written], folders: Sequence[str]
) -> PaperFacts:
    """Match the papers the plan writes against the PDFs under ``root``; ``folders`` are
    where the plan's papers live (their unclaimed PDFs get a nearest title). Keyed by
    what the plan writes, so a warm run parses no identifier and imports no matcher."""
    key = repr((root, list(written), sorted(folders))).encode("utf-8", "surrogateescape")
    computed: object = snapshot.memo(
        f"paper-facts:{zlib.crc32(key)}:{len(key)}",
        lambda: tuple(_reuse_or_compute(snapshot, root, written, folders, key)),
        persist=True,
    )
    kept = _from_plain(computed)
    return kept if kept is not None else _compute(snapshot, root, written, folders, {})


def _reuse_or_compute(
    snapshot: Snapshot, root: str, written: Sequence[Written], folders: Sequence[str], key: bytes
) -> PaperFacts:
    """After the index changed, the facts of the last run when its PDFs did not: staging a
    note must not cost reading 25,000 identities back."""
    from papershelf import cachefile, papers
    from papershelf.cachefile import code_stamp

    files = pdfs_under(snapshot, root)
    blobs = papers.blob_ids(snapshot.root, snapshot.in_git, files, snapshot.facts)
    cache_file = snapshot.facts.cache_file if snapshot.facts is not None else None
    if cache_file is None:
        return _compute(snapshot, root, written, folders, blobs)
    listing = "".join(f"{path}\0{sha}\n" for path, sha in sorted(blobs.items()))
    stamp = zlib.crc32(listing.encode("utf-8", "surrogateescape"), zlib.crc32(key))
    header = (FACTS_VERSION, code_stamp(), stamp, len(listing), len(key))
    last = cache_file.parent / FACTS_FILE
    loaded = cachefile.load(last, 2, expect_first=header)
    kept = _from_plain(loaded[1]) if loaded is not None else None
    if kept is not None:
        return kept
    facts = _compute(snapshot, root, written, folders, blobs)
    cachefile.store(last, header, tuple(facts))
    return facts


def _from_plain(value: object) -> PaperFacts | None:
    """Facts read back with the index facts, checked shape by shape; None when malformed."""
    from typing import Any

    try:
        parts: tuple[Any, ...] = tuple(value)  # type: ignore[arg-type]
        matches, groups, nearest, notes, unreadable = parts
        facts = PaperFacts(
            {int(i): (str(path), str(how)) for i, (path, how) in dict(matches).items()},
            [(str(why), [str(path) for path in paths]) for why, paths in groups],
            {str(path): str(title) for path, title in dict(nearest).items()},
            {str(path): str(note) for path, note in dict(notes).items()},
            int(unreadable),
        )
    except (TypeError, ValueError):
        return None
    return facts


def _compute(
    snapshot: Snapshot,
    root: str,
    written: Sequence[Written],
    folders: Sequence[str],
    blobs: dict[str, str],
) -> PaperFacts:
    from papershelf import papers
    from papershelf.papers.ids import parse_written
    from papershelf.papers.matching import Wanted, duplicates, match, nearest_title

    wanted = [Wanted(titles, *parse_written(identifiers)) for titles, identifiers in written]

    files = pdfs_under(snapshot, root)
    if not blobs:
        blobs = papers.blob_ids(snapshot.root, snapshot.in_git, files, snapshot.facts)
    cache_file = snapshot.facts.cache_file if snapshot.facts is not None else None
    cache_dir = cache_file.parent if cache_file is not None else None
    found = papers.identities(snapshot.root, blobs, cache_dir, snapshot.progress)
    matched = match(wanted, found)
    claimed = {result.path for result in matched.values()}
    titles = [title for paper in wanted for title in paper.titles[:1]]
    nearest: dict[str, str] = {}
    for folder in {*folders, *(path.rpartition("/")[0] for path in claimed)}:
        prefix = folder + "/" if folder else ""
        for path in files:
            if path.startswith(prefix) and "/" not in path[len(prefix) :] and path not in claimed:
                title = nearest_title(path, found.get(path), titles)
                if title is not None:
                    nearest[path] = title
    unreadable = sorted(path for path, identity in found.items() if identity.note)
    return PaperFacts(
        {index: (result.path, result.how) for index, result in matched.items()},
        duplicates(blobs, found),
        nearest,
        {path: found[path].note for path in unreadable[:NOTES_KEPT]},
        len(unreadable),
    )
