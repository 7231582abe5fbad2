"""Writing accepted entries into a private staging folder, checking every byte as it lands.

Nothing here decides what is safe (that is :mod:`safety`); this module makes
sure the bytes written match what was accepted, and that links and modes are
applied only after every regular file exists.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO

from papershelf.extract.model import ArchiveError, EntryKind, Limits, Planned, Progress, Refused
from papershelf.extract.safety import file_mode

CHUNK = 1024 * 1024
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class StagingSink:
    """Writes into ``root`` (a private folder), enforcing sizes, CRCs and the total limit."""

    def __init__(
        self,
        archive: str,
        root: Path,
        limits: Limits,
        progress: Progress | None,
        already: int = 0,
    ) -> None:
        self.archive = archive
        self.root = root
        self.limits = limits
        self.progress = progress
        self.already = already  # bytes the enclosing archives wrote (--recursive)
        self.written = 0
        self._made_dirs: set[str] = set()

    def _fail(self, item: Planned, reason: str) -> ArchiveError:
        return ArchiveError(f"{self.archive}: entry {item.entry.name!r}: {reason}")

    def _ensure_parent(self, parts: tuple[str, ...]) -> Path:
        parent = self.root.joinpath(*parts[:-1])
        key = "/".join(parts[:-1])
        if key not in self._made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(key)
        return parent

    def make_dir(self, item: Planned) -> None:
        path = self.root.joinpath(*item.parts)
        path.mkdir(parents=True, exist_ok=True)
        self._made_dirs.add(item.relpath)

    def open_writer(self, item: Planned, verify_crc: bool = True) -> _Writer:
        parent = self._ensure_parent(item.parts)
        try:
            fd = os.open(parent / item.parts[-1], _OPEN_FLAGS, 0o600)
        except FileExistsError:
            raise self._fail(item, "written twice") from None
        except OSError as error:
            raise _disk_error(self.archive, error) from error
        return _Writer(self, item, fd, verify_crc and item.entry.crc is not None)

    def write_stream(self, item: Planned, source: IO[bytes], verify_crc: bool) -> None:
        writer = self.open_writer(item, verify_crc)
        try:
            read = source.read
            while True:
                data = read(CHUNK)
                if not data:
                    break
                writer.write(data)
        except BaseException:
            writer.abort()
            raise
        writer.finish(verify_crc)

    def add_bytes(self, count: int) -> None:
        self.written += count
        if self.progress is not None:
            self.progress(count)

    def make_links(self, items: Iterable[Planned]) -> None:
        """Hard links, then symlinks: after every file, so nothing is written through them."""
        links = [i for i in items if i.entry.kind in (EntryKind.HARDLINK, EntryKind.SYMLINK)]
        for item in sorted(links, key=lambda i: i.entry.kind is EntryKind.SYMLINK):
            path = self._ensure_parent(item.parts) / item.parts[-1]
            target = item.entry.link or ""
            if item.entry.kind is EntryKind.HARDLINK:
                source = self.root.joinpath(
                    *[p for p in target.replace("\\", "/").split("/") if p not in ("", ".")]
                )
                if not source.is_file() or source.is_symlink():
                    raise self._fail(item, f"hard link target {target!r} was not extracted")
                os.link(source, path, follow_symlinks=False)
            else:
                os.symlink(target.replace("\\", "/"), path)

    def finish_modes(self, items: Iterable[Planned]) -> None:
        """Give files safe permissions (never set-uid/gid, sticky or world-writable), and
        every entry the time the archive records, folders last (writing in one changes it)."""
        items = list(items)
        for item in items:
            if item.entry.kind is EntryKind.FILE:
                os.chmod(self.root.joinpath(*item.parts), file_mode(item.entry.mode))
        for dirpath, _dirs, _files in os.walk(self.root):
            os.chmod(dirpath, 0o755)
        dated = [i for i in items if i.entry.mtime is not None]
        for item in sorted(dated, key=lambda i: (i.entry.kind is EntryKind.DIR, -len(i.parts))):
            mtime = item.entry.mtime
            assert mtime is not None
            with contextlib.suppress(OSError, OverflowError, ValueError):
                os.utime(self.root.joinpath(*item.parts), (mtime, mtime), follow_symlinks=False)

    def work_folder(self, name: str) -> Path:
        """A new empty folder beside ``root`` (in the same private staging folder)."""
        folder = self.root.parent / f".{self.root.name}-{name}"
        folder.mkdir()
        return folder

    def adopt_tree(self, tree: Path, items: Iterable[Planned]) -> None:
        """Verify what an external tool wrote in ``tree`` against the listing, then move it.

        The tool's own path checks are never trusted: anything not listed, a
        wrong size or CRC, a link where a file belongs — and the archive is refused.
        """
        expected = {item.relpath: item for item in items}
        found: dict[str, str] = {}
        for dirpath, dirs, files in os.walk(tree):
            rel_dir = os.path.relpath(dirpath, tree)
            for name in dirs + files:
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                st = os.lstat(os.path.join(dirpath, name))
                kind = (
                    "symlink"
                    if stat.S_ISLNK(st.st_mode)
                    else "dir"
                    if stat.S_ISDIR(st.st_mode)
                    else "file"
                    if stat.S_ISREG(st.st_mode)
                    else "special"
                )
                found[rel] = kind
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(dirpath, d))]
        implied_dirs = {
            "/".join(i.parts[:n]) for i in expected.values() for n in range(1, len(i.parts))
        }
        for rel, kind in found.items():
            item = expected.get(rel)
            if item is None:
                if kind == "dir" and rel in implied_dirs:
                    continue
                if kind == "file" and _older_version(rel, expected):
                    os.unlink(tree / rel)  # the latest copy only, as unrar by default
                    continue
                raise ArchiveError(
                    f"{self.archive}: the extractor wrote {rel!r}, "
                    "which the archive's listing does not contain"
                )
            want = {
                EntryKind.FILE: "file",
                EntryKind.DIR: "dir",
                EntryKind.SYMLINK: "symlink",
                EntryKind.HARDLINK: "file",
            }[item.entry.kind]
            is_link = item.entry.kind in (EntryKind.SYMLINK, EntryKind.HARDLINK)
            if kind != want and not (is_link and kind in ("file", "symlink")):
                raise self._fail(item, f"the extractor wrote a {kind}, the listing says {want}")
        for rel, item in expected.items():
            if item.entry.kind is not EntryKind.FILE or rel in found:
                continue
            raise self._fail(item, "missing after extraction (truncated or damaged archive?)")
        for item in expected.values():
            source = tree.joinpath(*item.parts)
            if item.entry.kind is EntryKind.FILE:
                self._verify_file(item, source)
            elif item.entry.kind in (EntryKind.SYMLINK, EntryKind.HARDLINK):
                # Links are made again from the vetted listing, never as the tool made them.
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(source)
        for name in os.listdir(tree):
            os.rename(tree / name, self.root / name)

    def _verify_file(self, item: Planned, path: Path) -> None:
        size = 0
        crc = 0
        with open(path, "rb", buffering=0) as stream:
            while True:
                data = stream.read(CHUNK)
                if not data:
                    break
                size += len(data)
                if item.entry.crc is not None:
                    crc = zlib.crc32(data, crc)
        if size != item.entry.size:
            raise self._fail(item, f"{size} bytes written, {item.entry.size} declared")
        if item.entry.crc is not None and as_stored(item, crc) != item.entry.crc:
            raise self._fail(item, "CRC mismatch (damaged archive?)")
        self.add_bytes(size)


class _Writer:
    """One member being written: counts bytes against the declared size and the total limit."""

    def __init__(self, sink: StagingSink, item: Planned, fd: int, compute_crc: bool) -> None:
        self.sink = sink
        self.item = item
        self.fd = fd
        self.size = 0
        self.crc = 0
        self.compute_crc = compute_crc

    def write(self, data: bytes) -> int:
        size = self.size + len(data)
        if size > self.item.entry.size:
            raise self.sink._fail(
                self.item, f"more data than the {self.item.entry.size} bytes its header declares"
            )
        if self.sink.already + self.sink.written + len(data) > self.sink.limits.max_total:
            raise Refused(
                f"{self.sink.archive}: more than {self.sink.limits.max_total} "
                "bytes uncompressed, over the limit"
            )
        if self.compute_crc:
            self.crc = zlib.crc32(data, self.crc)
        view = memoryview(data)
        while view:
            try:
                done = os.write(self.fd, view)
            except OSError as error:
                raise _disk_error(self.sink.archive, error) from error
            view = view[done:]
        self.size = size
        self.sink.add_bytes(len(data))
        return len(data)

    def abort(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def finish(self, verify_crc: bool) -> None:
        self.abort()
        if self.size != self.item.entry.size:
            raise self.sink._fail(
                self.item,
                f"{self.size} bytes, {self.item.entry.size} declared (truncated archive?)",
            )
        if (
            verify_crc
            and self.compute_crc
            and as_stored(self.item, self.crc) != self.item.entry.crc
        ):
            raise self.sink._fail(self.item, "CRC mismatch (damaged archive?)")


def _older_version(rel: str, expected: dict[str, Planned]) -> bool:
    """``notes.txt;2``: an older copy of a listed file (``rar -ver``) that unar and bsdtar
    write beside it."""
    name, sep, number = rel.rpartition(";")
    item = expected.get(name)
    return bool(sep) and number.isdigit() and item is not None and item.entry.kind is EntryKind.FILE


def as_stored(item: Planned, crc: int) -> int:
    """The CRC32 of the bytes written, in the form the archive stores it."""
    convert = item.entry.stored_crc
    return convert(crc) if convert is not None else crc


def _disk_error(archive: str, error: OSError) -> ArchiveError:
    if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return Refused(
            f"{archive}: cannot write: {error.strerror} (disk full?); "
            "nothing was left at the destination"
        )
    return ArchiveError(f"{archive}: cannot write: {error.strerror or error}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so the staging folder is cleaned up."""


@contextlib.contextmanager
def interrupts_raise() -> Iterator[None]:
    """While extracting, SIGTERM raises (like Ctrl-C) so ``finally`` blocks run."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def remove_tree(path: Path) -> None:
    """Remove a staging folder even if an interrupted write left read-only bits."""
    if path.is_symlink() or not path.exists():
        return

    def retry(function: object, target: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
        with contextlib.suppress(FileNotFoundError):
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            else:
                os.unlink(target)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=retry)
