"""The plan's status over one snapshot: for every item, present, missing, misplaced,
archived, empty or online — where, and how it was found. Computed once per run.

Everything that asks "is this folder or paper here?" reads the answer from
here: the plan rules, ``papershelf plan`` and ``repo-check --fix``. A paper is
matched by :func:`locate_paper`, the one place that decides which files are a
paper; folders and files by their path, else by their name.
"""

from __future__ import annotations

import posixpath
import zlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from papershelf.config import Config
from papershelf.errors import ConfigError
from papershelf.layout import TOO_BIG_HINT, Layout, PlanSource, rest_of, shipped_plan_text
from papershelf.readingplan.model import (
    How,
    Item,
    Kind,
    ReadingPlan,
    Skipped,
    Status,
    TooManyItems,
    mark_gone,
)
from papershelf.readingplan.names import (
    DOCUMENT_SUFFIXES,
    archive_standin,
    archive_stem,
    is_compressed_document,
    normalize_title,
    shortens,
    strip_suffix,
    title_pattern,
)
from papershelf.sizes import PLAN_MAX_ITEMS
from papershelf.snapshot import Snapshot

if TYPE_CHECKING:
    from papershelf.papers.facts import PaperFacts
    from papershelf.readingplan.reader import Note, Words
    from papershelf.readingplan.stored import ParsedPlans

STATUS_CACHE = "plan-status.v2"


class Match(NamedTuple):
    """A file, folder or archive that is the paper, and how it was recognised."""

    path: str  # repository-relative
    how: str  # one of model.HOW


class PaperIndex:
    """Document, folder and archive names under the plan root, searched by title words."""

    def __init__(self, snapshot: Snapshot, root: str) -> None:
        self.snap = snapshot
        self.prefix = root + "/" if root else ""
        # (titles, identifiers) -> the PDF its content names (papershelf.papers)
        self.by_content: dict[tuple[tuple[str, ...], tuple[str, ...]], Match] = {}

    def named(self, word: str) -> list[str]:
        """Documents, folders and archives under the root whose own name holds ``word``."""
        snap, prefix = self.snap, self.prefix
        if word.isascii():
            files = snap.paths_holding(word, in_name=True)
        else:
            files = [p for p in snap.files if word in p.rpartition("/")[2].lower()]
        found = [
            p
            for p in files
            if p.startswith(prefix)
            and (p.lower().endswith(DOCUMENT_SUFFIXES) or p in self.archives)
        ]
        found += [
            d
            for d in snap.dirs
            if d and d.startswith(prefix) and word in d.rpartition("/")[2].lower()
        ]
        return found

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
    """Every file, folder or archive under the plan root that is the paper with one of
    ``titles`` (its title and aliases): file names hold the title as whole words, with
    case, punctuation and spacing ignored ("LoRA" is not ``QLoRA.pdf``).

    A PDF whose content names the paper (``identifiers`` — arXiv ids, DOIs written
    beside it — or its title in the PDF's metadata or first page, see
    :mod:`papershelf.papers`) comes first, as the stronger evidence.
    """
    found: dict[str, str] = {}
    by_content = index.by_content.get((tuple(titles), tuple(identifiers)))
    if by_content is not None:
        found[by_content.path] = by_content.how
    archives = index.archives
    for title in _variants(titles):
        normalized = normalize_title(title)
        if not normalized:
            continue
        pattern = title_pattern(normalized)
        longest = max(normalized.split(" "), key=len)
        for path in index.named(longest):
            name = f" {normalize_title(_name_of(path, archives))} "
            if pattern.search(name):
                found.setdefault(path, "file-name")
    return [Match(path, how) for path, how in found.items()]


def _variants(titles: Sequence[str]) -> list[str]:
    """The titles, and the short title before a colon (``Faster R-CNN: Towards …``)."""
    variants = list(titles)
    for title in titles:
        head = title.partition(":")[0].strip()
        if head != title.strip() and len(normalize_title(head)) >= 4:
            variants.append(head)
    return list(dict.fromkeys(variants))


