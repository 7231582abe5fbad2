"""A plan's markdown as CommonMark blocks, each with its source lines.

The parser (markdown-it-py, with GitHub's tables, task lists and autolinks)
decides what is a heading, a list item, a table row, emphasis, a code span or a
link; the plan reader only reads those blocks. Escapes, links that span lines and
code spans are never re-guessed here: they are what CommonMark says they are.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


class Inline(enum.Enum):
    TEXT = "text"
    CODE = "code"
    LINK = "link"
    STRONG = "strong"
    EMPHASIS = "emphasis"
    IMAGE = "image"


@dataclass(frozen=True)
class Span:
    """One inline element: text, a code span, a link (``target`` set) or emphasis, with
    what it holds and the source line it starts on."""

    kind: Inline
    text: str  # the plain text it shows (a link's text, an image's alt text)
    line: int
    target: str = ""  # a link's or an image's destination
    children: tuple[Span, ...] = ()
    at: int = 0  # its place in the document: spans sort in reading order

    def walk(self) -> Iterator[Span]:
        yield self
        for child in self.children:
            yield from child.walk()


class Block(enum.Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "list item"
    ROW = "table row"
    CODE = "code block"


@dataclass(frozen=True)
class Node:
    """A heading, paragraph, list item (its first paragraph), table row or code block."""

    block: Block
    line: int  # 1-based, first line of the block
    end_line: int  # last line
    spans: tuple[Span, ...] = ()  # a table row: empty, see ``cells``
    cells: tuple[tuple[Span, ...], ...] = ()
    level: int = 0  # a heading's level
    depth: int = 0  # how many list items hold it (a list item counts itself)
    number: int | None = None  # an ordered list item's number
    checked: bool | None = None  # a task-list box: [x] True, [ ] False
    parent: int | None = None  # index of the list item that holds it
    header: tuple[str, ...] = ()  # a table row: its table's header cells
    heading: tuple[Span, ...] = ()  # a paragraph right under a heading: that heading's text

    @property
    def text(self) -> str:
        return plain(self.spans)


def plain(spans: Sequence[Span]) -> str:
    """The text a reader sees (links by their text, code by its content)."""
    return "".join(span.text for span in spans)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.tasklists import tasklists_plugin

    parser = MarkdownIt("commonmark", {"linkify": True})
    parser.enable(["table", "strikethrough", "linkify"])
    return parser.use(tasklists_plugin)


def parse(text: str) -> list[Node]:
    """The document's blocks in reading order."""
    return _Builder().build(_parser().parse(text))


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.items: list[int] = []  # the open list items, innermost last
        self.first_paragraph = False  # the next paragraph is a list item's own text
        self.item_line = 0
        self.numbers: list[int] = []  # the open ordered lists' next number (-1: bullets)
        self.checked: bool | None = None
        self.header: tuple[str, ...] = ()
        self.row: list[tuple[Span, ...]] | None = None
        self.row_lines = (0, 0)
        self.in_head = False
        self.count = 0  # inline tokens met so far: the next span's place
        self.heading = 0  # the level of the heading whose text comes next
        self.under: tuple[Span, ...] = ()  # the heading the next block follows directly

    def build(self, tokens: Sequence[Token]) -> list[Node]:
        handlers = {
            "bullet_list_open": self._list_open,
            "ordered_list_open": self._list_open,
            "bullet_list_close": self._list_close,
            "ordered_list_close": self._list_close,
            "list_item_open": self._item_open,
            "list_item_close": self._item_close,
            "heading_open": self._heading_open,
            "thead_open": self._head_open,
            "thead_close": self._head_close,
            "tr_open": self._row_open,
            "tr_close": self._row_close,
            "inline": self._inline,
            "fence": self._code,
            "html_block": self._html,
            "code_block": self._code,
        }
        for token in tokens:
            handler = handlers.get(token.type)
            if handler is not None:
                handler(token)
        return self.nodes

    def _list_open(self, token: Token) -> None:
        if self.items and self.items[-1] == -1:  # `1. - [x] …`: the item holds a list
            self.first_paragraph = False
            self._add(Block.ITEM, self.item_line, self.item_line, ())
        start = token.attrs.get("start", 1)
        self.numbers.append(int(start) if token.type == "ordered_list_open" else -1)

    def _list_close(self, token: Token) -> None:
        self.numbers.pop()

    def _item_open(self, token: Token) -> None:
        self.first_paragraph = True
        self.item_line = token.map[0] + 1 if token.map else 0
        self.checked = None
        self.items.append(-1)  # filled when its text is met

    def _item_close(self, token: Token) -> None:
        if self.items and self.items[-1] == -1:  # an empty item
            self._add(Block.ITEM, self.item_line, self.item_line, ())
        self.items.pop()
        self.first_paragraph = False

    def _heading_open(self, token: Token) -> None:
        self.heading = int(token.tag[1])

    def _head_open(self, token: Token) -> None:
        self.in_head = True

    def _head_close(self, token: Token) -> None:
        self.in_head = False

    def _row_open(self, token: Token) -> None:
        self.row = []
        self.row_lines = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)

    def _row_close(self, token: Token) -> None:
        if self.row is not None:
            self._row(self.row)
            self.row = None

    def _html(self, token: Token) -> None:
        """An HTML block's list items and table rows, as markdown would give them."""
        if not token.map or "<" not in token.content:
            return
        from papershelf.plan import htmlblocks

        nodes = htmlblocks.read(token.content, token.map[0] + 1, self.count)
        self.count += 1 + sum(len(n.spans) + sum(len(c) for c in n.cells) for n in nodes) * 4
        holder = self._holder
        self.under = ()
        self.nodes.extend(dataclasses.replace(node, parent=holder) for node in nodes)

    def _code(self, token: Token) -> None:
        if token.map:
            self._add(Block.CODE, token.map[0] + 1, token.map[1], ())

    def _inline(self, token: Token) -> None:
        heading, self.heading = self.heading, 0
        lines = token.map or (self.row_lines[0] - 1, self.row_lines[1])
        spans, checked = _spans(token.children or [], lines[0] + 1, self.count)
        self.count += 1 + len(token.children or [])
        if self.row is not None:
            self.row.append(spans)
        elif heading:
            self._add(Block.HEADING, lines[0] + 1, lines[1], spans, level=heading)
        elif self.first_paragraph and self.items:
            self.first_paragraph = False
            self.checked = checked
            self._add(Block.ITEM, lines[0] + 1, lines[1], spans)
        else:
            self._add(Block.PARAGRAPH, lines[0] + 1, lines[1], spans)

    def _row(self, cells: list[tuple[Span, ...]]) -> None:
        if self.in_head:
            self.header = tuple(plain(cell).strip().casefold() for cell in cells)
            return
        line, end = self.row_lines
        self.under = ()
        self.nodes.append(
            Node(Block.ROW, line, end, cells=tuple(cells), header=self.header, parent=self._holder)
        )

    @property
    def _holder(self) -> int | None:
        open_items = [index for index in self.items if index >= 0]
        return open_items[-1] if open_items else None

    def _add(
        self, block: Block, line: int, end: int, spans: tuple[Span, ...], level: int = 0
    ) -> None:
        parent = self._holder
        number = None
        if block is Block.ITEM:
            line = self.item_line or line
            if self.numbers and self.numbers[-1] >= 0:
                number = self.numbers[-1]
                self.numbers[-1] += 1
        node = Node(
            block,
            line,
            max(end, line),
            spans,
            level=level,
            depth=len(self.items),
            number=number,
            checked=self.checked if block is Block.ITEM else None,
            parent=parent,
            heading=self.under if block is Block.PARAGRAPH else (),
        )
        self.under = spans if block is Block.HEADING else ()
        self.nodes.append(node)
        if block is Block.ITEM:
            self.items[-1] = len(self.nodes) - 1


