"""Extracting one archive atomically: check, stage, verify, rename — or leave nothing.

The order is fixed: the archive file itself, its listing against
:mod:`safety`, the bytes into a private staging folder beside the
destination, then one ``os.rename`` into place and the manifest.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papershelf.extract import chain
from papershelf.extract.destination import STAGING_PREFIX, staging_prefix
from papershelf.extract.manifest import Manifest
from papershelf.extract.model import (
    ArchiveError,
    Budget,
    Entry,
    EntryKind,
    Limits,
    Method,
    Progress,
)
from papershelf.extract.registry import open_reader
from papershelf.extract.safety import Problem, check_entries, top_folder
from papershelf.extract.staging import StagingSink, interrupts_raise, remove_tree
from papershelf.repo import magic
from papershelf.repo.names import archive_stem

ProgressFactory = Callable[[str, int], AbstractContextManager[Progress | None]]


@dataclass
class Options:
    """What the user asked for; defaults are those of the command line."""

    dest: Path | None = None
    force: bool = False
    password: str | None = None
    ask_password: Callable[[str], str | None] | None = None
    encoding: str | None = None
    tool: str = "auto"
    limits: Limits = field(default_factory=Limits)
    recursive: bool = False
    progress: ProgressFactory | None = None
    say: Callable[[str], None] | None = None  # --verbose: each backend tried, and why


@dataclass
class Outcome:
    """What happened to one archive, for the text and JSON reports."""

    archive: Path
    status: str  # extracted | already-extracted | failed
    destination: Path | None = None
    entries: int = 0
    bytes: int = 0
    error: str | None = None
    nested: list[Outcome] = field(default_factory=list)
    backend: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive),
            "status": self.status,
            "destination": str(self.destination) if self.destination else None,
            "entries": self.entries,
            "bytes": self.bytes,
            "error": self.error,
            "backend": self.backend,
            "skipped": self.skipped,
            "nested": [n.as_json() for n in self.nested],
        }


@dataclass
class Listing:
    """An archive's entries and what is wrong with them, for ``--list``."""

    archive: Path
    entries: list[Entry]
    problems: list[Problem]
    skipped: dict[str, int]