class _Marker:
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

    def _found(self, item: Item, path: str, how: str, expected: str | None) -> None:
        item.where, item.how = path, How(how)
        if path in self.snap.dirs:
            item.status = Status.PRESENT if self.has_content(path) else Status.EMPTY
        else:
            item.status = Status.EMPTY if self.snap.is_empty(path) else Status.PRESENT
        if path == expected:
            item.where = None

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

    def mark_path(self, item: Item) -> None:
        snap = self.snap
        is_folder = item.kind in (Kind.FOLDER, Kind.SECTION)
        expected = self.under(item.path) if item.path else None
        here = expected is not None and (
            expected in snap.dirs if is_folder else snap.has_file(expected)
        )
        if expected is not None and here:
            self._found(item, expected, How.PATH, expected)
            return
        written = self.resolve(item.written, by_tail=False) if item.written else None
        if written is not None and (written in snap.dirs) == is_folder:
            self._found(item, written, How.PATH, None)  # written from the root, not the step
            return
        pool = snap.dirs if is_folder else snap.file_set
        found = self._by_tail(item.name, is_folder)
        if expected is not None:
            archive = archive_standin(snap, expected, self.root)
            if archive:
                item.status, item.where = Status.ARCHIVED, archive
                return
            # `06_Engineering` for `06_Engineering_&_Tuning`: any such sibling for a name
            # the plan gives no certain place, else only one the plan itself names
            extended = self._extended(expected, self.named & pool if item.placed else pool)
            if extended:
                self._found(item, extended, How.FILE_NAME, expected)
                return
            if not found:
                found = self._by_tail(item.name.rpartition("/")[2], is_folder)
            if item.mentioned and not self._first_folder_here(expected, item.written):
                item.status = Status.SKIP  # a path in someone else's tree, named in passing
                return
            if found:
                item.status, item.where, item.how = Status.MISPLACED, found[0], How.FILE_NAME
                return
            item.status = Status.MISSING
            return
        if found:  # a bare name the plan gives no place for: anywhere will do
            self._found(item, found[0], How.FILE_NAME, None)
            return
        item.status = Status.SKIP

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

    def mark_paper(self, item: Item) -> None:
        snap = self.snap
        folder = self.under(item.path) if item.path else None
        if folder is not None and folder.lower().endswith(DOCUMENT_SUFFIXES):
            if snap.has_file(folder):  # linked to a local file: expected exactly there
                self._found(item, folder, How.PATH, folder)
                return
            folder = folder.rpartition("/")[0]
        if item.written and not item.remote:
            written = self.resolve(item.written)
            if written is not None and snap.has_file(written):
                self._found(item, written, How.PATH, None)
                return
        matches = locate_paper(self.index, (item.name, *item.aliases), item.identifiers)
        archives = self.index.archives
        if folder is not None:  # the folder the paper is read in (`code/unet`) is not it
            matches = [m for m in matches if not (folder + "/").startswith(m.path + "/")]
        real = [match for match in matches if match.path not in archives]
        stored = [match for match in matches if match.path in archives]
        if folder is not None:
            here = [m for m in real if m.path.startswith(folder + "/")]
            if here:
                self._found(item, here[0].path, here[0].how, None)
                return
            if real:
                item.status, item.where, item.how = Status.MISPLACED, real[0].path, How(real[0].how)
                return
        elif real:
            self._found(item, real[0].path, real[0].how, None)
            return
        if stored:
            item.status, item.where, item.how = Status.ARCHIVED, stored[0].path, How(stored[0].how)
            return
        item.status = Status.ONLINE if item.remote else Status.MISSING

    def mark(self, items: Iterable[Item]) -> None:
        items = list(items)
        self.named = {
            self.under(item.path)
            for item in items
            if item.kind in (Kind.FOLDER, Kind.SECTION) and item.path
        }
        for item in items:
            if item.kind == Kind.PAPER:
                self.mark_paper(item)
            else:
                self.mark_path(item)
            if item.written and item.plan_file and not item.remote:
                item.resolves = self.resolve(item.written) is not None


def ruleset_items(config: Config, named: set[str], titles: set[str]) -> list[Item]:
    """What the rule sets list that the plan's markdown does not name."""
    items: list[Item] = []
    for section in config.sections:
        if section.path not in named:
            items.append(
                Item(Kind.SECTION, section.path, 0, path=section.path, required=section.required)
            )
    for expected in config.paths:
        if expected.path not in named:
            kind = Kind.FILE if expected.kind == Kind.FILE else Kind.FOLDER
            items.append(Item(kind, expected.path, 0, path=expected.path, step=expected.step))
    for paper in config.papers:
        if paper.section and normalize_title(paper.title) not in titles:
            items.append(
                Item(
                    Kind.PAPER,
                    paper.title,
                    0,
                    path=paper.section,
                    step=paper.step,
                    aliases=paper.aliases,
                )
            )
    return items


def _apply_aliases(plan: ReadingPlan, config: Config) -> None:
    known = {normalize_title(t): p for p in config.papers for t in (p.title, *p.aliases)}
    for item in plan.items():
        paper = known.get(normalize_title(item.name)) if item.kind == Kind.PAPER else None
        if paper is not None:
            item.aliases = tuple(t for t in (paper.title, *paper.aliases) if t != item.name)


