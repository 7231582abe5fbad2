"""``repo-check --fix``: additive, reversible repairs, each printed before it is made.

A fix only creates (a plan folder with its ``.gitkeep``, a ``.gitignore``
line, a ``.gitmodules`` entry) or renames/rewrites a mojibake name or plan
whose repair round-trips exactly. It never deletes, moves or untracks a
file: for those it prints the exact commands and leaves the choice to the
user. What it writes is staged, since ``repo-check`` reads the index. Every
write goes through :func:`papershelf.repo.repopaths.writable`: nothing, whatever the
configuration or a symbolic link says, is written outside the repository.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from papershelf.check.rules.mojibake import broken_names
from papershelf.findings import Finding
from papershelf.mojibake_repair import repair
from papershelf.plan.model import Item, Status
from papershelf.plan.scaffold import GITIGNORE, GITKEEP
from papershelf.repo import gitfiles
from papershelf.repo.gitfiles import MODE_GITLINK
from papershelf.repo.repopaths import Refused, read_inside, writable
from papershelf.shown import HIDDEN, Placeholder, command
from papershelf.sizes import PLAN_MAX_BYTES, TEXT_MAX_BYTES
from papershelf.workspace import Workspace

_URL = re.compile(r"https?://[^\s)\]>\"'`]+|git@[\w.-]+:[^\s)\]>\"'`]+")
# A plan may name a folder with a control, bidirectional or zero-width character in it;
# papershelf does not create a name that does not read as it is.
_HIDDEN_NAME = (
    "not created: the name holds a control, bidirectional or zero-width character "
    "(shown escaped); correct the plan"
)
_LINK_FILE = re.compile(r"(?i)(repo|link|url|source|origin)[^/]*\.(md|txt|url)$")


@dataclass
class Fix:
    """One repair: ``would`` reads after "would" (e.g. "create X"); ``done`` after "fixed:"."""

    would: str  # "create `a/.gitkeep`"
    done: str  # "created `a/.gitkeep`"
    apply: Callable[[], list[str]]  # makes the change, returns paths to stage
    touches: tuple[str, ...] = ()  # repository paths it creates or rewrites
    moves: tuple[tuple[str, str], ...] = ()  # repository paths it renames (from, to)


@dataclass
class Advice:
    """A problem papershelf will not fix itself, with the exact commands to do it."""

    path: str
    text: str


@dataclass
class FixList:
    fixes: list[Fix]
    advice: list[Advice]

    def lines(self, dry_run: bool) -> list[str]:
        lines = [f"would {fix.would}" if dry_run else f"fixed: {fix.done}" for fix in self.fixes]
        lines += [f"not fixed: {item.path}: {item.text}" for item in self.advice]
        return lines


def find_fixes(
    workspace: Workspace, findings: list[Finding], rules: Collection[str] | None = None
) -> FixList:
    """Every fix the findings allow, and advice for those that need a person.

    ``rules`` limits the fixes to those rules' problems (default: every enabled rule).
    """
    if rules is None:
        rules = {slug for slug, settings in workspace.config.rules.items() if settings.enabled}
    result = FixList([], [])
    reported = _Reported(findings)
    if "missing-path" in rules:
        _missing_plan_file(workspace, result, reported)
        _missing_folders(workspace, result, reported)
    if "committed-artifact" in rules:
        _ignore_patterns(workspace, findings, result)
    if "broken-submodule" in rules and workspace.snapshot.in_git:
        _gitmodules(workspace, result, reported)
    if "mojibake" in rules:
        _mojibake(workspace, result, reported)
    for finding in findings:
        if finding.rule == "archive-in-git":
            result.advice.append(
                Advice(
                    finding.path,
                    "papershelf does not untrack files; to take it out of git and keep its "
                    f"contents: {command('git rm --cached', finding.path)} && "
                    f"{command('papershelf extract', finding.path)}",
                )
            )
    return result


class _Reported:
    """Fix only what a finding reports: ignores and severity "off" keep their meaning."""

    def __init__(self, findings: list[Finding]) -> None:
        self.paths: dict[str, set[str]] = {}
        for finding in findings:
            self.paths.setdefault(finding.rule, set()).add(finding.path)

    def exact(self, rule: str, path: str) -> bool:
        return path in self.paths.get(rule, set())

    def within(self, rule: str, path: str) -> bool:
        """``path`` or a folder above it was reported (``.``: the whole repository)."""
        reported = self.paths.get(rule, set())
        if "." in reported or path in reported:
            return True
        return any(path.startswith(folder + "/") for folder in reported)


def apply_fixes(workspace: Workspace, fixes: FixList) -> list[str]:
    """Apply every fix in order and stage what they wrote, or — when one fails — put the
    work tree and the index back exactly as they were. Returns the lines to print."""
    root, in_git = workspace.root, workspace.snapshot.in_git
    journal = _Journal(root, gitfiles.git_path(root, "index") if in_git else None)
    staged: list[str] = []
    try:
        for fix in fixes.fixes:
            journal.keep(fix.touches, fix.moves)
            staged.extend(fix.apply())
        if in_git and staged:
            gitfiles.stage(root, list(dict.fromkeys(staged)))
    except BaseException:
        journal.restore()
        raise
    return fixes.lines(dry_run=False)


class _Journal:
    """What the fixes are about to change, kept so that a failure halfway undoes it all."""

    def __init__(self, root: Path, index: Path | None) -> None:
        self.root = root
        self.index = index
        self.index_bytes = index.read_bytes() if index is not None and index.is_file() else None
        self.files: dict[str, bytes | None] = {}  # None: it did not exist
        self.made: list[Path] = []  # folders that did not exist, outermost first
        self.moves: list[tuple[str, str]] = []

    def keep(self, paths: Sequence[str], moves: Sequence[tuple[str, str]]) -> None:
        for relative in paths:
            if relative in self.files:
                continue
            path = self.root / relative
            if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
                continue  # a link, a folder, a FIFO: never written, so never taken back
            self.files[relative] = path.read_bytes() if path.is_file() else None
            missing = []
            for folder in path.parents:
                if folder == self.root or os.path.lexists(folder):
                    break
                missing.append(folder)
            self.made.extend(reversed(missing))
        self.moves.extend(moves)

    def restore(self) -> None:
        for source, target in reversed(self.moves):
            if os.path.lexists(self.root / target) and not os.path.lexists(self.root / source):
                os.rename(self.root / target, self.root / source)
        for relative, data in self.files.items():
            path = self.root / relative
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            else:
                path.write_bytes(data)
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if self.index is not None:
            if self.index_bytes is None:
                with contextlib.suppress(FileNotFoundError):
                    self.index.unlink()
            else:
                self.index.write_bytes(self.index_bytes)


def _missing_plan_file(workspace: Workspace, result: FixList, reported: _Reported) -> None:
    """The file the plan opens with, written from the rule set's own plan text."""
    from papershelf.plan.layout import shipped_plan_text
    from papershelf.plan.scaffold import plan_file_path

    relative = plan_file_path(workspace.config)
    text = shipped_plan_text(workspace.config)
    if not relative or not text:
        return
    plan_root = workspace.layout.plan_root or ""
    path = posixpath.join(plan_root, relative) if plan_root else relative
    if path in workspace.snapshot.file_set or (workspace.root / path).exists():
        return
    if not reported.within("missing-path", path):
        return
    result.fixes.append(
        Fix(
            f"create `{path}` from the rule set's plan text",
            f"created `{path}` from the rule set's plan text",
            _creator(workspace.root, path, text),
            touches=(path,),
        )
    )


