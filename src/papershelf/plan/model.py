"""The reading plan as data: phases, steps and the items each step names.

One plan model serves every view: ``repo-check``'s plan rules, ``papershelf
plan`` and ``--fix`` all read the same items and the status computed for them.
Plans, phases, steps and items are frozen: the reader makes them, the resolver
(:mod:`papershelf.plan.resolve`) gives each item its status record in a new plan
(:meth:`ReadingPlan.map_items`), and nothing changes what anyone holds.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from papershelf.papers.facts import PaperFacts


class _Named(str, enum.Enum):
    """A value written as itself: in messages, JSON and the cache."""

    def __str__(self) -> str:
        return str(self.value)


class Kind(_Named):
    SECTION = "section"  # a folder a rule set names
    FOLDER = "folder"
    FILE = "file"
    PAPER = "paper"


class Status(_Named):
    """Where an item stands, in the one order every view shows them."""

    PRESENT = "present"
    MISSING = "missing"
    MISPLACED = "misplaced"
    ARCHIVED = "archived"
    EMPTY = "empty"
    ONLINE = "online"
    SKIP = "skip"  # not checked: a bare name, or a path in passing, the repository lacks


class How(_Named):
    """How an item was found: at the path the plan gives, by a paper's arXiv id or DOI,
    its PDF's metadata title or first page (see papershelf.papers), or by its name."""

    PATH = "path"
    ARXIV_ID = "arxiv-id"
    DOI = "doi"
    METADATA = "metadata"
    FIRST_PAGE = "first-page"
    FILE_NAME = "file-name"


# The one order every view lists statuses in: what is done first, what is missing last.
SHOWN_ORDER: tuple[str, ...] = tuple(
    status.value
    for status in (
        Status.PRESENT,
        Status.EMPTY,
        Status.ARCHIVED,
        Status.MISPLACED,
        Status.ONLINE,
        Status.MISSING,
    )
)
KINDS = tuple(Kind)
STATUSES = tuple(status for status in Status if status is not Status.SKIP)
HOW = tuple(How)
# A folder or file in one of these is not where the plan says: ``missing-path`` reports it.
GONE = (Status.MISSING, Status.ARCHIVED, Status.MISPLACED)


