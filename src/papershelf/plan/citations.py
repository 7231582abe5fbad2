"""Conventions for papers written as citations: authors, then the title, the venue and
the year (``Kevin Knight: Bayesian Inference with Tears, 2009.``), or a plain title
before a link that only says pdf (``Attention Is All You Need. Vaswani et al. [pdf]``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from papershelf.plan.titles import (
    LETTERS,
    SHORTCODES,
    TAGS,
    YEAR,
    Found,
    clean_title,
    is_generic,
    links_a_paper,
    remote_links,
    visit_only,
)
from papershelf.plan.tree import Block, Inline, Node, Span, plain

_SEPARATOR = re.compile(r"\.\s+|,\s+|\s+[-–—]\s+|\s*\(")
# Where a byline ends: a dash, a bracket, or a full stop that is no initial's.
_BYLINE_END = re.compile(r"\s[-–—]\s|[()]|(?<!\b[A-Z])\.\s|,\s(?=[A-Z]{2,}|(?:19|20)\d\d)")


def title_before_link(node: Node) -> list[Found]:
    """``- Attention Is All You Need. Vaswani et al. NeurIPS 2017. [[pdf]](…)``: a list
    item's plain text before a link that only says pdf, paper or arXiv (or before such a
    word in brackets with no link yet: ``DC-TTS [[paper]] [[code]](…)``; in a paragraph,
    ``Title: [pdf](…)``) is the title, up to the authors, the venue or the year after it.
    A link that only says "link" to a code host's page is a repository to visit."""
    if node.block not in (Block.ITEM, Block.PARAGRAPH):
        return []
    spans = node.spans
    cut = _generic_cut(spans)
    if cut is None:
        return []
    at, before_marker = cut
    if before_marker is None and visit_only(spans[at]):
        return []
    kinds = (Inline.TEXT, Inline.EMPHASIS, Inline.STRONG)
    before = [span for span in spans[:at] if span.kind in kinds]
    text = plain(before) + (before_marker or "")
    text = re.sub(r"\s+", " ", SHORTCODES.sub(" ", text)).strip()
    text = TAGS.sub("", text).strip(" [(-–—:|")  # `[en]`, `[Recommended]`, `(optional)`
    if node.block is Block.PARAGRAPH and not (plain(before).rstrip().endswith(":")):
        return []  # a paragraph names a paper only as `Title: [pdf](…)`
    title = _cut_at_byline(text)
    if len(title.split()) < (1 if before_marker is not None else 2) or is_generic(title):
        return []  # `- Lecture 3 slides [pdf](…)`: material, not a paper
    return [Found(clean_title(title, byline=True), node.line, remote_links(spans), spans[0].at)]


_MARKER = re.compile(r"(?i)\[\[?\s*(?:paper|pdf|arxiv)\s*\]\]?")


def _generic_cut(spans: Sequence[Span]) -> tuple[int, str | None] | None:
    """Where the title ends: the first link that only says pdf or paper, or a bracketed
    ``[paper]`` written in the text (then also the text before it)."""
    for index, span in enumerate(spans):
        if span.kind is Inline.LINK and links_a_paper(span):
            return (index, None) if is_generic(span.text) else None
        if span.kind is Inline.TEXT and (marker := _MARKER.search(span.text)):
            return index, span.text[: marker.start()]
    return None


def _cut_at_byline(text: str) -> str:
    """The title a citation opens with: up to the first separator followed by authors
    (``Vaswani et al.``, ``A. Author, B. Author``), a venue and year, or a year."""
    for cut in _SEPARATOR.finditer(text):
        rest = text[cut.end() :]
        head = _BYLINE_END.split(rest, maxsplit=1)[0]
        if YEAR.match(rest) or re.match(r"^(?:[A-Z][\w-]*\s)?(?:19|20)\d\d\b", rest):
            return text[: cut.start()]
        if "et al" in head or _names(head) >= 2 or (_names(head) == 1 and "," in rest):
            return text[: cut.start()]
    return text


_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "le", "la", "du"})
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÞА-ЯЁ][\w'’-]*\.?|(?:[A-ZА-ЯЁ]\.)+[A-ZА-ЯЁ]?\.?)$")
_TAIL = re.compile(r"^[^,]{0,60}?,?\s*(?:19|20)\d\d[a-z]?\)?\.?$")


def _names(text: str, surnames: bool = False) -> int:
    """How many authors ``text`` lists (0: it is not a list of names). Names are of two
    words or more (``Kevin Knight``), or, with ``surnames``, may be one (``Collins``)."""
    text = re.sub(r",?\s*\b[ea]t al\.?", "", text).strip(" ,")
    parts = [part.strip() for part in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text)]
    if not parts or not all(parts):
        return 0
    for part in parts:
        tokens = [token for token in part.split() if token.lower() not in _PARTICLES]
        if not 1 <= len(tokens) <= 5 or not all(_NAME_TOKEN.match(t) for t in tokens):
            return 0
    full = surnames or any(len(part.split()) >= 2 for part in parts)
    return len(parts) if full else 0


