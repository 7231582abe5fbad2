"""Every safety check, once, for all formats: what a hostile archive may not do.

Backends only list and copy bytes; they never decide whether a name is safe.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from papershelf.extract.model import Budget, Entry, EntryKind, Limits, Planned
from papershelf.repo.names import is_windows_reserved

MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
MAX_LINK_BYTES = MAX_PATH_BYTES - 1  # Linux's symlink(2): PATH_MAX with its NUL
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DRIVE = re.compile(r"^[A-Za-z]:")
_NO_PATH = "name has no path"


@dataclass(frozen=True)
class Problem:
    """Why an archive (``entry`` None) or one entry of it is refused."""

    entry: str | None
    reason: str

    def __str__(self) -> str:
        return f"entry {self.entry!r}: {self.reason}" if self.entry is not None else self.reason


def split_name(name: str) -> tuple[tuple[str, ...], str | None]:
    """Path components of a member name, or the reason it cannot be one.

    Only ``/`` separates (backends turn a Windows tool's backslashes into it);
    a backslash elsewhere is a character of the name. Still, ``..`` between
    backslashes is refused: a Unix-made zip may carry ``..\\..\\x`` for
    Windows tools to honour.
    """
    if not name:
        return (), "empty name"
    if _SUSPECT.search(name):
        if "\x00" in name:
            return (), "NUL character in name"
        if _BIDI.search(name):
            return (), "right-to-left or other bidirectional control character in name"
        if any("\ud800" <= c <= "\udfff" for c in name):
            return (), "name is not valid UTF-8 (try --encoding)"
        return (), "control character in name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return (), "absolute path"
    if len(name.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES:
        return (), f"path longer than {MAX_PATH_BYTES} bytes"
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if not parts:
        return (), _NO_PATH
    if ".." in re.split(r"[/\\]", name):
        return (), "path traversal ('..')"
    for part in parts:
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            return (), f"a path component is longer than {MAX_NAME_BYTES} bytes"
        if is_windows_reserved(part):
            return (), f"Windows-reserved name {part!r}"
    return parts, None


def _fold(parts: Sequence[str]) -> str:
    """The key under which two names collide on a case-insensitive or normalising disk."""
    return unicodedata.normalize("NFC", "/".join(parts)).casefold()


MAX_LINK_HOPS = 40  # Linux's limit on symlinks followed in one path (MAXSYMLINKS)


def _resolve_link(
    link_parts: tuple[str, ...],
    target: str,
    links: dict[str, tuple[tuple[str, ...], str]],
    floor: int,
) -> str | None:
    """Why a relative symlink target is unsafe, walking it against the archive's own names.

    A symlink met on the way is followed (``libabc.so → libabc.so.1 → …``,
    ``Versions/Current``) as the system would, so a chain is judged by where
    it ends. ``floor`` is 1 when the archive's single top folder becomes the
    extracted folder: a link may then not climb to its parent, where other
    archives live.
    """
    why = _target_shape(target)
    if why is not None:
        return why
    stack: list[str] = list(link_parts[:-1])
    pending = [(target, target)]  # (what is left to walk, the link it came from)
    hops = 0
    while pending:
        rest, origin = pending.pop()
        parts = [p for p in re.split(r"[/\\]", rest) if p not in ("", ".")]
        for index, part in enumerate(parts):
            if part == "..":
                if len(stack) <= floor:
                    via = "" if origin == target else f" (through the symlink to {origin!r})"
                    return f"symlink {target!r} points outside the archive{via}"
                stack.pop()
                continue
            stack.append(part)
            followed = links.get(_fold(stack))
            if followed is None:
                continue
            hops += 1
            if hops > MAX_LINK_HOPS:
                return f"symlink {target!r} is a loop of symlinks"
            where, inner = followed
            if _target_shape(inner) is not None:
                return f"symlink {target!r} goes through the unsafe symlink {inner!r}"
            pending.append(("/".join(parts[index + 1 :]), origin))
            pending.append((inner, inner))
            stack = list(where[:-1])
            break
    return None


def _target_shape(target: str) -> str | None:
    """What makes a symlink target unsafe whatever the archive holds."""
    if target.startswith(("/", "\\")) or _DRIVE.match(target):
        return f"symlink to an absolute path {target!r}"
    if not target or "\x00" in target:
        return "symlink with an empty or NUL target"
    if len(target.encode("utf-8", "surrogateescape")) > MAX_LINK_BYTES:
        return f"symlink target longer than {MAX_LINK_BYTES} bytes"
    return None


MACOS_METADATA = "macOS metadata (__MACOSX/, .DS_Store)"


def skipped_because(entry: Entry) -> str | None:
    """Why an entry is left out: what only another system's tools read."""
    if entry.skip is not None:
        return entry.skip
    parts = [p for p in re.split(r"[/\\]", entry.name) if p not in ("", ".")]
    if parts and (parts[0] == "__MACOSX" or parts[-1] == ".DS_Store"):
        return MACOS_METADATA
    return None


class Checked(NamedTuple):
    """The safe plan, the problems (any one refuses the archive), what was left out."""

    planned: list[Planned]
    problems: list[Problem]
    skipped: dict[str, int]


def check_entries(
    entries: Sequence[Entry], limits: Limits, archive_size: int, budget: Budget | None = None
) -> Checked:
    """Split entries into the safe plan and the problems; any problem refuses the archive.

    With a ``budget`` (a nested archive), the limits bound everything extracted so far
    plus this archive, and the ratio is taken against the outermost archive;
    ``archive_size`` is that of all its volumes.
    """
    skipped: dict[str, int] = {}
    kept = []
    for entry in entries:
        why = skipped_because(entry)
        if why is None:
            kept.append(entry)
        else:
            skipped[why] = skipped.get(why, 0) + 1
    entries = kept
    used = budget if budget is not None else Budget(archive_size)
    in_all = " in all, with the archives around it" if used.bytes or used.entries else ""
    problems: list[Problem] = []
    planned: list[Planned] = []
    count = used.entries + len(entries)
    if count > limits.max_entries:
        problems.append(
            Problem(None, f"{count} entries{in_all}, over the limit of {limits.max_entries}")
        )
    total = used.bytes + sum(e.size for e in entries if e.kind is EntryKind.FILE)
    if total > limits.max_total:
        problems.append(
            Problem(
                None,
                f"{total} bytes uncompressed{in_all}, over the limit of {limits.max_total}",
            )
        )
    outer = max(used.archive_size, 1)
    if total > limits.ratio_floor and total > limits.max_ratio * outer:
        problems.append(
            Problem(
                None,
                f"compression ratio {total / outer:.0f}:1{in_all}, over the limit of "
                f"{limits.max_ratio:.0f}:1 (a decompression bomb?)",
            )
        )

    kinds: dict[str, EntryKind] = {}
    symlinks: dict[str, tuple[tuple[str, ...], str]] = {}
    for entry in entries:
        if entry.damage is not None:
            problems.append(Problem(entry.name, entry.damage))
            continue
        parts, reason = split_name(entry.name)
        if not parts and entry.kind is EntryKind.DIR and reason == _NO_PATH:
            continue  # "." or "./": the folder itself, as `tar -C dir -cf x.tar .` writes it
        if reason is not None:
            problems.append(Problem(entry.name, reason))
            continue
        if entry.kind is EntryKind.SPECIAL:
            problems.append(Problem(entry.name, "device, FIFO or socket entry"))
            continue
        key = _fold(parts)
        seen = kinds.get(key)
        if seen is not None and not (seen is EntryKind.DIR and entry.kind is EntryKind.DIR):
            problems.append(
                Problem(
                    entry.name,
                    "duplicate name (or one differing only in case or Unicode normalisation)",
                )
            )
            continue
        bad_parent = next(
            (
                kinds[_fold(parts[:i])]
                for i in range(1, len(parts))
                if kinds.get(_fold(parts[:i]), EntryKind.DIR) is not EntryKind.DIR
            ),
            None,
        )
        if bad_parent is not None:
            problems.append(
                Problem(entry.name, f"a parent folder is a {bad_parent.value} in the archive")
            )
            continue
        for i in range(1, len(parts)):
            kinds.setdefault(_fold(parts[:i]), EntryKind.DIR)
        kinds[key] = entry.kind
        if entry.kind is EntryKind.SYMLINK:
            symlinks[key] = (parts, entry.link or "")
        planned.append(Planned(entry, parts))

    # Links are judged once every name is known, whatever their order in the archive.
    files = {_fold(p.parts) for p in planned if p.entry.kind is EntryKind.FILE}
    floor = 1 if top_folder(planned) is not None else 0
    for item in planned:
        if item.entry.kind is EntryKind.SYMLINK:
            why = _resolve_link(item.parts, item.entry.link or "", symlinks, floor)
            if why is not None:
                problems.append(Problem(item.entry.name, why))
        elif item.entry.kind is EntryKind.HARDLINK:
            target_parts, reason = split_name(item.entry.link or "")
            if reason is not None or _fold(target_parts) not in files:
                problems.append(
                    Problem(
                        item.entry.name,
                        f"hard link to {item.entry.link!r}, not a regular file in the archive",
                    )
                )
    problem_names = {p.entry for p in problems}
    safe = [p for p in planned if p.entry.name not in problem_names]
    return Checked(safe, problems, skipped)


def top_folder(items: Sequence[Planned]) -> str | None:
    """The single folder every entry lives in, if there is one (else it is a tarbomb)."""
    tops = {item.parts[0] for item in items}
    if len(tops) != 1:
        return None
    top = next(iter(tops))
    deeper = any(len(item.parts) > 1 for item in items)
    is_dir = all(len(i.parts) > 1 or i.entry.kind is EntryKind.DIR for i in items)
    return top if deeper and is_dir else None


SAFE_FILE_MODE = 0o644
EXEC_FILE_MODE = 0o755


def file_mode(mode: int | None) -> int:
    """Permissions to give a file: set-uid, set-gid, sticky and group/world write dropped."""
    if mode is not None and mode & 0o111:
        return EXEC_FILE_MODE
    return SAFE_FILE_MODE
