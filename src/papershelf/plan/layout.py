"""Where the plan lives inside a repository: its root folder and its plan file(s)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from papershelf.config import Config
from papershelf.errors import ConfigError
from papershelf.plan.blockmarkers import strip_block
from papershelf.plan.model import Skipped
from papershelf.repo import gitfiles, inputs, repopaths
from papershelf.repo.snapshot import Snapshot
from papershelf.sizes import PLAN_MAX_BYTES

COMMON_PLAN_NAMES = (
    "HOW_TO_READ.md",
    "HOW_TO_READ.ru.md",
    "HOW_TO_READ.en.md",
    "README_Reading_Order.md",
    "READING_ORDER.md",
    "READING_PLAN.md",
    "STUDY_PLAN.md",
    "PLAN.md",
)


class PlanSource(NamedTuple):
    """One plan file's text and the folders its paths are read from."""

    file: str | None  # repository-relative; None: a rule set's shipped plan text
    text: str
    root: str  # the plan root: where rooted paths (`01_Section/…`) start
    folder: str  # the file's own folder: where its links start
    # Found by a glob in ``plan``: when it cannot be read it is skipped with a
    # ``plan-file`` finding. A plan named exactly (or by its usual name) is an error.
    matched: bool = False
    # A README read as the plan for want of one: kept only when it names papers or the
    # repository's folders and files, and skipped quietly when it cannot be read.
    readme: bool = False


# What to do when no plan is found: said by repo-check's finding and by `papershelf plan`.
NO_PLAN_HINT = (
    "write the plan as STUDY_PLAN.md (or READING_PLAN.md, HOW_TO_READ.md), list the "
    "papers in README.md, or name the plan with `plan` in .papershelf.toml"
)
TOO_BIG_HINT = "keep the plans to what is to be read, or narrow the globs in `plan`"


