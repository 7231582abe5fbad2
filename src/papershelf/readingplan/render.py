"""``papershelf plan``'s outputs: a tree, a markdown checklist, JSON, and ``--explain``."""

from __future__ import annotations

from collections.abc import Iterable

from papershelf.readingplan.model import Item, ReadingPlan


def _note(item: Item) -> str:
    if item.status == "misplaced":
        return f"found in {item.where}"
    if item.status == "archived":
        return f"only inside {item.where}"
    if item.status == "online" and item.identifiers:
        return f"online: {item.identifiers[0]}"
    if item.where and item.status in ("present", "empty"):
        found_by = f", by {item.how}" if item.how not in (None, "path", "file-name") else ""
        return f"at {item.where}{found_by}"
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


def summary_line(plans: list[ReadingPlan]) -> str:
    counts = summary(plans)
    total = sum(counts.values())
    parts = [f"{n} {status}" for status, n in counts.items() if n]
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
                    note = _note(item)
                    lines.append(
                        f"{inner}[{item.status}]".ljust(len(inner) + 12)
                        + item.label
                        + (f"  ({note})" if note else "")
                        + _reading(item)
                    )
    lines.append("")
    lines.append(summary_line(plans))
    return "\n".join(lines) + "\n"


def render_markdown(plans: list[ReadingPlan], shown_file: str | None = None) -> str:
    """A checklist to paste into an issue: ticked when present."""
    plans = _shown(plans)
    first = plans[0] if plans else ReadingPlan("", [], False)
    lines = [f"# {first.title or 'Reading plan'}"]
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
                    tick = "x" if item.status == "present" else " "
                    label = f"**{item.name}**" if item.kind == "paper" else f"`{item.name}`"
                    note = _note(item)
                    status = "" if item.status == "present" else f" — {item.status}"
                    where = item.where or ""
                    detail = f" ({note.replace(where, f'`{where}`')})" if note else ""
                    lines.append(f"- [{tick}] {label}{status}{detail}{_reading(item, ' ')}")
    lines += ["", summary_line(plans)]
    return "\n".join(lines) + "\n"


def item_json(item: Item) -> dict[str, object]:
    return {
        "kind": item.kind,
        "name": item.name,
        "line": item.line,
        "path": item.path,
        "status": item.status,
        "where": item.where,
        "step": item.step,
        "how": item.how,
        "read": item.read,
    }


def to_json(plans: list[ReadingPlan], shown_file: str | None = None) -> dict[str, object]:
    """The first plan's document (keys kept from version 1), with any further plan files
    under ``plans``; items carry ``step`` and ``how`` besides the original keys."""
    documents = [_plan_json(plan) for plan in plans]
    document: dict[str, object] = dict(documents[0]) if documents else {}
    document = {"version": 1, **document}
    if shown_file:
        document["plan"] = shown_file
    if len(documents) > 1:
        document["plans"] = documents
    document["summary"] = summary(plans)
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
                        "items": [item_json(item) for item in step.items],
                    }
                    for step in phase.steps
                ],
            }
            for phase in plan.phases
        ],
        "unreadable_pdfs": unreadable,
    }


def render_explain(notes: Iterable[tuple[int, str, str]], plan_file: str | None) -> str:
    """Each line of the plan and what papershelf understood from it."""
    lines = [f"plan: {plan_file}"] if plan_file else []
    for number, raw, taken in notes:
        lines.append(f"{number:>4}  {raw.strip()}")
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
