"""The reading order a plan file describes, with each folder and paper marked as found.

The parser reads the plan's own markdown: headings that name a phase
("Фаза", "Phase", "Этап") or a step ("Шаг", "Step", "Ветка", "Branch"),
backticked paths (with a plain ``/rest`` after the closing backtick, as in
`` `06_Engineering_&_Tuning`/Разработка LLM с нуля ``) and bold quoted titles
(``**"LoRA"**``). A path is read from the plan root when it starts with a
section, else from the folder the step last sent the reader to. A plan with
no such headings degrades to one flat list; nothing in a plan makes it fail.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from papershelf.config import Config, Paper
from papershelf.rules._paths import (
    DOCUMENT_SUFFIXES,
    archive_standin,
    archive_stem,
    normalize_title,
    title_pattern,
)
from papershelf.snapshot import Snapshot

STATUSES = ("present", "missing", "misplaced", "archived", "empty")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_PHASE = re.compile(r"(?i)\b(фаза|phase|этап|stage|часть|part)\b")
_STEP = re.compile(r"(?i)\b(шаг|step|ветка|branch|track|урок|lesson)\b")
# A backticked path, and a plain "/rest" glued after the closing backtick (up to a
# sentence's end: a dot followed by a space or the line's end stops it).
_PATH = re.compile(r"`([^`\n]+)`(/(?:[^`*\n.]|\.(?!\s|$))*[^`*\s.,;:)])?")
_TITLE = re.compile(r"\*\*\s*[\"“«]([^\"”»\n]+)[\"”»]\s*\*\*")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SECTIONISH = re.compile(r"^(\d\d|xx)_", re.IGNORECASE)


@dataclass
class Item:
    kind: str  # "folder", "file" or "paper"
    name: str  # as the plan writes it
    line: int
    path: str | None = None  # where the plan expects it, relative to the plan root
    status: str = "missing"
    where: str | None = None  # repository-relative: where it was found instead, or the archive


@dataclass
class Step:
    title: str
    line: int
    items: list[Item] = field(default_factory=list)


@dataclass
class Phase:
    title: str
    line: int
    steps: list[Step] = field(default_factory=list)


@dataclass
class ReadingPlan:
    title: str
    phases: list[Phase]
    structured: bool  # False: the plan had no phase or step headings, this is a flat list

    def items(self) -> Iterator[Item]:
        for phase in self.phases:
            for step in phase.steps:
                yield from step.items

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for item in self.items():
            counts[item.status] += 1
        return counts


def _clean_heading(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip().rstrip(":").strip()


class _Parser:
    def __init__(self, sections: set[str]) -> None:
        self.sections = sections
        self.title = ""
        self.phases: list[Phase] = []
        self.structured = False
        self.context = ""  # the folder the current step sent the reader to

    @property
    def step(self) -> Step:
        if not self.phases:
            self.phases.append(Phase("", 0))
        phase = self.phases[-1]
        if not phase.steps:
            phase.steps.append(Step("", phase.line))
        return phase.steps[-1]

    def heading(self, level: int, text: str, number: int) -> None:
        title = _clean_heading(text)
        if level == 1 and not self.title:
            self.title = title
            return
        if _PHASE.search(title) or (level <= 2 and not _STEP.search(title)):
            self.structured = self.structured or bool(_PHASE.search(title))
            self.phases.append(Phase(title, number))
            self.context = ""
        elif _STEP.search(title):
            self.structured = True
            if not self.phases:
                self.phases.append(Phase("", 0))
            self.phases[-1].steps.append(Step(title, number))
            self.context = ""
        # other headings (notes inside a step) neither open a step nor change context

    def is_rooted(self, path: str) -> bool:
        first = path.split("/")[0]
        if self.sections:
            return first in self.sections
        return bool(_SECTIONISH.match(first))

    def line(self, text: str, number: int) -> None:
        folders: list[Item] = []
        papers: list[Item] = []
        for match in _PATH.finditer(text):
            token = (match[1] + (match[2] or "")).strip().strip("/")
            if not token or token.startswith(".") or "://" in token:
                continue
            if token.lower().endswith(DOCUMENT_SUFFIXES) and "/" not in token:
                if token.lower().endswith(".md"):
                    folders.append(Item("file", token, number))
                else:
                    papers.append(Item("paper", token.rpartition(".")[0], number))
                continue
            kind = "file" if token.lower().endswith(DOCUMENT_SUFFIXES) else "folder"
            item = Item(kind, token, number)
            if self.is_rooted(token):
                item.path = token
                if kind == "folder":
                    self.context = token
            elif "/" in token or "_" in token or kind == "file":
                item.path = posixpath.join(self.context, token) if self.context else token
            else:
                item.path = None  # a bare word: a folder only if the repository has one
            folders.append(item)
        for match in _TITLE.finditer(text):
            papers.append(Item("paper", match[1].strip(), number))
        same_line = next((f.path for f in folders if f.kind == "folder" and f.path), None)
        for paper in papers:
            paper.path = same_line or self.context or None
        self.step.items.extend(sorted([*folders, *papers], key=lambda item: text.find(item.name)))


def parse(text: str, sections: set[str] | None = None) -> ReadingPlan:
    """The plan's phases, steps and items; ``sections`` are top-level folder names."""
    parser = _Parser(sections or set())
    fenced = False
    for number, raw in enumerate(text.splitlines(), 1):
        if _FENCE.match(raw):
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = _HEADING.match(raw)
        if heading:
            parser.heading(len(heading[1]), heading[2], number)
        else:
            parser.line(raw, number)
    phases = parser.phases
    if not parser.structured:
        items = [item for phase in phases for step in phase.steps for item in step.items]
        flat = Step("", 0, items)
        phases = [Phase("", 0, [flat])]
    else:
        for phase in phases:
            phase.steps = [step for step in phase.steps if step.items]
        phases = [phase for phase in phases if phase.steps]
    return ReadingPlan(parser.title, phases, parser.structured)