class TooManyItems(Exception):
    """The plan names more items than the reader was allowed: it stopped at ``line``."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


class Skipped(NamedTuple):
    """A plan file a glob matched that papershelf did not read, why, and what to do."""

    file: str
    reason: str
    hint: str
    line: int = 0  # where the plan files reached the item limit


class Item(NamedTuple):
    """One section, folder, file or paper the plan names, with its status once resolved
    (``status``, ``where``, ``how``: the resolver's record; ``gone``: what reports it)."""

    kind: Kind
    name: str  # as the plan writes it (a paper's title, a folder's path)
    line: int  # 1-based line in ``plan_file``; 0 when it comes from a rule set
    path: str | None = None  # where the plan expects it, relative to the plan root
    step: str = ""  # the step that reads it: "Phase 1, step 3.1"
    phase: str = ""  # the phase heading it sits under
    plan_file: str | None = None  # repository-relative, or the rule set that named it
    end_line: int = 0  # the last line of its source span (== line for one-line items)
    written: str = ""  # the path reference exactly as written, when it was one
    identifiers: tuple[str, ...] = ()  # arXiv ids, DOIs and URLs written beside a paper
    remote: bool = False  # a paper linked only to a remote URL: ``online`` when not here
    read: bool | None = None  # a task-list box: ``[x]`` True, ``[ ]`` False, else None
    required: bool = True  # False: an optional section (named by a rule set)
    aliases: tuple[str, ...] = ()  # other titles a rule set knows the paper by
    anywhere: bool = False  # a bare name: wherever the repository has it
    placed: bool = True  # False: ``path`` is a guess (no section, link or step folder)
    # A path a sentence mentions in a code span (``modify `attack/const.py` ``), not one the
    # plan sends the reader to: checked only where the repository has its first folder.
    mentioned: bool = False
    status: Status = Status.MISSING
    where: str | None = None  # repository-relative: where it was found, or the archive
    how: How | None = None  # when found
    resolves: bool = True  # the written reference resolves as written (plan-reference)
    # The topmost folder or file of the plan that is not where the plan says and that is,
    # or holds, this missing item (repository-relative): one finding reports them all.
    gone: str | None = None

    def but(self, **changes: Any) -> Item:
        """This item with ``changes``: items are never changed in place, so what one view
        or rule holds is what every other sees."""
        return self._replace(**changes)

    @property
    def label(self) -> str:
        return f'"{self.name}"' if self.kind == Kind.PAPER else self.name


class Step(NamedTuple):
    title: str
    line: int
    items: tuple[Item, ...] = ()


class Phase(NamedTuple):
    title: str
    line: int
    steps: tuple[Step, ...] = ()


class ReadingPlan(NamedTuple):
    """One plan file's phases, steps and items, frozen: each step of the pipeline (read,
    resolve, mark what is gone) gives a new plan."""

    title: str
    phases: tuple[Phase, ...]
    structured: bool  # False: the plan had no phase or step headings, this is a flat list
    plan_file: str | None = None  # None: a rule set's own plan text stands in
    root: str = ""  # the plan root its paths are read from, repository-relative
    sections: tuple[Item, ...] = ()  # what a rule set adds; not shown
    papers: PaperFacts | None = None  # the PDFs under its root, read for its papers
    skipped: Skipped | None = None  # a plan file that was not read: why (no items then)

    def items(self) -> Iterator[Item]:
        for phase in self.phases:
            for step in phase.steps:
                yield from step.items

    def all_items(self) -> Iterator[Item]:
        """Every item, the rule set's sections included: what the plan rules look at."""
        yield from self.sections
        yield from self.items()

    def expected(self, item: Item) -> str:
        """Where the plan expects ``item``, repository-relative ("" when it gives no place)."""
        return posixpath.join(self.root, item.path or "") if self.root else item.path or ""

    def missing_folder(self, item: Item) -> str | None:
        """The missing folder (or file) that holds ``item`` and is reported for it."""
        if item.gone is None or (item.kind != Kind.PAPER and item.gone == self.expected(item)):
            return None
        return item.gone

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {status.value: 0 for status in STATUSES[:5]}
        for item in self.items():
            counts[item.status.value] = counts.get(item.status.value, 0) + 1
        return counts

    def reading(self) -> dict[str, int]:
        """Items a task list marks: ``[x]`` read, ``[ ]`` unread; other items are not counted."""
        counts = {"read": 0, "unread": 0}
        for item in self.items():
            if item.read is not None:
                counts["read" if item.read else "unread"] += 1
        return counts

    def but(self, **changes: Any) -> ReadingPlan:
        return self._replace(**changes)

    def map_items(self, change: Callable[[Item], Item], sections: bool = True) -> ReadingPlan:
        """This plan with ``change(item)`` in every item's place (the rule set's sections
        too, unless ``sections`` is False)."""
        return self.but(
            sections=tuple(map(change, self.sections)) if sections else self.sections,
            phases=tuple(
                phase._replace(
                    steps=tuple(
                        step._replace(items=tuple(map(change, step.items))) for step in phase.steps
                    ),
                )
                for phase in self.phases
            ),
        )

    def keeping(self, keep: Callable[[Item], bool]) -> ReadingPlan:
        """This plan with only the items ``keep`` keeps, and no step or phase left empty."""
        phases = []
        for phase in self.phases:
            steps = []
            for step in phase.steps:
                items = tuple(item for item in step.items if keep(item))
                if items:
                    steps.append(step._replace(items=items))
            if steps:
                phases.append(phase._replace(steps=tuple(steps)))
        return self.but(
            phases=tuple(phases), sections=tuple(item for item in self.sections if keep(item))
        )

    def pruned(self) -> ReadingPlan:
        """This plan without steps and phases left without items."""
        return self.keeping(lambda item: True)


def mark_gone(plans: Iterable[ReadingPlan]) -> list[ReadingPlan]:
    """The plans with ``gone`` set on every missing item: the plan's folders and files
    that are not where the plan says are each reported once, and nothing below them
    again — the folders and files inside, and the papers the plan reads from them, go
    with them."""
    plans = list(plans)
    wanted: set[str] = set()
    for plan in plans:
        for item in plan.all_items():
            if _is_gone(item):
                wanted.add(plan.expected(item))
    tops: list[str] = []
    for path in sorted(wanted):
        if not any(path.startswith(top + "/") for top in tops):
            tops.append(path)
    marked = []
    for plan in plans:

        def gone(item: Item, plan: ReadingPlan = plan) -> Item:
            paper = item.kind == Kind.PAPER and item.status == Status.MISSING and bool(item.path)
            if not (paper or _is_gone(item)):
                return item
            path = plan.expected(item)
            top = next((top for top in tops if path == top or path.startswith(top + "/")), None)
            return item.but(gone=top)

        marked.append(plan.map_items(gone))
    return marked


def owner(plan: ReadingPlan, item: Item) -> str | None:
    """The one rule that reports ``item``'s status, if it is to be reported at all.

    A folder or file of the plan that is not where it says is ``missing-path``'s, and
    what it holds goes with it; an empty file is ``empty-file``'s; a paper that is not
    where the plan reads it (missing, filed elsewhere, archived, only online) is
    ``missing-paper``'s. (``plan-reference`` judges the link as written, not the item.)
    """
    if item.gone is not None:
        top = item.kind != Kind.PAPER and item.gone == plan.expected(item)
        return "missing-path" if top else None
    if item.status == Status.EMPTY and item.kind in (Kind.FILE, Kind.PAPER):
        return "empty-file"
    if item.kind == Kind.PAPER and item.status in _PAPER_FINDINGS:
        return "missing-paper"
    return None


_PAPER_FINDINGS = (Status.MISSING, Status.MISPLACED, Status.ARCHIVED, Status.ONLINE)


def gone_items(plans: Iterable[ReadingPlan]) -> dict[str, Item]:
    """The folders and files ``missing-path`` reports, by repository path: each is ``gone``
    itself (``missing``, ``archived`` or ``misplaced``), and holds what it covers."""
    found: dict[str, Item] = {}
    for plan in plans:
        for item in plan.all_items():
            if (
                item.gone is not None
                and item.kind != Kind.PAPER
                and item.gone == plan.expected(item)
            ):
                found.setdefault(item.gone, item)
    return found


def _is_gone(item: Item) -> bool:
    return item.kind != Kind.PAPER and bool(item.path) and item.required and item.status in GONE
