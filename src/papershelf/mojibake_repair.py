"""Undo mojibake: text whose bytes were decoded with the wrong code page.

The common cases for Russian-speaking users: UTF-8 bytes shown as cp1252,
Mac Roman, Latin-1 or cp437 (``РђР»`` style, ``–ê–ª`` style), and Cyrillic
single-byte text read with the other Cyrillic code page (cp866 ↔ cp1251). A
repair is offered only when it round-trips exactly: re-encoding the repaired
text with the wrong reading gives back the original, character for character,
so applying it loses nothing.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# UTF-8 read as a single-byte code page: (code page, its display name).
UTF8_MISREADS = (
    ("sloppy-cp1252", "Windows-1252"),
    ("mac_roman", "Mac Roman"),
    ("latin-1", "Latin-1"),
    ("cp437", "DOS code page 437"),
)
# Cyrillic text in one code page read as the other: (written as, read as).
CYRILLIC_MISREADS = (("cp1251", "cp866"), ("cp866", "cp1251"))
CODEPAGE_NAMES = {"cp1251": "Windows-1251", "cp866": "DOS code page 866"}

# Characters a correct Russian or English name is made of; mojibake is made of others.
_PLAUSIBLE = re.compile(r"[\x20-\x7e\u0410-\u044f\u0401\u0451\t\n\r«»—–№…’“”‘]")
# What a misreading can produce: the upper halves of the code pages above. A name
# with none of them (outside ASCII, the Cyrillic alphabets and the typographic
# punctuation Russian names use) cannot be mojibake, so only the rare rest is tried.
_PLAIN = set("\u0401\u0451\u0404\u0454\u0406\u0456\u0407\u0457\u0490\u0491«»—–№…’‘“”")
_PLAIN.update(chr(code) for code in range(0x410, 0x450))
_PRODUCED = sorted(
    set().union(
        *(
            bytes(range(0x80, 0x100)).decode(codepage, "ignore")
            for codepage in ("cp1252", "mac_roman", "latin-1", "cp437", "cp866", "cp1251")
        )
    )
    - _PLAIN
)
SUSPECT = re.compile("[" + re.escape("".join(_PRODUCED)) + "]")


def _sloppy_tables() -> tuple[dict[int, str], dict[int, str]]:
    """cp1252 as Windows and browsers really decode it: its five holes pass through as C1."""
    decode: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            decode[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    encode = {ord(char): chr(byte) for byte, char in decode.items()}
    for byte in decode:  # a C1 control with a cp1252 character of its own is not cp1252
        encode.setdefault(byte, "\uffff")
    return decode, encode


_SLOPPY_DECODE, _SLOPPY_ENCODE = _sloppy_tables()


def encode(text: str, codepage: str) -> bytes:
    if codepage == "sloppy-cp1252":
        return text.translate(_SLOPPY_ENCODE).encode("latin-1")
    return text.encode(codepage)


def decode(data: bytes, codepage: str) -> str:
    if codepage == "sloppy-cp1252":
        return data.decode("latin-1").translate(_SLOPPY_DECODE)
    return data.decode(codepage)


def _cyrillic_profile(read: str, byte_ranges: tuple[range, ...], signal: str) -> tuple[str, str]:
    allowed = "".join(bytes(r).decode(read, "ignore") for r in byte_ranges)
    return allowed, signal


# What Russian text in one Cyrillic code page looks like read with the other: the
# characters it can consist of, and the ones it cannot do without (``а``, ``о``, ``н``
# turn into a no-break space, ``®`` and a soft hyphen; capitals into box drawing).
# Serbian, Ukrainian or Belarusian names that merely use rarer letters lack them.
_CYRILLIC_PROFILES = {
    "cp1251": _cyrillic_profile(  # cp866 bytes shown as cp1251
        "cp1251", (range(0x80, 0xB0), range(0xE0, 0xF2)), "\xa0¤¦§©«¬\xad®"
    ),
    "cp866": _cyrillic_profile(  # cp1251 bytes shown as cp866
        "cp866",
        (range(0xA8, 0xA9), range(0xB8, 0xB9), range(0xC0, 0x100)),
        bytes(range(0xC0, 0xE0)).decode("cp866") + "°∙·√¤■\xa0",
    ),
}


def _looks_like_cyrillic_misread(text: str, read: str) -> bool:
    allowed, signal = _CYRILLIC_PROFILES[read]
    foreign = {char for char in text if not char.isascii()}
    return foreign <= set(allowed) and not foreign.isdisjoint(signal)


class Repair(NamedTuple):
    text: str
    codepage: str  # the wrong reading that produced the mojibake
    description: str  # for messages: "UTF-8 read as Mac Roman"


def weirdness(text: str) -> int:
    """How many characters a correct name or plan would hardly contain."""
    return len(text) - sum(1 for _ in _PLAUSIBLE.finditer(text))


def _round_trips(original: str, repaired: str, written: str, read: str) -> bool:
    try:
        return decode(encode(repaired, written), read) == original
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False


def repair(text: str) -> Repair | None:
    """The exact repair of ``text``, or None when it is not (repairable) mojibake."""
    if not SUSPECT.search(text):
        return None
    for codepage, name in UTF8_MISREADS:
        try:
            fixed = encode(text, codepage).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if (
            fixed != text
            and weirdness(fixed) < weirdness(text)
            and _round_trips(text, fixed, "utf-8", codepage)
        ):
            return Repair(fixed, codepage, f"UTF-8 read as {name}")
    for written, read in CYRILLIC_MISREADS:
        if not _looks_like_cyrillic_misread(text, read):
            continue
        try:
            fixed = decode(encode(text, read), written)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if (
            fixed != text
            and weirdness(fixed) == 0
            and weirdness(text) > 0
            and _round_trips(text, fixed, written, read)
        ):
            description = f"{CODEPAGE_NAMES[written]} read as {CODEPAGE_NAMES[read]}"
            return Repair(fixed, read, description)
    return None
