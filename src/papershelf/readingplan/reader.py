"""Read a plan: its CommonMark tree turned into phases, steps and items.

Headings that name a phase or a step (in English or Russian, or numbered) open
them; a folder a heading, a step's paragraph or a folder word names is where the
step's papers are read; code spans and local links are folders, files and local
papers; the papers themselves are found by the named conventions of
:mod:`papershelf.readingplan.conventions`. Nothing in a plan makes reading fail.
Every block is noted with what it gave, for ``papershelf plan --explain``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from papershelf.papers import ids as paper_ids
from papershelf.readingplan import paths, tree
from papershelf.readingplan.conventions import (
    CONVENTIONS,
    Found,
    clean_title,
    is_generic,
    is_paper_url,
    is_reading,
)
from papershelf.readingplan.model import Item, Kind, Phase, ReadingPlan, Step, TooManyItems
from papershelf.readingplan.names import DOCUMENT_SUFFIXES
from papershelf.readingplan.tree import Block, Inline, Node, Span

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


class Note(NamedTuple):
    """What one block of the plan was taken for (``papershelf plan --explain``)."""

    line: int
    source: str  # the block's first line as written
    taken: str


def _words_of(spans: Sequence[Span]) -> str:
    """A heading's own words: code spans are names, not heading words."""
    return " ".join(span.text for span in spans if span.kind is not Inline.CODE)


def _clean_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()


