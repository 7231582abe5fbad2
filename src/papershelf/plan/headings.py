"""A plan's outline: the headings (and step paragraphs) that open its phases and steps.

Headings that name a phase or a step in English or Russian, and numbered
headings (``## 3. Detection``), open them; a phase word under a phase's heading
opens a step of it; a heading as high as the phase's own ends the phase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from papershelf.plan import tree
from papershelf.plan.model import Item, Phase, Step
from papershelf.plan.tree import Block, Inline, Node, Span

PHASE_WORDS: dict[str, str] = {
    "phase": "Phase",
    "stage": "Stage",
    "part": "Part",
    "module": "Module",
    "week": "Week",
    "фаза": "Phase",
    "этап": "Stage",
    "часть": "Part",
    "модуль": "Module",
    "неделя": "Week",
}
STEP_WORDS: dict[str, str] = {
    "step": "step",
    "lesson": "lesson",
    "branch": "branch",
    "track": "track",
    "day": "day",
    "шаг": "step",
    "урок": "lesson",
    "ветка": "branch",
    "трек": "track",
    "день": "day",
}
_NUMBERED = re.compile(r"^\W*(\d+(?:\.\d+)*)[.):]?\s+\S")
_LABEL_NUMBER = re.compile(r"\s*[-–—:]?\s*(\d+(?:\.\d+)*|[A-ZА-ЯЁ]\b)")
# A paragraph opening with a step word and its number ("Step 2,", "Branch A:").
_STEP_LEAD = re.compile(r"^\s*([^\W\d_]+)\s+(?:\d+(?:\.\d+)*|[A-ZА-ЯЁ])\b\s*[,.:—–-]")
_STEP_TITLE_END = re.compile(r"\s*(?::|\s[—–-]\s)")


class Words(NamedTuple):
    """Heading words that open a phase or a step, each mapped to its message label."""

    phase: Mapping[str, str]
    step: Mapping[str, str]

    def find(self, table: Mapping[str, str], title: str) -> tuple[str, str] | None:
        """``(label, number)`` of the first heading word of ``table`` in ``title``."""
        for match in re.finditer(r"\w+", title):
            label = table.get(match[0].casefold())
            if label is not None:
                number = _LABEL_NUMBER.match(title, match.end())
                return label, number[1] if number else ""
        return None


DEFAULT_WORDS = Words(PHASE_WORDS, STEP_WORDS)


class _Heading(NamedTuple):
    """What a heading says: its title, and the phase or step word and number it holds."""

    level: int
    title: str
    phase: tuple[str, str] | None
    step: tuple[str, str] | None
    numbered: bool


def clean_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()


class Outline:
    """The phases and steps read so far, and the labels messages give their items."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.title = ""
        # what is read so far: (title, line, steps), each step (title, line, items)
        self.phases: list[tuple[str, int, list[tuple[str, int, list[Item]]]]] = []
        self.structured = False  # False: no phase or step heading; the plan is one list
        self.phase_level = 0
        self.phase_named = False  # the phase was opened by a phase word or a number
        self.phase_label = ""
        self.step_label = ""
        self.step_numbered = False

    @property
    def step(self) -> list[Item]:
        """The items of the step being read, to add to."""
        if not self.phases:
            self.phases.append(("", 0, []))
        _, line, steps = self.phases[-1]
        if not steps:
            steps.append(("", line, []))
        return steps[-1][2]

    @property
    def phase_title(self) -> str:
        return self.phases[-1][0] if self.phases else ""

    def heading(self, level: int, spans: Sequence[Span], line: int) -> str:
        """Open a phase or a step: returns what the heading was taken for ("title",
        "phase", "step" or "note", a heading inside a step)."""
        said = self._read(level, spans)
        if level == 1 and not self.title:
            self.title = said.title
            return "title"
        if self._opens_phase(said):
            self._open_phase(said, line)
            return "phase"
        if said.step or said.numbered:
            self._open_step(said, line)
            return "step"
        return "note"

    def _read(self, level: int, spans: Sequence[Span]) -> _Heading:
        title = clean_heading(tree.plain(spans))
        # words in backticks are names (`неделя 1`), not heading words
        spoken = clean_heading(" ".join(s.text for s in spans if s.kind is not Inline.CODE))
        phase = self.words.find(self.words.phase, spoken)
        step = self.words.find(self.words.step, spoken)
        under_phase = 0 < self.phase_level < level
        if phase and under_phase and self.phase_named and not step:
            phase, step = None, phase  # "### Week 1" under "## Phase 1": a step of it
        return _Heading(level, title, phase, step, bool(_NUMBERED.match(title)))

    def _opens_phase(self, said: _Heading) -> bool:
        if said.phase:
            return True
        under_phase = 0 < self.phase_level < said.level
        beside = 0 < said.level <= self.phase_level  # as high as the phase: it ends it
        return not said.step and not under_phase and (said.level <= 2 or said.numbered or beside)

    def _open_phase(self, said: _Heading, line: int) -> None:
        self.structured = self.structured or bool(said.phase or said.numbered)
        self.phases.append((said.title, line, []))
        self.phase_level = said.level
        self.phase_named = bool(said.phase or said.numbered)
        self.phase_label = " ".join(said.phase).strip() if said.phase else said.title
        self.step_label, self.step_numbered = "", False

    def _open_step(self, said: _Heading, line: int) -> None:
        self.structured = True
        if not self.phases:
            self.phases.append(("", 0, []))
        self.phases[-1][2].append((said.title, line, []))
        self.step_label = " ".join(said.step).strip() if said.step else said.title
        self.step_numbered = bool(said.step and said.step[1])

    def step_paragraph(self, node: Node) -> bool:
        """A paragraph opening with a step word and its number ("Step 2, the cult of data —
        go to `01_Data_Centric_AI`:") opens that step, as its heading would."""
        if node.block is not Block.PARAGRAPH:
            return False
        first_line = tree.plain(node.spans).split("\n")[0]
        lead = _STEP_LEAD.match(first_line)
        if lead is None or lead[1].casefold() not in self.words.step:
            return False
        title = clean_heading(_STEP_TITLE_END.split(first_line.strip(), 1)[0])
        spans = (Span(Inline.TEXT, title, node.line),)
        self.heading(self.phase_level + 1 if self.phase_level else 3, spans, node.line)
        return True

    def step_name(self, number: int | None) -> str:
        """``Phase 1, step 3.1``: the phase, the step and the numbered list item."""
        phase, step = self.phase_label, self.step_label
        if number is not None:
            if step and self.step_numbered:
                step = f"{step}.{number}"
            elif not step and phase:
                step = f"step {number}"
        return ", ".join(part for part in (phase, step) if part)

    def finished(self) -> tuple[Phase, ...]:
        """The phases as read; a plan without phase or step headings is one flat list."""
        if self.structured:
            return tuple(
                Phase(title, line, tuple(Step(t, n, tuple(items)) for t, n, items in steps))
                for title, line, steps in self.phases
            )
        items = tuple(
            item.but(step="", phase="")
            for _, _, steps in self.phases
            for _, _, step_items in steps
            for item in step_items
        )
        return (Phase("", 0, (Step("", 0, items),)),)
