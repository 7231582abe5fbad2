"""Decoding zip member names the way their makers meant them.

Info-ZIP on Linux writes UTF-8 without setting the UTF-8 flag, and Windows
tools write the OEM code page (cp866 in Russia, sometimes cp1251), which
Python shows as cp437 mojibake.
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


def _cyrillic_score(text: str) -> int:
    """How much ``text`` looks like Cyrillic words rather than mojibake."""
    score = 0
    for i, char in enumerate(text):
        if ord(char) < 128:
            continue
        if "\u0410" <= char <= "\u044f" or char in "Ёё":
            score += 2
            neighbours = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
            if any(c.isascii() and c.isalpha() for c in neighbours):
                score -= 3
        else:
            score -= 2
    return score


def guess_legacy_encoding(raws: Sequence[bytes]) -> str:
    """cp866 or cp1251 (or cp437), judged over every non-UTF-8 name of the archive."""
    sample = b"/".join(r for r in raws if not r.isascii())
    if not sample:
        return "cp437"
    scores = {enc: _cyrillic_score(sample.decode(enc, "replace")) for enc in ("cp866", "cp1251")}
    best = max(scores, key=lambda enc: (scores[enc], enc == "cp866"))
    return best if scores[best] > 0 else "cp437"


def decode_names(infos: Sequence[zipfile.ZipInfo], forced: str | None) -> list[str]:
    """Every member's name: flag, strict UTF-8, the 0x7075 extra, then cp866/cp1251."""
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
