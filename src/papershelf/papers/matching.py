"""Which file is the paper a plan names: evidence weighed in one order.

1. ``arxiv-id``: the same arXiv id, any version (file name, stamp, metadata);
2. ``doi``: the same DOI;
3. ``metadata``: the plan's title is the PDF's metadata title;
4. ``first-page``: the plan's title is a run of whole lines of the first page's
   title region.

(The title in the file name, ``file-name``, is the plan model's own last resort.)
A file one title claims by its content is not given to another title, so two
papers with similar titles never both land on one file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from papershelf.papers import ids, titles
from papershelf.papers.reading import Identity

HOW = ("arxiv-id", "doi", "metadata", "first-page", "file-name")
_NEAREST_CUTOFF = 80.0


class Wanted(NamedTuple):
    """One paper as the plan names it."""

    titles: tuple[str, ...]  # its title first, then aliases
    arxiv: tuple[str, ...] = ()
    dois: tuple[str, ...] = ()


class Match(NamedTuple):
    path: str
    how: str  # one of HOW
    score: float  # 100 for ids and exact titles


_NO_IDS: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


def file_ids(path: str, identity: Identity | None) -> tuple[frozenset[str], frozenset[str]]:
    """All arXiv ids and DOIs a file carries, in its name or its content."""
    arxiv, found_dois = ids.from_file_name(path)
    if identity is not None and (identity.arxiv or identity.dois):
        return frozenset(arxiv + identity.arxiv), frozenset(found_dois + identity.dois)
    return (frozenset(arxiv), frozenset(found_dois)) if arxiv or found_dois else _NO_IDS


Pool = dict[str, list[tuple[str, bool]]]  # span -> (path, whether it is a main title only)


def _pool(values: Iterable[tuple[str, Mapping[str, bool]]]) -> Pool:
    pool: Pool = {}
    for path, spans in values:
        for span, main_only in spans.items():
            pool.setdefault(span, []).append((path, main_only))
    return pool


def _title_candidates(title: str, key: str, pool: Pool, limit: int = 5) -> list[tuple[float, str]]:
    """``(score, path)`` of files whose spans spell ``title`` (``key`` compacted) closely
    enough."""
    from rapidfuzz import fuzz, process

    if not key:
        return []
    whole = titles.stands_for_its_subtitle(title)
    if key in pool:
        return [(100.0, path) for path, main_only in pool[key] if whole or not main_only]
    cutoff = titles.cutoff(key)
    if cutoff >= 100.0:
        return []
    from rapidfuzz.distance import LCSseq

    found = process.extract(key, pool.keys(), scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
    missing = titles.missing_allowed(key)
    return [
        (float(score), path)
        for span, score, _ in found
        if len(key) - LCSseq.similarity(key, span) <= missing and not titles.extends(span, key)
        for path, main_only in pool[span]
        if whole or not main_only
    ]


def match(wanted: Sequence[Wanted], papers: Mapping[str, Identity]) -> dict[int, Match]:
    """``index in wanted -> Match`` for every paper the files' ids or contents name."""
    by_arxiv: dict[str, list[str]] = {}
    by_doi: dict[str, list[str]] = {}
    for path, identity in papers.items():
        arxiv, found_dois = file_ids(path, identity)
        for key in arxiv:
            by_arxiv.setdefault(key, []).append(path)
        for key in found_dois:
            by_doi.setdefault(key, []).append(path)
    found: dict[int, Match] = {}
    for index, paper in enumerate(wanted):
        for how, table, keys in (("arxiv-id", by_arxiv, paper.arxiv), ("doi", by_doi, paper.dois)):
            paths = sorted({path for key in keys for path in table.get(key.lower(), ())})
            if paths and index not in found:
                found[index] = Match(paths[0], how, 100.0)
    metadata = _pool(  # a metadata title may be a label too: "A Wait-Free Stack (2015)"
        (path, span)
        for path, identity in papers.items()
        if identity.title
        for form in titles.forms([identity.title[: titles.TITLE_MAX]])
        for span in [titles.spans(titles.segments(form))]
    )
    heads = _pool(
        (path, titles.spans([part[: titles.TITLE_MAX] for part in _head(identity)]))
        for path, identity in papers.items()
    )
    # (rank, -score, bare, -length, path, index, title): the closest spelling claims a file
    # first, a title as written before a bare one, the longer title on a tie.
    claims: list[tuple[int, float, bool, int, str, int, str]] = []
    for index, paper in enumerate(wanted):
        if index in found:
            continue
        for order, title in enumerate(titles.forms(paper.titles)):
            key = titles.compact(title)
            for rank, pool in ((2, metadata), (3, heads)):
                for score, path in _title_candidates(title, key, pool):
                    bare = order >= len(paper.titles)
                    claims.append((rank, -score, bare, -len(key), path, index, key))
    taken: dict[str, str] = {}  # path -> the title that claimed it
    for rank, negative, _, _, path, index, key in sorted(claims):
        if index in found or taken.get(path, key) != key:
            continue
        taken[path] = key
        found[index] = Match(path, HOW[rank], -negative)
    return found


