"""The plans' status for one run: each plan source read (once per text, cached), the
rule set's items added, every item resolved against the snapshot
(:mod:`papershelf.plan.resolve`), the result kept with the index facts.

Everything that asks "is this folder or paper here?" reads the answer from
here: the plan rules, ``papershelf plan`` and ``repo-check --fix``.
"""

from __future__ import annotations

import posixpath
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from papershelf.config import Config, Paper
from papershelf.errors import ConfigError
from papershelf.plan.layout import (
    TOO_BIG_HINT,
    Layout,
    PlanSource,
    is_readme,
    rest_of,
    shipped_plan_text,
)
from papershelf.plan.model import (
    Item,
    Kind,
    ReadingPlan,
    Skipped,
    Status,
    TooManyItems,
    mark_gone,
)
from papershelf.plan.names import (
    normalize_title,
    shortens,
)
from papershelf.plan.resolve import Marker
from papershelf.repo.snapshot import Snapshot
from papershelf.sizes import PLAN_MAX_ITEMS

if TYPE_CHECKING:
    from papershelf.plan.reader import Note, Words
    from papershelf.plan.stored import ParsedPlans
    from papershelf.repo.inputs import Identity

STATUS_CACHE = "plan-status.v2"


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


def _apply_aliases(plan: ReadingPlan, config: Config) -> ReadingPlan:
    known = {normalize_title(t): p for p in config.papers for t in (p.title, *p.aliases)}
    if not known:
        return plan
    return plan.map_items(lambda item: _with_aliases(item, known), sections=False)


def _with_aliases(item: Item, known: dict[str, Paper]) -> Item:
    paper = known.get(normalize_title(item.name)) if item.kind == Kind.PAPER else None
    if paper is None:
        return item
    return item.but(aliases=tuple(t for t in (paper.title, *paper.aliases) if t != item.name))


def words_of(config: Config) -> Words:
    """The usual heading words, and those the configuration adds (``phase-words``,
    ``step-words``): each labels its items as it is written."""
    from papershelf.plan.reader import DEFAULT_WORDS, Words

    if not config.phase_words and not config.step_words:
        return DEFAULT_WORDS
    phase = {**DEFAULT_WORDS.phase, **{w.casefold(): w for w in config.phase_words}}
    step = {**DEFAULT_WORDS.step, **{w.casefold(): w for w in config.step_words}}
    return Words(phase, step)


def build(snapshot: Snapshot, config: Config, layout: Layout) -> list[ReadingPlan]:
    """Every plan source parsed and marked: the first is the repository's own plan."""
    from papershelf.plan.stored import ParsedPlans

    parsed = ParsedPlans(snapshot.cache_dir)
    plans, skipped, readmes = _read_sources(config, layout, parsed)
    if layout.plan_root is not None and not any(True for plan in plans for _ in plan.items()):
        shipped = shipped_plan_text(config)  # the repository's plan is the rule set's plan
        if shipped is not None:
            source = PlanSource(None, shipped, layout.plan_root, layout.plan_root)
            plans = [_parse_source(source, _sections(config), config, parsed=parsed)]
    parsed.save()
    if not plans:
        plans.append(ReadingPlan("", (), False, None, root=layout.plan_root or ""))
    if layout.plan_root is not None:
        first = plans[0]
        named = {item.path for item in first.items() if item.path}
        titles = {normalize_title(item.name) for item in first.items() if item.kind == Kind.PAPER}
        plans[0] = first.but(sections=tuple(ruleset_items(config, named, titles)))
    resolved = []
    for plan in plans:
        plan = _resolve(snapshot, config, plan, papers=layout.plan_root is not None)
        if plan.plan_file in readmes and not _describes_the_repository(plan):
            plan = plan.but(phases=())  # project documentation: its paths are examples
        resolved.append(plan)
    if layout.plan_root is not None:  # else no plan folder is checked (see missing-path)
        resolved = mark_gone(resolved)
    return resolved + skipped


def _sections(config: Config) -> set[str]:
    return {section.path.split("/")[0] for section in config.sections}


def _read_sources(
    config: Config, layout: Layout, parsed: ParsedPlans
) -> tuple[list[ReadingPlan], list[ReadingPlan], set[str | None]]:
    """The plan sources read within the item limit; stand-ins for those skipped (for the
    ``plan-file`` finding); and which plans are READMEs read for want of a plan."""
    plans: list[ReadingPlan] = []
    skipped = [ReadingPlan("", (), False, s.file, skipped=s) for s in layout.skipped]
    readmes: set[str | None] = set()
    left = PLAN_MAX_ITEMS
    for index, source in enumerate(layout.sources):
        try:
            plan = _parse_source(source, _sections(config), config, left, parsed)
        except TooManyItems as full:
            alone = left == PLAN_MAX_ITEMS  # over the limit by itself: the others may fit
            rest = "" if alone else rest_of(layout.sources, index)
            skipped.append(_too_many(source, full.line, alone, rest))
            if alone:
                continue
            break
        if source.readme:
            if not any(item.kind == Kind.PAPER or item.path for item in plan.items()):
                continue  # project documentation, not a plan
            readmes.add(plan.plan_file)
        left -= sum(1 for _ in plan.items())
        plans.append(plan)
    return plans, skipped, readmes


