"""``papershelf init`` and ``papershelf plan``: lay a repository out, and show the reading order."""

from __future__ import annotations

from pathlib import Path

import click

from papershelf.errors import EXIT_OK, PapershelfError


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--ruleset", metavar="NAME",
              help="Rule set to lay out (shipped name or path); written to .papershelf.toml.")
def init(directory: Path, ruleset: str | None) -> int:
    """Scaffold a study repository: git, the plan's folders, plan file, ignores, hooks.

    Never overwrites a file: in an existing repository it only adds what is
    missing, lists what it added, and stages it.
    """
    from papershelf import gitfiles, plan
    from papershelf.engine import known_rule_options
    from papershelf.scaffold import scaffold

    directory.mkdir(parents=True, exist_ok=True)
    root = gitfiles.repository_root(directory) or directory.resolve()
    written_config = None
    if ruleset is not None:
        existing = plan.find_config_file(root)
        if existing is not None:
            raise PapershelfError(
                f"{existing} already configures papershelf; set `extends` there instead"
            )
        extends = [ruleset] if ruleset == "hygiene" else [ruleset, "hygiene"]
        listed = ", ".join(f'"{name}"' for name in extends)
        written_config = root / ".papershelf.toml"
        written_config.write_text(f"extends = [{listed}]\n", encoding="utf-8")
    try:
        config = plan.load(root, known_rule_options())
    except PapershelfError:
        if written_config is not None:
            written_config.unlink()
        raise
    result = scaffold(directory, config)
    if written_config is not None:
        gitfiles.stage(result.root, [".papershelf.toml"])
        result.created.insert(0, ".papershelf.toml")
    if result.initialised:
        click.echo(f"initialised an empty git repository in {result.root}")
    for path in result.created:
        click.echo(f"created {path}")
    for note in result.notes:
        click.echo(f"note: {note}")
    if result.created:
        count = len(result.created)
        click.echo(
            f"staged {count} new file{'s' if count != 1 else ''}; "
            "check with `repo-check`, then commit"
        )
    else:
        click.echo("nothing to add: everything the plan names is already here")
    return EXIT_OK