def check_archive_file(path: Path) -> str | None:
    """The archive must be a regular file (not a symlink or device); returns its format."""
    try:
        st = os.lstat(path)
    except OSError as error:
        raise ArchiveError(f"{path}: cannot read: {error.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise ArchiveError(f"{path}: is a symlink; give the archive itself")
    if not stat.S_ISREG(st.st_mode):
        raise ArchiveError(f"{path}: not a regular file")
    return magic.sniff_file(path)


def sha256_of(path: Path, stop: threading.Event | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
            if stop is not None and stop.is_set():
                return ""
    return digest.hexdigest()


class BackgroundHash:
    """sha256 of the archive on another core while it extracts (hashlib frees the GIL).

    Hashing first would add ~0.4 s per 200 MB before a byte is written.
    """

    def __init__(self, path: Path) -> None:
        self.stop = threading.Event()
        self.result: str | BaseException = ""
        self.thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self.thread.start()

    def _run(self, path: Path) -> None:
        try:
            self.result = sha256_of(path, self.stop)
        except BaseException as error:  # re-raised in the main thread by value()
            self.result = error

    def value(self) -> str:
        self.thread.join()
        if isinstance(self.result, BaseException):
            raise ArchiveError(f"cannot read the archive: {self.result}")
        return self.result

    def cancel(self) -> None:
        self.stop.set()


def folder_name(archive: Path) -> str:
    """The folder a tarbomb gets: the archive's name without its archive suffixes."""
    stem = archive_stem(archive.name)
    return stem if stem and stem != archive.name else f"{archive.name}.d"


def unique_name(parent: Path, name: str) -> str:
    """``name``, or ``name-1``, ``name-2`` … — never something that already exists."""
    candidate, number = name, 0
    while os.path.lexists(parent / candidate):
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def _first_problem(archive: Path, problems: list[Problem]) -> ArchiveError:
    more = f" (and {len(problems) - 1} more problems; see --list)" if len(problems) > 1 else ""
    return ArchiveError(f"{archive}: refused: {problems[0]}{more}")


@contextlib.contextmanager
def _opened(path: Path, kind: str | None, options: Options) -> Iterator[Any]:
    try:
        reader = open_reader(path, kind, options.password, options.encoding)
    except ArchiveError as error:
        if options.password or options.ask_password is None or "encrypted" not in str(error):
            raise
        options.password = options.ask_password(str(path))
        if not options.password:
            raise
        reader = open_reader(path, kind, options.password, options.encoding)
    try:
        yield reader
    finally:
        reader.close()


def volumes_size(volumes: list[Path]) -> int:
    """What the bomb ratio is taken against: every volume, not the first alone."""
    return sum(os.stat(volume).st_size for volume in volumes)


def list_archive(path: Path, options: Options) -> Listing:
    """The entries and their problems; an archive no installed backend can write is one."""
    kind = check_archive_file(path)
    with _opened(path, kind, options) as reader:
        entries = reader.entries()
        checked = check_entries(entries, options.limits, volumes_size(reader.volumes))
        first, passed = chain.first_usable(chain.only(path, reader.methods(), options.tool))
    problems = list(checked.problems)
    if first is None:
        why = "; ".join(passed)
        problems.append(Problem(None, f"no installed backend can extract it ({why})"))
    return Listing(path, entries, problems, checked.skipped)


def extract_archive(
    path: Path,
    root: Path,
    options: Options,
    depth: int = 0,
    manifest: Manifest | None = None,
    budget: Budget | None = None,
) -> Outcome:
    """Extract one archive into a new folder under ``root``, atomically.

    ``budget`` is shared by an archive and every archive nested in it. A fault
    of the system (a full disk, no inodes, a read-only folder, the archive
    gone) is one line naming the archive; the staging folder is gone by then.
    """
    try:
        return _extract_archive(path, root, options, depth, manifest, budget)
    except OSError as error:
        private = STAGING_PREFIX in str(error.filename)  # a folder of ours, not the user's
        shown = error.filename and error.filename != str(path) and not private
        where = f" ({error.filename})" if shown else ""
        hint = " (disk full?)" if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else ""
        raise ArchiveError(
            f"{path}: {error.strerror or error}{where}{hint}; nothing was extracted"
        ) from None


def _extract_archive(
    path: Path,
    root: Path,
    options: Options,
    depth: int,
    manifest: Manifest | None,
    budget: Budget | None,
) -> Outcome:
    kind = check_archive_file(path)
    before = os.stat(path)
    hashing: BackgroundHash | None = None
    digest = ""
    if manifest is not None:
        if manifest.seen(path):  # same path, size and mtime: confirm by content now
            digest = sha256_of(path)
            previous = manifest.find(digest)
            if previous is not None and not options.force:
                return _already(path, root, previous)
        else:
            hashing = BackgroundHash(path)
    # SIGTERM raises from before the staging folder exists until it is gone again: a
    # signal between the two would otherwise end the process and leave it behind.
    with interrupts_raise():
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(), dir=root))
        try:
            outcome = _extract_staged(path, kind, staging, options, depth, budget)
            _unchanged(path, before)
            if manifest is None:
                return _move_into_place(outcome, root)
            if hashing is not None:
                digest = hashing.value()
            previous = manifest.find(digest)
            if previous is not None and not options.force:
                return _already(path, root, previous)  # the same content, under another name
            return _move_into_place_recorded(
                path, before, outcome, root, staging, manifest, previous, digest
            )
        finally:
            if hashing is not None:
                hashing.cancel()
            remove_tree(staging)