def _resolve(snapshot: Snapshot, config: Config, plan: ReadingPlan, papers: bool) -> ReadingPlan:
    """``plan`` with every item's status; what is not to be checked dropped."""
    plan = _apply_aliases(plan, config)
    marker = Marker(snapshot, plan.root, plan.plan_file)
    if papers:
        plan = plan.but(papers=marker.read_papers(list(plan.all_items())))
    plan = _skip_ignored(snapshot, marker.mark(plan))
    return plan.keeping(lambda item: item.status != Status.SKIP)


def _ignore_files(snapshot: Snapshot) -> list[tuple[str, Identity]]:
    """The ignore files git reads, as they are in the work tree: the status depends on
    them (see :func:`_skip_ignored`), and so does a warm run's answer."""
    if not snapshot.in_git:
        return []
    from papershelf.repo import inputs

    found = [snapshot.root / path for path in snapshot.paths_holding(".gitignore", in_name=True)]
    found.append(snapshot.root / ".gitignore")
    if snapshot.cache_dir is not None:  # <git-dir>/papershelf
        found.append(snapshot.cache_dir.parent / "info" / "exclude")
    identities = []
    for path in sorted(set(found)):
        inputs.note(path)
        identities.append((str(path), inputs.identity(path)))
    return identities


def _skip_ignored(snapshot: Snapshot, plan: ReadingPlan) -> ReadingPlan:
    """A missing folder or file git ignores is not missing: it cannot be committed (a
    README telling you to put the data in `data/raw`, kept out of git on purpose)."""
    missing = {
        plan.expected(item): item
        for item in plan.all_items()
        if item.status == Status.MISSING and item.kind != Kind.PAPER and item.path
    }
    if not missing or not snapshot.in_git:
        return plan
    from papershelf.repo import gitfiles

    asked = [path + "/" if missing[path].kind != Kind.FILE else path for path in missing]
    try:
        ignored = gitfiles.ignored(snapshot.root, asked)
    except gitfiles.GitError:
        return plan  # git cannot say (a FIFO .gitignore): the items stay missing
    skipped = {id(missing[path.rstrip("/")]) for path in ignored if path.rstrip("/") in missing}
    return plan.map_items(
        lambda item: item.but(status=Status.SKIP) if id(item) in skipped else item
    )


def _describes_the_repository(plan: ReadingPlan) -> bool:
    """A README read as the plan for want of one is the plan when it names papers, or when
    most of the folders and files it names are there: a course's weeks, not a tool's
    examples. Another markdown file is a plan only when it names papers and most of the
    folders and files it names are there."""
    named = [item for item in plan.items() if item.kind != Kind.PAPER and item.path]
    here = sum(1 for item in named if item.status == Status.PRESENT)
    mostly_here = 2 * here >= len(named)
    papers = any(item.kind == Kind.PAPER for item in plan.items())
    if is_readme(plan.plan_file):
        return papers or mostly_here
    return papers and mostly_here


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
        "", (), False, name, root=source.root, skipped=Skipped(name, reason, TOO_BIG_HINT, line)
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
    return plan.but(root=source.root)


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
    """The one way a configured plan's text is read (mojibake repaired by the reader), and
    the trace of what each block gave (``papershelf plan --explain`` prints it)."""
    from papershelf.plan.reader import read

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
    return read_text(source.text, _sections(config), config, _base_of(source), source.file)[1]


def _base_of(source: PlanSource) -> str:
    """The plan file's folder relative to the plan root: where its links start."""
    base = posixpath.relpath(source.folder or ".", source.root or ".") if source.file else ""
    return "" if base == "." else base


def plan_status(snapshot: Snapshot, config: Config, layout: Layout) -> list[ReadingPlan]:
    """The plans' status for this run, computed once however many views ask, and kept
    with the index facts for the next run (see :mod:`papershelf.plan.stored`)."""
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
    # (every rule asks: what is read from disk for the key is read once per run)
    shipped = None
    if config.sources:
        sources = "shipped-plan:" + repr(config.sources)
        shipped = snapshot.memo(sources, lambda: shipped_plan_text(config))
    texts = "".join(s.text for s in layout.sources) + "\0" + (shipped or "")
    ignores = snapshot.memo("ignore-files", lambda: repr(_ignore_files(snapshot)))
    texts += "\0" + ignores  # what git ignores is no missing path
    key = (
        STATUS_CACHE
        + ":"
        + ":".join(
            str(zlib.crc32(part.encode("utf-8", "surrogateescape"))) for part in (shape, texts)
        )
        + f":{len(texts)}"
    )

    def compute() -> list[ReadingPlan]:
        from papershelf.plan import stored

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