def words_of(config: Config) -> Words:
    """The usual heading words, and those the configuration adds (``phase-words``,
    ``step-words``): each labels its items as it is written."""
    from papershelf.readingplan.reader import DEFAULT_WORDS, Words

    if not config.phase_words and not config.step_words:
        return DEFAULT_WORDS
    phase = {**DEFAULT_WORDS.phase, **{w.casefold(): w for w in config.phase_words}}
    step = {**DEFAULT_WORDS.step, **{w.casefold(): w for w in config.step_words}}
    return Words(phase, step)


def build(snapshot: Snapshot, config: Config, layout: Layout) -> list[ReadingPlan]:
    """Every plan source parsed and marked: the first is the repository's own plan."""
    plans: list[ReadingPlan] = []
    sections = {section.path.split("/")[0] for section in config.sections}
    from papershelf.readingplan.stored import ParsedPlans

    parsed = ParsedPlans(snapshot.cache_dir)
    readmes: set[int] = set()  # READMEs read as plans for want of one
    skipped = [ReadingPlan("", [], False, s.file, skipped=s) for s in layout.skipped]
    left = PLAN_MAX_ITEMS
    for index, source in enumerate(layout.sources):
        try:
            plan = _parse_source(source, sections, config, left, parsed)
        except TooManyItems as full:
            alone = left == PLAN_MAX_ITEMS  # over the limit by itself: the others may fit
            rest = "" if alone else rest_of(layout.sources, index)
            skipped.append(_too_many(source, full.line, alone, rest))
            if alone:
                continue
            break
        if source.readme and not any(item.kind == Kind.PAPER or item.path for item in plan.items()):
            continue  # project documentation, not a plan
        if source.readme:
            readmes.add(id(plan))
        left -= sum(1 for _ in plan.items())
        plans.append(plan)
    if layout.plan_root is not None and not any(True for plan in plans for _ in plan.items()):
        shipped = shipped_plan_text(config)  # the repository's plan is the rule set's plan
        if shipped is not None:
            source = PlanSource(None, shipped, layout.plan_root, layout.plan_root)
            plans = [_parse_source(source, sections, config, parsed=parsed)]
    parsed.save()
    if not plans:
        plans.append(ReadingPlan("", [], False, None, root=layout.plan_root or ""))
    first = plans[0]
    named = {item.path for item in first.items() if item.path}
    titles = {normalize_title(item.name) for item in first.items() if item.kind == Kind.PAPER}
    if layout.plan_root is not None:
        first.sections = ruleset_items(config, named, titles)
    for plan in plans:
        _apply_aliases(plan, config)
        marker = _Marker(snapshot, plan.root, plan.plan_file)
        if layout.plan_root is not None:
            plan.papers = marker.read_papers(list(plan.all_items()))
        marker.mark(plan.all_items())
        if id(plan) in readmes and not _describes_the_repository(plan):
            plan.phases = []  # project documentation: its paths are examples
            continue
        for phase in plan.phases:
            for step in phase.steps:
                step.items = [item for item in step.items if item.status != Status.SKIP]
        plan.sections = [item for item in plan.sections if item.status != Status.SKIP]
        plan.prune()
    if layout.plan_root is not None:  # else no plan folder is checked (see missing-path)
        mark_gone(plans)
    return plans + skipped


def _describes_the_repository(plan: ReadingPlan) -> bool:
    """A README read as the plan for want of one is the plan when it names papers, or when
    most of the folders and files it names are there: a course's weeks, not a tool's
    examples."""
    named = [item for item in plan.items() if item.kind != Kind.PAPER and item.path]
    here = sum(1 for item in named if item.status == Status.PRESENT)
    return any(item.kind == Kind.PAPER for item in plan.items()) or 2 * here >= len(named)


def _too_many(source: PlanSource, line: int, alone: bool, rest: str) -> ReadingPlan:
    """The plan file in which the plans reach the item limit, not read: an error when the
    configuration names it exactly, else a stand-in for the ``plan-file`` finding."""
    name = source.file or "the plan"
    limit = f"{PLAN_MAX_ITEMS:,} folders, files and papers"
    if not source.matched:
        raise ConfigError(name, f"the plan names more than {limit}", line)
    if alone:
        reason = f"by this line this plan file names more than {limit}: it is skipped"
    else:
        reason = f"by this line the plan files name more than {limit}: it was not read{rest}"
    return ReadingPlan(
        "", [], False, name, root=source.root, skipped=Skipped(name, reason, TOO_BIG_HINT, line)
    )


