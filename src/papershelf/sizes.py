"""What a size written by a person means (``"50MB"``, ``"20MiB"``, ``"300"``), and the
sizes papershelf itself keeps to."""

from __future__ import annotations

import re

# How much plan papershelf reads, all plan files together. Real plans name a few
# hundred folders, files and papers in a few hundred kB; a 10 MB plan naming 200,000
# took 18 s and 270 MB. Past either limit the plan file that reaches it is not read.
PLAN_MAX_BYTES = 4_000_000
PLAN_MAX_ITEMS = 20_000

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


# How much of a configuration, rule set, ``.gitignore``, experiment declaration or
# requirements file papershelf reads: real ones are a few kB. Past it the file is refused
# (``/dev/zero`` behind a link would otherwise be read until memory runs out).
TEXT_MAX_BYTES = 1_000_000
