"""The markers of a README's progress block (``plan update`` writes it): where it is.

The block is papershelf's own output; the plan reader never reads it as plan.
"""

from __future__ import annotations

import re

BEGIN = "<!-- papershelf:plan -->"
END = "<!-- /papershelf:plan -->"
# A marker counts only on a line of its own: quoted in a sentence, or inside a path a
# line of the block shows, it is text.
BEGIN_LINE = re.compile(r"^[ \t]*<!--[ \t]*papershelf:plan[ \t]*-->[ \t]*(?=\r?$)", re.MULTILINE)
END_LINE = re.compile(r"^[ \t]*<!--[ \t]*/papershelf:plan[ \t]*-->[ \t]*(?=\r?$)", re.MULTILINE)


def block(text: str) -> tuple[re.Match[str], re.Match[str]] | None:
    """The one well-formed block's markers, or None."""
    begins = list(BEGIN_LINE.finditer(text))
    if len(begins) != 1:
        return None
    end = next((m for m in END_LINE.finditer(text) if m.start() >= begins[0].end()), None)
    return (begins[0], end) if end is not None else None


def strip_block(text: str) -> str:
    """``text`` with the block's lines, markers included, blank: what the plan reader
    reads of a README that holds a block. The block is papershelf's own output; read as
    plan, every run would find its items again (and more of them). Line numbers stay."""
    if "papershelf:plan" not in text:
        return text
    found = block(text)
    if found is None:
        return text
    start, end = found[0].start(), found[1].end()
    blank = re.sub(r"[^\r\n]+", "", text[start:end])
    return text[:start] + blank + text[end:]