def _parse_source(
    source: PlanSource,
    sections: set[str],
    config: Config,
    max_items: int | None = None,
    parsed: ParsedPlans | None = None,
) -> ReadingPlan:
    base = _base_of(source)
    shape = (sorted(sections), config.phase_words, config.step_words, base, source.file)
    text = source.text
    key = f"{zlib.crc32(text.encode('utf-8', 'surrogateescape'))}:{len(text)}:{shape!r}"
    plan = parsed.get(key) if parsed is not None else None
    if plan is None or (
        max_items is not None and source.file and sum(1 for _ in plan.items()) > max_items
    ):  # not parsed before, or over the limit: the reader says where
        plan = _parse_text(text, sections, config, base, source.file, max_items)
        if parsed is not None:
            parsed.put(key, plan)
    plan.root = source.root
    return plan


def _parse_text(
    text: str,
    sections: set[str],
    config: Config,
    base: str,
    plan_file: str | None,
    max_items: int | None,
) -> ReadingPlan:
    return read_text(text, sections, config, base, plan_file, max_items)[0]


def read_text(
    text: str,
    sections: set[str],
    config: Config,
    base: str,
    plan_file: str | None,
    max_items: int | None = None,
) -> tuple[ReadingPlan, list[Note]]:
    """The one way a plan's text is read — mojibake repaired first — and the trace of
    what each block gave (``papershelf plan --explain`` prints it)."""
    from papershelf.mojibake_repair import SUSPECT
    from papershelf.readingplan.reader import read

    if SUSPECT.search(text):
        from papershelf.mojibake_repair import repair

        fixed = repair(text)
        if fixed is not None:
            text = fixed.text
    return read(
        text,
        sections,
        words=words_of(config),
        base=base,
        plan_file=plan_file,
        max_items=max_items if plan_file else None,
    )


def explain_source(source: PlanSource, config: Config) -> list[Note]:
    """What each block of one plan source was taken for, read exactly as the check reads it."""
    sections = {section.path.split("/")[0] for section in config.sections}
    return read_text(source.text, sections, config, _base_of(source), source.file)[1]


def _base_of(source: PlanSource) -> str:
    """The plan file's folder relative to the plan root: where its links start."""
    base = posixpath.relpath(source.folder or ".", source.root or ".") if source.file else ""
    return "" if base == "." else base


def plan_status(snapshot: Snapshot, config: Config, layout: Layout) -> list[ReadingPlan]:
    """The plans' status for this run, computed once however many views ask, and kept
    with the index facts for the next run (see :mod:`papershelf.readingplan.stored`)."""
    shape = repr(
        (
            layout.plan_root,
            [(s.file, s.root, s.folder, s.matched) for s in layout.sources],
            layout.skipped,
            config.sections,
            config.paths,
            config.papers,
            config.sources,
            config.phase_words,
            config.step_words,
        )
    )
    # the plan text a rule set ships stands in for a repository plan that names nothing
    shipped = shipped_plan_text(config) if config.sources else None
    texts = "".join(s.text for s in layout.sources) + "\0" + (shipped or "")
    key = (
        STATUS_CACHE
        + ":"
        + ":".join(
            str(zlib.crc32(part.encode("utf-8", "surrogateescape"))) for part in (shape, texts)
        )
        + f":{len(texts)}"
    )

    def compute() -> list[ReadingPlan]:
        from papershelf.readingplan import stored

        plain = snapshot.memo(
            key, lambda: stored.to_plain(build(snapshot, config, layout)), persist=True
        )
        plans = stored.from_plain(plain)
        return plans if plans is not None else build(snapshot, config, layout)

    return snapshot.memo(key + ":plans", compute)


def planned_folders(plans: Iterable[ReadingPlan], optional: bool = False) -> list[str]:
    """Repository-relative folders the plans lay out: what ``init`` and ``--fix`` create.

    With ``optional``, optional sections too. A name the plan abbreviates
    (``06_Engineering`` beside ``06_Engineering_&_Tuning``) is the same folder.
    """
    folders: dict[str, None] = {}
    for plan in plans:
        for item in plan.all_items():
            if (
                item.kind in (Kind.SECTION, Kind.FOLDER)
                and item.path
                and (item.required or optional)
            ):
                folders[plan.expected(item).strip("/")] = None
    names = set(folders)

    def abbreviates(path: str) -> bool:
        parent, _, name = path.rpartition("/")
        return any(
            shortens(name, other.rpartition("/")[2])
            for other in names
            if other.rpartition("/")[0] == parent
        )

    return [path for path in folders if path and not abbreviates(path)]