def _missing_folders(workspace: Workspace, result: FixList, reported: _Reported) -> None:
    """The plan's missing folders, read from the plan's status (as missing-path reads it)."""
    from papershelf.plan.status import plan_status, planned_folders

    snap, root, layout = workspace.snapshot, workspace.root, workspace.layout
    if layout.plan_root is None:  # no plan folders yet: lay the plan out from the root
        layout = layout._replace(plan_root="")
    plans = plan_status(snap, workspace.config, layout)
    status = {plan.expected(item): item for plan in plans for item in plan.all_items() if item.path}
    missing: list[str] = []
    gitlinks = [path for path, mode in snap.special.items() if mode == MODE_GITLINK]
    for path in planned_folders(plans):
        if path in snap.dirs or not reported.within("missing-path", path):
            continue
        if any(path == link or path.startswith(link + "/") for link in gitlinks):
            continue  # inside a submodule: its own repository, not this one's to change
        if snap.has_file(path):
            continue  # a file stands where the plan names a folder: that is for a person
        advice = _folder_advice(workspace, path, status.get(path))
        if advice is not None:
            result.advice.append(advice)
        else:
            missing.append(path)
    for path in sorted(missing):
        if any(other.startswith(path + "/") for other in missing):
            continue  # its sub-folder's .gitkeep creates it
        keep = f"{path}/{GITKEEP}"
        result.fixes.append(
            Fix(f"create `{keep}`", f"created `{keep}`", _creator(root, keep, ""), (keep,))
        )


