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

from papershelf.plan.tree import Block, Inline, Node, Span, plain
from papershelf.plan.vocabulary import GENERIC_WORDS, TITLE_HEADERS

_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
_ROMAN = re.compile(r"[ivxlc]+")
_SHORTCODES = re.compile(r":[a-z0-9_+-]+:")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_LETTER = re.compile(r"[^\W\d_]")
# Sites that serve papers: a titled link to one is a paper wherever it stands.
_PAPER_URL = re.compile(
    r"(?i)^https?://(?:[\w-]+\.)*(?:arxiv\.org/(?:abs|pdf)/|doi\.org/|openreview\.net/"
    r"(?:forum|pdf)|aclanthology\.org/|aclweb\.org/anthology/|papers\.nips\.cc/|proceedings\."
    r"(?:neurips\.cc|mlr\.press)/|jmlr\.org/papers/|semanticscholar\.org/paper/|dl\.acm\.org/"
    r"doi/|ieeexplore\.ieee\.org/(?:abstract/)?document/|link\.springer\.com/|openaccess\."
    r"thecvf\.com/|(?:bio|med)rxiv\.org/content/|papers\.ssrn\.com/|paperswithcode\.com/paper/"
    r"|huggingface\.co/papers/|nature\.com/articles/|science\.org/doi/|sciencedirect\.com/"
    r"science/article/|researchgate\.net/publication/|ojs\.aaai\.org/|ijcai\.org/proceedings/"
    r"|pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pmc/|citeseerx?\.)|\.pdf(?:[?#].*)?$"
)
# Where a titled link is not a reading: code hosts' own pages, tables of contents, badges.
_NOT_READING = re.compile(
    r"(?i)^https?://(?:www\.)?(?:github\.com|gitlab\.com|img\.shields\.io|star-history\.com"
    r"|twitter\.com|x\.com|discord\.gg|t\.me)/(?!.*\.pdf$)"
)
_QUOTES = "\"“”«»„'‘’"
_OPEN_QUOTES = '"“«„‘'
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_BY_AUTHOR = re.compile(r"\s*[-–—,]\s*by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*$")
# Link text that says the link is the paper itself (``[pdf]``, ``[paper]``, ``[arXiv]``).
_PAPER_WORD = re.compile(
    r"(?i)^\W*(?:pdf|paper|papers|article|arxiv|abs|abstract|openreview|doi|html|link|url"
    r"|here|статья|ссылка)\W*$"
)


def is_generic(text: str) -> bool:
    """Link text that names a kind of link or is only an icon (or numbers: ``[1]``,
    ``[ii]`` read as words are generic too): never a title."""
    text = _SHORTCODES.sub(" ", text)
    if "://" in text or text.strip().startswith("www."):
        return True  # a bare URL shown as itself
    words = _WORD.findall(text.casefold())
    return not _LETTERS.search(text) or all(
        word in GENERIC_WORDS or _ROMAN.fullmatch(word) for word in words
    )


def is_paper_url(target: str) -> bool:
    return bool(_PAPER_URL.search(target))


def is_reading(target: str) -> bool:
    """A remote link that may be the paper itself (not a code host's page or a badge)."""
    return is_remote(target) and not _NOT_READING.match(target)


def is_remote(target: str) -> bool:
    return "://" in target or target.startswith(("mailto:", "www."))


def clean_title(text: str) -> str:
    """A title as written, without its quotes, markers and the trailing dot of a citation."""
    text = _SHORTCODES.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.strip(" " + _QUOTES + "*_`").rstrip(" .,;:").strip(" " + _QUOTES)
    return _BY_AUTHOR.sub("", text) or text


@dataclass(frozen=True)
class Found:
    """A paper a convention found: its title, the links that go with it, where it stands."""

    title: str
    line: int
    links: tuple[Span, ...] = ()
    at: int = 0  # where it stands in the document (see tree.Span.at)


@dataclass(frozen=True)
class Convention:
    name: str
    description: str
    example: str
    find: Callable[[Node], list[Found]]


def _top(node: Node) -> tuple[Span, ...]:
    if node.block is Block.ROW:
        return tuple(span for cell in node.cells for span in cell)
    return node.spans


def _links(spans: Sequence[Span]) -> tuple[Span, ...]:
    return tuple(s for span in spans for s in span.walk() if s.kind is Inline.LINK)