# --- marking items against the repository ---


class _Finder:
    def __init__(self, snapshot: Snapshot, plan_root: str, papers: list[Paper]) -> None:
        self.snap = snapshot
        self.root = plan_root
        self.prefix = plan_root + "/" if plan_root else ""
        self.papers = {normalize_title(t): p for p in papers for t in (p.title, *p.aliases)}
        self._names: list[tuple[str, str]] | None = None

    def under(self, path: str) -> str:
        return posixpath.join(self.root, path) if self.root else path

    def names(self) -> list[tuple[str, str]]:
        """``(path, " normalized name ")`` for documents, folders and archives under the root."""
        if self._names is None:
            snap, prefix = self.snap, self.prefix
            paths = [
                p
                for p in snap.files
                if p.startswith(prefix) and p.lower().endswith(DOCUMENT_SUFFIXES)
            ]
            paths += sorted(d for d in snap.dirs if d and d.startswith(prefix))
            named = [
                (p, p.rpartition("/")[2].rpartition(".")[0] or p.rpartition("/")[2]) for p in paths
            ]
            named += [
                (p, archive_stem(p.rpartition("/")[2]))
                for p in snap.archive_named
                if p.startswith(prefix)
            ]
            self._names = [(p, f" {normalize_title(n)} ") for p, n in named]
        return self._names

    def has_content(self, folder: str) -> bool:
        text, needle, start = self.snap.text, "\0" + folder + "/", 0
        while (start := text.find(needle, start)) != -1:
            end = text.index("\0", start + 1)
            path = text[start + 1 : end]
            if path.rpartition("/")[2] != ".gitkeep" and not self.snap.is_empty(path):
                return True
            start = end
        return False

    def mark_path(self, item: Item) -> None:
        snap = self.snap
        candidates = [item.path] if item.path else []
        for relative in candidates:
            path = self.under(relative)
            if item.kind == "folder" and path in snap.dirs:
                item.status = "present" if self.has_content(path) else "empty"
                return
            if item.kind == "file" and path in snap.file_set:
                item.status = "empty" if snap.is_empty(path) else "present"
                return
        pool = snap.dirs if item.kind == "folder" else snap.file_set
        found = self._by_tail(item.name, item.kind)
        if item.path:
            archive = archive_standin(snap, self.under(item.path), self.root)
            if archive:
                item.status, item.where = "archived", archive
                return
            extended = self._extended(self.under(item.path), pool)
            if extended:  # `06_Engineering` for `06_Engineering_&_Tuning`
                item.status, item.where = "present", extended
                if item.kind == "folder" and not self.has_content(extended):
                    item.status = "empty"
                return
            if not found:
                found = self._by_tail(item.name.rpartition("/")[2], item.kind)
            if found:
                item.status, item.where = "misplaced", found[0]
                return
            item.status = "missing"
            return
        if found:  # a bare name the plan gives no place for: anywhere will do
            item.status, item.where = "present", found[0]
            if item.kind == "folder" and not self.has_content(found[0]):
                item.status = "empty"
            return
        item.status = "skip"

    def _by_tail(self, tail: str, kind: str) -> list[str]:
        """Paths under the plan root ending in ``tail`` (ASCII case ignored), at C speed."""
        end = "/" if kind == "folder" else "\0"
        found: set[str] = set()
        for lead in ("/", "\0"):
            needle = (lead + tail + end).lower()
            for path in self.snap.paths_holding(needle):
                full = "\0" + path + "\0"
                at = full.lower().find(needle)
                if at != -1:
                    match = full[1 : at + len(needle) - 1]
                    if match.startswith(self.prefix):
                        found.add(match)
        return sorted(found)

    def _extended(self, path: str, pool: set[str]) -> str | None:
        """A sibling whose name is ``path``'s name plus a suffix after ``_``, ``-`` or a space."""
        parent, _, name = path.rpartition("/")
        for sibling in sorted(self.snap.children(parent, with_files=False)):
            if sibling[len(name) : len(name) + 1] in ("_", "-", " ") and sibling.startswith(name):
                full = posixpath.join(parent, sibling) if parent else sibling
                if full in pool:
                    return full
        return None

    def mark_paper(self, item: Item) -> None:
        known = self.papers.get(normalize_title(item.name))
        titles = (known.title, *known.aliases) if known else (item.name,)
        section = (
            self.under(known.section) if known else (self.under(item.path) if item.path else None)
        )
        found: list[str] = []
        for title in titles:
            normalized = normalize_title(title)
            if not normalized:
                continue
            pattern = title_pattern(normalized)
            found += [path for path, name in self.names() if pattern.search(name)]
        found = list(dict.fromkeys(found))
        archives = [p for p in found if p in set(self.snap.archive_named)]
        real = [p for p in found if p not in archives]
        if section is not None:
            here = [p for p in real if p.startswith(section + "/")]
            if here:
                item.status, item.where = "present", here[0]
                item.status = "empty" if self.snap.is_empty(here[0]) else "present"
                return
            if real:
                item.status, item.where = "misplaced", real[0]
                return
        elif real:
            item.status, item.where = "present", real[0]
            return
        if archives:
            item.status, item.where = "archived", archives[0]
            return
        item.status = "missing"


