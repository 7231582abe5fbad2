"""Read a plan: its CommonMark tree turned into phases, steps and items.

Headings open phases and steps (:mod:`papershelf.plan.headings`); code
spans and local links are folders, files and local papers
(:mod:`papershelf.plan.paths`); papers are found by the named conventions
of :mod:`papershelf.plan.conventions`. A folder a heading, a paragraph or a
step's list item names is where the step's papers are read. Nothing in a plan
makes reading fail; every block is noted with what it gave, for
``papershelf plan --explain``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from papershelf.papers import ids as paper_ids
from papershelf.plan import paths, tree
from papershelf.plan.conventions import (
    CONVENTIONS,
    Found,
    clean_title,
    is_generic,
    is_paper_url,
    is_reading,
)
from papershelf.plan.headings import DEFAULT_WORDS, Outline, Words
from papershelf.plan.model import Item, Kind, ReadingPlan, TooManyItems
from papershelf.plan.paths import PathReader, Spot
from papershelf.plan.titles import LETTERS, describes_material, unwrapped
from papershelf.plan.tree import Block, Inline, Node, Span

__all__ = ["DEFAULT_WORDS", "Note", "Words", "describe", "parse", "read"]

Placed = tuple[int, Item]  # an item and its place in the document (tree.Span.at)


class Note(NamedTuple):
    """What one block of the plan was taken for (``papershelf plan --explain``)."""

    line: int
    source: str  # the block's lines as written
    taken: str


class _Reader:
    def __init__(self, sections: set[str], words: Words, base: str, plan_file: str | None) -> None:
        self.outline = Outline(words)
        self.paths = PathReader(sections, base, plan_file)
        self.context = ""  # the folder the current step sent the reader to
        self.held: dict[int, str] = {}  # a list item's own folder, for what it holds
        self.numbers: dict[int, int | None] = {}  # a list item's number, or its holder's

    def heading(self, node: Node) -> tuple[str, list[Item]]:
        """What a heading opens, and the folder it names for its step."""
        taken = self.outline.heading(node.level, node.spans, node.line)
        if taken in ("phase", "step"):
            self.context = ""
        if taken == "title":
            return taken, []
        return taken, self._heading_folder(node, taken in ("phase", "step"))

    def step_paragraph(self, node: Node) -> bool:
        opened = self.outline.step_paragraph(node)
        if opened:
            self.context = ""
        return opened

    def _heading_folder(self, node: Node, opens: bool) -> list[Item]:
        """The one code span of a phase or step heading (`## Week 1: `week 1``), or of any
        heading a folder word names it in (`#### Папка `неделя 1``): the step's folder."""
        codes = [i for i, span in enumerate(node.spans) if span.kind is Inline.CODE]
        if len(codes) != 1 or paths.CODE.search(node.spans[codes[0]].text):
            return []
        if not opens and not paths.called_a_folder(node.spans, codes[0]):
            return []
        spot = Spot(self.context, alone=True)
        item, _ = self.paths.code(node.spans, codes[0], spot, folder=True)
        if item is None or item.kind != Kind.FOLDER:
            return []
        if item.path:
            self.context = item.path
        return self._label(node, None, [item])

    def block(self, node: Node, index: int) -> tuple[list[Item], str]:
        """The folders, files and papers one list item, paragraph or table row names, and
        the convention that found its papers."""
        held = self.held.get(node.parent) if node.parent is not None else None
        spans = _flat(node)
        spot = Spot(self.context if held is None else held, node.block is Block.ITEM, _alone(spans))
        found, here, context = self._paths(node, index, spans, spot)
        local = [(at, item) for at, item in found if item.kind == Kind.PAPER]
        convention, papers = self.papers(node, spans, local)
        folder = here or self.held.get(index) or context or None
        papers = [(at, p if p.path else p.but(path=folder)) for at, p in papers]
        placed = [*((at, item) for at, item in found if item.kind != Kind.PAPER), *papers]
        items = [item for _, item in sorted(placed, key=lambda pair: pair[0])]
        return self._label(node, index, items), convention

    def _paths(
        self, node: Node, index: int, spans: Sequence[Span], spot: Spot
    ) -> tuple[list[Placed], str, str]:
        """The block's folders, files and local papers in order; the first folder it names
        (where its papers are read); the folder the rest of the block is read from."""
        found: list[Placed] = []
        here = ""
        for order, span in enumerate(spans):
            if span.kind is Inline.CODE:
                called = paths.called_a_folder(spans, order)
                item, sends = self.paths.code(spans, order, spot, called)
            elif span.kind is Inline.LINK:
                item = self.paths.link(span, _title_of(span))
                sends = item is not None and item.kind == Kind.FOLDER
            else:
                continue
            if item is None:
                continue
            found.append((span.at, item))
            if item.kind == Kind.FOLDER and item.path and not here:
                here = item.path
            if sends and item.path and self._send(node, index, item.path, span.kind, spot):
                spot = spot._replace(context=item.path)
        return found, here, spot.context

    def _send(self, node: Node, index: int, folder: str, by: Inline, spot: Spot) -> bool:
        """A folder that sends the reader somewhere: from a paragraph or a step's top-level
        list item, for the rest of the step; from a nested list item or by a link in a list
        item, for what that item holds; from a table row, for that row. True: the rest of
        the block is read from there."""
        if node.block is Block.ROW:
            return False
        if node.block is Block.ITEM:
            self.held.setdefault(index, folder)
            if not (by is Inline.LINK or node.parent is not None or spot.alone):
                self.context = folder  # (a list of folders alone names siblings)
        elif node.parent is not None:
            self.held.setdefault(node.parent, folder)
        else:
            self.context = folder
        return True

    def _label(self, node: Node, index: int | None, items: Iterable[Item]) -> list[Item]:
        """The items with their step's name (and the list item's number), their source
        span and their task-list box, added to the step."""
        number = node.number
        if number is None and node.parent is not None:
            number = self.numbers.get(node.parent)
        if index is not None and node.block is Block.ITEM:
            self.numbers[index] = number
        name, phase = self.outline.step_name(number), self.outline.phase_title
        labelled = []
        for item in items:
            end = max(item.end_line, node.end_line if item.kind == Kind.PAPER else 0)
            read = node.checked if node.checked is not None else item.read
            labelled.append(item.but(step=name, phase=phase, end_line=end, read=read))
        self.outline.step.extend(labelled)
        return labelled

    def papers(
        self, node: Node, spans: Sequence[Span], local: list[Placed]
    ) -> tuple[str, list[Placed]]:
        """The block's papers, by the first convention that finds any; a local document it
        links is the paper when it is the only one, titled by the convention."""
        for convention in CONVENTIONS:
            titles = [found for found in convention.find(node) if not describes_material(found)]
            if titles:
                return convention.name, self._merge(spans, titles, local)
        return ("link to a local document", local) if local else ("", [])

    def _merge(
        self, spans: Sequence[Span], titles: list[Found], local: list[Placed]
    ) -> list[Placed]:
        papers = [(title.at, self._paper(title)) for title in titles]
        if len(papers) != 1:
            return [*papers, *local]
        at, paper = papers[0]
        ids = _identifiers(tree.plain(spans))
        paper = paper.but(identifiers=tuple(dict.fromkeys((*paper.identifiers, *ids))))
        if len(local) == 1 and _icon_or_stem(local[0][1]):
            # `[📄](x.pdf) [Title](https://…)`: one paper, titled, at the local file
            own_at, own = local[0]
            return [(own_at, own.but(name=paper.name, identifiers=paper.identifiers))]
        return [(at, paper), *local]

    def _paper(self, title: Found) -> Item:
        links = sorted((link.target for link in title.links), key=lambda t: not is_paper_url(t))
        identifiers = [*links[:1], *(i for link in links for i in _url_identifiers(link))]
        return Item(
            Kind.PAPER,
            title.title,
            title.line,
            plan_file=self.paths.plan_file,
            end_line=title.line,
            remote=any(is_reading(link) for link in links),
            identifiers=tuple(dict.fromkeys(identifiers)),
        )


