"""Tick a task-list box in a plan file: the one character changed, every other byte kept.

The plan is read line by line as the parser reads it (``str.splitlines``), so the
line an item came from is the line edited, whatever its ending (LF, CRLF, none).
"""

from __future__ import annotations

import re

from papershelf.errors import PapershelfError

# A task-list box at the start of a list item, as the plan reader reads it.
CHECKBOX = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+)+\[([ xX])\]\s")


def tick(text: str, line: int, name: str, label: str) -> str | None:
    """``text`` with the box on ``line`` (1-based) ticked; None when it already is.

    ``name`` (the plan file's) and ``label`` (the item's) make the error when the line has
    no box.
    """
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        raise PapershelfError(f"{name}:{line}: the plan file has no such line; run it again")
    raw = lines[line - 1]
    content = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    box = CHECKBOX.match(content)
    if box is None:
        raise PapershelfError(
            f"{name}:{line}: {label} is not a task-list item; write the line as `- [ ] …` "
            "to track reading"
        )
    if box[1] != " ":
        return None
    at = box.start(1)
    lines[line - 1] = raw[:at] + "x" + raw[at + 1 :]
    return "".join(lines)
