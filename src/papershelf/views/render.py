"""``papershelf plan``'s outputs: a tree, a markdown checklist, JSON, and ``--explain``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from papershelf.plan.model import Item, Kind, ReadingPlan, Status, gone_items


def folder_note(top: Item, code: Callable[[str], str] = str) -> str:
    """Why a missing item's folder is not there: the one finding that reports them both.
    ``code`` formats a path (backticks in markdown)."""
    folder, where = code(top.gone or ""), code(top.where or "")
    if top.status == Status.ARCHIVED:
        return f"in {folder}, which is only inside {where}"
    if top.status == Status.MISPLACED:
        return f"in {folder}, which is at {where}"
    return f"in {folder}, which is missing"


def _note(
    item: Item, plan: ReadingPlan, tops: dict[str, Item], code: Callable[[str], str] = str
) -> str:
    """Where the item is, or why not; ``code`` formats a path or an identifier."""
    folder = plan.missing_folder(item)
    if folder is not None and folder in tops and item.status == Status.MISSING:
        return folder_note(tops[folder], code)
    where = code(item.where or "")
    if item.status == Status.MISPLACED:
        return f"found in {where}"
    if item.status == Status.ARCHIVED:
        return f"only inside {where}"
    if item.status == Status.ONLINE and item.identifiers:
        return f"online: {code(item.identifiers[0])}"
    if item.where and item.status in (Status.PRESENT, Status.EMPTY):
        found_by = f", by {item.how}" if item.how not in (None, "path", "file-name") else ""
        return f"at {where}{found_by}"
    return ""


def _reading(item: Item, gap: str = "  ") -> str:
    return "" if item.read is None else f"{gap}· {'read' if item.read else 'unread'}"


def reading(plans: list[ReadingPlan]) -> dict[str, int]:
    """Read and unread items of every plan (a task list's ticked and open boxes)."""
    counts = {"read": 0, "unread": 0}
    for plan in plans:
        for key, number in plan.reading().items():
            counts[key] += number
    return counts


def summary(plans: list[ReadingPlan]) -> dict[str, int]:
    """Items of every plan by status, in the model's order of statuses."""
    counts: dict[str, int] = {}
    for plan in plans:
        for status, number in plan.summary().items():
            counts[status] = counts.get(status, 0) + number
    return counts


def progress(plans: list[ReadingPlan]) -> tuple[int, int]:
    """Done and total of what the plans ask you to read. An item with a task-list box is
    done when ticked, read or not wherever it is; one without, when it is in the
    repository or online (a paper linked only to a URL is there to read, not missing)."""
    done = total = 0
    for plan in plans:
        for item in plan.items():
            total += 1
            in_place = item.status in (Status.PRESENT, Status.ONLINE)
            done += bool(item.read if item.read is not None else in_place)
    return done, total


def in_missing_folders(plans: list[ReadingPlan]) -> dict[str, int]:
    """Each missing folder, and how many missing items of the plan it holds: those are
    reported with the folder, by its one finding, not on their own."""
    counts: dict[str, int] = {}
    for plan in plans:
        for item in plan.items():
            folder = plan.missing_folder(item)
            if folder is not None and item.status == Status.MISSING:
                counts[folder] = counts.get(folder, 0) + 1
    return counts


def missing_count(count: int, folders: dict[str, int]) -> str:
    """``5 missing (3 in a missing folder)``: the items without a finding of their own."""
    inside = sum(folders.values())
    if not inside:
        return f"{count} missing"
    where = "a missing folder" if len(folders) == 1 else "missing folders"
    return f"{count} missing ({inside} in {where})"


def summary_line(plans: list[ReadingPlan]) -> str:
    counts = summary(plans)
    total = sum(counts.values())
    folders = in_missing_folders(plans)
    parts = [
        missing_count(n, folders) if status == "missing" else f"{n} {status}"
        for status, n in counts.items()
        if n
    ]
    line = f"{total} item{'s' if total != 1 else ''}" + (": " + ", ".join(parts) if parts else "")
    read = reading(plans)
    if read["read"] or read["unread"]:
        line += f"; {read['read']} read, {read['unread']} unread"
    return line


def _shown(plans: list[ReadingPlan]) -> list[ReadingPlan]:
    """Plans that name something; of several plan files, those that name nothing are left out."""
    named = [plan for plan in plans if any(True for _ in plan.items())]
    return named if len(plans) > 1 and named else plans


def render_text(plans: list[ReadingPlan], shown_file: str | None = None) -> str:
    lines: list[str] = []
    plans = _shown(plans)
    tops = gone_items(plans)
    for number, plan in enumerate(plans):
        if number:
            lines.append("")
        if plan.title:
            lines.append(plan.title)
        plan_file = shown_file if number == 0 and shown_file else plan.plan_file
        if plan_file:
            lines.append(f"plan: {plan_file}")
        for phase in plan.phases:
            lines.append("")
            indent = ""
            if phase.title:
                lines.append(phase.title)
                indent = "  "
            for step in phase.steps:
                inner = indent
                if step.title:
                    lines.append(f"{indent}{step.title}")
                    inner = indent + "  "
                for item in step.items:
                    note = _note(item, plan, tops)
                    lines.append(
                        f"{inner}[{item.status}]".ljust(len(inner) + 12)
                        + item.label
                        + (f"  ({note})" if note else "")
                        + _reading(item)
                    )
    lines.append("")
    lines.append(summary_line(plans))
    return "\n".join(lines) + "\n"


def code_span(text: str) -> str:
    """``text`` as inline code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(plans: list[ReadingPlan], shown_file: str | None = None) -> str:
    """A checklist to paste into an issue: ticked when present."""
    plans = _shown(plans)
    first = plans[0] if plans else ReadingPlan("", (), False)
    lines = [f"# {first.title or 'Reading plan'}"]
    tops = gone_items(plans)
    for number, plan in enumerate(plans):
        plan_file = shown_file if number == 0 and shown_file else plan.plan_file
        if plan_file:
            lines += ["", f"Plan: `{plan_file}`"]
        for phase in plan.phases:
            if phase.title:
                lines += ["", f"## {phase.title}"]
            for step in phase.steps:
                lines.append("")
                if step.title:
                    lines += [f"### {step.title}", ""]
                for item in step.items:
                    tick = "x" if item.status == Status.PRESENT else " "
                    label = f"**{item.name}**" if item.kind == Kind.PAPER else f"`{item.name}`"
                    note = _note(item, plan, tops, code_span)
                    status = "" if item.status == Status.PRESENT else f" — {item.status}"
                    detail = f" ({note})" if note else ""
                    lines.append(f"- [{tick}] {label}{status}{detail}{_reading(item, ' ')}")
    lines += ["", summary_line(plans)]
    return "\n".join(lines) + "\n"


_HERE = (Status.PRESENT, Status.EMPTY)


def item_json(item: Item, plan: ReadingPlan) -> dict[str, object]:
    """One item for tools; ``where`` is its path in the repository whenever it is there."""
    return {
        "kind": item.kind,
        "name": item.name,
        "line": item.line,
        "path": item.path,
        "status": item.status,
        "where": item.where or (plan.expected(item) if item.status in _HERE else None),
        "step": item.step,
        "how": item.how,
        "read": item.read,
        "missing_folder": plan.missing_folder(item),
    }


def to_json(plans: list[ReadingPlan], shown_file: str | None = None) -> dict[str, object]:
    """The first plan's document (keys kept from version 1), with any further plan files
    under ``plans``; items carry ``step``, ``how``, ``read`` and ``missing_folder`` besides
    the original keys, and ``in_missing_folders`` counts the missing items that the
    finding of a missing folder reports with it."""
    documents = [_plan_json(plan) for plan in plans]
    document: dict[str, object] = dict(documents[0]) if documents else {}
    document = {"version": 1, **document}
    if shown_file:
        document["plan"] = shown_file
    if len(documents) > 1:
        document["plans"] = documents
    document["summary"] = summary(plans)
    document["in_missing_folders"] = sum(in_missing_folders(plans).values())
    document["reading"] = reading(plans)
    return document


def _plan_json(plan: ReadingPlan) -> dict[str, object]:
    unreadable: dict[str, object] = {"count": 0, "examples": {}}
    if plan.papers is not None:
        unreadable = {"count": plan.papers.unreadable, "examples": plan.papers.notes}
    return {
        "plan": plan.plan_file,
        "title": plan.title,
        "structured": plan.structured,
        "phases": [
            {
                "title": phase.title,
                "line": phase.line,
                "steps": [
                    {
                        "title": step.title,
                        "line": step.line,
                        "items": [item_json(item, plan) for item in step.items],
                    }
                    for step in phase.steps
                ],
            }
            for phase in plan.phases
        ],
        "unreadable_pdfs": unreadable,
    }


def render_explain(notes: Iterable[tuple[int, str, str]], plan_file: str | None) -> str:
    """Each block of the plan, line by line, and what papershelf understood from it."""
    lines = [f"plan: {plan_file}"] if plan_file else []
    for number, raw, taken in notes:
        block = raw.strip("\n").split("\n") or [""]
        lines += [f"{at:>4}  {text.strip()}" for at, text in enumerate(block, number)]
        lines.append(f"      -> {taken}")
    return "\n".join(lines) + "\n"


def render_unreadable(plan: ReadingPlan) -> str:
    """The PDFs whose content could not be read (found by their names only, if at all)."""
    if plan.papers is None or not plan.papers.unreadable:
        return ""
    count = plan.papers.unreadable
    lines = [f"{count} PDF{'s' if count != 1 else ''} could not be read (matched by name only):"]
    lines += [f"  {path}: {note}" for path, note in sorted(plan.papers.notes.items())]
    if count > len(plan.papers.notes):
        lines.append(f"  … and {count - len(plan.papers.notes)} more")
    return "\n".join(lines) + "\n"