def _folder_advice(workspace: Workspace, path: str, item: Item | None) -> Advice | None:
    """What to do instead of creating a missing plan folder, when it is not that simple."""
    snap, root = workspace.snapshot, workspace.root
    if item is not None and item.status == Status.ARCHIVED and item.where:
        extract = command("papershelf extract", item.where)
        return Advice(path, f"exists only as `{item.where}`: {extract}")
    if item is not None and item.status == Status.MISPLACED and item.where in snap.dirs:
        return Advice(path, f"it is at `{item.where}`: {command('git mv', item.where, path)}")
    if (root / path).is_dir() and any((root / path).iterdir()):
        return Advice(path, f"exists but is not tracked: {command('git add', path)}")
    if HIDDEN.search(path):
        return Advice(path, _HIDDEN_NAME)
    return None


def _creator(root: Path, relative: str, text: str) -> Callable[[], list[str]]:
    def create() -> list[str]:
        path = writable(root, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return [relative]

    return create


def ignore_pattern(finding: Finding) -> str:
    """The ``.gitignore`` line that keeps an artifact like this one out of git."""
    name = finding.path.rpartition("/")[2]
    if name in (".DS_Store", "Thumbs.db"):
        return name
    if name in ("__pycache__", ".ipynb_checkpoints", "site-packages"):
        return f"{name}/"
    return f"/{finding.path}/"


def _ignore_patterns(workspace: Workspace, findings: list[Finding], result: FixList) -> None:
    root = workspace.root
    gitignore = root / ".gitignore"
    artifacts = [finding for finding in findings if finding.rule == "committed-artifact"]
    if not gitignore.exists() and not gitignore.is_symlink():
        result.fixes.append(
            Fix(
                "create `.gitignore`",
                "created `.gitignore`",
                _creator(root, ".gitignore", GITIGNORE),
            )
        )
        present = set(GITIGNORE.splitlines())
    else:
        present = {line.strip() for line in _gitignore_text(root, gitignore).splitlines()}
    patterns = [p for p in dict.fromkeys(map(ignore_pattern, artifacts)) if p not in present]
    if patterns:
        listed = ", ".join(f"`{p}`" for p in patterns)
        result.fixes.append(
            Fix(
                f"add {listed} to `.gitignore`",
                f"added {listed} to `.gitignore`",
                _appender(gitignore, patterns),
                touches=(".gitignore",),
            )
        )
    for finding in artifacts:
        result.advice.append(
            Advice(
                finding.path,
                "papershelf does not untrack files; once ignored, untrack it with: "
                + command("git rm -r --cached", finding.path),
            )
        )


def _gitignore_text(root: Path, gitignore: Path, strict: bool = False) -> str:
    """The ``.gitignore``'s text, read only when it is a regular file inside the repository
    (a FIFO would block, a link out would leak); with ``strict``, :class:`Refused` else."""
    try:
        data = read_inside(root, gitignore, TEXT_MAX_BYTES, ".gitignore")
    except FileNotFoundError:
        return ""
    except (OSError, Refused):
        if strict:
            raise
        return ""
    return data.decode("utf-8", "replace")


def _appender(gitignore: Path, patterns: list[str]) -> Callable[[], list[str]]:
    def append() -> list[str]:
        writable(gitignore.parent, gitignore.name)  # a .gitignore linked elsewhere is not ours
        text = _gitignore_text(gitignore.parent, gitignore, strict=True)
        if text and not text.endswith("\n"):
            text += "\n"
        gitignore.write_text(text + "".join(f"{p}\n" for p in patterns), encoding="utf-8")
        return [".gitignore"]

    return append


def known_urls(workspace: Workspace, path: str) -> list[str]:
    """URLs naming the repository at ``path``: its own origin, link files, the plan."""
    root, snap = workspace.root, workspace.snapshot
    origin = gitfiles.origin_url(root / path)
    if origin:
        return [origin]
    name = path.rpartition("/")[2].casefold()
    parent = path.rpartition("/")[0]
    texts: list[str] = []
    for folder in dict.fromkeys([parent, parent.rpartition("/")[0]]):
        for child in snap.children(folder):
            relative = posixpath.join(folder, child) if folder else child
            if _LINK_FILE.search(child) and relative in snap.file_set:
                texts.append(snap.read_text(relative) or "")
    if workspace.layout.plan_text:
        texts.append(workspace.layout.plan_text)
    found = []
    for text in texts:
        for url in _URL.findall(text):
            tail = url.split("?")[0].split("#")[0].rstrip("/").rpartition("/")[2]
            tail = tail.rpartition(":")[2]
            if tail.removesuffix(".git").casefold() == name:
                found.append(url.split("?")[0].split("#")[0].rstrip("/"))
    return list(dict.fromkeys(found))


def _gitmodules(workspace: Workspace, result: FixList, reported: _Reported) -> None:
    snap, root = workspace.snapshot, workspace.root
    gitlinks = sorted(path for path, mode in snap.special.items() if mode == MODE_GITLINK)
    for path in gitlinks:
        if path in snap.gitmodules or not reported.exact("broken-submodule", path):
            continue
        urls = known_urls(workspace, path)
        if len(urls) == 1:
            url = urls[0]

            def add(path: str = path, url: str = url) -> list[str]:
                writable(root, ".gitmodules")
                gitfiles.add_gitmodules_entry(root, path, path, url)
                return [".gitmodules"]

            result.fixes.append(
                Fix(
                    f"add a `.gitmodules` entry for `{path}` ({url})",
                    f"added a `.gitmodules` entry for `{path}` ({url})",
                    add,
                    touches=(".gitmodules",),
                )
            )
            continue
        why = "several URLs name it" if urls else "no URL for it is known"
        declare = "git config -f .gitmodules"
        result.advice.append(
            Advice(
                path,
                f"a gitlink with no .gitmodules entry, and {why}; either declare it: "
                f"{command(declare, f'submodule.{path}.path', path)} && "
                f"{command(declare, f'submodule.{path}.url', Placeholder('<URL>'))}; or commit "
                f"its files instead: {command('git rm --cached', path)}, "
                f"{command('rm -rf', f'{path}/.git')}, {command('git add', path)}",
            )
        )


def _mojibake(workspace: Workspace, result: FixList, reported: _Reported) -> None:
    root, snap = workspace.root, workspace.snapshot
    for path, (new_path, fixed) in broken_names(snap.text).items():
        if not reported.exact("mojibake", path):
            continue
        if (root / new_path).exists():
            result.advice.append(Advice(path, f"its repaired name `{new_path}` is taken"))
            continue

        def rename(path: str = path, new_path: str = new_path) -> list[str]:
            writable(root, path)
            writable(root, new_path)
            if snap.in_git:
                gitfiles.move(root, path, new_path)
                return []
            os.rename(root / path, root / new_path)
            return []

        result.fixes.append(
            Fix(
                f"rename `{path}` to `{new_path}` ({fixed.description})",
                f"renamed `{path}` to `{new_path}` ({fixed.description})",
                rename,
                moves=((path, new_path),),
            )
        )
    plan_file = workspace.layout.plan_file
    if not plan_file or not reported.exact("mojibake", plan_file):
        return
    try:
        text = read_inside(root, root / plan_file, PLAN_MAX_BYTES, plan_file).decode("utf-8")
    except (OSError, Refused, UnicodeDecodeError):
        return
    repaired = repair(text)
    if repaired is None:
        return

    data = repaired.text.encode("utf-8")

    def rewrite(plan_file: str = plan_file) -> list[str]:
        writable(root, plan_file).write_bytes(data)
        return [plan_file]

    result.fixes.append(
        Fix(
            f"rewrite `{plan_file}` with its repaired text ({repaired.description})",
            f"rewrote `{plan_file}` with its repaired text ({repaired.description})",
            rewrite,
            touches=(plan_file,),
        )
    )