class _Reader:
    def __init__(self, sections: set[str], words: Words, base: str, plan_file: str | None) -> None:
        self.sections = sections
        self.words = words
        self.base = base  # the plan file's folder, relative to the plan root
        self.plan_file = plan_file
        self.title = ""
        self.phases: list[Phase] = []
        self.structured = False
        self.context = ""  # the folder the current step sent the reader to
        self.held: dict[int, str] = {}  # a list item's own folder, for what it holds
        self.numbers: dict[int, int | None] = {}  # a list item's number, or its holder's
        self.in_list = False  # the block being read is a list item
        self._alone = False  # the block being read is one code span
        self.phase_level = 0
        self.phase_named = False
        self.phase_label = ""
        self.step_label = ""
        self.step_numbered = False

    @property
    def step(self) -> Step:
        if not self.phases:
            self.phases.append(Phase("", 0))
        phase = self.phases[-1]
        if not phase.steps:
            phase.steps.append(Step("", phase.line))
        return phase.steps[-1]

    # -- headings -------------------------------------------------------------------

    def heading(self, level: int, spans: Sequence[Span], number: int) -> str:
        """Open a phase or a step; returns what the heading was taken for."""
        title = _clean_heading(tree.plain(spans))
        if level == 1 and not self.title:
            self.title = title
            return "title"
        spoken = _clean_heading(_words_of(spans))
        phase_word = self.words.find(self.words.phase, spoken)
        step_word = self.words.find(self.words.step, spoken)
        numbered = _NUMBERED.match(title)
        under_phase = 0 < self.phase_level < level
        if phase_word and under_phase and self.phase_named and not step_word:
            step_word, phase_word = phase_word, None  # "### Week 1" under "## Phase 1"
        beside = 0 < level <= self.phase_level  # as high as the phase: it ends the phase
        if phase_word or (not step_word and not under_phase and (level <= 2 or numbered or beside)):
            self.structured = self.structured or bool(phase_word or numbered)
            self.phases.append(Phase(title, number))
            self.phase_level = level
            self.phase_named = bool(phase_word or numbered)
            self.phase_label = f"{phase_word[0]} {phase_word[1]}".strip() if phase_word else title
            self.step_label, self.step_numbered = "", False
            self.context = ""
            return "phase"
        if step_word or numbered:
            self.structured = True
            if not self.phases:
                self.phases.append(Phase("", 0))
            self.phases[-1].steps.append(Step(title, number))
            self.step_label = f"{step_word[0]} {step_word[1]}".strip() if step_word else title
            self.step_numbered = bool(step_word and step_word[1])
            self.context = ""
            return "step"
        return "note"

    def step_paragraph(self, node: Node) -> bool:
        """A paragraph opening with a step word and its number ("Step 2, the cult of data —
        go to `01_Data_Centric_AI`:") opens that step, as its heading would."""
        if node.block is not Block.PARAGRAPH:
            return False
        first_line = tree.plain(node.spans).split("\n")[0]
        lead = _STEP_LEAD.match(first_line)
        if lead is None or lead[1].casefold() not in self.words.step:
            return False
        title = _clean_heading(_STEP_TITLE_END.split(first_line.strip(), 1)[0])
        spans = (Span(Inline.TEXT, title, node.line),)
        self.heading(self.phase_level + 1 if self.phase_level else 3, spans, node.line)
        return True

    def heading_folder(self, node: Node, opens: bool) -> list[Item]:
        """The one code span of a phase or step heading (`## Week 1: `week 1``), or of any
        heading a folder word names it in (`#### Папка `неделя 1``): the step's folder."""
        codes = [i for i, span in enumerate(node.spans) if span.kind is Inline.CODE]
        self._alone = True
        if len(codes) != 1 or paths.CODE.search(node.spans[codes[0]].text):
            return []
        if not opens and not self._called_a_folder(node.spans, codes[0]):
            return []
        item, _ = self._code_path(node.spans, codes[0], self.context, folder=True)
        if item is None or item.kind != Kind.FOLDER:
            return []
        if item.path:
            self.context = item.path
        item.step = self.step_name(None)
        item.phase = self.phases[-1].title if self.phases else ""
        self.step.items.append(item)
        return [item]

    # -- names ----------------------------------------------------------------------

    def step_name(self, number: int | None) -> str:
        phase, step = self.phase_label, self.step_label
        if number is not None:
            if step and self.step_numbered:
                step = f"{step}.{number}"
            elif not step and phase:
                step = f"step {number}"
        return ", ".join(part for part in (phase, step) if part)

    def is_rooted(self, path: str) -> bool:
        first = path.split("/")[0]
        if self.sections:
            return first in self.sections
        return bool(paths.SECTIONISH.match(first))

    def _item(self, kind: Kind, name: str, line: int, **extra: object) -> Item:
        item = Item(kind, name, line, plan_file=self.plan_file, end_line=line)
        for key, value in extra.items():
            setattr(item, key, value)
        return item

    @staticmethod
    def _called_a_folder(spans: Sequence[Span], index: int) -> bool:
        """Whether a folder word stands right before or after the code span."""
        before = spans[index - 1].text[-40:] if index else ""
        after = spans[index + 1].text[:40] if index + 1 < len(spans) else ""
        return bool(paths.FOLDER_BEFORE.search(before) or paths.FOLDER_AFTER.match(after))

    def _place(self, item: Item, token: str, context: str, slashed: bool) -> bool:
        """Set where a code span's path points: from the root when it starts with a section,
        else inside the step's folder. True: it is a folder that sends the reader there."""
        rooted = self.is_rooted(token)
        if rooted and self.in_list and context and not self.sections:
            # in a list item of a step that went to `01_Data_Centric_AI`, a numbered name
            # (`02_Data_Filtering_Quality`) is inside it
            rooted = token.split("/")[0] == context.split("/")[0]
        if rooted:
            item.path = token
            return item.kind == Kind.FOLDER
        if slashed or (
            paths.looks_like_path(token)
            and ("/" in token or "_" in token or item.kind == Kind.FILE)
        ):
            inside = not context or token == context or token.startswith(context + "/")
            item.path = token if inside else posixpath.join(context, token)
            item.placed = bool(context) or not self.sections
            # without the shipped sections, the first folder a step names is where it goes
            return not context and not self.sections and item.kind == Kind.FOLDER
        item.path, item.anywhere = None, True  # a bare word: a folder only if one exists
        return False

    def _code_path(
        self, spans: Sequence[Span], index: int, context: str, folder: bool = False
    ) -> tuple[Item | None, bool]:
        """A code span naming a path (with a plain ``/rest`` glued after it); with
        ``folder``, a folder word calls it one, so even a name with spaces is one."""
        token, line = spans[index].text, spans[index].line
        after = spans[index + 1] if index + 1 < len(spans) else None
        if after is not None and after.kind is Inline.TEXT:
            quoted = paths.QUOTED_REST.match(after.text)
            glued = paths.GLUED_REST.match(after.text)
            if quoted:  # `06_Engineering_&_Tuning`/"Разработка LLM с нуля"
                token += "/" + quoted[1]
            elif glued:
                token += glued[0]
        token = token.strip()
        slashed = token.endswith("/") or folder
        token = token.strip("/")
        if not token or token.startswith((".", "-", "$", "#")) or "://" in token:
            return None, False
        if paths.CODE.search(token):
            return None, False
        if token.lower().endswith(DOCUMENT_SUFFIXES) and "/" not in token:
            if token.lower().endswith(".md"):
                return self._item(Kind.FILE, token, line, anywhere=True), False
            return self._item(Kind.PAPER, paths.stem(token), line, written=token), False
        if " " in token and not paths.SECTIONISH.match(token) and not slashed:
            return None, False
        kind = Kind.FILE if paths.FILE_SUFFIX.search(token) and not slashed else Kind.FOLDER
        item = self._item(kind, token, line)
        sends = self._place(item, token, context, slashed)
        if item.path is not None:
            item.written = token
            directed = slashed or self._alone or paths.SECTIONISH.match(token) is not None
            # named in a sentence of a list item (a paragraph's folder is a direction), in a
            # step that sends the reader nowhere: perhaps a path in someone else's tree
            in_passing = (self.in_list or kind == "file") and not context
            item.mentioned = in_passing and not (directed or self.is_rooted(token))
        return item, sends

    def _link_path(self, span: Span) -> Item | None:
        """A link to a local folder, file or document, expected where it points."""
        token = paths.local_target(span.target, "")
        if self.base and (token is None or not self.is_rooted(token)):
            token = paths.local_target(span.target, self.base)  # else from the root
        if token is None:
            return None
        if paths.is_document(token):
            titled = _has_words(span.text) and not is_generic(span.text)
            name = clean_title(span.text) if titled else paths.stem(token)
            return self._item(Kind.PAPER, name, span.line, written=token, path=token)
        kind = Kind.FILE if paths.FILE_SUFFIX.search(token) else Kind.FOLDER
        return self._item(kind, token, span.line, written=token, path=token)

    # -- blocks ---------------------------------------------------------------------

    def block(self, node: Node, index: int) -> tuple[list[Item], str]:
        """The folders, files and papers one list item, paragraph or table row names."""
        self.in_list = node.block is Block.ITEM
        context = self.held.get(node.parent, self.context) if node.parent is not None else None
        context = self.context if context is None else context
        spans = _flat(node)
        self._alone = _alone(spans)
        found: list[tuple[int, Item]] = []
        here = ""  # the first folder the block names: where its papers are read
        for order, span in enumerate(spans):
            sends = False
            if span.kind is Inline.CODE:
                called = self._called_a_folder(spans, order)
                item, sends = self._code_path(spans, order, context, called)
            elif span.kind is Inline.LINK:
                item = self._link_path(span)
                sends = item is not None and item.kind == Kind.FOLDER
            else:
                continue
            if item is None:
                continue
            found.append((span.at, item))
            if item.kind == Kind.FOLDER and item.path and not here:
                here = item.path
            if sends and item.path and self._send(node, index, item.path, span.kind is Inline.LINK):
                context = item.path
        local = [(at, item) for at, item in found if item.kind == Kind.PAPER]
        convention, papers = self.papers(node, local)
        for _, paper in papers:
            if paper.path is None:
                paper.path = here or self.held.get(index) or context or None
        placed = [*((at, item) for at, item in found if item.kind != Kind.PAPER), *papers]
        items = [item for _, item in sorted(placed, key=lambda pair: pair[0])]
        number = node.number
        if number is None and node.parent is not None:
            number = self.numbers.get(node.parent)
        if node.block is Block.ITEM:
            self.numbers[index] = number
        name = self.step_name(number)
        for item in items:
            item.step = name
            item.phase = self.phases[-1].title if self.phases else ""
            item.end_line = max(
                item.end_line, node.end_line if item.kind == Kind.PAPER else item.line
            )
            if node.checked is not None:
                item.read = node.checked
        self.step.items.extend(items)
        return items, convention

    def _send(self, node: Node, index: int, folder: str, linked: bool) -> bool:
        """A folder that sends the reader somewhere: from a paragraph or a step's top-level
        list item, for the rest of the step; from a nested list item or by a link in a list
        item, for what that item holds; from a table row, for that row. True: the rest of
        the block is read from there."""
        if node.block is Block.ROW:
            return False
        if node.block is Block.ITEM:
            self.held.setdefault(index, folder)
            if not (linked or node.parent is not None or self._alone):
                self.context = folder  # (a list of folders alone names siblings)
            return True
        if node.parent is not None:
            self.held.setdefault(node.parent, folder)
        else:
            self.context = folder
        return True

    def papers(
        self, node: Node, local: list[tuple[int, Item]]
    ) -> tuple[str, list[tuple[int, Item]]]:
        """The block's papers, by the first convention that finds any; a local document it
        links is the paper when it is the only one, titled by the convention."""
        for convention in CONVENTIONS:
            titles = convention.find(node)
            if titles:
                return convention.name, self._merge(node, titles, local)
        if local:
            return "link to a local document", local
        return "", []

    def _merge(
        self, node: Node, titles: list[Found], local: list[tuple[int, Item]]
    ) -> list[tuple[int, Item]]:
        ids = _identifiers(tree.plain(_flat(node)))
        papers: list[tuple[int, Item]] = []
        for title in titles:
            links = sorted((link.target for link in title.links), key=lambda t: not is_paper_url(t))
            paper = self._item(Kind.PAPER, title.title, title.line)
            paper.remote = any(is_reading(link) for link in links)
            identifiers = [*links[:1], *(i for link in links for i in _url_identifiers(link))]
            paper.identifiers = tuple(dict.fromkeys(identifiers))
            papers.append((title.at, paper))
        if len(papers) == 1:
            paper = papers[0][1]
            paper.identifiers = tuple(dict.fromkeys((*paper.identifiers, *ids)))
            if len(local) == 1 and _icon_or_stem(local[0][1]):
                # `[📄](x.pdf) [Title](https://…)`: one paper, titled, at the local file
                at, own = local[0]
                own.name = paper.name
                own.identifiers = paper.identifiers
                return [(at, own)]
        return [*papers, *local]


