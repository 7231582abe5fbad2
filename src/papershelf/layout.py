"""Where the plan lives inside a repository: its root folder and its plan file(s)."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import NamedTuple

from papershelf import inputs
from papershelf.config import Config
from papershelf.errors import ConfigError
from papershelf.snapshot import Snapshot

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


class Layout(NamedTuple):
    plan_root: str | None  # relative to the repository root; "" is the root itself
    plan_file: str | None
    plan_text: str | None
    sources: tuple[PlanSource, ...] = ()

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


def _require_utf8(path: Path, name: str) -> None:
    """A plan in another encoding (cp1251) or a binary file would give findings in gibberish."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(name, "the plan is not UTF-8 text; save it as UTF-8") from None
    except OSError:
        return


def locate(snapshot: Snapshot, config: Config) -> Layout:
    """The plan root and every plan source: the configured ``plan`` files (each read from
    its own folder unless a root or the shipped plan's sections place it), else the first
    file with a usual plan name in the plan root or above it."""
    plan_root = find_plan_root(snapshot, config)
    if config.plan:
        files = configured_plan_files(snapshot, config.plan)
    else:
        found = find_plan_file(snapshot, config, plan_root)
        files = [found] if found else []
    sources: list[PlanSource] = []
    for name in files:
        text = snapshot.read_text(name)
        if text is None or not text.strip():
            continue
        if "\ufffd" in text:  # undecodable bytes, or a U+FFFD the plan really holds
            _require_utf8(snapshot.root / name, name)
        folder = name.rpartition("/")[0]
        placed = config.root is not None or (config.sections and len(files) == 1)
        root = plan_root if placed and plan_root is not None else folder
        sources.append(PlanSource(name, text, root, folder))
    first = sources[0] if sources else None
    plan_file = first.file if first else (files[0] if files else None)
    if plan_root is not None and first is not None and not config.sections:
        plan_root = first.root if config.root is None else plan_root
    return Layout(plan_root, plan_file, first.text if first else None, tuple(sources))
