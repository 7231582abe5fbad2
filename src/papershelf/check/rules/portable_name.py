"""A name that breaks a clone on another operating system.

Linux accepts almost any name; a collaborator on Windows or macOS cannot check
out: characters Windows forbids (``<>:"|?*`` and control characters), names it
reserves (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``…``COM9``, ``LPT1``…``LPT9``,
with or without an extension), names ending in a dot or a space, paths longer
than 260 characters, names that differ only in case (one overwrites the other
on macOS and Windows), and names not in Unicode NFC (macOS writes NFD, and git
then sees two files where the user sees one). A name holding a bidirectional
control or a zero-width character is reported too: it does not read as it is
(``\\u202efdp.exe`` shows as ``exe.pdf``). All paths are scanned as one
text, so the check costs the same on 100,000 files as a single regex pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.repo.names import WINDOWS_RESERVED, WINDOWS_RESERVED_STEMS
from papershelf.repo.snapshot import Snapshot
from papershelf.shown import BIDI_OR_INVISIBLE

MAX_PATH = 260
# Each kind is first looked for with plain substring searches (memchr speed); the
# regex, which must try every position, runs only when one of them hits.
_BAD_NAME = {
    "forbidden": re.compile(r'[<>:"|?*\x01-\x1f]'),
    "reserved": re.compile(
        rf"(?<=[\0/]){WINDOWS_RESERVED}(?:\.[^\0/]*)?(?=[\0/])",
        re.IGNORECASE,
    ),
    "trailing": re.compile(r"[. ](?=[\0/])"),
    # Bidirectional controls and zero-width characters: legal everywhere, but the name
    # then does not read as it is (``\u202efdp.exe`` shows as ``exe.pdf``).
    "invisible": BIDI_OR_INVISIBLE,
}
_LONG = re.compile(rf"(?<=\0)[^\0]{{{MAX_PATH + 1},}}")
MESSAGES = {
    "forbidden": "the name holds {0!r}, which Windows forbids in file names",
    "reserved": "`{0}` is a reserved device name on Windows: it cannot be checked out",
    "trailing": "the name ends with a dot or a space, which Windows silently drops",
    "invisible": "the name holds {0!r} ({1}), an invisible character: the name does not "
    "read as it is",
}


def _component_at(text: str, position: int) -> str:
    """The path up to and including the component that holds ``position``."""
    start = text.rfind("\0", 0, position) + 1
    end = text.find("/", position)
    record_end = text.find("\0", position)
    if end == -1 or end > record_end:
        end = record_end
    return text[start:end]


_FORBIDDEN_BYTES = b'<>:"|?*' + bytes(range(1, 32))
_RESERVED_STEMS = tuple(stem.encode() for stem in WINDOWS_RESERVED_STEMS)
_TRAILING_ENDS = (b".\0", b"./", b" \0", b" /")
# The UTF-8 lead bytes of every character ``BIDI_OR_INVISIBLE`` matches.
_INVISIBLE_LEADS = (b"\xe2\x80", b"\xe2\x81", b"\xd8\x9c", b"\xe1\xa0\x8e", b"\xef\xbb\xbf")


def _may_hold(kind: str, folded: bytes) -> bool:
    """A memchr-speed pre-check on the ASCII-lowered UTF-8 path text."""
    if kind == "forbidden":
        return len(folded.translate(None, _FORBIDDEN_BYTES)) != len(folded)
    if kind == "reserved":
        return any(
            stem in folded and (b"\0" + stem in folded or b"/" + stem in folded)
            for stem in _RESERVED_STEMS
        )
    if kind == "invisible":
        return any(lead in folded for lead in _INVISIBLE_LEADS)
    return any(end in folded for end in _TRAILING_ENDS)


def bad_names(text: str, folded: bytes | None = None) -> dict[tuple[str, str], str]:
    """``(top-most path, kind) -> offending text`` for forbidden, reserved, trailing names."""
    if folded is None:
        folded = text.encode("utf-8", "surrogateescape").lower()
    hits: dict[tuple[str, str], str] = {}
    for kind, pattern in _BAD_NAME.items():
        if not _may_hold(kind, folded):
            continue
        for match in pattern.finditer(text):
            hits.setdefault((_component_at(text, match.start()), kind), match.group())
    return hits


def collisions(names: list[str], lowered: str | None = None) -> list[list[str]]:
    """Groups of sibling names equal once case is ignored (computed only when some exist).

    A group whose members sit in differently-cased folders is left out: the
    folders themselves collide, and that is the one finding worth making.
    """
    folded = ("\0".join(names).lower() if lowered is None else lowered).split("\0")
    if len(set(folded)) == len(names):  # names are unique: index paths, folder set
        return []
    groups: dict[str, list[str]] = {}
    for name, key in zip(names, folded):
        groups.setdefault(key, []).append(name)
    return [
        sorted(set(group))
        for group in groups.values()
        if len(set(group)) > 1 and len({name.rpartition("/")[0] for name in group}) == 1
    ]


def check(ctx: Context) -> Iterator[Finding]:
    snapshot = ctx.snapshot
    # Every finding here depends on the paths alone: kept with the index facts.
    found = snapshot.memo("portable-name", lambda: _path_findings(snapshot), persist=True)
    for path, message, hint in found:
        yield RULE.finding(path, message, hint=hint or None)


def _path_findings(snapshot: Snapshot) -> list[tuple[str, str, str]]:
    return [(f.path, f.message, f.hint) for f in _scan(snapshot)]


def _scan(snapshot: Snapshot) -> Iterator[Finding]:
    text = snapshot.text
    folded = snapshot.folded_bytes
    for (path, kind), name in bad_names(text, folded).items():
        named = unicodedata.name(name, "") if kind == "invisible" else ""
        yield RULE.finding(path, MESSAGES[kind].format(name, named))
    if snapshot.files and max(map(len, snapshot.files)) > MAX_PATH:
        yield from _long_paths(text)
    folders = sorted(snapshot.dirs - {""})
    for group in collisions(folders) + _file_collisions(snapshot, text, folded):
        others = ", ".join(f"`{name}`" for name in group[1:])
        yield RULE.finding(
            group[0],
            f"differs only in case from {others}: one overwrites the other on macOS and Windows",
            hint="rename one of them (git mv) so the names differ by more than case",
        )
    if not unicodedata.is_normalized("NFC", text):
        yield from _not_nfc(snapshot)


def _file_collisions(snapshot: Snapshot, text: str, folded: bytes) -> list[list[str]]:
    if text.isascii():  # the ASCII-lowered bytes are then the whole story
        if len(set(folded.split(b"\0"))) == len(snapshot.files) + 1:
            return []
        return collisions(snapshot.files)
    return collisions(snapshot.files, text.lower()[1:-1])


def _long_paths(text: str) -> Iterator[Finding]:
    for match in _LONG.finditer(text):
        yield RULE.finding(
            match.group(),
            f"the path is {len(match.group())} characters long; Windows stops at {MAX_PATH}",
            hint="shorten the folder or file names on this path",
        )


def _not_nfc(snapshot: Snapshot) -> Iterator[Finding]:
    reported: set[str] = set()
    for path in snapshot.files:
        if path.isascii() or unicodedata.is_normalized("NFC", path):
            continue
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if not unicodedata.is_normalized("NFC", parts[depth - 1]):
                if prefix not in reported:
                    reported.add(prefix)
                    fixed = unicodedata.normalize("NFC", parts[depth - 1])
                    yield RULE.finding(
                        prefix,
                        f"the name is not in Unicode NFC (as macOS writes it); in NFC it is "
                        f"`{fixed}`, which git treats as a different file",
                        hint=f"git mv it to its NFC form `{fixed}`",
                    )
                break


RULE = Rule(
    slug="portable-name",
    code="PS301",
    severity=Severity.WARNING,
    description="A name breaks a clone on Windows or macOS (forbidden, reserved, case, NFC, long), "
    "or does not read as it is (bidirectional or zero-width characters).",
    hint="rename it (git mv) to a name every operating system accepts",
    check=check,
    doc=__doc__ or "",
)
