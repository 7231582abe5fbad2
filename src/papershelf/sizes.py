"""What a size written by a person means: ``"50MB"``, ``"20MiB"``, ``"300"``."""

from __future__ import annotations

import re

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?))?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes: ``kB``/``MB``/``GB``/``TB`` are powers of 1000, ``KiB``/``MiB``/… of 1024,
    a bare number (or ``B``) is bytes. ``ValueError`` for anything else (``"5ib"``)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size such as 50MB or 20MiB: {text!r}")
    unit, binary = (match[2] or "").lower(), bool(match[3])
    factor = (1024 if binary else 1000) ** ("kmgt".index(unit) + 1) if unit else 1
    return int(float(match[1]) * factor)
