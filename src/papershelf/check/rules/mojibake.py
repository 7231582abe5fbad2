"""A file name or the plan's text is mojibake: UTF-8 decoded with the wrong code page.

Names copied through an old archiver, a Windows share or a Mac tool arrive as
``–ê–ª–≥–æ—Ä–∏—Ç–º`` (UTF-8 read as Mac Roman), ``ÐÐ»Ð³Ð¾`` (as cp1252 or
Latin-1), ``╨É╨╗╨│╨╛`` (as cp437), or Cyrillic read with the other Cyrillic code
page (cp866 ↔ cp1251). The finding shows the repaired text; ``repo-check --fix``
renames the file, or rewrites the plan file, only when the repair round-trips
exactly. Only names holding characters outside ASCII and the Russian alphabet
are examined, found with one regex pass over all paths.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.shown import command

if TYPE_CHECKING:
    from papershelf.mojibake_repair import Repair


def broken_names(text: str) -> dict[str, tuple[str, Repair]]:
    """``top-most mojibake path -> (its repaired path, the repair)`` over ``\\0``-joined paths."""
    from papershelf.mojibake_repair import SUSPECT, repair  # its code-page tables cost ms

    found: dict[str, tuple[str, Repair]] = {}
    clean: set[str] = set()
    position = 0
    while True:
        match = SUSPECT.search(text, position)
        if match is None:
            return found
        start = text.rfind("\0", 0, match.start()) + 1
        end = text.find("\0", match.start())
        position = end
        parts = text[start:end].split("/")
        for depth, name in enumerate(parts, 1):
            prefix = "/".join(parts[:depth])
            if prefix in found:
                break
            if prefix in clean or not SUSPECT.search(name):
                continue
            fixed = repair(name)
            if fixed is None:
                clean.add(prefix)
                continue
            found[prefix] = ("/".join([*parts[: depth - 1], fixed.text]), fixed)
            break


def plan_repair(text: str) -> tuple[Repair, int] | None:
    """The plan text's repair and the first line it changes."""
    from papershelf.mojibake_repair import repair

    fixed = repair(text)
    if fixed is None:
        return None
    for number, (old, new) in enumerate(zip(text.splitlines(), fixed.text.splitlines()), 1):
        if old != new:
            return fixed, number
    return fixed, 1


def _broken_names(ctx: Context) -> list[tuple[str, str, str]]:
    """``(path, repaired path, how it was misread)``: depends on the paths alone."""
    return [
        (path, new_path, fixed.description)
        for path, (new_path, fixed) in broken_names(ctx.snapshot.text).items()
    ]


def check(ctx: Context) -> Iterator[Finding]:
    names = ctx.snapshot.memo("mojibake-names", lambda: _broken_names(ctx), persist=True)
    for path, new_path, description in names:
        yield RULE.finding(
            path,
            f"the name is mojibake ({description}); repaired: `{new_path}`",
            hint=f"repo-check --fix renames it: {command('git mv', path, new_path)}",
        )
    plan_file, text = ctx.layout.plan_file, ctx.layout.plan_text
    if plan_file and text:
        # Keyed by the text's checksum: kept while neither the index nor the plan changes.
        key = f"mojibake-plan:{len(text)}:{zlib.crc32(text.encode('utf-8', 'surrogateescape'))}"
        found = ctx.snapshot.memo(key, lambda: _plan_finding(text), persist=True)
        if found is not None:
            line, description, first = found
            yield RULE.finding(
                plan_file,
                f"the plan's text is mojibake ({description}); this line reads: {first}",
                hint="repo-check --fix rewrites the file with the repaired text",
                line=line,
            )


def _plan_finding(text: str) -> tuple[int, str, str] | None:
    found = plan_repair(text)
    if found is None:
        return None
    fixed, line = found
    return line, fixed.description, fixed.text.splitlines()[line - 1].strip()


RULE = Rule(
    slug="mojibake",
    code="PS302",
    severity=Severity.WARNING,
    description="A file name or the plan's text is UTF-8 decoded with the wrong code page.",
    hint="rename the file, or rewrite the plan, with the repaired text (repo-check --fix)",
    check=check,
    doc=__doc__ or "",
)
