"""What to fetch: the plan's papers the repository lacks, each with its sources and its place.

A paper is fetched into the file the plan links it to, else into the folder
the plan reads it from, named by its title with the checker's portable-name
rules (see :func:`portable_file_name`), so the next ``repo-check`` finds it
present by its name as much as by its content.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from papershelf.fetch.sources import Source, sources
from papershelf.papers import file_name_for, ids
from papershelf.papers.matching import Wanted
from papershelf.plan.model import Item, Kind, ReadingPlan, Status
from papershelf.plan.names import DOCUMENT_SUFFIXES, normalize_title
from papershelf.repo.names import is_windows_reserved
from papershelf.shown import BIDI_OR_INVISIBLE

MAX_PATH = 260  # the checker's limit (portable-name): Windows stops there
TO_FETCH = (Status.MISSING, Status.ONLINE)


class Paper(NamedTuple):
    """One paper of the plan to fetch, and what it is known by."""

    title: str
    target: str  # repository-relative file to write
    sources: tuple[Source, ...]
    wanted: Wanted  # its titles and ids, as papershelf.papers matches them
    plan_file: str | None
    line: int


class Todo(NamedTuple):
    """The plan's papers sorted for a run: to fetch, already here, with no link to follow."""

    fetch: list[Paper]
    present: list[tuple[str, str]]  # (title, where)
    no_link: list[str]  # titles


def portable_file_name(title: str, folder: str) -> str:
    """The PDF name ``title`` gets in ``folder``: :func:`papershelf.papers.file_name_for`
    (no character Windows forbids), in NFC, without invisible characters, never a reserved
    device name, and short enough that the whole path stays under Windows' limit."""
    name = file_name_for(BIDI_OR_INVISIBLE.sub("", unicodedata.normalize("NFC", title)))
    stem = name[: -len(".pdf")]
    room = MAX_PATH - len(folder) - len("/.pdf")
    stem = stem[: max(room, 1)].rstrip(". ") or "paper"
    if is_windows_reserved(f"{stem}.pdf"):
        stem = f"{stem} (paper)"
    return f"{stem}.pdf"


def todo(plans: Iterable[ReadingPlan], chosen: Sequence[str] = ()) -> Todo:
    """The papers of ``plans`` (those whose titles hold one of ``chosen``, if any) in plan
    order, each target once."""
    wanted_words = [normalize_title(word) for word in chosen]
    result = Todo([], [], [])
    targets: set[str] = set()
    for plan in plans:
        for item in plan.items():
            if item.kind != Kind.PAPER or item.status == Status.SKIP:
                continue
            if wanted_words and not any(w in normalize_title(item.name) for w in wanted_words):
                continue
            if item.status not in TO_FETCH:
                result.present.append((item.name, item.where or ""))
                continue
            found = sources(item.identifiers)
            if not found:
                result.no_link.append(item.name)
                continue
            target = _target(plan, item)
            if target.casefold() in targets:
                continue
            targets.add(target.casefold())
            arxiv, dois = ids.parse_written(item.identifiers)
            wanted = Wanted((item.name, *item.aliases), arxiv, dois)
            result.fetch.append(
                Paper(item.name, target, tuple(found), wanted, item.plan_file, item.line)
            )
    return result


def _target(plan: ReadingPlan, item: Item) -> str:
    expected = plan.expected(item).strip("/")
    if expected.lower().endswith(".pdf"):
        return expected
    if expected.lower().endswith(DOCUMENT_SUFFIXES):  # a .djvu the plan links: the PDF beside it
        expected = expected.rpartition("/")[0]
    return posixpath.join(expected, portable_file_name(item.name, expected))


def unmatched(plans: Iterable[ReadingPlan], chosen: Sequence[str]) -> list[str]:
    """The words of ``chosen`` no paper title of the plans holds."""
    titles = [
        normalize_title(item.name)
        for plan in plans
        for item in plan.items()
        if item.kind == Kind.PAPER
    ]
    return [word for word in chosen if not any(normalize_title(word) in t for t in titles)]