def _meaningful(spans: Sequence[Span]) -> list[tuple[int, Span]]:
    """The spans a reader reads first: icons, numbering, bare punctuation and badges skipped."""
    kept: list[tuple[int, Span]] = []
    for order, span in enumerate(spans):
        if span.kind is Inline.IMAGE:
            continue
        if span.kind in (Inline.TEXT, Inline.LINK, Inline.STRONG) and is_generic(span.text):
            if span.kind is not Inline.LINK or not is_remote(span.target):
                continue
            if span.kind is Inline.LINK and not _LETTERS.search(_SHORTCODES.sub("", span.text)):
                continue  # an icon link: [:scroll:](…), [📄](…)
        kept.append((order, span))
    return kept


def _remote_links(spans: Sequence[Span]) -> tuple[Span, ...]:
    return tuple(link for link in _links(spans) if is_remote(link.target))


def bold_quoted_titles(node: Node) -> list[Found]:
    """Each ``**"Title"**``, and each ``"**Title**."``: emphasis inside or around quotes."""
    spans = _top(node)
    found: list[Found] = []
    for order, span in enumerate(spans):
        if span.kind is not Inline.STRONG or not _LETTER.search(span.text):
            continue
        inner = span.text.strip()
        before = spans[order - 1].text.rstrip() if order else ""
        quoted_inside = len(inner) > 2 and inner[0] in _OPEN_QUOTES and inner[-1] in _QUOTES
        quoted_around = bool(before) and before[-1] in _OPEN_QUOTES
        if quoted_inside or quoted_around:
            found.append(Found(clean_title(inner), span.line, at=span.at))
    if len(found) == 1:
        found[0] = Found(found[0].title, found[0].line, _remote_links(spans), found[0].at)
    return found


def quoted_lead_title(node: Node) -> list[Found]:
    """A list item that opens with a quoted title, or with "Read" and one: ``1. "LoRA": …``."""
    if node.block is not Block.ITEM or not node.spans:
        return []
    text = node.text
    words = text.lstrip()
    lead = re.match(r"(?i)^(?:(?:read|study|прочитать|прочти|читать|изучить)\s+)?([\"“«])", words)
    if lead is None:
        return []
    close = {"“": "”", "«": "»"}.get(lead[1], '"')
    end = words.find(close, lead.end())
    title = words[lead.end() : end] if end > 0 else ""
    if not _LETTER.search(title) or "\n" in title:
        return []
    return [Found(clean_title(title), node.line, _remote_links(node.spans), node.spans[0].at)]


def table_row(node: Node) -> list[Found]:
    """A table row is one paper: the cell under a "Paper"/"Title" header, else the first
    cell with a titled link or bold text; the row's other links go with it."""
    if node.block is not Block.ROW:
        return []
    cells = list(node.cells)
    named = [i for i, head in enumerate(node.header) if head in TITLE_HEADERS and i < len(cells)]
    links = _remote_links(_top(node))
    if not named and not any(_links_a_paper(link) for link in links):
        return []  # a table of something else: options, figures, a schedule
    order = [*named, *(i for i in range(len(cells)) if i not in named)]
    for index in order:
        title = _cell_title(cells[index], named=index in named)
        if title:
            return [Found(title, node.line, links, cells[index][0].at)]
    return []


def _links_a_paper(link: Span) -> bool:
    return is_paper_url(link.target) or bool(_PAPER_WORD.match(link.text))


def _cell_title(cell: Sequence[Span], named: bool) -> str:
    for _, span in _meaningful(cell):
        if span.kind is Inline.LINK and not is_generic(span.text):
            if not is_remote(span.target) or _NOT_READING.match(span.target):
                return ""
            return clean_title(span.text)
        if span.kind is Inline.STRONG and _LETTERS.search(span.text):
            return clean_title(re.sub(r"^\s*\d+[.)]\s*", "", span.text))
        if named and span.kind is Inline.TEXT and _LETTERS.search(span.text):
            return clean_title(plain(cell))
        if span.kind is not Inline.TEXT:
            return ""
    return ""