def _spans(tokens: Sequence[Token], line: int, at: int) -> tuple[tuple[Span, ...], bool | None]:
    """Nest markdown-it's flat inline tokens; a task-list box is returned apart."""
    nest = _Nest(line)
    for place, token in enumerate(tokens, at):
        kind = token.type
        if kind == "html_inline":
            nest.html(token.content, place)
        elif kind.endswith("_open") and kind[:-5] in _NESTED:
            nest.open(_NESTED[kind[:-5]], str(token.attrs.get("href", "")), place)
        elif kind.endswith("_close") and kind[:-6] in _NESTED:
            nest.close()
        else:
            nest.leaf(token, place)
    return nest.finish()


class _Nest:
    """The spans of one block as they are nested: links and emphasis hold their text."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.stack: list[tuple[Inline, str, int, int, list[Span]]] = []
        self.out: list[Span] = []
        self.checked: bool | None = None

    def add(self, span: Span) -> None:
        (self.stack[-1][4] if self.stack else self.out).append(span)

    def open(self, inline: Inline, target: str, place: int) -> None:
        self.stack.append((inline, target, self.line, place, []))

    def close(self) -> None:
        if self.stack:
            inline, target, start, opened, children = self.stack.pop()
            self.add(Span(inline, plain(children), start, target, tuple(children), opened))

    def html(self, tag: str, place: int) -> None:
        """A task-list box, or an ``<a href="…">Title</a>`` link written in HTML."""
        if "task-list-item-checkbox" in tag:
            self.checked = 'checked="checked"' in tag
        elif (href := _anchor_href(tag)) is not None:
            self.open(Inline.LINK, href, place)
        elif _ANCHOR_END.match(tag):
            self.close()

    def leaf(self, token: Token, place: int) -> None:
        kind = token.type
        if kind == "text":
            self.add(Span(Inline.TEXT, token.content, self.line, at=place))
        elif kind == "code_inline":
            self.add(Span(Inline.CODE, token.content, self.line, at=place))
        elif kind in ("softbreak", "hardbreak"):
            self.add(Span(Inline.TEXT, " ", self.line, at=place))
            self.line += 1
        elif kind == "image":
            alt = "".join(child.content for child in token.children or [])
            self.add(Span(Inline.IMAGE, alt, self.line, str(token.attrs.get("src", "")), at=place))

    def finish(self) -> tuple[tuple[Span, ...], bool | None]:
        while self.stack:  # unclosed (never from markdown-it): keep what it held
            self.close()
        return tuple(self.out), self.checked


_ANCHOR_END = re.compile(r"(?i)^</a\s*>$")


def _anchor_href(tag: str) -> str | None:
    """The ``href`` of an ``<a …>`` opening tag (see :mod:`papershelf.plan.htmlblocks`)."""
    if tag[:2].lower() != "<a" or tag[2:3] not in (" ", "\t", "\n", ">"):
        return None
    from papershelf.plan.htmlblocks import anchor_href

    return anchor_href(tag)


_NESTED = {"link": Inline.LINK, "strong": Inline.STRONG, "em": Inline.EMPHASIS, "s": Inline.TEXT}
