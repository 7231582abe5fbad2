"""``papershelf init``: lay a repository out from its plan."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from papershelf.plan.scaffold import ScaffoldResult

from papershelf.errors import EXIT_OK, PapershelfError
from papershelf.shown import visible


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--ruleset",
    metavar="NAME",
    help="Rule set to lay out (shipped name or path); written to .papershelf.toml.",
)
@click.option(
    "--plan",
    "plan_path",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Lay the repository out from this plan file: its folders, the plan copied in, "
    "and .papershelf.toml pointing at it.",
)
def init(directory: Path, ruleset: str | None, plan_path: Path | None) -> int:
    """Scaffold a study repository: git, the plan's folders, plan file, ignores, hooks.

    Without --plan or --ruleset no plan is laid out: only git, ignores and the hook
    (--ruleset ai-papers-plan lays out the shipped example). Never
    overwrites a file: in an existing repository it only adds what is missing,
    lists what it added, and stages it.
    """
    from papershelf import config as config_module
    from papershelf.check.rules import known_options
    from papershelf.plan.scaffold import configuration_text, scaffold
    from papershelf.repo import gitfiles
    from papershelf.repo.repopaths import writable

    if ruleset is not None and plan_path is not None:
        raise click.UsageError("--plan and --ruleset do not go together")
    # the shipped example is laid out as it always was: recognised by its plan file
    example = ruleset == config_module.SHIPPED_PLAN
    if example:
        ruleset = None
    plan_text = _read_plan(plan_path) if plan_path is not None else None
    made = _missing_folders(directory)
    directory.mkdir(parents=True, exist_ok=True)
    root = gitfiles.repository_root(directory) or directory.resolve()
    if ruleset is not None or plan_path is not None:
        existing = config_module.find_config_file(root)
        if existing is not None:
            key = "plan" if plan_path is not None else "extends"
            raise PapershelfError(
                f"{existing} already configures papershelf; set `{key}` there instead"
            )
    plan = (plan_path.name, plan_text) if plan_path is not None and plan_text else None
    text = configuration_text(root, directory, ruleset, plan[0] if plan else None)
    written_config = None
    if text is not None:
        written_config = writable(root, ".papershelf.toml")
        written_config.write_text(text, encoding="utf-8")
    try:
        config = config_module.load(root, known_options())
        if example and config.extends_default and not config.plan:
            config = config_module.add_ruleset(config, config_module.SHIPPED_PLAN, known_options())
        result = scaffold(directory, config, plan)
    except PapershelfError:  # refused before scaffold wrote anything: undo what init did
        if written_config is not None:
            written_config.unlink()
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    if written_config is not None:
        gitfiles.stage(result.root, [".papershelf.toml"])
        result.created.insert(0, ".papershelf.toml")
    asked = written_config is not None or example or config.plan or config.sections
    _report(result, laid_out=bool(asked))
    return EXIT_OK


def _report(result: ScaffoldResult, laid_out: bool) -> None:
    """What init did, a line each; without a plan, how to lay one out."""
    from papershelf.config import SHIPPED_PLAN

    if result.initialised:
        click.echo(f"initialised an empty git repository in {result.root}")
    for path in result.created:
        click.echo(visible(f"created {path}"))
    for note in result.notes:
        click.echo(visible(f"note: {note}"))
    if not laid_out:
        click.echo(
            "note: no plan given, so no folders were laid out; write the plan (STUDY_PLAN.md, "
            "or the papers in README.md) and run `papershelf init --plan FILE`, or "
            f"`papershelf init --ruleset {SHIPPED_PLAN}` for the example layout"
        )
    if result.created:
        count = len(result.created)
        click.echo(
            f"staged {count} new file{'s' if count != 1 else ''}; "
            "check with `repo-check`, then commit"
        )
    else:
        click.echo("nothing to add: everything the plan names is already here")


def _missing_folders(directory: Path) -> list[Path]:
    """The folders ``mkdir -p directory`` would create, deepest first."""
    missing = []
    for folder in [directory.absolute(), *directory.absolute().parents]:
        if os.path.lexists(folder):
            break
        missing.append(folder)
    return missing


def _read_plan(path: Path) -> str:
    """The plan ``init --plan`` lays out, read as every plan is (UTF-8, the size limit)."""
    from papershelf.plan.layout import read_plan_file

    text = read_plan_file(path, str(path))
    if text is None:
        raise PapershelfError(f"{path}: cannot read it")
    if not text.strip():
        raise PapershelfError(f"{path}: the plan file is empty")
    return text