def _head(identity: Identity) -> tuple[str, ...]:
    return identity.head[: titles.HEAD_SEGMENTS_MAX]


class PlanTitles:
    """The plan's titles compacted once for :func:`nearest_title`, with an index of their
    letter runs: a guess is compared only with the titles that share a run with it, never
    with all 2,000 titles of a long plan."""

    RUN = 4  # letters in a run
    SHARED = 8  # the titles sharing the most runs with a guess are compared with it

    def __init__(self, plan_titles: Sequence[str]) -> None:
        self.choices = {
            titles.compact(titles.bare_title(t) or t)[: titles.TITLE_MAX]: t for t in plan_titles
        }
        self.runs: dict[str, list[str]] = {}
        for key in self.choices:
            for run in self._runs(key):
                self.runs.setdefault(run, []).append(key)

    def _runs(self, text: str) -> list[str]:
        step = self.RUN  # in order, each once: the same candidates on every run
        return list(dict.fromkeys(text[i : i + step] for i in range(max(1, len(text) - step + 1))))

    def candidates(self, guess: str) -> list[str]:
        from collections import Counter

        shared: Counter[str] = Counter()
        for run in self._runs(guess):
            keys = self.runs.get(run, ())
            if len(keys) <= len(self.choices) // 4 + self.SHARED:  # too common to tell
                shared.update(keys)
        return [key for key, _ in shared.most_common(self.SHARED)]


def nearest_title(
    path: str, identity: Identity | None, plan_titles: Sequence[str] | PlanTitles
) -> str | None:
    """The plan title a file most resembles (its name, metadata or first lines), if any
    resembles it at all: what an unlisted paper was probably meant to be."""
    found = resemblance(path, identity, plan_titles)
    return found[1] if found else None


def resemblance(
    path: str, identity: Identity | None, plan_titles: Sequence[str] | PlanTitles
) -> tuple[float, str] | None:
    """``(score, plan title)`` of the title a file most resembles, or None. Each guess is
    cut at a title's length and compared with the few titles sharing letter runs with it;
    a title that differs in its numbers ("Mamba-3" for a Mamba-1 PDF) or a short one
    that does not open the guess ("QLoRA" for ``LoRA: …``) is another paper."""
    from rapidfuzz import fuzz, process

    table = plan_titles if isinstance(plan_titles, PlanTitles) else PlanTitles(plan_titles)
    if not table.choices:
        return None
    stem = path.rpartition("/")[2].rpartition(".")[0]
    guesses = [titles.compact(stem[: titles.TITLE_MAX])]
    if identity is not None:
        guesses += [
            titles.compact(identity.title[: titles.TITLE_MAX]),
            *(part.rstrip(":") for part in _head(identity)[:3]),
        ]
    choices = table.choices
    best: tuple[float, str] | None = None
    for guess in guesses:
        guess = guess[: titles.TITLE_MAX]
        if len(guess) < 6:
            continue
        for key, score, _ in process.extract(
            guess,
            table.candidates(guess),
            scorer=fuzz.partial_ratio,
            score_cutoff=_NEAREST_CUTOFF,
            limit=3,
        ):
            if _may_be(guess, str(key)) and (best is None or score > best[0]):
                best = (float(score), choices[str(key)])
    return best


