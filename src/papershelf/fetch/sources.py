"""Where a paper's PDF comes from: the links a plan writes beside it, in order of trust.

A link to a paper's page on a known archive is rewritten to that archive's PDF
(arXiv ``abs/`` to ``pdf/``, OpenReview ``forum`` to ``pdf``, an ACL Anthology,
PMLR, NeurIPS or CVF page to its ``.pdf``); a link that already ends in
``.pdf`` is taken as it is; a DOI, and any other link, is tried only for what
it resolves to: a PDF is kept, a web page is reported as one to open in a
browser. The order is the trust: the archive that published the paper first,
a guess last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from papershelf.papers import ids


class Source(NamedTuple):
    """One URL to fetch a paper's PDF from."""

    url: str
    kind: str  # arxiv, openreview, acl, pmlr, neurips, cvf, pdf, doi, page
    sure: bool  # True: the URL is a PDF by the archive's rules; a web page there is refused


TRUST = ("arxiv", "openreview", "acl", "pmlr", "neurips", "cvf", "pdf", "doi", "page")
ARXIV_PDF = "https://arxiv.org/pdf/{}"

_ARXIV_URL = re.compile(
    rf"(?i)^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/({ids.ARXIV_ID})"
)
# An Anthology id: ``2020.acl-main.463`` (2020-) or ``P19-1285`` (before).
_ACL = re.compile(
    r"(?i)^https?://(?:www\.)?(?:aclanthology\.org|aclweb\.org/anthology)/"
    r"(\d{4}\.[a-z0-9-]+\.\d+|[A-Z]\d{2}-\d{4})/?$"
)
_PMLR = re.compile(r"(?i)^(https?://proceedings\.mlr\.press/v\d+/)([\w-]+)\.html$")
_NEURIPS = re.compile(
    r"(?i)^(https?://(?:papers\.nips\.cc|proceedings\.neurips\.cc)/(?:paper_files/)?paper/\d{4})"
    r"/hash/([0-9a-f]+)-Abstract(-\w+)?\.html$"
)
_CVF = re.compile(r"(?i)^(https?://openaccess\.thecvf\.com/.+)/html/([^/]+)\.html$")
_DOI_URL = re.compile(r"(?i)^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$")


def source_of(link: str) -> Source | None:
    """The PDF source one link or written id stands for; None for what is no link."""
    written = link.strip()
    if written[:6].lower() == "arxiv:":
        found = ids.arxiv_ids(written[6:].strip())
        return Source(ARXIV_PDF.format(found[0]), "arxiv", True) if found else None
    if written[:4].lower() == "doi:":
        return Source(f"https://doi.org/{written[4:].strip()}", "doi", False)
    if not re.match(r"(?i)^https?://", written):
        return None
    url = written.split("#")[0]
    match = _ARXIV_URL.match(url)
    if match:
        return Source(ARXIV_PDF.format(match[1]), "arxiv", True)
    parts = urlsplit(url)
    if parts.hostname in ("openreview.net", "www.openreview.net"):
        paper = parse_qs(parts.query).get("id")
        if paper and parts.path in ("/forum", "/pdf"):
            return Source(f"https://openreview.net/pdf?id={paper[0]}", "openreview", True)
    match = _ACL.match(url)
    if match:
        return Source(f"https://aclanthology.org/{match[1]}.pdf", "acl", True)
    match = _PMLR.match(url)
    if match:
        return Source(f"{match[1]}{match[2]}/{match[2]}.pdf", "pmlr", True)
    match = _NEURIPS.match(url)
    if match:
        return Source(f"{match[1]}/file/{match[2]}-Paper{match[3] or ''}.pdf", "neurips", True)
    match = _CVF.match(url)
    if match:
        return Source(f"{match[1]}/papers/{match[2]}.pdf", "cvf", True)
    if parts.path.lower().endswith(".pdf"):
        return Source(url, "pdf", True)
    match = _DOI_URL.match(url)
    if match:
        return Source(f"https://doi.org/{match[1]}", "doi", False)
    return Source(url, "page", False)


def sources(links: Iterable[str]) -> list[Source]:
    """The distinct PDF sources of a paper's links and ids, most trusted first."""
    found: dict[str, Source] = {}
    for link in links:
        source = source_of(link)
        if source is not None:
            found.setdefault(source.url, source)
    return sorted(found.values(), key=lambda source: TRUST.index(source.kind))
