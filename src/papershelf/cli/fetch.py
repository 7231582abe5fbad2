"""``papershelf fetch [ITEM…]``: download the plan's missing papers into the plan's folders.

Exit codes: 0 every paper is here or was fetched (a link that is only a web
page, or no link at all, is said, not failed); 1 a paper failed (each failure
one line: the paper, the host, why); 2 a usage error; 130 interrupted (the
partial downloads stay in git's folder and the next run resumes them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from papershelf.errors import EXIT_FAILURE, EXIT_OK, PapershelfError
from papershelf.fetch import http, run, wanted
from papershelf.shown import visible

F = TypeVar("F", bound=Callable[..., Any])
NO_LINK = "no link"
MIRROR_VARIABLE = "PAPERSHELF_MIRROR"


def _mirrors(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        prefix, equals, base = value.partition("=")
        if not equals or not prefix or not base:
            raise click.BadParameter(f"{value!r}: write it as URL-PREFIX=BASE-URL")
        pairs.append((prefix, base))
    return tuple(pairs)


def _number(
    name: str, kind: click.IntRange | click.FloatRange, default: float | None, text: str
) -> Callable[[F], F]:
    return click.option(
        name, type=kind, default=default, show_default=default is not None, help=text
    )


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("items", nargs=-1)
@click.option(
    "-C",
    "--repository",
    "path",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The repository (default: the current folder).",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read this plan file instead of the repository's own.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: .papershelf.toml or pyproject).",
)
@click.option(
    "--dry-run", is_flag=True, help="List what would be fetched from where; fetch nothing."
)
@click.option("--add", "stage", is_flag=True, help="git add what was fetched (Git LFS honoured).")
@_number("--jobs", click.IntRange(1, 64), 8, "Downloads at once, across hosts.")
@_number(
    "--per-host",
    click.IntRange(1, 64),
    None,
    "Connections to one host at once (default: the host's policy; 2).",
)
@_number(
    "--interval",
    click.FloatRange(0, 600),
    None,
    "Seconds between requests to one host (default: the host's policy; arXiv 3).",
)
@_number(
    "--timeout", click.FloatRange(0.1, 600), 30.0, "Seconds to wait for a connection or for data."
)
@_number("--retries", click.IntRange(0, 10), 3, "Retries after a cut connection, 408, 429 or 5xx.")
@_number("--max-size", click.IntRange(1, 10_000), 200, "Largest PDF to download, in MB.")
@click.option(
    "--mirror",
    "mirrors",
    multiple=True,
    envvar=MIRROR_VARIABLE,
    callback=_mirrors,
    help="URL-PREFIX=BASE-URL: fetch URLs starting with the prefix from the base instead "
    f"(a mirror, or a local copy); repeatable; also ${MIRROR_VARIABLE}, space-separated.",
)
def fetch(
    items: tuple[str, ...],
    path: Path,
    plan_path: Path | None,
    config_file: Path | None,
    dry_run: bool,
    stage: bool,
    jobs: int,
    per_host: int | None,
    interval: float | None,
    timeout: float,
    retries: int,
    max_size: int,
    mirrors: tuple[tuple[str, str], ...],
) -> int:
    """Download the papers the plan lists and the repository lacks (those whose titles
    hold one of ITEMS, if given), each into the folder the plan reads it from."""
    from papershelf.cli.plan import load

    loaded = load(path, plan_path, config_file)
    unknown = wanted.unmatched(loaded.plans, items)
    if unknown:
        raise click.BadParameter(
            f"no paper of the plan is called {unknown[0]!r}", param_hint="ITEMS"
        )
    todo = wanted.todo(loaded.plans, items)
    settings = http.Settings(
        timeout=timeout,
        retries=retries,
        max_bytes=max_size * http.MB,
        interval=interval,
        connections=per_host,
        jobs=jobs,
        mirrors=mirrors,
    )
    if dry_run:
        _dry_run(todo, settings)
        return EXIT_OK
    work = loaded.here.snapshot.cache_dir
    if work is None:
        raise PapershelfError(
            f"{loaded.here.root}: not a git repository; papershelf fetch keeps its partial "
            "downloads in git's folder (git init first)"
        )
    progress = _progress(len(todo.fetch))
    results = run.fetch(todo.fetch, loaded.here.root, work / "fetch", settings, progress)
    for result in results:
        if result.outcome != run.PRESENT:
            click.echo(visible(result.line()))
    _no_links(todo)
    counts = {outcome: 0 for outcome in run.OUTCOMES}
    for result in results:
        counts[result.outcome] += 1
    counts[run.PRESENT] += len(todo.present)
    counts[NO_LINK] = len(todo.no_link)
    _summary(counts)
    if stage:
        _stage(loaded.here.root, [r.paper.target for r in results if r.outcome == run.FETCHED])
    return EXIT_FAILURE if counts[run.FAILED] else EXIT_OK


def _dry_run(todo: wanted.Todo, settings: http.Settings) -> None:
    for paper in todo.fetch:
        urls = [settings.mirrored(source.url) for source in paper.sources]
        tried = f" (else {', '.join(urls[1:])})" if len(urls) > 1 else ""
        click.echo(visible(f'would fetch: "{paper.title}" -> {paper.target} from {urls[0]}{tried}'))
    _no_links(todo)
    _summary(
        {"to fetch": len(todo.fetch), run.PRESENT: len(todo.present), NO_LINK: len(todo.no_link)}
    )


def _no_links(todo: wanted.Todo) -> None:
    for title in todo.no_link:
        click.echo(visible(f'{NO_LINK}: "{title}": the plan gives no link to fetch it from'))


def _summary(counts: dict[str, int]) -> None:
    width = max(map(len, counts))
    click.echo("")
    for outcome, count in counts.items():
        click.echo(f"{outcome:<{width}}  {count}")


def _progress(total: int) -> Callable[[run.Result], None]:
    """A bar on a terminal; elsewhere one plain line on stderr per paper as it settles."""
    from papershelf.cli.progress import bar

    drawn = bar(sys.stderr, "fetching")
    done = 0

    def update(result: run.Result) -> None:
        nonlocal done
        done += 1
        if drawn is not None:
            drawn(done, total)
        else:
            click.echo(
                visible(f'[{done}/{total}] {result.outcome}: "{result.paper.title}"'), err=True
            )

    return update


def _stage(root: Path, fetched: list[str]) -> None:
    """``git add`` the fetched PDFs; one that ``.gitattributes`` routes to Git LFS only when
    Git LFS is set up here (else it would be committed whole)."""
    from papershelf.repo import gitfiles

    routed = gitfiles.lfs_routed(root, fetched)
    held = sorted(routed) if routed and not gitfiles.lfs_filter_ready(root) else []
    gitfiles.stage(root, [target for target in fetched if target not in held])
    for target in held:
        click.echo(
            visible(
                f"not staged: {target}: .gitattributes routes it to Git LFS, which is not set "
                "up here (install git-lfs, run git lfs install, then git add it)"
            ),
            err=True,
        )
    staged = len(fetched) - len(held)
    if staged:
        click.echo(f"staged {staged} file{'s' if staged != 1 else ''} (git add)")
