"""The backends able to write one archive, tried in a stated order until one passes the checks.

A backend that cannot be tried (not installed, failed its probe, a method it
does not implement) is passed over with its reason; one that fails, or whose
output does not match the vetted listing, is followed by the next. Only a
verdict no backend can change (:class:`Refused`: a limit reached, the disk
full) stops the chain. ``--verbose`` shows each step.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from papershelf.extract import tools
from papershelf.extract.model import ArchiveError, Method, Planned, Refused, Sink

T = TypeVar("T")
Say = Callable[[str], None]

# The external tools tried for each format after the Python backend (if any), best first.
ORDER: dict[str, tuple[str, ...]] = {
    "zip": ("7zz", "bsdtar", "unar"),
    "tar": ("bsdtar",),
    "7z": ("7zz", "bsdtar", "unar"),
    "rar": ("unrar", "unar", "bsdtar", "7zz"),
}


def _tool_passed_over(name: str, probes: Sequence[str]) -> str | None:
    if tools.find(name) is None:
        return f"not installed ({tools.install_hint(name)})"
    for probe in probes:
        if not tools.reads(name, probe):
            return f"failed the {tools.PROBES[probe][0]} probe"
    return None


def _write_with(
    name: str, volumes: Sequence[Path], password: str | None, items: list[Planned], sink: Sink
) -> None:
    tool = tools.find(name)
    assert tool is not None
    out = sink.work_folder(name)
    tools.extract_with(tool, volumes, out, password)
    sink.adopt_tree(out, items)


def external(
    fmt: str, volumes: Sequence[Path], password: str | None, needs: Sequence[str] = ()
) -> list[Method]:
    """The external tools for ``fmt``, each checked (and probed) only when reached.

    ``needs`` names further :data:`tools.PROBES` the archive's features call for.
    """
    return [
        Method(
            name,
            functools.partial(_write_with, name, list(volumes), password),
            functools.partial(_tool_passed_over, name, (fmt, *needs)),
        )
        for name in ORDER[fmt]
    ]


def only(archive: Path, methods: list[Method], wanted: str) -> list[Method]:
    """The chain, or the one backend ``--backend`` names (an error if it cannot read this)."""
    if wanted == "auto":
        return methods
    chosen = [m for m in methods if m.name == wanted]
    if not chosen:
        names = ", ".join(m.name for m in methods)
        raise ArchiveError(
            f"{archive}: --backend {wanted} does not read this kind of archive (these do: {names})"
        )
    return chosen


def first_usable(methods: Sequence[Method]) -> tuple[Method | None, list[str]]:
    """The first method not passed over (tools are probed only up to it), and why the
    ones before it were: ``name: reason``."""
    passed: list[str] = []
    for method in methods:
        why = method.passed_over()
        if why is None:
            return method, passed
        passed.append(f"{method.name}: {why}")
    return None, passed


def _detail(archive: Path, name: str, error: ArchiveError) -> str:
    """``name failed: why``, from an error that may already say the first half."""
    text = str(error)
    prefix = f"{archive}: "
    text = text[len(prefix) :] if text.startswith(prefix) else text
    return text if text.startswith(f"{name} failed: ") else f"{name} failed: {text}"


def first_that_works(
    archive: Path, methods: Sequence[Method], attempt: Callable[[Method], T], say: Say | None
) -> tuple[T, str]:
    """The result of the first method ``attempt`` succeeds with, and that method's name."""
    failed: list[tuple[str, ArchiveError]] = []
    passed: list[str] = []
    for method in methods:
        why = method.passed_over()
        if why is not None:
            passed.append(f"{method.name}: {why}")
            if say is not None:
                say(f"{archive}: {method.name} passed over: {why}")
            continue
        if say is not None:
            say(f"{archive}: trying {method.name}")
        try:
            result = attempt(method)
        except Refused:
            raise
        except ArchiveError as error:
            failed.append((method.name, error))
            if say is not None:
                say(f"{archive}: {_detail(archive, method.name, error)}")
            continue
        if say is not None:
            say(f"{archive}: extracted by {method.name}")
        return result, method.name
    if not failed:
        raise ArchiveError(f"{archive}: no installed backend can extract it ({'; '.join(passed)})")
    first = failed[0][1]
    if len(failed) == 1:
        raise first
    others = [_detail(archive, name, error) for name, error in failed[1:]]
    raise ArchiveError(f"{first} (then {'; '.join(others)})")