def _authors_first(text: str) -> tuple[int, str] | None:
    """How many authors open ``text`` (``Authors: …``, or ``Authors. …`` naming two or
    more) and what follows them."""
    head, colon, rest = text.partition(": ")
    dated = bool(YEAR.search(text[-12:]))  # a venue and year close it: surnames will do
    if colon and len(head) <= 150 and _names(head, surnames=dated):
        return _names(head, surnames=dated), rest
    for stop in re.finditer(r"\.\s+", text[:150]):
        head = text[: stop.start()]
        if re.search(r"(?:^|\s)[A-Z]$", head):
            continue  # an initial: `Stanley F. Chen`
        count = _names(head)
        if count >= 2 or (count and ("et al" in head or dated)):
            return count, text[stop.end() :]
    return None


def citation(node: Node) -> list[Found]:
    """``* Kevin Knight: Bayesian Inference with Tears, 2009.``: authors, then the title up
    to the venue and year (or ``Authors. Title.`` naming two authors or more, or up to a
    GB/T 7714 type mark: ``Deng J, Dong W, et al. ImageNet: …[C]//CVPR 2009``)."""
    if node.block is not Block.ITEM or not node.spans or node.spans[0].kind is not Inline.TEXT:
        return []
    text = re.sub(r"\s+", " ", node.text).strip()
    typed = _typed_title(text)
    if typed:
        return [Found(clean_title(typed), node.line, remote_links(node.spans), node.spans[0].at)]
    split = _authors_first(text)
    if split is None:
        return []
    count, rest = split
    title = ""
    for cut in re.finditer(r"[,.]\s+", rest):
        if _TAIL.match(rest[cut.end() :]):
            title = rest[: cut.start()]
            break
    if not title and YEAR.search(rest) is None and count >= 2:
        title = rest  # `Charles Sutton, Andrew McCallum. An Introduction to ….`
    title = clean_title(title)
    if not LETTERS.search(title) or title[:1].islower():
        return []  # `Python: a language, 2020.`: a sentence, not a citation
    return [Found(title, node.line, remote_links(node.spans), node.spans[0].at)]


_TYPE_MARK = re.compile(r"\[(?:J|C|M|D|A|R|S|P|N|Z|EB/OL|DB/OL)\]")


def _typed_title(text: str) -> str:
    """The title of a GB/T 7714 citation: after the authors, before ``[J]``, ``[C]``, ``[M]``."""
    mark = _TYPE_MARK.search(text)
    if mark is None:
        return ""
    head = text[: mark.start()]
    etal = re.search(r"\b(?:et al|等)\.?\s+", head)
    if etal is not None:
        return head[etal.end() :]
    for stop in re.finditer(r"\.\s+", head):
        if _names(head[: stop.start()], surnames=True):
            return head[stop.end() :]
    return ""


def quoted_in_citation(node: Node) -> list[Found]:
    """``Hinton, G., and R. Salakhutdinov. "Reducing the Dimensionality of Data." Science,
    2006``: a list item's byline (names with commas or "and"), then the title in quotes."""
    if node.block is not Block.ITEM or not node.spans:
        return []
    text = re.sub(r"\s+", " ", node.text).strip()
    opening = re.search(r"[\"“«]", text)
    if opening is None:
        return []
    head = text[: opening.start()].rstrip()
    if not head.endswith((".", ",", ":")) or not LETTERS.search(head) or len(head) > 300:
        return []
    if not re.search(r",|\sand\s|&|\bet al\b", head) or not _names(head.rstrip(".,: "), True):
        return []  # `Note: "…"`, `Lecture: bandits, UCB. "Deep" …`: not a byline
    close = {"“": "”", "«": "»"}.get(opening[0], '"')
    end = text.find(close, opening.end())
    title = text[opening.end() : end] if end > 0 else ""
    if not LETTERS.search(title) or text[end + 1 : end + 2] == ":":
        return []  # `"Why Should I Trust You?": Explaining …`: the quote is half the title
    return [Found(clean_title(title), node.line, remote_links(node.spans), node.spans[0].at)]
