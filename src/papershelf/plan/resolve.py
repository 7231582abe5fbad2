"""The resolver: each item of a plan looked up in one snapshot — present, missing,
misplaced, archived, empty or online; where, and how it was found.

A paper is matched by :func:`locate_paper`, the one place that decides which files
are a paper; folders and files by their path, else by their name.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

from papershelf.plan.model import How, Item, Kind, ReadingPlan, Status
from papershelf.plan.names import (
    DOCUMENT_SUFFIXES,
    archive_standin,
    archive_stem,
    is_compressed_document,
    normalize_title,
    shortens,
    strip_suffix,
    title_pattern,
)
from papershelf.repo.snapshot import Snapshot

if TYPE_CHECKING:
    from papershelf.papers.facts import PaperFacts


_FORGE_FILE = re.compile(
    r"(?i)^https?://(?:www\.)?(?:github\.com|gitlab\.com|codeberg\.org)/[^/]+/[^/]+/(?:-/)?"
    r"(?:blob|raw)/[^/]+/(.+)$|^https?://raw\.githubusercontent\.com/[^/]+/[^/]+/[^/]+/(.+)$"
)


def own_file(url: str) -> str | None:
    """The repository path a forge's file link names (``github.com/OWNER/REPO/blob/main/x.pdf``
    is ``x.pdf``): when the repository has that file, the link is to it, not online."""
    match = _FORGE_FILE.match(url.split("#")[0].split("?")[0])
    if match is None:
        return None
    path = unquote(match[1] or match[2]).strip("/")
    return path if path and ".." not in path.split("/") else None


class Match(NamedTuple):
    """A file, folder or archive that is the paper, and how it was recognised."""

    path: str  # repository-relative
    how: str  # one of model.HOW


Paper = tuple[tuple[str, ...], tuple[str, ...]]  # a paper's titles and identifiers


class PaperIndex:
    """Document and archive names under the plan root, searched by title words."""

    def __init__(self, snapshot: Snapshot, root: str) -> None:
        self.snap = snapshot
        self.prefix = root + "/" if root else ""
        # (titles, identifiers) -> the PDF its content names (papershelf.papers)
        self.by_content: dict[Paper, Match] = {}
        # What other papers hold, so that one file answers one title: a file by the paper
        # its content names, a name by the papers whose title it is exactly.
        self.content_of: dict[str, Paper] = {}
        self.exact_names: dict[str, set[Paper]] = {}

    def hold(self, papers: Sequence[Paper]) -> None:
        """Record what ``papers`` hold before any is looked up by name."""
        self.content_of = {match.path: paper for paper, match in self.by_content.items()}
        self.exact_names = {}
        for paper in papers:
            for title in _variants(paper[0]):
                self.exact_names.setdefault(normalize_title(title), set()).add(paper)

    def held_by_another(self, path: str, name: str, paper: Paper) -> bool:
        """Whether another paper holds ``path`` (its normalized name ``name``)."""
        holder = self.content_of.get(path)
        if holder is not None and holder != paper:
            return True
        owners = self.exact_names.get(name, set())
        return bool(owners) and paper not in owners

    def named(self, word: str) -> list[str]:
        """Documents and archives under the root whose own name holds ``word`` (a folder
        is never a paper: "Data Compression" is not the folder ``data_compression``)."""
        snap, prefix = self.snap, self.prefix
        if word.isascii():
            files = snap.paths_holding(word, in_name=True)
        else:
            files = [p for p in snap.files if word in p.rpartition("/")[2].lower()]
        return [
            p
            for p in files
            if p.startswith(prefix)
            and (p.lower().endswith(DOCUMENT_SUFFIXES) or p in self.archives)
        ]

    @property
    def archives(self) -> set[str]:
        return self.snap.memo(
            "archive-named-set",
            lambda: {p for p in self.snap.archive_named if not is_compressed_document(p)},
        )


def _name_of(path: str, archives: set[str]) -> str:
    name = path.rpartition("/")[2]
    return archive_stem(name) if path in archives else strip_suffix(name)


def locate_paper(
    index: PaperIndex, titles: Sequence[str], identifiers: Sequence[str] = ()
) -> list[Match]:
    """Every file or archive under the plan root that is the paper with one of ``titles``
    (its title and aliases): file names hold the title as whole words, with case,
    punctuation and spacing ignored ("LoRA" is not ``QLoRA.pdf``); a name that is exactly
    the title comes before one holding more ("Textbooks Are All You Need" is not
    ``Textbooks Are All You Need II.pdf`` while both are there), and a file another paper
    holds (by its content, or by being exactly its title) is not this one's.

    A PDF whose content names the paper (``identifiers`` — arXiv ids, DOIs written
    beside it — or its title in the PDF's metadata or first page, see
    :mod:`papershelf.papers`) comes first, as the stronger evidence.
    """
    paper = (tuple(titles), tuple(identifiers))
    found: dict[str, str] = {}
    by_content = index.by_content.get(paper)
    if by_content is not None:
        found[by_content.path] = by_content.how
    archives = index.archives
    exact: list[str] = []
    holding: list[str] = []
    for title in _variants(titles):
        normalized = normalize_title(title)
        if not normalized:
            continue
        pattern = title_pattern(normalized)
        longest = max(normalized.split(" "), key=len)
        for path in index.named(longest):
            name = normalize_title(_name_of(path, archives))
            if pattern.search(f" {name} ") and not index.held_by_another(path, name, paper):
                (exact if name == normalized else holding).append(path)
    for path in (*exact, *holding):
        found.setdefault(path, "file-name")
    return [Match(path, how) for path, how in found.items()]


def _variants(titles: Sequence[str]) -> list[str]:
    """The titles, their bare titles (``A Wait-Free Stack`` of ``A Wait-Free Stack
    (2015)``), and the short title before a colon (``Faster R-CNN: Towards …``)."""
    from papershelf.papers.titles import forms

    variants = forms(titles)
    for title in variants[:]:
        head = title.partition(":")[0].strip()
        if head != title.strip() and len(normalize_title(head)) >= 4:
            variants.append(head)
    return list(dict.fromkeys(variants))


class Resolution(NamedTuple):
    """Where the resolver found an item, and how: its frozen status record."""

    status: Status
    where: str | None = None  # repository-relative, when found elsewhere than expected
    how: How | None = None


class Marker:
    """Marks one plan's items against the snapshot."""

    def __init__(self, snapshot: Snapshot, root: str, plan_file: str | None) -> None:
        self.snap = snapshot
        self.root = root
        self.prefix = root + "/" if root else ""
        self.plan_dir = (plan_file or "").rpartition("/")[0]
        self.index = PaperIndex(snapshot, root)
        self.named: set[str] = set()  # the folders the plan names, where it expects them

    def read_papers(self, items: list[Item]) -> PaperFacts:
        """Match the papers by what their PDFs say, once for the whole plan."""
        from papershelf.papers.facts import paper_facts

        papers = [item for item in items if item.kind == Kind.PAPER]
        written = [((item.name, *item.aliases), item.identifiers) for item in papers]
        folders: set[str] = set()
        for item in papers:
            if item.path:
                folder = self.under(item.path)
                is_file = folder.lower().endswith(DOCUMENT_SUFFIXES)
                folders.add(folder.rpartition("/")[0] if is_file else folder)
        facts = paper_facts(self.snap, self.root, written, sorted(folders))
        for index, (path, how) in facts.matches.items():
            item = papers[index]
            self.index.by_content[((item.name, *item.aliases), item.identifiers)] = Match(path, how)
        return facts

    def under(self, path: str) -> str:
        return posixpath.join(self.root, path) if self.root else path

    def has_content(self, folder: str) -> bool:
        text, needle, start = self.snap.text, "\0" + folder + "/", 0
        while (start := text.find(needle, start)) != -1:
            end = text.index("\0", start + 1)
            path = text[start + 1 : end]
            if path.rpartition("/")[2] != ".gitkeep" and not self.snap.is_empty(path):
                return True
            start = end
        return False

    def _found(self, path: str, how: str, expected: str | None) -> Resolution:
        if path in self.snap.dirs:
            status = Status.PRESENT if self.has_content(path) else Status.EMPTY
        else:
            status = Status.EMPTY if self.snap.is_empty(path) else Status.PRESENT
        return Resolution(status, None if path == expected else path, How(how))

    def resolve(self, reference: str, by_tail: bool = True) -> str | None:
        """A written path, read from the plan root, beside the plan file, or as the unique
        end of an existing path (``02_Data_Filtering_Quality`` finds ``01_…/02_…``)."""
        snap = self.snap
        for base in dict.fromkeys((self.root, self.plan_dir)):
            candidate = posixpath.normpath(posixpath.join(base, reference)) if base else reference
            if snap.exists(candidate):
                return candidate
        if not by_tail:
            return None
        tail = "/" + reference
        matches = [path for path in snap.dirs if path.endswith(tail)]
        text, needle = snap.text, tail + "\0"
        start = 0
        while len(matches) < 2 and (start := text.find(needle, start)) != -1:
            end = start + len(needle) - 1
            matches.append(text[text.rindex("\0", 0, start) + 1 : end])
            start = end
        return matches[0] if len(matches) == 1 else None

    def mark_path(self, item: Item) -> Resolution:
        snap = self.snap
        is_folder = item.kind in (Kind.FOLDER, Kind.SECTION)
        expected = self.under(item.path) if item.path else None
        here = expected is not None and (
            expected in snap.dirs if is_folder else snap.has_file(expected)
        )
        if expected is not None and here:
            return self._found(expected, How.PATH, expected)
        written = self.resolve(item.written, by_tail=False) if item.written else None
        if written is not None and (written in snap.dirs) == is_folder:
            return self._found(written, How.PATH, None)  # written from the root, not the step
        pool = snap.dirs if is_folder else snap.file_set
        found = self._by_tail(item.name, is_folder)
        if expected is not None:
            archive = archive_standin(snap, expected, self.root)
            if archive:
                return Resolution(Status.ARCHIVED, archive)
            # `06_Engineering` for `06_Engineering_&_Tuning`: any such sibling for a name
            # the plan gives no certain place, else only one the plan itself names
            extended = self._extended(expected, self.named & pool if item.placed else pool)
            if extended:
                return self._found(extended, How.FILE_NAME, expected)
            if not found:
                found = self._by_tail(item.name.rpartition("/")[2], is_folder)
            if item.mentioned and not self._first_folder_here(expected, item.written):
                return Resolution(Status.SKIP)  # a path in someone else's tree, in passing
            if found:
                return Resolution(Status.MISPLACED, found[0], How.FILE_NAME)
            return Resolution(Status.MISSING)
        if found:  # a bare name the plan gives no place for: anywhere will do
            return self._found(found[0], How.FILE_NAME, None)
        return Resolution(Status.SKIP)

    def _first_folder_here(self, expected: str, written: str) -> bool:
        """Whether the first folder of a path written ``written`` and expected at
        ``expected`` is in the repository where the plan reads it from."""
        if not expected.endswith(written):
            return True
        holder = expected[: len(expected) - len(written)].rstrip("/")
        first = posixpath.join(holder, written.split("/")[0]) if holder else written.split("/")[0]
        return first in self.snap.dirs or self.snap.has_file(first)

    def _by_tail(self, tail: str, is_folder: bool) -> list[str]:
        """Paths under the plan root ending in ``tail`` (ASCII case ignored), at C speed."""
        end = "/" if is_folder else "\0"
        found: set[str] = set()
        for lead in ("/", "\0"):
            needle = (lead + tail + end).lower()
            for path in self.snap.paths_holding(needle):
                full = "\0" + path + "\0"
                at = full.lower().find(needle)
                if at != -1:
                    match = full[1 : at + len(needle) - 1]
                    if match.startswith(self.prefix):
                        found.add(match)
        return sorted(found)

    def _extended(self, path: str, pool: set[str]) -> str | None:
        """A sibling folder in ``pool`` whose name ``path``'s name shortens."""
        parent, _, name = path.rpartition("/")
        for sibling in sorted(self.snap.children(parent, with_files=False)):
            if shortens(name, sibling):
                full = posixpath.join(parent, sibling) if parent else sibling
                if full in pool:
                    return full
        return None

    def mark_paper(self, item: Item) -> Resolution:
        folder = self.under(item.path) if item.path else None
        if folder is not None and folder.lower().endswith(DOCUMENT_SUFFIXES):
            if self.snap.has_file(folder):  # linked to a local file: expected exactly there
                return self._found(folder, How.PATH, folder)
            folder = folder.rpartition("/")[0]
        if item.written and not item.remote:
            written = self.resolve(item.written)
            if written is not None and self.snap.has_file(written):
                return self._found(written, How.PATH, None)
        for url in item.identifiers if item.remote else ():
            own = own_file(url)  # this repository's file, linked on its forge
            if own is not None and self.snap.has_file(own):
                return self._found(own, How.PATH, None)
        return self._mark_by_content_or_name(item, folder)

    def _mark_by_content_or_name(self, item: Item, folder: str | None) -> Resolution:
        """A paper found by what it is (ids, title) or by its name: in the folder the plan
        reads it in, elsewhere (misplaced), only in an archive, or nowhere."""
        matches = locate_paper(self.index, (item.name, *item.aliases), item.identifiers)
        if folder is not None:  # the folder the paper is read in (`code/unet`) is not it
            matches = [m for m in matches if not (folder + "/").startswith(m.path + "/")]
        archives = self.index.archives
        real = [match for match in matches if match.path not in archives]
        stored = [match for match in matches if match.path in archives]
        here = [m for m in real if folder is None or m.path.startswith(folder + "/")]
        if here:
            return self._found(here[0].path, here[0].how, None)
        if real:
            return Resolution(Status.MISPLACED, real[0].path, How(real[0].how))
        if stored:
            return Resolution(Status.ARCHIVED, stored[0].path, How(stored[0].how))
        return Resolution(Status.ONLINE if item.remote else Status.MISSING)

    def mark(self, plan: ReadingPlan) -> ReadingPlan:
        """``plan`` with every item's status record."""
        self.named = {
            self.under(item.path)
            for item in plan.all_items()
            if item.kind in (Kind.FOLDER, Kind.SECTION) and item.path
        }
        self.index.hold(
            [
                ((item.name, *item.aliases), item.identifiers)
                for item in plan.all_items()
                if item.kind == Kind.PAPER
            ]
        )
        return plan.map_items(self.resolved)

    def resolved(self, item: Item) -> Item:
        found = self.mark_paper(item) if item.kind == Kind.PAPER else self.mark_path(item)
        resolves = item.resolves
        if item.written and item.plan_file and not item.remote:
            resolves = self.resolve(item.written) is not None
        return item.but(status=found.status, where=found.where, how=found.how, resolves=resolves)
