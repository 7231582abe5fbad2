"""``papershelf extract`` and ``papershelf doctor``: the command line of the archive package."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from papershelf import sizes
from papershelf.errors import EXIT_FAILURE, EXIT_OK, PapershelfError
from papershelf.extract.destination import destination
from papershelf.extract.extractor import (
    Options,
    Outcome,
    extract_archive,
    list_archive,
)
from papershelf.extract.manifest import Manifest
from papershelf.extract.model import ArchiveError, Limits, Progress
from papershelf.extract.staging import remove_tree
from papershelf.shown import visible

_DEFAULTS = Limits()
PROGRESS_THRESHOLD = 64 * 1024**2


def _size(value: str) -> int:
    """``500MB`` (decimal), ``8GiB`` (binary), ``1024``: as in the configuration."""
    try:
        return sizes.parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--max-total-size") from None


def _ask_password(archive: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    value: str = click.prompt(
        f"Password for {archive}", hide_input=True, err=True, default="", show_default=False
    )
    return value or None


def _progress(label: str, total: int) -> contextlib.AbstractContextManager[Progress | None]:
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return _bar(label, total)


@contextlib.contextmanager
def _bar(label: str, total: int) -> Iterator[Progress]:
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def archives_in_repository() -> list[Path]:
    """What repo-check reports as archive-in-git, as paths from the current folder."""
    from papershelf.check.engine import run_check

    result = run_check(Path.cwd(), only={"archive-in-git"})
    if not result.in_git:
        raise PapershelfError("not in a git repository; name the archives to extract")
    return [result.root / f.path for f in result.findings if f.rule == "archive-in-git"]


def _print_listing(archive: Path, options: Options, as_json: bool) -> tuple[bool, dict[str, Any]]:
    listing = list_archive(archive, options)
    by_entry: dict[str | None, list[str]] = {}
    for problem in listing.problems:
        by_entry.setdefault(problem.entry, []).append(problem.reason)
    record: dict[str, Any] = {
        "archive": str(archive),
        "problems": by_entry.get(None, []),
        "entries": [
            {
                "name": e.name,
                "kind": e.kind.value,
                "size": e.size,
                "unsafe": by_entry.get(e.name, []),
            }
            for e in listing.entries
        ],
    }
    if not as_json:
        _echo(f"{archive}:")
        for reason in by_entry.get(None, []):
            _echo(f"  UNSAFE archive: {reason}")
        for entry in listing.entries:
            mark = "".join(f"  UNSAFE: {r}" for r in by_entry.get(entry.name, []))
            suffix = (
                "/"
                if entry.kind.value == "dir"
                else (f" -> {entry.link}" if entry.link is not None else "")
            )
            shown = repr(entry.name) if mark else entry.name
            _echo(f"  {entry.size:>12}  {shown}{suffix}{mark}")
    return not listing.problems, record


@click.command()
@click.argument("archives", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--dest",
    type=click.Path(path_type=Path),
    help="Extract under DIR (absent or empty) instead of the repository's own folder "
    "under ~/.cache/papershelf/extract/ (the same on every run).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Re-extract archives already extracted there, "
    "allow a --dest that has other files (never overwritten), "
    "and extract a zip that is a document (.docx, .epub, .npz, a wheel …).",
)
@click.option(
    "--list", "list_only", is_flag=True, help="Show the entries, unsafe ones marked; write nothing."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--recursive", is_flag=True, help="Also extract archives found inside.")
@click.option(
    "--password",
    envvar="PAPERSHELF_PASSWORD",
    help="Password for encrypted archives (or PAPERSHELF_PASSWORD).",
)
@click.option("--encoding", help="Encoding of non-UTF-8 zip names (e.g. cp866); default: detected.")
@click.option(
    "--backend",
    type=click.Choice(
        ["auto", "zipfile", "tarfile", "py7zr", "rarfile", "unrar", "unar", "bsdtar", "7zz"]
    ),
    default="auto",
    show_default=True,
    help="Use only this backend; auto tries each installed one that reads the archive, in "
    "order, until one's output passes the checks.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Say which backends were tried and why one was passed over.",
)
@click.option(
    "--max-total-size",
    default=f"{_DEFAULTS.max_total // 1024**3}GiB",
    show_default=True,
    help="Refuse archives that unpack to more than this (500MB decimal, 500MiB binary).",
)
@click.option(
    "--max-ratio",
    type=float,
    default=_DEFAULTS.max_ratio,
    show_default=True,
    help="Refuse archives unpacking to more than this many times their size.",
)
@click.option("--max-entries", type=int, default=_DEFAULTS.max_entries, show_default=True)
@click.option(
    "--max-depth",
    type=int,
    default=_DEFAULTS.max_depth,
    show_default=True,
    help="How deep --recursive goes.",
)
def extract(
    archives: tuple[Path, ...],
    dest: Path | None,
    force: bool,
    list_only: bool,
    fmt: str,
    recursive: bool,
    password: str | None,
    encoding: str | None,
    backend: str,
    verbose: bool,
    max_total_size: str,
    max_ratio: float,
    max_entries: int,
    max_depth: int,
) -> int:
    """Extract ARCHIVES (default: every archive committed to the repository) safely.

    Each archive goes into its own folder under the repository's folder in the
    user's cache (or --dest); nothing is written unless the whole archive checks out.
    """
    if encoding is not None:
        try:
            "".encode(encoding)
        except LookupError:
            raise click.BadParameter(
                f"unknown encoding {encoding!r}", param_hint="--encoding"
            ) from None
    limits = Limits(
        max_total=_size(max_total_size),
        max_ratio=max_ratio,
        max_entries=max_entries,
        max_depth=max_depth,
    )
    options = Options(
        dest=dest,
        force=force,
        password=password or None,
        ask_password=_ask_password,
        encoding=encoding,
        tool=backend,
        limits=limits,
        recursive=recursive,
        progress=_progress,
        say=_note if verbose else None,
    )
    paths = list(archives) if archives else archives_in_repository()
    as_json = fmt == "json"
    if not paths:
        if as_json:
            click.echo(json.dumps({"archives": []}))
        else:
            click.echo("no archives to extract", err=True)
        return EXIT_OK
    if list_only:
        return _list(paths, options, as_json)
    return _extract(paths, options, as_json)


def _list(paths: list[Path], options: Options, as_json: bool) -> int:
    ok, records = True, []
    for path in paths:
        try:
            safe, record = _print_listing(path, options, as_json)
        except PapershelfError as error:
            ok, record = False, {"archive": str(path), "error": str(error)}
            _echo(f"papershelf: error: {error}", err=True)
        else:
            ok = ok and safe
        records.append(record)
    if as_json:
        click.echo(json.dumps({"archives": records}, ensure_ascii=False, indent=1))
    return EXIT_OK if ok else EXIT_FAILURE


def _echo(text: str, err: bool = False) -> None:
    """A line of the report for a person: archive and entry names made visible."""
    click.echo(visible(text), err=err)


def _note(text: str) -> None:
    _echo(f"papershelf: {text}", err=True)


def _extract(paths: list[Path], options: Options, as_json: bool) -> int:
    outcomes: list[Outcome] = []
    try:
        with destination(options.dest, options.force, _note) as (root, created):
            try:
                manifest = Manifest(root)
                for path in paths:
                    try:
                        if not options.force:
                            _refuse_a_document(path)
                        outcome = extract_archive(path, root, options, manifest=manifest)
                    except PapershelfError as error:
                        outcome = Outcome(path, "failed", error=str(error))
                        _echo(f"papershelf: error: {error}", err=True)
                    outcomes.append(outcome)
                    if not as_json:
                        _say(outcome)
            finally:
                if created and not any(o.status != "failed" for o in outcomes):
                    remove_tree(root)
    except OSError as error:  # the destination itself: unreadable, vanished
        where = error.filename or options.dest
        raise PapershelfError(f"{where}: {error.strerror or error}") from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "destination": str(root) if root.exists() else None,
                    "archives": [o.as_json() for o in outcomes],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    return EXIT_OK if all(o.status != "failed" for o in outcomes) else EXIT_FAILURE


def _refuse_a_document(path: Path) -> None:
    """A zip whose members say it is a document is not unpacked into its parts."""
    from papershelf.repo import magic

    if magic.sniff_file(path) == "zip":
        document = magic.zip_document_at(path)
        if document is not None:
            raise PapershelfError(
                f"{path}: {document} in a zip container, not an archive to extract "
                "(--force extracts it)"
            )


def _say(outcome: Outcome, indent: str = "") -> None:
    if outcome.status == "extracted":
        left_out = "".join(
            f"; {count} skipped: {why}" for why, count in sorted(outcome.skipped.items())
        )
        _echo(
            f"{indent}{outcome.archive} -> {outcome.destination} "
            f"({outcome.entries} entries, {outcome.bytes} bytes{left_out})"
        )
    elif outcome.status == "already-extracted":
        _echo(f"{indent}{outcome.archive}: already extracted to {outcome.destination}")
    for nested in outcome.nested:
        _say(nested, indent + "  ")


@click.command()
def doctor() -> int:
    """Say what each external extractor found reads, from tiny archives made and extracted now."""
    from papershelf.extract import chain, tools

    readable: set[str] = set()
    for name in tools.TOOLS:
        tool = tools.find(name)
        if tool is None:
            click.echo(f"{name:7} not installed ({tools.install_hint(name)})")
            continue
        probes = [p for p in tools.PROBES if name in chain.ORDER[p.partition("-")[0]]]
        reads = [probe for probe in probes if tools.reads(name, probe, fresh=True)]
        readable.update(reads)
        said = [tools.PROBES[probe][0] for probe in reads]
        failed = [tools.PROBES[probe][0] for probe in probes if probe not in reads]
        verdict = f"reads: {', '.join(said) or 'nothing'}"
        if failed:
            verdict += f"; failed: {', '.join(failed)}"
        click.echo(f"{name:7} {tools.version(tool):8} {tool.path}  {verdict}")
    if "rar" not in readable:
        raise ArchiveError(
            "no installed extractor reads RAR; install unar (Debian: apt-get install unar)"
        )
    return EXIT_OK
