"""Decoding zip member names the way their makers meant them.

Info-ZIP on Linux writes UTF-8 without setting the UTF-8 flag, and Windows
tools write the OEM code page (cp866 in Russia, cp932 in Japan, GBK in China,
sometimes cp1251), which Python shows as cp437 mojibake. Only names made by
Windows tools use a backslash as the separator (against the zip format's
``/``); elsewhere it is a character of the name.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Sequence

_UNICODE_PATH_EXTRA = 0x7075
_UTF8_FLAG = 0x800


def raw_name(info: zipfile.ZipInfo) -> bytes:
    """The bytes of the name as stored (zipfile decoded non-UTF-8 names as cp437)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename.encode("utf-8", "surrogateescape")
    return info.orig_filename.encode("cp437")


def unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), if present and still matching."""
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _UNICODE_PATH_EXTRA and len(body) >= 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<I", body, 1)
            if crc == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


# Code pages a zip made without the UTF-8 flag is found in, by the order a tie goes.
LEGACY_ENCODINGS = ("cp866", "cp1251", "cp932", "gbk", "cp437")
_HALFWIDTH_KANA = ("\uff61", "\uff9f")


def _common_ideograph(char: str, encoding: str) -> bool:
    """An ideograph of the national standard set (GB 2312, JIS X 0208), not the rare rest."""
    standard = "gb2312" if encoding == "gbk" else "shift_jis"
    try:
        char.encode(standard)
    except UnicodeEncodeError:
        return False
    return True


def _east_asian(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff"


def name_score(text: str, encoding: str) -> int:
    """How much ``text`` decoded as ``encoding`` looks like words rather than mojibake.

    Scored per byte, so that one ideograph (two bytes) weighs as two letters:
    letters of one script score, more where the code page is that script's (kana
    and common ideographs for cp932/gbk, Cyrillic for cp866/cp1251); box drawing,
    half-width katakana, rare ideographs, a capital inside a Cyrillic word
    (``ЦРОДОДјюГы``) and a non-ASCII letter glued to a Latin one (``Rйsumй``) cost.
    """
    score = 0
    for index, char in enumerate(text):
        if char.isascii():
            continue
        before = text[index - 1] if index else ""
        neighbours = before + text[index + 1 : index + 2]
        glued = any(c.isascii() and c.isalpha() for c in neighbours)
        if "\u0410" <= char <= "\u044f" or char in "Ёё":
            score += 2 if encoding in ("cp866", "cp1251") else 1
            score -= (3 if glued else 0) + (3 if char.isupper() and before.islower() else 0)
        elif _east_asian(char) and glued and not any(map(_east_asian, neighbours)):
            score -= 2  # one ideograph inside a Latin word: ``Übungen`` read as cp932
        elif "\u3040" <= char <= "\u30ff":
            score += 5 if encoding == "cp932" else -2
        elif "\u4e00" <= char <= "\u9fff":
            score += 4 if _common_ideograph(char, encoding) else -4
        elif _HALFWIDTH_KANA[0] <= char <= _HALFWIDTH_KANA[1]:
            score -= 3
        elif "\u00c0" <= char <= "\u024f" and char.isalpha():
            score += 1 if glued or not neighbours else -1
        else:
            score -= 3 if "\u2500" <= char <= "\u259f" else 2
    return score


def guess_legacy_encoding(raws: Sequence[bytes]) -> str:
    """The code page (of :data:`LEGACY_ENCODINGS`) whose decoding of every non-UTF-8 name
    of the archive reads most like words; cp437, the zip default, when none does."""
    sample = [raw for raw in raws if not raw.isascii()]
    if not sample:
        return "cp437"
    scores: dict[str, int] = {}
    for encoding in LEGACY_ENCODINGS:
        try:
            scores[encoding] = sum(name_score(raw.decode(encoding), encoding) for raw in sample)
        except UnicodeDecodeError:
            continue
    if not scores:
        return "cp437"
    best = max(scores, key=lambda enc: (scores[enc], -LEGACY_ENCODINGS.index(enc)))
    return best if scores[best] > 0 else "cp437"


WINDOWS_SYSTEMS = (0, 11, 14)  # "made by": MS-DOS/FAT, NTFS, VFAT


def decode_names(infos: Sequence[zipfile.ZipInfo], forced: str | None) -> list[str]:
    """Every member's name, with ``/`` as its separator.

    Decoded by its flag, strict UTF-8, the 0x7075 extra, then the code page
    guessed over the archive's other names (or ``forced``).
    """
    names = _decoded(infos, forced)
    return [
        name.replace("\\", "/") if info.create_system in WINDOWS_SYSTEMS else name
        for info, name in zip(infos, names, strict=True)
    ]


def _decoded(infos: Sequence[zipfile.ZipInfo], forced: str | None) -> list[str]:
    raws = [raw_name(info) for info in infos]
    if forced is not None:
        return [
            info.orig_filename if info.flag_bits & _UTF8_FLAG else raw.decode(forced, "replace")
            for info, raw in zip(infos, raws, strict=True)
        ]
    names: list[str | None] = []
    undecided: list[bytes] = []
    for info, raw in zip(infos, raws, strict=True):
        if info.flag_bits & _UTF8_FLAG or raw.isascii():
            names.append(info.orig_filename)
            continue
        try:
            names.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        extra = unicode_path_extra(info, raw)
        names.append(extra)
        if extra is None:
            undecided.append(raw)
    legacy = guess_legacy_encoding(undecided)
    return [
        name if name is not None else raw.decode(legacy, "replace")
        for name, raw in zip(names, raws, strict=True)
    ]
