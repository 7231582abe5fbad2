"""The data every backend produces and the safety checks consume: one neutral shape."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from papershelf.errors import PapershelfError


class EntryKind(enum.Enum):
    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    SPECIAL = "special"  # device, FIFO, socket: never extracted


@dataclass(frozen=True)
class Entry:
    """One member as the archive declares it; ``handle`` is the backend's own object."""

    name: str
    kind: EntryKind
    size: int = 0
    packed: int | None = None
    crc: int | None = None
    mode: int | None = None
    link: str | None = None
    encrypted: bool = False
    handle: object = field(default=None, compare=False, repr=False)
    damage: str | None = None  # what the backend found wrong with it while listing
    mtime: float | None = None  # seconds since the epoch, as the archive records it
    skip: str | None = None  # metadata for other tools (a Solaris ACL): counted, not written
    # How the archive stores a CRC32, when not as is (RAR5 encrypted: an HMAC of it).
    stored_crc: Callable[[int], int] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Limits:
    """Bounds that stop bombs; every one is an option of ``papershelf extract``."""

    max_total: int = 8 * 1024**3
    max_ratio: float = 250.0
    ratio_floor: int = 16 * 1024**2  # below this many bytes the ratio is not checked
    max_entries: int = 50_000
    max_depth: int = 3


@dataclass
class Budget:
    """What one extraction, with every archive nested in it, has used of its :class:`Limits`.

    ``--recursive`` must not multiply the limits: a tiny zip of zips whose
    leaves each sit just under them would otherwise unpack without bound.
    """

    archive_size: int  # the outermost archive's: the ratio is taken against it
    bytes: int = 0
    entries: int = 0


@dataclass(frozen=True)
class Planned:
    """An entry that passed every check, with the safe relative path it will get."""

    entry: Entry
    parts: tuple[str, ...]

    @property
    def relpath(self) -> str:
        return "/".join(self.parts)


class ArchiveError(PapershelfError):
    """A bad, hostile or unreadable archive: the message names the archive (and entry)."""


class Sink(Protocol):
    """Where a backend writes: checks sizes, CRCs and limits as bytes arrive."""

    root: Path

    def write_stream(self, item: Planned, source: IO[bytes], verify_crc: bool) -> None: ...

    def open_writer(self, item: Planned, verify_crc: bool = True) -> MemberWriter: ...

    def adopt_tree(self, root: Path, items: Iterable[Planned]) -> None: ...

    def work_folder(self, name: str) -> Path:
        """A new empty folder beside ``root`` for a tool to write into."""
        ...


class MemberWriter(Protocol):
    def write(self, data: bytes) -> int: ...

    def finish(self, verify_crc: bool) -> None: ...


class Refused(ArchiveError):
    """A verdict no other backend can change (a limit reached, the disk full): not retried."""


@dataclass(frozen=True)
class Method:
    """One backend able to write an archive's accepted entries: a link of the chain.

    ``passed_over`` says why it cannot be tried for this archive (None: it can);
    it is called only when the chain reaches it, so a tool is probed only if needed.
    """

    name: str
    write: Callable[[list[Planned], Sink], None]
    passed_over: Callable[[], str | None] = field(default=lambda: None, compare=False)


class Reader(Protocol):
    """An open archive: its volumes, its entries, and the backends that can write them."""

    volumes: list[Path]

    def entries(self) -> list[Entry]: ...

    def methods(self) -> list[Method]:
        """The backends able to write its entries, in the order they are tried."""
        ...

    def close(self) -> None: ...


class Backend(Protocol):
    """One archive format (or external tool); registered in :mod:`registry`."""

    name: str

    def open(self, path: Path, password: str | None, encoding: str | None) -> Reader:
        """Open ``path`` and read its listing."""
        ...


Progress = Callable[[int], None]