def _unchanged(path: Path, before: os.stat_result) -> None:
    """The archive read is still the one at ``path``: else what was read is not recorded."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        raise ArchiveError(f"{path}: removed while being read; nothing was extracted") from None
    if (now.st_ino, now.st_size, now.st_mtime_ns) != (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    ):
        raise ArchiveError(f"{path}: changed while being read; nothing was extracted")


def _move_into_place_recorded(
    path: Path,
    st: os.stat_result,
    outcome: Outcome,
    root: Path,
    staging: Path,
    manifest: Manifest,
    previous: dict[str, Any] | None,
    digest: str,
) -> Outcome:
    """Replace ``previous`` (with --force), move the folder into place, record it — or undo."""
    assert outcome.destination is not None
    staged = outcome.destination
    entries = outcome_entries(staged)
    old = root / previous["folder"] if previous is not None else None
    aside = staging / "replaced"
    if old is not None:
        os.rename(old, aside)
    try:
        final = root / unique_name(root, staged.name)
        tmp = manifest.prepare(
            {
                "archive": str(path.absolute()),
                "sha256": digest,
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "folder": final.name,
                "inode": os.lstat(staged).st_ino,
                "bytes": outcome.bytes,
                "entries": entries,
            }
        )
        try:
            os.rename(staged, final)
            try:
                manifest.commit(tmp)
            except BaseException:
                os.rename(final, staged)
                raise
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    except BaseException:
        if old is not None and not os.path.lexists(old):
            with contextlib.suppress(OSError):
                os.rename(aside, old)
        raise
    outcome.destination = final
    return outcome


def _already(path: Path, root: Path, record: dict[str, Any]) -> Outcome:
    return Outcome(
        path,
        "already-extracted",
        root / record["folder"],
        len(record["entries"]),
        record["bytes"],
    )


def _move_into_place(outcome: Outcome, root: Path) -> Outcome:
    """The one rename that makes the extracted folder appear, under a name not yet taken."""
    assert outcome.destination is not None
    final = root / unique_name(root, outcome.destination.name)
    os.rename(outcome.destination, final)
    outcome.destination = final
    return outcome


def outcome_entries(folder: Path) -> list[dict[str, Any]]:
    """Every file written, with its size: what the manifest records."""
    result = []
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            full = Path(dirpath, name)
            st = os.lstat(full)
            result.append(
                {
                    "name": full.relative_to(folder).as_posix(),
                    "size": st.st_size if stat.S_ISREG(st.st_mode) else 0,
                }
            )
    result.sort(key=lambda r: str(r["name"]))
    return result


def _extract_staged(
    path: Path,
    kind: str | None,
    staging: Path,
    options: Options,
    depth: int,
    budget: Budget | None,
) -> Outcome:
    """Write and verify the whole archive under ``staging``; returns the folder to move."""
    tree = staging / "tree"
    with _opened(path, kind, options) as reader:
        entries = reader.entries()
        size = volumes_size(reader.volumes)
        if budget is None:
            budget = Budget(size)
        planned, problems, skipped = check_entries(entries, options.limits, size, budget)
        if problems:
            raise _first_problem(path, problems)
        total = sum(p.entry.size for p in planned if p.entry.kind is EntryKind.FILE)
        already = budget.bytes

        def attempt(method: Method) -> StagingSink:
            for leftover in staging.iterdir():
                remove_tree(leftover)
            tree.mkdir()
            progress_cm = (
                options.progress(str(path), total)
                if options.progress
                else contextlib.nullcontext(None)
            )
            with progress_cm as progress:
                sink = StagingSink(str(path), tree, options.limits, progress, already)
                method.write(planned, sink)
            for item in planned:
                if item.entry.kind is EntryKind.DIR:
                    sink.make_dir(item)
            sink.make_links(planned)
            sink.finish_modes(planned)
            return sink

        methods = chain.only(path, reader.methods(), options.tool)
        sink, backend = chain.first_that_works(path, methods, attempt, options.say)
    top = top_folder(planned)
    folder = tree / top if top is not None else tree
    if top is None:
        target = staging / folder_name(path)
        os.rename(tree, target)
        folder = target
    outcome = Outcome(
        path, "extracted", folder, len(planned), sink.written, backend=backend, skipped=skipped
    )
    budget.bytes += sink.written
    budget.entries += len(planned)
    if options.recursive:
        outcome.nested = _extract_nested(path, folder, options, depth, budget)
    return outcome


def _extract_nested(
    outer: Path, folder: Path, options: Options, depth: int, budget: Budget
) -> list[Outcome]:
    """Archives found inside, each extracted beside itself, to the depth limit."""
    found = []
    for dirpath, _dirs, files in os.walk(folder):
        for name in sorted(files):
            full = Path(dirpath, name)
            if not full.is_symlink() and magic.sniff_file(full, folder) in (
                "zip",
                "rar",
                "7z",
                "tar",
                "gzip",
                "bzip2",
                "xz",
            ):
                found.append(full)
    if found and depth + 1 > options.limits.max_depth:
        raise ArchiveError(
            f"{outer}: archive {found[0].name!r} is nested deeper than the limit of "
            f"{options.limits.max_depth} (--max-depth)"
        )
    outcomes = []
    for inner in found:
        rel = inner.relative_to(folder.parent).as_posix()
        try:
            outcomes.append(extract_archive(inner, inner.parent, options, depth + 1, budget=budget))
        except ArchiveError as error:
            detail = str(error).replace(f"{inner}: ", "").replace(str(folder.parent) + "/", "")
            raise ArchiveError(f"{outer}: nested archive {rel!r}: {detail}") from None
    return outcomes
