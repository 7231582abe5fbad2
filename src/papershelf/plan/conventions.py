"""The ways of naming a paper that papershelf understands, one named entry each.

Each convention is a short function over one block of the markdown tree (a list
item, a paragraph or a table row, see :mod:`papershelf.plan.tree`) that
returns the papers it finds there, as :class:`Found` titles with the links that
go with them. The reader tries them in the table's order and keeps the first
that finds anything; ``papershelf plan --explain`` names the one that did, and
the README's "Writing a plan papershelf understands" is made from this table.

Link text that only says what a link is ("pdf", "paper", "code", an emoji or a
``:shortcode:``) is never a title: the title is the text beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from papershelf.plan.citations import citation, quoted_in_citation, title_before_link
from papershelf.plan.headings import DEFAULT_WORDS
from papershelf.plan.titles import (
    LETTER,
    LETTERS,
    NOT_READING,
    OPEN_QUOTES,
    QUOTES,
    TAGS,
    YEAR,
    Found,
    clean_title,
    is_generic,
    is_paper_url,
    is_reading,
    is_remote,
    links_a_paper,
    meaningful,
    remote_links,
    top_spans,
    unwrapped,
    visit_only,
)
from papershelf.plan.tree import Block, Inline, Node, Span, plain
from papershelf.plan.vocabulary import TITLE_HEADERS

__all__ = [
    "CONVENTIONS",
    "Convention",
    "Found",
    "clean_title",
    "conventions_markdown",
    "is_generic",
    "is_paper_url",
    "is_reading",
    "is_remote",
]


@dataclass(frozen=True)
class Convention:
    name: str
    description: str
    example: str
    find: Callable[[Node], list[Found]]


def bold_quoted_titles(node: Node) -> list[Found]:
    """Each ``**"Title"**``, and each ``"**Title**."``: emphasis inside or around quotes."""
    spans = top_spans(node)
    found: list[Found] = []
    for order, span in enumerate(spans):
        if span.kind is not Inline.STRONG or not LETTER.search(span.text):
            continue
        inner = span.text.strip()
        before = spans[order - 1].text.rstrip() if order else ""
        quoted_inside = len(inner) > 2 and inner[0] in OPEN_QUOTES and inner[-1] in QUOTES
        quoted_around = bool(before) and before[-1] in OPEN_QUOTES
        if quoted_inside or quoted_around:
            found.append(Found(clean_title(inner), span.line, at=span.at))
    if len(found) == 1:
        found[0] = Found(found[0].title, found[0].line, remote_links(spans), found[0].at)
    return found


def quoted_lead_title(node: Node) -> list[Found]:
    """A list item that opens with a quoted title, with "Read" and one (``1. "LoRA": …``),
    or with a bold name and a colon before it (``**ViT**: "An Image is Worth …", ICLR``)."""
    if node.block is not Block.ITEM or not node.spans:
        return []
    words = _after_bold_name(node.spans) or node.text.lstrip()
    lead = re.match(r"(?i)^(?:(?:read|study|прочитать|прочти|читать|изучить)\s+)?([\"“«])", words)
    if lead is None:
        return []
    close = {"“": "”", "«": "»"}.get(lead[1], '"')
    end = words.find(close, lead.end())
    title = words[lead.end() : end] if end > 0 else ""
    if not LETTER.search(title) or "\n" in title:
        return []
    if (
        " " not in title.strip()
        and re.match(r"\s+[^\W\d_]", words[end + 1 :])
        and not re.match(r"\s+by\b", words[end + 1 :])
    ):
        return []  # `"Deep" version: …`: a word in quotes inside a phrase
    return [Found(clean_title(title), node.line, remote_links(node.spans), node.spans[0].at)]


def _after_bold_name(spans: Sequence[Span]) -> str:
    """The text after ``**Name**:`` opening a block, if it opens so."""
    order = next((i for i, span in enumerate(spans) if span.text.strip()), None)
    if order is None or spans[order].kind is not Inline.STRONG:
        return ""  # (any name: `**ViL**`, `**?**` are names here, however short)
    rest = plain(spans[order + 1 :]).lstrip()
    return rest[1:].lstrip() if rest.startswith(":") else ""


def table_row(node: Node) -> list[Found]:
    """A table row is one paper: the cell under a "Paper"/"Title" header, else the first
    cell with a titled link or bold text, else (the paper on a paper's site, linked as
    "Paper") the first cell of text; the row's other links go with it. A cell of several
    titled links names one paper each."""
    if node.block is not Block.ROW:
        return []
    cells = list(node.cells)
    named = [i for i, head in enumerate(node.header) if head in TITLE_HEADERS and i < len(cells)]
    links = remote_links(top_spans(node))
    if not named and not any(links_a_paper(link) and not visit_only(link) for link in links):
        return []  # a table of something else: options, figures, a schedule
    order = [*named, *(i for i in range(len(cells)) if i not in named)]
    for index in order:
        title = _cell_title(cells[index], named=index in named)
        if title:
            return _cell_papers(node, cells[index], title, links)
    if any(is_paper_url(link.target) for link in links):  # `| CAGAN | 2017 | [Paper](arXiv) |`
        for cell in cells:
            if LETTERS.search(plain(cell)) and all(span.kind is Inline.TEXT for span in cell):
                return [Found(clean_title(plain(cell)), node.line, links, cell[0].at)]
    return []


def _cell_papers(
    node: Node, cell: Sequence[Span], title: str, links: tuple[Span, ...]
) -> list[Found]:
    """The paper a row's title cell names, with the row's links; or, for a cell of several
    titled links (`[Attention Is All You Need](…), [BERT](…)`), one paper each."""
    titled = [
        link
        for link in remote_links(cell)
        if not is_generic(link.text) and not NOT_READING.match(link.target)
    ]
    if len(titled) > 1:
        return [
            Found(clean_title(link.text, byline=True), node.line, (link,), link.at)
            for link in titled
        ]
    return [Found(title, node.line, links, cell[0].at)]


def _cell_title(cell: Sequence[Span], named: bool) -> str:
    for _, span in meaningful(cell):
        if span.kind is Inline.LINK and not is_generic(span.text):
            if not is_remote(span.target) or NOT_READING.match(span.target):
                return ""
            return clean_title(span.text, byline=True)
        if span.kind is Inline.STRONG and LETTERS.search(span.text):
            return clean_title(re.sub(r"^\s*\d+[.)]\s*", "", span.text))
        if named and span.kind is Inline.TEXT and LETTERS.search(span.text):
            return clean_title(plain(cell))
        if span.kind is not Inline.TEXT:
            return ""
    return ""


def titled_link(node: Node) -> list[Found]:
    """``[Title](https://…)``: the link that opens a list item, whatever the site, and any
    titled link to a paper's site (arXiv, DOI, a PDF …) elsewhere."""
    if node.block is Block.ROW:
        return []
    spans = unwrapped(node.spans)
    found: list[Found] = []
    lead = meaningful(spans)
    opening = lead[0][1] if lead and node.block is Block.ITEM else None
    for span in spans:
        if span.kind is not Inline.LINK or not is_remote(span.target) or is_generic(span.text):
            continue
        if span is opening:
            if not NOT_READING.match(span.target) and span.target[:1] != "#":
                found.append(
                    Found(clean_title(span.text, byline=True), span.line, (span,), span.at)
                )
        elif is_paper_url(span.target) and not _prose_word(span.text):
            found.append(Found(clean_title(span.text, byline=True), span.line, (span,), span.at))
    if len(found) == 1:
        others = tuple(link for link in remote_links(spans) if link is not found[0].links[0])
        found[0] = Found(found[0].title, found[0].line, found[0].links + others, found[0].at)
    return found


def _prose_word(text: str) -> bool:
    """A link on one lower-case word inside a sentence (``in [general](…pdf)``): the
    sentence's word, not the paper's title."""
    words = text.split()
    return len(words) == 1 and words[0].islower()


def bold_title(node: Node) -> list[Found]:
    """``**Title** (2015) [[pdf]](…)`` or ``1. **Title.** *Authors.* Venue 2019``: bold text
    that opens the block, with a link, an arXiv id or a year beside it."""
    if node.block is Block.ROW:
        return []
    lead = meaningful(node.spans)
    if not lead or lead[0][1].kind is not Inline.STRONG:
        return []
    order, strong = lead[0]
    if (
        strong.text.rstrip().endswith(":")
        or TAGS.fullmatch(strong.text.strip())
        or all(child.kind is Inline.CODE for child in strong.children if child.text.strip())
    ):
        return []  # a label ("**Checkpoint:**") or a path in bold
    links = remote_links(node.spans)
    rest = plain(node.spans[order + 1 :])
    reading = [link for link in links if links_a_paper(link)]
    if not reading and not YEAR.search(rest) and "arxiv" not in rest.lower():
        return []  # `**Hello World** ([notebook](…)) ([code](…))`: an example, not a paper
    return [Found(clean_title(strong.text), strong.line, links, strong.at)]


def title_beside_id(node: Node) -> list[Found]:
    """A list item carrying an arXiv id: ``- Dropout arXiv:1207.0580``; the text is the title."""
    from papershelf.papers import ids

    if node.block is not Block.ITEM:
        return []
    text = node.text
    match = ids.WRITTEN_ARXIV.search(text)
    if match is None:
        return []
    title = ids.WRITTEN_ARXIV.sub("", text)
    title = re.sub(r"[\[\]()*_`]", " ", title)
    title = re.sub(r"\s+", " ", title).strip(" -–—:,.")
    return [
        Found(title if LETTERS.search(title) else match[1], node.line, remote_links(node.spans))
    ]


def heading_title(node: Node) -> list[Found]:
    """``### Attention Is All You Need`` then a paragraph ``[[paper]](…) [[code]](…)``: a
    paragraph right under a heading, linking its paper only as "paper" or "pdf", is the
    paper the heading names (a numbered heading, ``Week 3``, ``1.2 Agents``, names none)."""
    if node.block is not Block.PARAGRAPH or not node.heading:
        return []
    links = remote_links(node.spans)
    if not any(links_a_paper(link) and is_generic(link.text) for link in links):
        return []
    written = plain(node.heading).strip()
    if re.match(r"\d+(?:\.\d+)*[.)]?\s", written):
        return []  # `### 1.2 Agents`: a numbered heading opens a step
    title = clean_title(written)
    words = DEFAULT_WORDS
    numbered = [words.find(table, title) for table in (words.phase, words.step)]
    if not LETTERS.search(title) or is_generic(title) or any(n and n[1] for n in numbered):
        return []
    if " " not in title and not re.search(r".[A-Z0-9]", title):
        return []  # `## Readings`: a section; a one-word title is a name (`ResNet`, `GPT-3`)
    return [Found(title, node.heading[0].line, links, node.heading[0].at)]


CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        "bold quoted title",
        "a title in quotes and bold, each one a paper",
        '1. Read **"Attention Is All You Need"**',
        bold_quoted_titles,
    ),
    Convention(
        "quoted title",
        "a list item that opens with a quoted title (or with Read, or a bold name and a "
        "colon, before it)",
        '- "LoRA": low-rank adaptation',
        quoted_lead_title,
    ),
    Convention(
        "table row",
        'a row of a table with a "Paper" or "Title" column, or with links to papers: that '
        "cell, else the first titled link or bold text; the row's other links go with it",
        "| 1) **Title** - summary | [Paper](https://arxiv.org/abs/…), [Tweet](…) |",
        table_row,
    ),
    Convention(
        "link text is the title",
        "the titled link that opens a list item, and any titled link to a paper's site "
        "(arXiv, doi.org, OpenReview, ACL Anthology, NeurIPS, a .pdf …)",
        "- [Deep Residual Learning](https://arxiv.org/abs/1512.03385) (2015)",
        titled_link,
    ),
    Convention(
        "bold title with a generic link",
        "bold text opening the block, with a link, an arXiv id or a year beside it; "
        "links that say only pdf, paper, code or an icon give its copies",
        "- **Batch Normalization** (2015), S. Ioffe [[pdf]](https://arxiv.org/pdf/1502.03167)",
        bold_title,
    ),
    Convention(
        "quoted title in a citation",
        "a list item naming its authors, then the title in quotes",
        '1. He, Kaiming, et al. "Deep residual learning for image recognition." CVPR 2016.',
        quoted_in_citation,
    ),
    Convention(
        "title before a generic link",
        "a list item's plain text before a link that says only pdf, paper or arXiv, up to "
        "the authors, the venue or the year",
        "- Attention Is All You Need. Vaswani et al. NeurIPS 2017. [[pdf]](https://arxiv.org/pdf/1706.03762)",
        title_before_link,
    ),
    Convention(
        "citation",
        "a list item naming its authors, then the title up to the venue and year",
        "* Kevin Knight: Bayesian Inference with Tears, 2009.",
        citation,
    ),
    Convention(
        "heading names the paper",
        "a paragraph right under a heading that links its paper only as paper or pdf: "
        "the heading is the title",
        "### Attention Is All You Need\n[[paper]](https://arxiv.org/abs/1706.03762)",
        heading_title,
    ),
    Convention(
        "title beside an arXiv id",
        "a list item carrying an arXiv id: the rest of its text is the title",
        "- Dropout arXiv:1207.0580",
        title_beside_id,
    ),
)


def conventions_markdown() -> str:
    """The README's table of conventions, made from :data:`CONVENTIONS`."""
    lines = ["| convention | what it reads | example |", "|---|---|---|"]
    for convention in CONVENTIONS:
        example = convention.example.replace("|", "\\|")
        lines.append(f"| {convention.name} | {convention.description} | `` {example} `` |")
    return "\n".join(lines) + "\n"
