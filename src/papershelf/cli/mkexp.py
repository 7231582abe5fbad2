"""``mkexp``: a separate virtual environment for every code experiment.

The first argument may be a verb (``new NAME``, ``check PATH``); anything else
is a folder. A folder literally named ``new`` or ``check`` is addressed as
``./new`` or ``./check``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from papershelf import mkexp as experiments
from papershelf.errors import EXIT_FAILURE, EXIT_OK, PapershelfError
from papershelf.mkexp import Experiment, MakeOptions

VERBS = ("new", "check")


def _say(message: str) -> None:
    click.echo(f"mkexp: {message}", err=True)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("targets", nargs=-1, metavar="[new NAME | check FOLDER... | FOLDER...]")
@click.option("--list", "list_", is_flag=True, help="List experiments and their environments.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="--list output."
)
@click.option("--all", "all_", is_flag=True, help="Make an environment for every experiment.")
@click.option("--python", metavar="VERSION|PATH", help="Use this Python (e.g. 3.8 or a path).")
@click.option("--clear", is_flag=True, help="Remake an existing environment.")
@click.option("--install", is_flag=True, help="Install the declared requirements, write a lock.")
@click.option("--kernel", is_flag=True, help="Register a Jupyter kernel for notebooks.")
@click.option(
    "--installer",
    type=click.Choice(["auto", "uv", "pip"]),
    default="auto",
    help="auto: uv when it is on PATH, else pip.",
)
@click.option(
    "--force", is_flag=True, help="Make an environment in a folder that is not an experiment."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=experiments.DEFAULT_TIMEOUT,
    show_default=True,
    help="check: give up after this many seconds, saying what it was doing.",
)
def mkexp(
    targets: tuple[str, ...],
    list_: bool,
    fmt: str,
    all_: bool,
    python: str | None,
    clear: bool,
    install: bool,
    kernel: bool,
    installer: str,
    force: bool,
    timeout: float,
) -> int:
    """Make FOLDER/.venv for each experiment FOLDER.

    \b
      mkexp FOLDER... [--install] [--kernel]   environments for these experiments
      mkexp --all                              ... for every experiment in the repository
      mkexp --list [--format json] [FOLDER]    experiments and their environments' state
      mkexp new NAME                           a new experiment folder here, with its environment
      mkexp check FOLDER...                    installs from wheels, needs a build, or cannot
                                               install: which requirement, and why
    A folder named 'new' or 'check' is given as ./new or ./check.
    """
    options = MakeOptions(python, clear, install, kernel, installer)
    verb = targets[0] if targets and targets[0] in VERBS else None
    if verb == "new":
        if len(targets) != 2 or list_ or all_:
            raise click.UsageError("usage: mkexp new NAME")
        return _new(targets[1], options)
    if verb == "check":
        if len(targets) < 2 or list_ or all_:
            raise click.UsageError("usage: mkexp check FOLDER...")
        return _check([Path(target) for target in targets[1:]], python, installer, timeout)
    if list_:
        if len(targets) > 1 or all_:
            raise click.UsageError("--list takes at most one folder")
        return _list(Path(targets[0] if targets else "."), fmt)
    if all_:
        if targets:
            raise click.UsageError("--all takes no folders")
        _, found = experiments.discover(Path.cwd())
        if not found:
            raise PapershelfError(f"{Path.cwd()}: no experiments found")
        return _make_each(found, options)
    if not targets:
        raise click.UsageError("give experiment folders, --all, --list, 'new NAME' or 'check DIR'")
    found = [experiments.experiment_at(Path(target), kernel, force=force) for target in targets]
    return _make_each(found, options)


def _make_each(found: list[Experiment], options: MakeOptions) -> int:
    failures = 0
    several = len(found) > 1
    for experiment in found:
        try:
            env = experiments.make(experiment, options, _say)
        except PapershelfError as error:
            if not several:
                raise
            click.echo(f"mkexp: error: {error}", err=True)
            failures += 1
            continue
        _finish(experiment, env)
    return EXIT_FAILURE if failures else EXIT_OK


def _finish(experiment: Experiment, env: Path) -> None:
    try:
        gitignore = experiments.ensure_ignored(env)
    except OSError as error:
        _say(f"could not add .venv/ to {error.filename}: {error.strerror}")
        gitignore = None
    except PapershelfError as error:  # a .gitignore linked out of the repository, a FIFO
        _say(f"did not add .venv/ to .gitignore: {error}")
        gitignore = None
    if gitignore is not None:
        _say(f"added .venv/ to {gitignore}")
    state = experiments.state_of(experiment)
    if state is experiments.State.STALE:
        click.echo(
            f"{experiment.label}: stale (the declaration changed since the environment was "
            "made: --install updates it, --clear remakes it)"
        )
    elif state is experiments.State.PARTIAL:
        missing = ", ".join(experiments.missing_packages(experiment))
        click.echo(
            f"{experiment.label}: partial (conda-only, not installed: {missing}; "
            "conda env create installs them)"
        )
    else:
        click.echo(f"{experiment.label}: {state.value}")
    for line in experiments.usage_lines(env):
        click.echo(line)


def _new(name: str, options: MakeOptions) -> int:
    folder = Path.cwd() / name
    experiment = experiments.new_experiment(Path.cwd(), name)
    with experiments.removed_on_failure(folder):
        env = experiments.make(experiment, options, _say)
    _finish(experiment, env)
    return EXIT_OK


def _check(folders: list[Path], python: str | None, installer: str, timeout: float) -> int:
    failed = False
    progress: Callable[[str], None] | None = None
    if sys.stderr.isatty():
        progress = _say
    for folder in folders:
        experiment = experiments.experiment_at(folder)
        state = experiments.state_of(experiment)
        if (
            state in (experiments.State.READY, experiments.State.PARTIAL, experiments.State.STALE)
            and not python
        ):
            interpreter = experiments.env_interpreter(experiment.env)
        else:
            interpreter = experiments.select_interpreter(experiment, python)
        result = experiments.check(
            experiment, interpreter, installer=installer, timeout=timeout, progress=progress
        )
        for line in (*result.problems, *result.builds, *result.notes):
            click.echo(line)
        if result.problems:
            failed = True
            click.echo(f"{folder}: cannot install for {interpreter.path} (listed above)")
        elif result.builds:
            click.echo(
                f"{folder}: needs a build for {interpreter.path}: {len(result.builds)} "
                "requirement(s) pull in a package with no wheel (listed above)"
            )
        else:
            would = f": {', '.join(result.resolved)}" if result.resolved else ""
            how = "from wheels"
            if result.pure:
                how += f" and pure-Python sources ({', '.join(result.pure)}: no compiler needed)"
            click.echo(f"{folder}: installs {how} for {interpreter.path}{would}")
    return EXIT_FAILURE if failed else EXIT_OK


def _list(start: Path, fmt: str) -> int:
    if not start.is_dir():
        raise PapershelfError(f"{start}: no such folder")
    rows = experiments.list_rows(start.absolute())
    if fmt == "json":
        records = [
            {
                "path": row.relative,
                "name": row.experiment.name,
                "declarations": list(row.experiment.declarations),
                "notebooks": row.experiment.notebooks,
                "state": row.state.value,
                "python": row.python,
            }
            for row in rows
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        click.echo(f"no experiments under {start}")
        return EXIT_OK
    table = [("STATE", "PYTHON", "EXPERIMENT", "DECLARATION")]
    for row in rows:
        declared = ", ".join(row.experiment.declarations) or (
            "(notebooks)" if row.experiment.notebooks else "(scripts)"
        )
        table.append((row.state.value, row.python, row.relative, declared))
    widths = [max(len(line[column]) for line in table) for column in range(3)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        click.echo("  ".join([*cells, line[3]]).rstrip())
    return EXIT_OK
