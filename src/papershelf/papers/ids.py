"""Paper identifiers: arXiv ids (new and old style) and DOIs, found in names and text.

Every id is kept in one normal form so equal papers compare equal: an arXiv id
without its version (``2106.09685``, ``cs/0112017``), a DOI in lower case
(``10.1145/3290354``). arXiv ids are case-sensitive in their archive part only
in theory; no two archives differ by case.
"""

from __future__ import annotations

import re

# YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015-), with an optional version.
_NEW = r"(?:0[7-9]|[1-9]\d)(?:0[1-9]|1[0-2])\.\d{4,5}"
# The archives of old-style ids (1991-2007), as in ``cs/0112017`` or ``math.DS/0411343``.
_ARCHIVES = (
    "acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|"
    "comp-gas|cond-mat|cs|dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|"
    "mtrl-th|nlin|nucl-ex|nucl-th|patt-sol|physics|plasm-ph|q-alg|q-bio|quant-ph|solv-int|"
    "supr-con"
)
_OLD = rf"(?:{_ARCHIVES})(?:\.[A-Z]{{2}})?/(?:9[1-9]|0[0-7])(?:0[1-9]|1[0-2])\d{{3}}"
ARXIV_ID = rf"(?:{_NEW}|{_OLD})"  # the id alone, versions not included
ARXIV = re.compile(rf"(?<![A-Za-z0-9.])({ARXIV_ID})(?:v\d+)?(?![A-Za-z0-9/])")
# As a plan writes one beside a title: ``arXiv:1207.0580``, ``arXiv: cs/0112017v1`` or bare.
WRITTEN_ARXIV = re.compile(rf"(?<![\w./])(?:arXiv:\s*)?({ARXIV_ID})(?:v\d+)?(?![\w/])", re.I)
# In a file name ``/`` cannot appear: ``cs_0112017`` or ``cs0112017`` stand for ``cs/0112017``.
_OLD_IN_NAME = re.compile(
    rf"(?<![a-z])({_ARCHIVES})(?:\.[A-Z]{{2}})?[_-]?((?:9[1-9]|0[0-7])(?:0[1-9]|1[0-2])\d{{3}})"
    r"(?:v\d+)?(?!\d)"
)
# The stamp arXiv prints down the first page's margin: ``arXiv:2106.09685v2 [cs.CL] 16 Oct 2021``.
STAMP = re.compile(rf"arXiv:\s?({ARXIV_ID})(?:v\d+)?(?![\w/])", re.IGNORECASE)
DOI = re.compile(r"(?<![\w.])(10\.\d{4,9}/[^\s\"'`<>\])}]*[^\s\"'`<>\])}.,;:])")
_DOI_IN_NAME = re.compile(r"(?<![\w.])(10\.\d{4,9})[_/]([^\s/]+)$")
# What every id in a name has (``2106.0…``, seven digits, ``10.1…``): most names have
# none, and are done with in one search.
_MAYBE_ID = re.compile(r"\d{4}\.\d|\d{7}|10\.\d")


def arxiv_ids(text: str) -> list[str]:
    """arXiv ids written in ``text`` (a plan line, metadata), versions dropped."""
    return list(dict.fromkeys(match[1] for match in ARXIV.finditer(text)))


def stamped_arxiv_ids(text: str) -> list[str]:
    """arXiv ids written as ``arXiv:ID``: the stamp on a first page, never a bare citation."""
    return list(dict.fromkeys(match[1] for match in STAMP.finditer(text)))


def dois(text: str) -> list[str]:
    return list(dict.fromkeys(match[1].lower() for match in DOI.finditer(text)))


def from_file_name(path: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(arXiv ids, DOIs)`` a file's name carries: ``2106.09685v2.pdf``, ``cs_0112017.pdf``,
    ``10.1145_3290354.pdf``."""
    name = path.rpartition("/")[2]
    stem = name[: -len(".pdf")] if name.lower().endswith(".pdf") else name
    if _MAYBE_ID.search(stem) is None:
        return (), ()
    found = [match[1] for match in ARXIV.finditer(stem)]
    found += [
        f"{m[1]}/{m[2]}" for m in _OLD_IN_NAME.finditer(stem) if f"{m[1]}/{m[2]}" not in found
    ]
    doi = _DOI_IN_NAME.search(stem)
    return tuple(dict.fromkeys(found)), ((f"{doi[1]}/{doi[2]}".lower(),) if doi else ())


def parse_written(
    identifiers: tuple[str, ...] | list[str],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(arXiv ids, DOIs)`` from what a plan writes beside a paper: ``arXiv:2106.09685``,
    ``doi:10.1145/3290354``, links to arxiv.org or doi.org."""
    arxiv: list[str] = []
    found_dois: list[str] = []
    for written in identifiers:
        doi = dois(written)
        if doi:
            found_dois += doi
        else:
            arxiv += arxiv_ids(written)
    return tuple(dict.fromkeys(arxiv)), tuple(dict.fromkeys(found_dois))