def _alone(spans: Sequence[Span]) -> bool:
    """Whether one code span is all a block says (``1. `lectures/01` ``), punctuation aside."""
    codes = sum(1 for span in spans if span.kind is Inline.CODE)
    rest = tree.plain([span for span in spans if span.kind is not Inline.CODE])
    return codes == 1 and not re.search(r"[^\W_]", rest)


def _icon_or_stem(item: Item) -> bool:
    return not _has_words(item.name) or item.name == paths.stem(item.written)


def _flat(node: Node) -> tuple[Span, ...]:
    if node.block is Block.ROW:
        return tuple(span for cell in node.cells for span in cell)
    return tuple(_inner(node.spans))


def _inner(spans: Sequence[Span]) -> list[Span]:
    """Code spans inside emphasis count as the block's own (**`folder/x`**)."""
    out: list[Span] = []
    for span in spans:
        if span.kind in (Inline.STRONG, Inline.EMPHASIS) and any(
            child.kind in (Inline.CODE, Inline.LINK) for child in span.children
        ):
            out.extend(_inner(span.children))
        else:
            out.append(span)
    return out


def _has_words(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", text))


def _identifiers(text: str) -> tuple[str, ...]:
    found = [f"arXiv:{match[1]}" for match in paper_ids.WRITTEN_ARXIV.finditer(text)]
    found += [f"doi:{match[1]}" for match in paper_ids.DOI.finditer(text)]
    return tuple(dict.fromkeys(found))


_ARXIV_URL = re.compile(rf"(?i)arxiv\.org/(?:abs|pdf)/({paper_ids.ARXIV_ID})")
_DOI_URL = re.compile(r"(?i)doi\.org/(10\.\d{4,9}/\S+)")


def _url_identifiers(url: str) -> tuple[str, ...]:
    found = [f"arXiv:{match[1]}" for match in _ARXIV_URL.finditer(url)]
    found += [f"doi:{match[1]}" for match in _DOI_URL.finditer(url)]
    return tuple(found)


def read(
    text: str,
    sections: set[str] | None = None,
    *,
    words: Words = DEFAULT_WORDS,
    base: str = "",
    plan_file: str | None = None,
    max_items: int | None = None,
) -> tuple[ReadingPlan, list[Note]]:
    """The plan and what each block was taken for. ``sections`` are top-level folder names,
    ``base`` the plan file's folder (relative to the plan root), where its links start.
    Past ``max_items`` items it stops: :class:`TooManyItems` names the line."""
    reader = _Reader(sections or set(), words, base, plan_file)
    lines = text.splitlines()  # as every tool that edits the plan counts its lines
    notes: list[Note] = []
    count, limit = 0, max_items if max_items is not None else -1
    for index, node in enumerate(tree.parse("\n".join(lines))):
        source = "\n".join(lines[node.line - 1 : node.end_line])
        if node.block is Block.CODE:
            notes.append(Note(node.line, source, "ignored: a code block"))
            continue
        if node.block is Block.HEADING:
            taken = reader.heading(node.level, node.spans, node.line)
            label = reader.phase_label if taken == "phase" else reader.step_label
            named = f" ({label})" if taken in ("phase", "step") and label else ""
            folder = []
            if taken != "title":
                folder = reader.heading_folder(node, taken in ("phase", "step"))
            named += "".join(f"; {describe(item)}" for item in folder)
            count += len(folder)
            if count > limit >= 0:
                raise TooManyItems(node.line)
            notes.append(
                Note(node.line, source, f"{taken}{named}" if taken != "note" else _NOTE + named)
            )
            continue
        opened = reader.step_paragraph(node)
        items, convention = reader.block(node, index)
        count += len(items)
        if count > limit >= 0:
            raise TooManyItems(items[len(items) - (count - limit)].line)
        described = [describe(item) for item in items]
        if convention and any(item.kind == Kind.PAPER for item in items):
            described.append(f"by convention: {convention}")
        if opened:
            described.insert(0, f"step ({reader.step_label})")
        notes.append(Note(node.line, source, "; ".join(described) or _ignored(node)))
    phases = reader.phases
    if not reader.structured:
        items = [item for phase in phases for step in phase.steps for item in step.items]
        for item in items:
            item.step = ""
            item.phase = ""
        phases = [Phase("", 0, [Step("", 0, items)])]
    plan = ReadingPlan(reader.title, phases, reader.structured, plan_file)
    if reader.structured:
        plan.prune()
    return plan, notes


def parse(text: str, sections: set[str] | None = None, **options: object) -> ReadingPlan:
    """The plan's phases, steps and items (see :func:`read`)."""
    return read(text, sections, **options)[0]  # type: ignore[arg-type]


def _ignored(node: Node) -> str:
    """Why a block gave nothing: the code spans it holds that are not paths."""
    terms = [s.text.strip() for s in _flat(node) if s.kind is Inline.CODE and s.text.strip()]
    if terms:
        listed = ", ".join(f"`{term}`" for term in terms[:4])
        return (
            f"ignored: {listed} not taken for a path (a path has a `/`, a file suffix, "
            "a trailing `/`, a `NN_` section prefix or the word folder or папка before it)"
        )
    if any(s.kind is Inline.LINK for s in _flat(node)):
        return "ignored: its links lead to no local file and no paper (arXiv, doi.org, .pdf …)"
    return "ignored: names no folder, file or paper"


_NOTE = "a heading inside a step: neither a phase nor a step (no phase or step word, no number)"


def describe(item: Item) -> str:
    bare = " wherever the repository has it (a bare name: ignored when it has none)"
    where = f" at {item.path}" if item.path else (bare if item.anywhere else "")
    step = f" ({item.step})" if item.step else ""
    extra = ", online" if item.remote else ""
    if item.identifiers:
        extra += ", " + ", ".join(item.identifiers)
    if item.read is not None:
        extra += ", read" if item.read else ", not read yet"
    return f"{item.kind} {item.label}{where}{step}{extra}"