def titled_link(node: Node) -> list[Found]:
    """``[Title](https://…)``: the link that opens a list item, whatever the site, and any
    titled link to a paper's site (arXiv, DOI, a PDF …) elsewhere."""
    if node.block is Block.ROW:
        return []
    spans = node.spans
    found: list[Found] = []
    lead = _meaningful(spans)
    opening = lead[0][1] if lead and node.block is Block.ITEM else None
    for span in spans:
        if span.kind is not Inline.LINK or not is_remote(span.target) or is_generic(span.text):
            continue
        if (
            span is opening and not _NOT_READING.match(span.target) and span.target[:1] != "#"
        ) or is_paper_url(span.target):
            found.append(Found(clean_title(span.text), span.line, (span,), span.at))
    if len(found) == 1:
        others = tuple(link for link in _remote_links(spans) if link is not found[0].links[0])
        found[0] = Found(found[0].title, found[0].line, found[0].links + others, found[0].at)
    return found


def bold_title(node: Node) -> list[Found]:
    """``**Title** (2015) [[pdf]](…)`` or ``1. **Title.** *Authors.* Venue 2019``: bold text
    that opens the block, with a link, an arXiv id or a year beside it."""
    if node.block is Block.ROW:
        return []
    lead = _meaningful(node.spans)
    if not lead or lead[0][1].kind is not Inline.STRONG:
        return []
    order, strong = lead[0]
    if strong.text.rstrip().endswith(":") or all(
        child.kind is Inline.CODE for child in strong.children if child.text.strip()
    ):
        return []  # a label ("**Checkpoint:**") or a path in bold
    links = _remote_links(node.spans)
    rest = plain(node.spans[order + 1 :])
    reading = [link for link in links if _links_a_paper(link)]
    if not reading and not _YEAR.search(rest) and "arxiv" not in rest.lower():
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
        Found(title if _LETTERS.search(title) else match[1], node.line, _remote_links(node.spans))
    ]


_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "le", "la", "du"})
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÞА-ЯЁ][\w'’-]*\.?|(?:[A-ZА-ЯЁ]\.)+[A-ZА-ЯЁ]?\.?)$")
_TAIL = re.compile(r"^[^,]{0,60}?,?\s*(?:19|20)\d\d[a-z]?\)?\.?$")


def _names(text: str) -> int:
    """How many authors ``text`` lists (0: it is not a list of names)."""
    text = re.sub(r",?\s*\bet al\.?", "", text).strip(" ,")
    parts = [part.strip() for part in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text)]
    if not parts or not all(parts):
        return 0
    for part in parts:
        tokens = [token for token in part.split() if token.lower() not in _PARTICLES]
        if not 1 <= len(tokens) <= 5 or not all(_NAME_TOKEN.match(t) for t in tokens):
            return 0
    return len(parts) if any(len(part.split()) >= 2 for part in parts) else 0


def _authors_first(text: str) -> tuple[int, str] | None:
    """How many authors open ``text`` (``Authors: …``, or ``Authors. …`` naming two or
    more) and what follows them."""
    head, colon, rest = text.partition(": ")
    if colon and len(head) <= 150 and _names(head):
        return _names(head), rest
    for stop in re.finditer(r"\.\s+", text[:150]):
        head = text[: stop.start()]
        if re.search(r"(?:^|\s)[A-Z]$", head):
            continue  # an initial: `Stanley F. Chen`
        count = _names(head)
        if count >= 2 or (count and "et al" in head):
            return count, text[stop.end() :]
    return None


def citation(node: Node) -> list[Found]:
    """``* Kevin Knight: Bayesian Inference with Tears, 2009.``: authors, then the title up
    to the venue and year (or ``Authors. Title.`` naming two authors or more)."""
    if node.block is not Block.ITEM or not node.spans or node.spans[0].kind is not Inline.TEXT:
        return []
    split = _authors_first(re.sub(r"\s+", " ", node.text).strip())
    if split is None:
        return []
    count, rest = split
    title = ""
    for cut in re.finditer(r"[,.]\s+", rest):
        if _TAIL.match(rest[cut.end() :]):
            title = rest[: cut.start()]
            break
    if not title and _YEAR.search(rest) is None and count >= 2:
        title = rest  # `Charles Sutton, Andrew McCallum. An Introduction to ….`
    if not _LETTERS.search(title):
        return []
    return [Found(clean_title(title), node.line, _remote_links(node.spans), node.spans[0].at)]


CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        "bold quoted title",
        "a title in quotes and bold, each one a paper",
        '1. Read **"Attention Is All You Need"**',
        bold_quoted_titles,
    ),
    Convention(
        "quoted title",
        "a list item that opens with a quoted title (or with Read and one)",
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
        "citation",
        "a list item naming its authors, then the title up to the venue and year",
        "* Kevin Knight: Bayesian Inference with Tears, 2009.",
        citation,
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
