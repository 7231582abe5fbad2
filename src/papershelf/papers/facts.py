"""The papers of one plan root, as the plan model and the paper rules need them.

Computed once per run and kept with the index facts (plain data): while the
index is unchanged its blobs are too, so a warm run neither lists blob ids nor
opens the PDF cache. What is kept stays small on a 100,000-file repository: the
matches, the duplicate groups, a nearest plan title for the few unclaimed PDFs
in the papers' folders, and a bounded sample of the notes about unreadable PDFs.

After the index changed, each plan file's facts are found again by its own slot
in one file (a collection with a README per folder has hundreds of plans), and
the PDFs' identities come from one cache kept for every tracked PDF: staging a
note reads no PDF. Facts made while the run's PDF budget left PDFs unread are
not kept, so a later run reads on.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    from papershelf.papers.scan import Shelf
    from papershelf.repo.snapshot import Snapshot

NOTES_KEPT = 50
# Each plan file's last facts, keyed by the PDFs' paths and blob ids and what the plan writes.
FACTS_VERSION = 2
SLOTS_KEPT = 1024  # plan files whose facts are kept (the least recently used go first)


class PaperFacts(NamedTuple):
    matches: dict[int, tuple[str, str]]  # index in the wanted list -> (path, how)
    duplicates: list[tuple[str, list[str]]]  # (why, paths), each group once
    nearest: dict[str, str]  # unclaimed PDF in a papers' folder -> the plan title it resembles
    notes: dict[str, str]  # PDF -> why it could not be read (at most NOTES_KEPT)
    unreadable: int  # how many PDFs could not be read in all
    not_read: int = 0  # PDFs the run's time budget left unread (matched by name only)


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
    name = f"paper-facts:{zlib.crc32(key)}:{len(key)}"
    derived = snapshot.facts.derived if snapshot.facts is not None else None
    kept = _from_plain(derived[name]) if derived is not None and name in derived else None
    if kept is None:
        kept = _reuse_or_compute(snapshot, root, written, folders, key)
        if derived is not None and not kept.not_read:  # unread PDFs: the next run reads on
            derived[name] = tuple(kept)
            snapshot.facts.changed = True  # type: ignore[union-attr]
    return kept


class _Slots:
    """Every plan file's last facts, in one file read once per run: ``slot -> (header,
    facts)``, the most recently used last."""

    def __init__(self, path: Path) -> None:
        from papershelf import store

        self.path = path
        loaded = store.load(path, 2, expect_first=(FACTS_VERSION, store.code_stamp()))
        body = loaded[1] if loaded is not None else None
        self.slots: dict[object, object] = dict(body) if isinstance(body, dict) else {}

    def get(self, slot: str, header: tuple[object, ...]) -> PaperFacts | None:
        entry = self.slots.get(slot)
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == header):
            return None
        return _from_plain(entry[1])

    def put(self, slot: str, header: tuple[object, ...], facts: PaperFacts) -> None:
        from papershelf import store

        self.slots.pop(slot, None)
        self.slots[slot] = (header, tuple(facts))
        for old in list(self.slots)[: max(0, len(self.slots) - SLOTS_KEPT)]:
            del self.slots[old]
        store.store(self.path, (FACTS_VERSION, store.code_stamp()), self.slots)


def _run_shelf(snapshot: Snapshot) -> Shelf:
    """The run's PDF identities: one cache and one time budget for every plan file."""
    from papershelf import papers
    from papershelf.papers.scan import Budget, Shelf

    def every_pdf() -> set[str]:
        files = [path for path in snapshot.files if _is_pdf(path)]
        return set(papers.blob_ids(snapshot.root, snapshot.in_git, files, snapshot.facts).values())

    def make() -> Shelf:
        return Shelf(
            snapshot.root,
            snapshot.cache_dir,
            every_pdf,
            snapshot.progress,
            Budget.from_environment(),
        )

    return snapshot.memo("pdf-shelf", make)


def _reuse_or_compute(
    snapshot: Snapshot, root: str, written: Sequence[Written], folders: Sequence[str], key: bytes
) -> PaperFacts:
    """After the index changed, the facts of the last run when its PDFs did not: staging a
    note must not cost reading 25,000 identities back."""
    from papershelf import papers

    files = pdfs_under(snapshot, root)
    blobs = papers.blob_ids(snapshot.root, snapshot.in_git, files, snapshot.facts)
    cache_dir = snapshot.cache_dir
    if cache_dir is None:
        return _compute(snapshot, root, written, folders, blobs)
    from papershelf import store

    listing = "".join(f"{path}\0{sha}\n" for path, sha in sorted(blobs.items()))
    stamp = zlib.crc32(listing.encode("utf-8", "surrogateescape"), zlib.crc32(key))
    header = (FACTS_VERSION, store.code_stamp(), stamp, len(listing), len(key))
    slots = snapshot.memo(
        "paper-facts-slots", lambda: _Slots(store.entry(cache_dir, "paper-facts"))
    )
    slot = f"{zlib.crc32(key)}:{len(key)}"
    kept = slots.get(slot, header)
    if kept is not None:
        return kept
    facts = _compute(snapshot, root, written, folders, blobs)
    if not facts.not_read:
        slots.put(slot, header, facts)
    return facts


def _from_plain(value: object) -> PaperFacts | None:
    """Facts read back with the index facts, checked shape by shape; None when malformed."""
    from typing import Any

    try:
        parts: tuple[Any, ...] = tuple(value)  # type: ignore[arg-type]
        matches, groups, nearest, notes, unreadable, not_read = parts
        facts = PaperFacts(
            {int(i): (str(path), str(how)) for i, (path, how) in dict(matches).items()},
            [(str(why), [str(path) for path in paths]) for why, paths in groups],
            {str(path): str(title) for path, title in dict(nearest).items()},
            {str(path): str(note) for path, note in dict(notes).items()},
            int(unreadable),
            int(not_read),
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
    from papershelf.papers.matching import Wanted, duplicates, hints, match
    from papershelf.papers.scan import NOT_READ

    wanted = [Wanted(titles, *parse_written(identifiers)) for titles, identifiers in written]

    files = pdfs_under(snapshot, root)
    if not blobs:
        blobs = papers.blob_ids(snapshot.root, snapshot.in_git, files, snapshot.facts)
    shelf = _run_shelf(snapshot)
    everything = shelf.identities(blobs)
    found = {path: identity for path, identity in everything.items() if identity.note != NOT_READ}
    not_read = len(everything) - len(found)
    if not_read:
        from papershelf.repo import inputs

        assert shelf.budget is not None
        snapshot.partial = shelf.budget.note(len(shelf.unread))
        inputs.incomplete()
    matched = match(wanted, found)
    claimed = {result.path for result in matched.values()}
    unclaimed = set()
    for folder in {*folders, *(path.rpartition("/")[0] for path in claimed)}:
        prefix = folder + "/" if folder else ""
        for path in files:
            if path.startswith(prefix) and "/" not in path[len(prefix) :] and path not in claimed:
                unclaimed.add(path)
    # Only the titles no file's content answers may be what an unclaimed file was meant to be.
    unanswered = [paper.titles[0] for index, paper in enumerate(wanted) if index not in matched]
    nearest = hints(sorted(unclaimed), found, unanswered)
    unreadable = sorted(path for path, identity in found.items() if identity.note)
    return PaperFacts(
        {index: (result.path, result.how) for index, result in matched.items()},
        duplicates(blobs, found),
        nearest,
        {path: found[path].note for path in unreadable[:NOTES_KEPT]},
        len(unreadable),
        not_read,
    )
