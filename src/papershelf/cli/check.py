"""``repo-check`` / ``papershelf check`` and ``papershelf rules``: their options."""

from __future__ import annotations

from pathlib import Path

import click

from papershelf.cli.checking import check_repository
from papershelf.errors import EXIT_OK
from papershelf.report import FORMATS


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument(
    "path",
    required=False,
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: .papershelf.toml or pyproject.toml).",
)
@click.option("--rule", "only", multiple=True, metavar="SLUG", help="Run only this rule.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the blob cache in .git/.")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply safe, additive fixes (missing plan folders, .gitignore lines, .gitmodules "
    "entries, exact mojibake repairs) and print each; never deletes, moves or untracks.",
)
@click.option("--dry-run", is_flag=True, help="With --fix: print the fixes, change nothing.")
def check(
    path: Path,
    output_format: str,
    strict: bool,
    config_file: Path | None,
    only: tuple[str, ...],
    no_cache: bool,
    fix: bool,
    dry_run: bool,
) -> int:
    """Check the repository against its study plan and the hygiene rules."""
    if only:
        from papershelf.check.rules import RULES

        unknown = [slug for slug in only if slug not in RULES]
        if unknown:
            raise click.BadParameter(f"unknown rule {unknown[0]!r}", param_hint="--rule")
    if dry_run and not fix:
        raise click.UsageError("--dry-run only goes with --fix")
    return check_repository(path, output_format, strict, config_file, only, no_cache, fix, dry_run)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
)
def rules(output_format: str) -> int:
    """List every rule: slug, code, default severity and what it checks."""
    from papershelf.check.rules import RULES

    if output_format == "markdown":
        click.echo(rules_markdown(), nl=False)
        return EXIT_OK
    width = max(len(slug) for slug in RULES)
    for rule in RULES.values():
        click.echo(
            f"{rule.code}  {rule.slug:<{width}}  {rule.severity.label:<7}  {rule.description}"
        )
    return EXIT_OK


def rules_markdown() -> str:
    """The README's rule reference, generated from the registry."""
    from papershelf.check.rules import RULES
    from papershelf.schema import option

    lines = ["| code | rule | default | what it checks |", "|---|---|---|---|"]
    for rule in RULES.values():
        lines.append(
            f"| {rule.code} | `{rule.slug}` | {rule.severity.label} | {rule.description} |"
        )
    lines.append("")
    for rule in RULES.values():
        lines.append(f"#### `{rule.slug}` ({rule.code})")
        lines.append("")
        lines.append(" ".join(rule.doc.split()) if rule.doc else rule.description)
        lines.append("")
        lines.append(f"Fix: {rule.hint}.")
        if rule.options:
            options = ", ".join(
                f"`{k}` (default `{option(v).default}`)" for k, v in rule.options.items()
            )
            lines.append(f"Options: {options}.")
        if rule.needs_git:
            lines.append("Needs git: skipped outside a repository.")
        lines.append("")
    return "\n".join(lines)