class Layout(NamedTuple):
    plan_root: str | None  # relative to the repository root; "" is the root itself
    plan_file: str | None
    plan_text: str | None
    sources: tuple[PlanSource, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def under_root(self, path: str) -> str:
        """A plan-relative path as a repository-relative one."""
        return posixpath.join(self.plan_root, path) if self.plan_root else path


def find_plan_root(snapshot: Snapshot, config: Config) -> str | None:
    """The shallowest folder holding the first section (or, failing that, any section)."""
    if config.root is not None:
        return config.root
    if not config.sections:
        return ""
    first = config.sections[0].path.split("/")[0]
    names = {section.path.split("/")[0] for section in config.sections}
    for wanted in ({first}, names):
        holders = [
            directory.rpartition("/")[0]
            for directory in snapshot.dirs
            if directory and directory.rpartition("/")[2] in wanted
        ]
        if holders:
            return min(holders, key=lambda holder: (holder.count("/") if holder else -1, holder))
    return None


def find_plan_file(snapshot: Snapshot, config: Config, plan_root: str | None) -> str | None:
    """A non-empty file with a usual plan name in the plan root or a folder above it."""
    if plan_root is None:
        return None
    candidates: list[str] = []
    folder: str | None = plan_root
    names = [*config.plan_files, *COMMON_PLAN_NAMES]
    while folder is not None:
        candidates.extend(posixpath.join(folder, name) if folder else name for name in names)
        folder = None if folder == "" else folder.rpartition("/")[0]
    for candidate in dict.fromkeys(candidates):
        if snapshot.has_file(candidate) and not snapshot.is_empty(candidate):
            return candidate
    return None


_GLOB = frozenset("*?[")


# A repository's own paperwork, never its reading list.
_BOILERPLATE = frozenset(
    {
        "license.md",
        "licence.md",
        "contributing.md",
        "code_of_conduct.md",
        "changelog.md",
        "history.md",
        "security.md",
        "support.md",
        "authors.md",
        "pull_request_template.md",
        "issue_template.md",
    }
)


def readme_plans(snapshot: Snapshot) -> list[str]:
    """The markdown files that may be the plan when none is named: the READMEs (the
    root's, then each folder's: a collection keeps one per folder), shallowest first,
    then the other markdown files (lists kept beside them: ``paper_list/alignment.md``),
    the repository's paperwork and ``.github/`` left out."""

    def found() -> list[str]:
        readmes: list[str] = []
        others: list[str] = []
        for path in snapshot.files:
            name = path.rpartition("/")[2].lower()
            if not name.endswith(".md") or name in _BOILERPLATE or path.startswith(".github/"):
                continue
            (readmes if is_readme(path) else others).append(path)
        return sorted(readmes, key=_shallow_first) + sorted(others, key=_shallow_first)

    return snapshot.memo("markdown-plans", found, persist=True)


def is_readme(path: str | None) -> bool:
    """A folder's README, which GitHub shows below its files."""
    return (path or "").rpartition("/")[2].lower() == "readme.md"


def _shallow_first(path: str) -> tuple[int, str]:
    return (path.count("/"), path)


def configured_plan_files(snapshot: Snapshot, patterns: list[str]) -> list[str]:
    """Tracked files the configured ``plan`` names: paths, and gitignore-style globs."""
    if not any(_GLOB & set(pattern) for pattern in patterns):
        return [p for p in dict.fromkeys(patterns) if snapshot.has_file(p)]

    def matching() -> list[str]:
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        markdown = [path for path in snapshot.files if path.lower().endswith((".md", ".txt"))]
        return [path for path in markdown if spec.match_file(path)]

    return snapshot.memo("plan-files:" + "\0".join(patterns), matching, persist=True)


def shipped_plan_text(config: Config) -> str | None:
    """The plan text a rule set ships beside itself (``<name>.plan.md``), when non-empty."""
    for source in reversed(config.sources):
        path = Path(source)
        companion = path.with_name(path.stem + ".plan.md")
        inputs.note(companion)
        try:
            text = companion.read_text(encoding="utf-8")
        except OSError:
            continue
        if text.strip():
            return text
    return None


NOT_UTF8 = "the plan is not UTF-8 text; save it as UTF-8"


class _Unread(Exception):
    """A plan file that is not read: not UTF-8 text, past the plans' size limit
    (``alone``: it is over the limit by itself), or ``refused``: a link out of the
    repository, a FIFO or a device."""

    def __init__(
        self, reason: str, too_big: bool = False, alone: bool = False, refused: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_big = too_big
        self.alone = alone
        self.refused = refused


def _plan_text(path: Path, room: int, root: Path | None = None) -> tuple[str, int] | None:
    """A plan file's text and size, reading at most ``room`` bytes; it must be UTF-8 (a
    plan in cp1251 or a binary file would give findings in gibberish), a regular file,
    and, with ``root``, inside it (a tracked link may point anywhere). None: unopenable."""
    inputs.note(path)
    try:
        if root is not None and repopaths.within(root, path) is None:
            raise _Unread(repopaths.OUTSIDE_LINK, refused=True)
        data = repopaths.read_bytes(path, room + 1, whole=False)
    except repopaths.Refused as refused:
        raise _Unread(refused.reason, refused=True) from None
    except OSError:
        if root is None or os.path.lexists(path) or not gitfiles.sparse_checkout(root):
            return None
        # not in the work tree, but tracked (a sparse checkout leaves it out): the index's copy
        staged = gitfiles.index_blob(root, path.relative_to(root).as_posix(), room + 1)
        if staged is None:
            return None
        data = staged
    return _decoded(data, room, path)


def _decoded(data: bytes, room: int, path: Path) -> tuple[str, int]:
    if len(data) > room:
        size = max(path.stat().st_size if path.exists() else 0, len(data))
        limit = _mb(PLAN_MAX_BYTES)
        if size > PLAN_MAX_BYTES:
            raise _Unread(f"the plan is {_mb(size)}, over the {limit} papershelf reads", True, True)
        raise _Unread(f"with this file ({_mb(size)}) the plan files are over {limit}", True)
    try:  # a BOM (Windows editors write one) is no part of the first heading
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), len(data)
    except UnicodeDecodeError:
        raise _Unread(NOT_UTF8) from None


def _mb(size: int) -> str:
    if size < 100_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


def read_plan_file(path: Path, name: str) -> str | None:
    """A plan file named on the command line (``--plan FILE``): refused when unreadable."""
    try:
        read = _plan_text(path, PLAN_MAX_BYTES)
    except _Unread as unread:
        raise ConfigError(name, unread.reason) from None
    return read[0] if read else None


def rest_of(files: Sequence[object], index: int) -> str:
    """``", nor the 3 plan files after it"``: what a limit reached at ``index`` leaves out."""
    after = len(files) - index - 1
    return f", nor the {after} plan file{'s' if after > 1 else ''} after it" if after else ""


def locate(snapshot: Snapshot, config: Config) -> Layout:
    """The plan root and every plan source: the configured ``plan`` files (each read from
    its own folder unless a root or the shipped plan's sections place it), else the first
    file with a usual plan name in the plan root or above it, else the READMEs.

    A plan file named exactly that cannot be read (not UTF-8, over the size limit) is a
    ``ConfigError``; one a glob matched is skipped, and so are those after it once the
    plans together reach the size limit."""
    plan_root = find_plan_root(snapshot, config)
    files, exact, readmes = _candidates(snapshot, config, plan_root)
    placed = config.root is not None or bool(config.sections and len(files) == 1)
    sources, skipped = _read_texts(snapshot, files, exact, readmes, plan_root if placed else None)
    first = sources[0] if sources else None
    plan_file = first.file if first else (files[0] if files else None)
    if plan_root is not None and first is not None and not config.sections and not first.readme:
        plan_root = first.root if config.root is None else plan_root  # (found ones: each its own)
    return Layout(
        plan_root, plan_file, first.text if first else None, tuple(sources), tuple(skipped)
    )


def _read_texts(
    snapshot: Snapshot, files: list[str], exact: set[str], readmes: set[str], root: str | None
) -> tuple[list[PlanSource], list[Skipped]]:
    """The plan files read, in order, within the size limit for all of them together,
    and the glob-matched ones skipped (a README that cannot be read is simply no plan)."""
    sources: list[PlanSource] = []
    skipped: list[Skipped] = []
    room = PLAN_MAX_BYTES
    for index, name in enumerate(files):
        try:
            read = _plan_text(snapshot.root / name, room, snapshot.root)
        except _Unread as unread:
            if name in readmes:
                continue
            if name in exact:
                raise ConfigError(name, unread.reason) from None
            skipped.append(_skipped(name, unread, rest_of(files, index)))
            if unread.too_big and not unread.alone:
                break  # the plans together reached the limit: the rest are not read
            continue
        if read is None or not read[0].strip():
            continue
        text, size = read
        room -= size
        sources.append(_source(name, text, root, exact, readmes))
    return sources, skipped


def _source(
    name: str, text: str, root: str | None, exact: set[str], readmes: set[str]
) -> PlanSource:
    """A plan file read: from ``root`` when a root or the shipped sections place it, else
    from its own folder; a README's progress block is output, never plan."""
    folder = name.rpartition("/")[0]
    root = folder if root is None else root
    return PlanSource(name, strip_block(text), root, folder, name not in exact, name in readmes)


def _candidates(
    snapshot: Snapshot, config: Config, plan_root: str | None
) -> tuple[list[str], set[str], set[str]]:
    """The plan files to read, those named exactly, and the READMEs read for want of one."""
    if config.plan:
        files = configured_plan_files(snapshot, config.plan)
        return files, {pattern for pattern in config.plan if not _GLOB & set(pattern)}, set()
    found = find_plan_file(snapshot, config, plan_root)
    if found:
        return [found], {found}, set()
    if plan_root == "" and not config.sections and not config.config_file:
        readmes = readme_plans(snapshot)
        return readmes, set(), set(readmes)
    return [], set(), set()


def _skipped(name: str, unread: _Unread, rest: str) -> Skipped:
    """The ``plan-file`` finding's reason and hint for a glob-matched plan not read."""
    if unread.refused:
        hint = "leave it out of `plan`, or make it a file of the repository"
        return Skipped(name, f"{unread.reason}: this plan file is skipped", hint)
    if not unread.too_big:
        hint = "save it as UTF-8, or leave it out of `plan`"
        return Skipped(name, "not UTF-8 text: this plan file is skipped", hint)
    if unread.alone:  # the others may still fit
        reason = unread.reason.replace("the plan is", "this plan file is", 1)
        return Skipped(name, f"{reason}: it is skipped", TOO_BIG_HINT)
    return Skipped(name, f"{unread.reason}: it was not read{rest}", TOO_BIG_HINT)