def _title_of(span: Span) -> str | None:
    """A link's text when it is a title (not "pdf", an icon or a bare URL)."""
    titled = LETTERS.search(span.text) is not None and not is_generic(span.text)
    return clean_title(span.text, byline=True) if titled else None


def _alone(spans: Sequence[Span]) -> bool:
    """Whether one code span is all a block says (``1. `lectures/01` ``), punctuation aside."""
    codes = sum(1 for span in spans if span.kind is Inline.CODE)
    rest = tree.plain([span for span in spans if span.kind is not Inline.CODE])
    return codes == 1 and not re.search(r"[^\W_]", rest)


def _icon_or_stem(item: Item) -> bool:
    return not LETTERS.search(item.name) or item.name == paths.stem(item.written)


def _flat(node: Node) -> tuple[Span, ...]:
    if node.block is Block.ROW:
        return tuple(span for cell in node.cells for span in cell)
    return tuple(unwrapped(node.spans, (Inline.CODE, Inline.LINK)))


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


class _Limit:
    """Counts items against the plan's item limit; past it, names the line."""

    def __init__(self, limit: int | None) -> None:
        self.left = limit

    def take(self, items: Sequence[Item], line: int) -> None:
        if self.left is None:
            return
        self.left -= len(items)
        if self.left < 0:
            raise TooManyItems(items[len(items) + self.left].line if items else line)


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
    Past ``max_items`` items it stops: :class:`TooManyItems` names the line. A plan saved
    through the wrong code page is read repaired, when the repair is exact."""
    text = _repaired(text)
    reader = _Reader(sections or set(), words, base, plan_file)
    lines = text.splitlines()  # as every tool that edits the plan counts its lines
    notes: list[Note] = []
    limit = _Limit(max_items)
    for index, node in enumerate(tree.parse("\n".join(lines))):
        source = "\n".join(lines[node.line - 1 : node.end_line])
        if node.block is Block.CODE:
            taken = "ignored: a code block"
        elif node.block is Block.HEADING:
            taken = _heading_note(reader, node, limit)
        else:
            taken = _block_note(reader, node, index, limit)
        notes.append(Note(node.line, source, taken))
    outline = reader.outline
    plan = ReadingPlan(outline.title, outline.finished(), outline.structured, plan_file)
    return (plan.pruned() if outline.structured else plan), notes


def _repaired(text: str) -> str:
    from papershelf.mojibake_repair import SUSPECT

    if SUSPECT.search(text):
        from papershelf.mojibake_repair import repair

        fixed = repair(text)
        if fixed is not None:
            return fixed.text
    return text


def _heading_note(reader: _Reader, node: Node, limit: _Limit) -> str:
    taken, folder = reader.heading(node)
    limit.take(folder, node.line)
    outline = reader.outline
    label = outline.phase_label if taken == "phase" else outline.step_label
    named = f" ({label})" if taken in ("phase", "step") and label else ""
    named += "".join(f"; {describe(item)}" for item in folder)
    return f"{taken}{named}" if taken != "note" else _NOTE + named


def _block_note(reader: _Reader, node: Node, index: int, limit: _Limit) -> str:
    opened = reader.step_paragraph(node)
    items, convention = reader.block(node, index)
    limit.take(items, node.line)
    described = [describe(item) for item in items]
    if convention and any(item.kind == Kind.PAPER for item in items):
        described.append(f"by convention: {convention}")
    if opened:
        described.insert(0, f"step ({reader.outline.step_label})")
    return "; ".join(described) or _ignored(node)


def parse(text: str, sections: set[str] | None = None, **options: object) -> ReadingPlan:
    """The plan's phases, steps and items (see :func:`read`)."""
    return read(text, sections, **options)[0]  # type: ignore[arg-type]


def _ignored(node: Node) -> str:
    """Why a block gave nothing: the code spans it holds that are not paths."""
    spans = _flat(node)
    terms = [s.text.strip() for s in spans if s.kind is Inline.CODE and s.text.strip()]
    if terms:
        listed = ", ".join(f"`{term}`" for term in terms[:4])
        return (
            f"ignored: {listed} not taken for a path (a path has a `/`, a file suffix, "
            "a trailing `/`, a `NN_` section prefix or the word folder or папка before it)"
        )
    if any(s.kind is Inline.LINK for s in spans):
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