_NUMBERS = re.compile(r"\d+")


def _may_be(guess: str, title: str) -> bool:
    """Whether ``guess`` may be a spelling of ``title`` (both compacted) that
    ``partial_ratio`` found close: the whole title, all but a letter in five, spelled in
    the guess, or a cut guess (a short file name) that opens the title; never a shared
    word ("Switch Transformers" is not "Transformers are SSMs")."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import LCSseq

    numbers, in_guess = set(_NUMBERS.findall(title)), set(_NUMBERS.findall(guess))
    if not numbers <= in_guess or (len(guess) < len(title) and not in_guess <= numbers):
        return False  # a cut file name has only the title's numbers
    if len(title) < 12:
        return guess.startswith(title)
    if len(guess) < len(title):
        return fuzz.ratio(guess, title[: len(guess)]) >= _NEAREST_CUTOFF
    window = fuzz.partial_ratio_alignment(title, guess)
    if window is None:
        return False
    spelled = LCSseq.similarity(title, guess[window.dest_start : window.dest_end])
    return len(title) - spelled <= len(title) // 5


def hints(
    files: Sequence[str], papers: Mapping[str, Identity], plan_titles: Sequence[str]
) -> dict[str, str]:
    """``path -> plan title`` for the ``files`` that resemble a title: the closest file
    first, each title given to one file only (a hint to rename never points two files
    at one title)."""
    table = PlanTitles(plan_titles)
    found = []
    for path in files:
        near = resemblance(path, papers.get(path), table)
        if near is not None:
            found.append((-near[0], path, near[1]))
    given: dict[str, str] = {}
    for _, path, title in sorted(found):
        if title not in given.values():
            given[path] = title
    return given


SAME_CONTENT = "the same content"


def duplicates(
    blobs: Mapping[str, str], papers: Mapping[str, Identity]
) -> list[tuple[str, list[str]]]:
    """Sets of files that are one paper: ``(why, paths)``, each file in one set at most;
    the reasons strongest first (same content, arXiv id, DOI, metadata title)."""
    groups: dict[tuple[int, str], list[str]] = {}
    why: dict[tuple[int, str], str] = {}

    def add(rank: int, key: str, reason: str, path: str) -> None:
        groups.setdefault((rank, key), []).append(path)
        why.setdefault((rank, key), reason)

    for path in sorted(blobs):
        identity = papers.get(path)
        add(0, blobs[path], SAME_CONTENT, path)
        arxiv, found_dois = file_ids(path, identity)
        for key in sorted(arxiv) if arxiv else ():
            add(1, key, f"arXiv:{key}", path)
        for key in sorted(found_dois) if found_dois else ():
            add(2, key, f"doi:{key}", path)
        if identity is not None and identity.title:
            add(3, titles.compact(identity.title), f'the title "{identity.title}"', path)
    # Groups that share a file are one paper: merged, their reasons kept in order.
    owner: dict[str, str] = {}

    def find(path: str) -> str:
        while owner.get(path, path) != path:
            path = owner[path]
        return path

    shared = sorted((group, paths) for group, paths in groups.items() if len(paths) > 1)
    for _, paths in shared:
        for path in paths[1:]:
            owner[find(path)] = find(paths[0])
    clusters: dict[str, tuple[list[str], list[str], list[set[str]]]] = {}
    for group, paths in shared:
        members, reasons, explained = clusters.setdefault(find(paths[0]), ([], [], []))
        members.extend(path for path in paths if path not in members)
        if not any(set(paths) <= earlier for earlier in explained):  # nothing new to say
            reasons.append(why[group])
            explained.append(set(paths))
    return sorted(
        (", ".join(reasons), sorted(members)) for members, reasons, _ in clusters.values()
    )
