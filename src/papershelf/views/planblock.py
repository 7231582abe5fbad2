"""The reading plan's checklist kept current inside a README, between two marker comments.

Only the text between ``<!-- papershelf:plan -->`` and ``<!-- /papershelf:plan -->``
changes; every byte outside it (line endings, a missing final newline, a BOM)
stays as it was, and the block uses the line ending of the line that opens it.
The block holds nothing that changes from run to run but the plan's status, so
a second update of an up-to-date file writes nothing.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from papershelf.errors import PapershelfError
from papershelf.plan import Item, ReadingPlan
from papershelf.plan.blockmarkers import (
    BEGIN,
    BEGIN_LINE as _BEGIN,
    END,
    END_LINE as _END,
)
from papershelf.plan.model import SHOWN_ORDER, Kind, Status, gone_items
from papershelf.shown import visible
from papershelf.views.render import (
    code_span,
    folder_note,
    in_missing_folders,
    missing_count,
    reading,
    summary,
)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>])")
# the order of the progress line: what is there first, what is not last
ORDER = SHOWN_ORDER


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def progress_line(plans: list[ReadingPlan]) -> str:
    counts, read = summary(plans), reading(plans)
    total = sum(counts.values())
    present = counts.get("present", 0)
    share = f" ({round(100 * present / total)}%)" if total else ""
    statuses = [*ORDER, *(status for status in counts if status not in ORDER)]
    folders = in_missing_folders(plans)
    others = [
        missing_count(counts[s], folders) if s == "missing" else f"{counts[s]} {s}"
        for s in statuses
        if s != "present" and counts.get(s)
    ]
    if read["read"] or read["unread"]:
        others.append(f"{read['read']}/{read['read'] + read['unread']} read")
    return f"**Progress: {present}/{total} present**{share}" + "".join(f" · {o}" for o in others)


def _item_line(item: Item, gone: Item | None = None) -> str:
    """One item; ``gone`` is the missing folder it is reported with, if any."""
    tick = "x" if item.status == Status.PRESENT else " "
    label = f"**{_escape(item.name)}**" if item.kind == Kind.PAPER else code_span(item.name)
    if item.status == Status.PRESENT:
        detail = f" — at {code_span(item.where)}" if item.where else ""
    elif item.status == Status.ARCHIVED and item.where:
        detail = f" — archived: only inside {code_span(item.where)}"
    elif item.status == Status.MISPLACED and item.where:
        detail = f" — misplaced: found in {code_span(item.where)}"
    elif item.status == Status.EMPTY and item.where:
        detail = f" — empty: {code_span(item.where)}"
    elif gone is not None:
        detail = f" — {item.status} ({folder_note(gone, code_span)})"
    else:
        detail = f" — {item.status}"
    reading = "" if item.read is None else f" · {'read' if item.read else 'unread'}"
    # A path may hold a newline: spelled out, it stays in its code span and its line.
    return visible(f"- [{tick}] {label}{detail}{reading}")


def block_lines(plans: list[ReadingPlan], plan_link: str | None) -> list[str]:
    """The block's lines; ``plan_link`` leads from the README's folder to the first plan."""
    title = _escape(plans[0].title if plans and plans[0].title else "Reading plan")
    lines = [f"{title}: [{code_span(plan_link)}]({quote(plan_link)})" if plan_link else title]
    lines = [visible(line) for line in lines]
    lines += ["", progress_line(plans)]
    tops = gone_items(plans)
    for number, plan in enumerate(plans):
        if number and plan.plan_file:
            lines += ["", visible(f"**{code_span(plan.plan_file)}**")]
        for phase in plan.phases:
            if phase.title:
                lines += ["", visible(f"**{_escape(phase.title)}**")]
            for step in phase.steps:
                lines.append("")
                if step.title:
                    lines += [visible(f"*{_escape(step.title)}*"), ""]
                for item in step.items:
                    folder = plan.missing_folder(item) if item.status == Status.MISSING else None
                    lines.append(_item_line(item, tops.get(folder) if folder else None))
    return lines


def _line_ending(text: str, after: int) -> str:
    """The ending of the line that opens the block, else the file's first one, else LF."""
    for start in (after, 0):
        at = text.find("\n", start)
        if at != -1:
            return "\r\n" if text[at - 1 : at] == "\r" else "\n"
    return "\n"


def _line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def replace_block(text: str, lines: list[str], name: str) -> str:
    """``text`` with its one marked block replaced by ``lines``; ``name`` is for errors."""
    begins, ends = list(_BEGIN.finditer(text)), list(_END.finditer(text))
    if not begins:
        raise PapershelfError(
            f"{name}: no {BEGIN} block; add a line {BEGIN} and a line {END} where the plan "
            "should go"
        )
    if len(begins) > 1:
        raise PapershelfError(
            f"{name}:{_line_number(text, begins[1].start())}: a second {BEGIN}; keep one block"
        )
    begin = begins[0]
    end = next((match for match in ends if match.start() >= begin.end()), None)
    if end is None:
        raise PapershelfError(
            f"{name}:{_line_number(text, begin.start())}: {BEGIN} is never closed by {END}"
        )
    newline = _line_ending(text, begin.end())
    body = newline + "".join(line + newline for line in lines)
    return text[: begin.end()] + body + text[end.start() :]
