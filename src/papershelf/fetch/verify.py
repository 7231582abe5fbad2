"""Is the downloaded PDF the paper the plan names? Read as papershelf reads any paper.

The PDF's arXiv id, DOI, metadata title and first page, read by papershelf's
PDF workers (:func:`papershelf.papers.scan.read_all`: a process apart, capped
in time and memory, so a hostile download costs itself, never the run), are
weighed by the same matching the checker uses.
A PDF that says it is some other paper (other ids, or a readable title that is
not the plan's) is not filed under the plan's title; one that says nothing
(scanned pages, no metadata) is, on the word of the link beside the title.
"""

from __future__ import annotations

from typing import NamedTuple

from papershelf.papers.matching import Wanted, match
from papershelf.papers.reading import Identity

UNREADABLE = "unreadable"
# What the reader notes of a PDF that is still filed on the link's word: a scan, a book.
_FILED_ANYWAY = ("no text", "larger than")
# A neutral name: the downloaded file's own name must not count as evidence.
_NAME = "download.pdf"


class Verdict(NamedTuple):
    ok: bool
    how: str  # the evidence (arxiv-id, doi, metadata, first-page) or "unconfirmed"
    what: str  # when not ok: what the PDF says it is; when unconfirmed: why


def judge(identity: Identity, wanted: Wanted) -> Verdict:
    """Whether the PDF read as ``identity`` is the paper ``wanted``, and on what evidence."""
    if identity.note and not identity.note.startswith(_FILED_ANYWAY):
        return Verdict(False, UNREADABLE, f"not a readable PDF ({identity.note})")
    if wanted.arxiv and identity.arxiv and not set(wanted.arxiv) & set(identity.arxiv):
        return Verdict(False, "", f"arXiv:{identity.arxiv[0]}")
    found = match([wanted], {_NAME: identity})
    if 0 in found:
        return Verdict(True, found[0].how, "")
    said = _what_it_says(identity)
    if not said:
        return Verdict(True, "unconfirmed", identity.note or "the PDF names no title")
    return Verdict(False, "", said)


def _what_it_says(identity: Identity) -> str:
    if identity.arxiv:
        return f"arXiv:{identity.arxiv[0]}"
    if identity.dois:
        return f"doi:{identity.dois[0]}"
    if identity.title:
        return f'"{identity.title}"'
    if identity.head:
        return f'a first page that begins "{identity.head[0][:60]}"'
    return ""
