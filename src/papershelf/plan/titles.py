"""What the conventions share: which link text and sites name a paper, how a title is
cleaned, and the spans a reader reads first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from papershelf.plan.tree import Block, Inline, Node, Span
from papershelf.plan.vocabulary import DESCRIBING_WORDS, GENERIC_WORDS, MATERIAL_WORDS

_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
_ROMAN = re.compile(r"[ivxlc]+")
SHORTCODES = re.compile(r":[a-z0-9_+-]+:")
LETTERS = re.compile(r"[^\W\d_]{2,}")
LETTER = re.compile(r"[^\W\d_]")
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
NOT_READING = re.compile(
    r"(?i)^https?://(?:www\.)?(?:github\.com|gitlab\.com|img\.shields\.io|star-history\.com"
    r"|twitter\.com|x\.com|discord\.gg|t\.me)/(?!.*\.pdf$)"
)
QUOTES = "\"“”«»„'‘’"
OPEN_QUOTES = '"“«„‘'
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_BY_AUTHOR = re.compile(r"\s*[-–—,]\s*by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*$")
# Link text that says the link is the paper itself (``[pdf]``, ``[paper]``, ``[arXiv]``).
PAPER_WORD = re.compile(
    r"(?i)^\W*(?:pdf|paper|papers|article|arxiv|abs|abstract|openreview|doi|html|link|url"
    r"|here|статья|ссылка)\W*$"
)


def is_generic(text: str) -> bool:
    """Link text that names a kind of link or is only an icon (or numbers: ``[1]``,
    ``[ii]`` read as words are generic too): never a title."""
    text = SHORTCODES.sub(" ", text)
    if "://" in text or text.strip().startswith("www."):
        return True  # a bare URL shown as itself
    words = _WORD.findall(text.casefold())
    if _says_link(words):
        return True
    return not LETTERS.search(text) or all(
        word in GENERIC_WORDS or _ROMAN.fullmatch(word) for word in words
    )


def is_paper_url(target: str) -> bool:
    return bool(_PAPER_URL.search(target))


def is_reading(target: str) -> bool:
    """A remote link that may be the paper itself (not a code host's page or a badge)."""
    return is_remote(target) and not NOT_READING.match(target)


def is_remote(target: str) -> bool:
    return "://" in target or target.startswith(("mailto:", "www."))


def clean_title(text: str, byline: bool = False) -> str:
    """A title as written, without its quotes, markers, list number (``01.Title``), a
    closing ``(2017)`` and the trailing dot of a citation; with ``byline``, without a
    trailing ``- by Author`` too (link text says who wrote it; a quoted title is exactly
    what it quotes)."""
    text = SHORTCODES.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.strip(" " + QUOTES + "*_`").rstrip(" .,;:-–—").strip(" " + QUOTES)
    text = _NUMBERING.sub("", _CLOSING_YEAR.sub("", text)) or text
    return (_BY_AUTHOR.sub("", text) or text) if byline else text


# `2. Title`, `01.Title`, `14.Title`; never `1.5-bit …`
_NUMBERING = re.compile(r"^(?:\d{1,3}[.)]\s+|0\d{0,2}[.)]\s*|\d{1,3}[.)](?=[^\W\d_]))")
_CLOSING_YEAR = re.compile(r"\s*\((?:19|20)\d\d\)$")


@dataclass(frozen=True)
class Found:
    """A paper a convention found: its title, the links that go with it, where it stands."""

    title: str
    line: int
    links: tuple[Span, ...] = ()
    at: int = 0  # where it stands in the document (see tree.Span.at)


TAGS = re.compile(r"^(?:\s*(?:\[[^\]]{1,30}\]|\([^)]{1,30}\)))+")


def top_spans(node: Node) -> tuple[Span, ...]:
    if node.block is Block.ROW:
        return tuple(span for cell in node.cells for span in cell)
    return node.spans


def links_in(spans: Sequence[Span]) -> tuple[Span, ...]:
    return tuple(s for span in spans for s in span.walk() if s.kind is Inline.LINK)


def meaningful(spans: Sequence[Span]) -> list[tuple[int, Span]]:
    """The spans a reader reads first: icons, numbering, bare punctuation and badges skipped."""
    kept: list[tuple[int, Span]] = []
    for order, span in enumerate(spans):
        if span.kind is Inline.IMAGE:
            continue
        if span.kind in (Inline.TEXT, Inline.LINK, Inline.STRONG) and is_generic(span.text):
            if span.kind is not Inline.LINK or not is_remote(span.target):
                continue
            if span.kind is Inline.LINK and not LETTERS.search(SHORTCODES.sub("", span.text)):
                continue  # an icon link: [:scroll:](…), [📄](…)
        kept.append((order, span))
    return kept


def remote_links(spans: Sequence[Span]) -> tuple[Span, ...]:
    return tuple(link for link in links_in(spans) if is_remote(link.target))


def _says_link(words: Sequence[str]) -> bool:
    """``[NeurIPS proceedings link]``, ``[English link]``: text that says what the link is."""
    return 1 < len(words) <= 4 and words[-1] in ("link", "links")


def links_a_paper(link: Span) -> bool:
    """A link to a paper: it says so (``[pdf]``, ``[arXiv link]``), or it leads to a
    paper's site and does not say it is course material (``[Slides](l3.pdf)``)."""
    if names_material(link.text):
        return False
    return (
        bool(PAPER_WORD.match(link.text))
        or _says_link(_words(link.text))
        or (is_paper_url(link.target))
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def names_material(text: str) -> bool:
    """Link text that says the link is course material or a page (slides, a video, a
    blog post), not the paper."""
    words = _words(text)
    return any(word in MATERIAL_WORDS for word in words) and not PAPER_WORD.match(text)


def describes_material(found: Found) -> bool:
    """A "paper" whose text describes what its links lead to, as a sentence would ("a great
    series of notebooks", "a guide … (blog)"), and none of whose links is a paper's site: a
    tutorial, a video or a repository to visit, not a paper to keep. A describing word
    written as in a title ("A Guide to Search Ranking") names a work."""
    if not found.links or any(is_paper_url(link.target) for link in found.links):
        return False
    words = _WORD.findall(found.title)
    sentence = all(word.islower() or word.isupper() or len(word) < 4 for word in words[1:])
    return any(
        word.casefold() in DESCRIBING_WORDS and (word.islower() or (order == 0 and sentence))
        for order, word in enumerate(words)
    )


def unwrapped(spans: Sequence[Span], holding: tuple[Inline, ...] = (Inline.LINK,)) -> list[Span]:
    """Emphasis holding a link (or another of ``holding``) opened up: what it holds
    counts as the block's own (``**[Title](…)**``, ``**`folder/x`**``)."""
    out: list[Span] = []
    for span in spans:
        if span.kind in (Inline.STRONG, Inline.EMPHASIS) and any(
            child.kind in holding for child in span.children
        ):
            out.extend(unwrapped(span.children, holding))
        else:
            out.append(span)
    return out


def visit_only(link: Span) -> bool:
    """``[link](https://github.com/…)``: a page to visit, named as a link and nothing more."""
    words = set(_words(link.text))
    return not is_reading(link.target) and words <= {"link", "links", "url", "here"}
