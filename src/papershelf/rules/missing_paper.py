"""A paper the plan names has no file whose name matches its title.

Titles match file and folder names with case, punctuation and spacing
ignored, as whole words: "Llama 3 Herd of Models" matches
``The Llama 3 Herd of Models.pdf``; "LoRA" does not match ``QLoRA.pdf``. A
paper filed in another section than the step that reads it is reported as
info, naming where it is.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from papershelf.config import Paper
from papershelf.findings import Finding, Severity
from papershelf.rules._paths import (
    DOCUMENT_SUFFIXES,
    normalize_title,
    strip_suffix,
    title_pattern,
)
from papershelf.rules.base import Context, Rule
from papershelf.snapshot import Snapshot


class PaperIndex:
    """Every document and folder name under the plan root, searchable in one pass per title."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        names = [normalize_title(strip_suffix(path.rpartition("/")[2])) for path in paths]
        self.starts: list[int] = []
        offset = 0
        for name in names:
            self.starts.append(offset)
            offset += len(name) + 3
        self.text = "".join(f" {name} \n" for name in names)

    def locate(self, paper: Paper) -> list[str]:
        found: dict[str, None] = {}
        for title in (paper.title, *paper.aliases):
            normalized = normalize_title(title)
            if not normalized:
                continue
            for match in title_pattern(normalized).finditer(self.text):
                line = bisect.bisect_right(self.starts, match.start()) - 1
                found[self.paths[line]] = None
        return list(found)


def candidate_files(snapshot: Snapshot, papers: list[Paper]) -> list[str]:
    """Files whose path holds some title's longest word: a C-speed pre-filter."""
    found: dict[str, None] = {}
    for paper in papers:
        for title in (paper.title, *paper.aliases):
            words = [word for word in normalize_title(title).split(" ") if word]
            if not words or not all(word.isascii() for word in words):
                return snapshot.files  # only ASCII case folds at C speed
            longest = max(words, key=len)
            found.update(dict.fromkeys(snapshot.paths_holding(longest, in_name=True)))
    return list(found)


def paper_index(ctx: Context) -> PaperIndex:
    snapshot, root = ctx.snapshot, ctx.layout.plan_root or ""

    def build() -> PaperIndex:
        prefix = root + "/" if root else ""
        titles = sorted({t for p in ctx.config.papers for t in (p.title, *p.aliases)})
        candidates = snapshot.memo(
            "paper-candidates:" + "|".join(titles),
            lambda: candidate_files(snapshot, ctx.config.papers),
            persist=True,
        )
        documents = [
            path
            for path in candidates
            if path.startswith(prefix) and path.lower().endswith(DOCUMENT_SUFFIXES)
        ]
        folders = sorted(path for path in snapshot.dirs if path.startswith(prefix))
        return PaperIndex(documents + folders)

    return snapshot.memo(f"papers:{root}", build)


def located_papers(ctx: Context) -> dict[Paper, list[str]]:
    return ctx.snapshot.memo(
        f"located:{ctx.layout.plan_root}",
        lambda: {paper: paper_index(ctx).locate(paper) for paper in ctx.config.papers},
    )


def check(ctx: Context) -> Iterator[Finding]:
    layout = ctx.layout
    if layout.plan_root is None or not ctx.config.papers:
        return
    for paper, found in located_papers(ctx).items():
        section = layout.under_root(paper.section)
        step = f" ({paper.step})" if paper.step else ""
        if any(path.startswith(section + "/") for path in found):
            continue
        if found:
            elsewhere = found[0]
            yield RULE.finding(
                elsewhere,
                f'"{paper.title}" is filed under `{elsewhere.rpartition("/")[0]}`, where the '
                f"plan's step{step} reads it from `{paper.section}`",
                severity=Severity.INFO,
                hint=f"move it to `{section}`, or leave it if you prefer it there",
            )
            continue
        if section in ctx.snapshot.dirs:  # a missing section is missing-path's finding
            yield RULE.finding(section, f'"{paper.title}" is missing: the plan reads it here{step}')


RULE = Rule(
    slug="missing-paper",
    code="PS102",
    severity=Severity.WARNING,
    description="A paper the plan names has no file whose name matches its title.",
    hint="add the paper's PDF with its title in the file name",
    check=check,
    doc=__doc__ or "",
)
