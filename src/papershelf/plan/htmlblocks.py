"""HTML blocks in a plan (an awesome list's ``<table>`` or ``<ul>``), read by Python's
HTML parser into the same blocks markdown gives: list items and table rows whose
text and ``<a href>`` links the conventions read."""

from __future__ import annotations

from html.parser import HTMLParser

from papershelf.plan.tree import Block, Inline, Node, Span

_ROW_PARTS = frozenset({"td", "th"})


class _Reader(HTMLParser):
    def __init__(self, first_line: int, at: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.at = at  # the next span's place in the document
        self.nodes: list[Node] = []
        self.header: tuple[str, ...] = ()
        self.item: list[Span] | None = None  # the open <li>'s spans
        self.item_line = 0
        self.cells: list[list[Span]] | None = None  # the open <tr>'s cells
        self.row_line = 0
        self.heads = False  # the open row is made of <th>
        self.link: tuple[str, int, list[Span]] | None = None  # the open <a>

    @property
    def line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def _place(self) -> int:
        self.at += 1
        return self.at

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self._close_item()
            self.item, self.item_line = [], self.line
        elif tag == "tr":
            self.cells, self.row_line, self.heads = [], self.line, False
        elif tag in _ROW_PARTS and self.cells is not None:
            self.cells.append([])
            self.heads = self.heads or tag == "th"
        elif tag == "a":
            self.link = (_href(attrs) or "", self._place(), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            href, at, children = self.link
            self.link = None
            text = "".join(span.text for span in children)
            self._add(Span(Inline.LINK, text, self.line, href, tuple(children), at))
        elif tag == "li":
            self._close_item()
        elif tag == "tr":
            self._close_row()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self._add(Span(Inline.TEXT, " ".join(data.split()) + " ", self.line, at=self._place()))

    def _add(self, span: Span) -> None:
        if self.link is not None:
            self.link[2].append(span)
        elif self.cells:
            self.cells[-1].append(span)
        elif self.item is not None:
            self.item.append(span)

    def _close_item(self) -> None:
        if self.item:
            self.nodes.append(Node(Block.ITEM, self.item_line, self.line, tuple(self.item)))
        self.item = None

    def _close_row(self) -> None:
        cells = [tuple(cell) for cell in self.cells or []]
        if self.heads:
            self.header = tuple("".join(s.text for s in c).strip().casefold() for c in cells)
        elif any(cells):
            row = Node(Block.ROW, self.row_line, self.line, cells=tuple(cells), header=self.header)
            self.nodes.append(row)
        self.cells = None


def _href(attrs: list[tuple[str, str | None]]) -> str | None:
    return next((value for key, value in attrs if key == "href" and value), None)


class _Anchor(HTMLParser):
    """Reads one ``<a …>`` tag met among markdown's inline tokens."""

    href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.href = _href(attrs)


def anchor_href(tag: str) -> str | None:
    """The ``href`` of an ``<a …>`` opening tag, read by Python's HTML parser."""
    reader = _Anchor()
    reader.feed(tag)
    reader.close()
    return reader.href


def read(html: str, first_line: int, at: int) -> list[Node]:
    """The list items and table rows of one HTML block that starts on ``first_line``."""
    reader = _Reader(first_line, at)
    reader.feed(html)
    reader.close()
    reader._close_item()
    return reader.nodes