def mark(plan: ReadingPlan, snapshot: Snapshot, plan_root: str, config: Config) -> ReadingPlan:
    """Set each item's status; bare words that match nothing are dropped (code, not paths)."""
    finder = _Finder(snapshot, plan_root, config.papers)
    for phase in plan.phases:
        for step in phase.steps:
            for item in step.items:
                if item.kind == "paper":
                    finder.mark_paper(item)
                else:
                    finder.mark_path(item)
            step.items = [item for item in step.items if item.status != "skip"]
        phase.steps = [step for step in phase.steps if step.items]
    plan.phases = [phase for phase in plan.phases if phase.steps]
    return plan


# --- output ---


def _label(item: Item) -> str:
    return f'"{item.name}"' if item.kind == "paper" else item.name


def _note(item: Item) -> str:
    if item.status == "misplaced":
        return f"found in {item.where}"
    if item.status == "archived":
        return f"only inside {item.where}"
    if item.where and item.status in ("present", "empty"):
        return f"at {item.where}"
    return ""


def summary_line(plan: ReadingPlan) -> str:
    counts = plan.summary()
    total = sum(counts.values())
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    return f"{total} item{'s' if total != 1 else ''}" + (": " + ", ".join(parts) if parts else "")


def render_text(plan: ReadingPlan, plan_file: str | None) -> str:
    lines = []
    if plan.title:
        lines.append(plan.title)
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
                    + _label(item)
                    + (f"  ({note})" if note else "")
                )
    lines.append("")
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def render_markdown(plan: ReadingPlan, plan_file: str | None) -> str:
    """A checklist to paste into an issue: ticked when present."""
    lines = [f"# {plan.title or 'Reading plan'}"]
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
                detail = f" ({note.replace(item.where or '', f'`{item.where}`')})" if note else ""
                lines.append(f"- [{tick}] {label}{status}{detail}")
    lines += ["", summary_line(plan)]
    return "\n".join(lines) + "\n"


def to_json(plan: ReadingPlan, plan_file: str | None) -> dict[str, object]:
    return {
        "version": 1,
        "plan": plan_file,
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
                        "items": [
                            {
                                "kind": item.kind,
                                "name": item.name,
                                "line": item.line,
                                "path": item.path,
                                "status": item.status,
                                "where": item.where,
                            }
                            for item in step.items
                        ],
                    }
                    for step in phase.steps
                ],
            }
            for phase in plan.phases
        ],
        "summary": plan.summary(),
    }
