"""What one PDF says about itself: its ids, its metadata title, its first page's title lines.

PDFium (pypdfium2) reads the file: measured against pypdf, pdfminer.six, PyMuPDF
and poppler's pdftotext, it was the fastest (about 5 ms a paper for metadata and
two pages of text), recovers files with a broken cross-reference table, and
refuses damaged and encrypted ones with an error instead of hanging. It runs in
a worker process (see :mod:`papershelf.papers.scan`), so a file that makes it
misbehave costs that file, never the run.
"""

from __future__ import annotations

import re
import sys
from typing import NamedTuple

from papershelf.papers import ids, titles

PAGES = 2  # never read further than the second page
_XMP = re.compile(rb"<x:xmpmeta.{0,65536}?</x:xmpmeta>", re.DOTALL)
_XMP_TITLE = re.compile(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ufffe]")


class Identity(NamedTuple):
    """What a PDF's content says it is; kept per blob id in the cache."""

    arxiv: tuple[str, ...]  # from the arXiv stamp and the metadata, versions dropped
    dois: tuple[str, ...]  # from the metadata, or the one DOI on the first page
    title: str  # the metadata title when it names the paper, else ""
    head: tuple[str, ...]  # the first page's title region, as compacted segments
    note: str  # why the PDF could not be read, "" when it could

    @classmethod
    def unreadable(cls, note: str) -> Identity:
        return cls((), (), "", (), note)

    @classmethod
    def from_plain(cls, value: object) -> Identity | None:
        """An identity read back from the cache, or None when it is not one this code wrote
        (checked by exact types: 25,000 of them are read whenever the index changes)."""
        if type(value) is not tuple or len(value) != 5:
            return None
        arxiv, found_dois, title, head, note = value
        if not (type(arxiv) is type(found_dois) is type(head) is tuple):
            return None
        if not (type(title) is type(note) is str):
            return None
        for item in arxiv + found_dois + head:
            if type(item) is not str:
                return None
        # Thousands of damaged files share a few notes: one object each, written once.
        return cls(arxiv, found_dois, title, head, sys.intern(note))


def _unescape(text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()


def _xmp(data: bytes) -> tuple[str, str]:
    """``(dc:title, the packet's text)`` of an uncompressed XMP packet (most are)."""
    match = _XMP.search(data)
    if match is None:
        return "", ""
    packet = match[0].decode("utf-8", "replace")
    title = _XMP_TITLE.search(packet)
    return (_unescape(title[1]) if title else ""), packet


def read(data: bytes) -> Identity:
    """Read a PDF's identity from its bytes; unreadable files get a note, never an error."""
    if b"%PDF-" not in data[:1024]:
        return Identity.unreadable("not a PDF (no %PDF- header)")
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = "encrypted" if "password" in str(error).lower() else "damaged"
        return Identity.unreadable(f"{reason}: {error}")
    try:
        metadata = document.get_metadata_dict()
        pages = []
        for index in range(min(PAGES, len(document))):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(_CONTROL.sub(" ", textpage.get_text_range()))
            textpage.close()
            page.close()
            if len(titles.compact(pages[0])) >= 200:
                break  # the first page has the title region; the second is not needed
    except pdfium.PdfiumError as error:
        return Identity.unreadable(f"damaged: {error}")
    finally:
        document.close()
    xmp_title, packet = _xmp(data)
    described = " ".join(metadata.get(key, "") for key in ("Title", "Subject", "Keywords"))
    arxiv = ids.stamped_arxiv_ids(described)
    found_dois = ids.dois(described + " " + packet)
    first = next((text for text in pages if titles.compact(text)), "")
    arxiv += ids.stamped_arxiv_ids(first[: titles.HEAD_CHARACTERS])
    on_page = ids.dois(first)
    if not found_dois and len(on_page) == 1:
        found_dois = on_page
    title = titles.good_metadata_title(xmp_title) or titles.good_metadata_title(
        metadata.get("Title", "")
    )
    head = titles.head_segments(first)
    note = "" if head else "no text on its first pages (scanned or image-only)"
    return Identity(tuple(dict.fromkeys(arxiv)), tuple(found_dois), title, head, note)
