"""``papershelf init`` and ``papershelf plan``: lay a repository out, and show the reading order."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from papershelf.errors import EXIT_OK, PapershelfError


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

    The shipped plan is laid out unless --plan or --ruleset names another. Never
    overwrites a file: in an existing repository it only adds what is missing,
    lists what it added, and stages it.
    """
    import json

    from papershelf import config as config_module, gitfiles
    from papershelf.repopaths import writable
    from papershelf.rules import known_options
    from papershelf.scaffold import scaffold

    if ruleset is not None and plan_path is not None:
        raise click.UsageError("--plan and --ruleset do not go together")
    plan_text = _read_plan(plan_path) if plan_path is not None else None
    made = _missing_folders(directory)
    directory.mkdir(parents=True, exist_ok=True)
    root = gitfiles.repository_root(directory) or directory.resolve()
    written_config = None
    if ruleset is not None or plan_path is not None:
        existing = config_module.find_config_file(root)
        if existing is not None:
            key = "plan" if plan_path is not None else "extends"
            raise PapershelfError(
                f"{existing} already configures papershelf; set `{key}` there instead"
            )
    plan: tuple[str, str] | None = None
    if plan_path is not None and plan_text is not None:
        name = plan_path.name
        relative = (directory.resolve() / name).relative_to(root.resolve()).as_posix()
        plan = (name, plan_text)
        written_config = writable(root, ".papershelf.toml")
        written_config.write_text(
            f"plan = {json.dumps(relative, ensure_ascii=False)}\n", encoding="utf-8"
        )
    if ruleset is not None:
        if "/" in ruleset or ruleset.endswith(".toml"):  # a local file: from the config's folder
            local = Path(ruleset).resolve()
            try:
                ruleset = local.relative_to(root.resolve()).as_posix()
            except ValueError:
                ruleset = local.as_posix()
            if "/" not in ruleset:
                ruleset = f"./{ruleset}"
        extends = [ruleset] if ruleset == "hygiene" else [ruleset, "hygiene"]
        listed = ", ".join(json.dumps(name, ensure_ascii=False) for name in extends)
        written_config = writable(root, ".papershelf.toml")
        written_config.write_text(f"extends = [{listed}]\n", encoding="utf-8")
    try:
        config = config_module.load(root, known_options())
        if written_config is None and config.extends_default and not config.plan:
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
    from papershelf.layout import read_plan_file

    text = read_plan_file(path, str(path))
    if text is None:
        raise PapershelfError(f"{path}: cannot read it")
    if not text.strip():
        raise PapershelfError(f"{path}: the plan file is empty")
    return text


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
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="text: a tree; json: for tools; markdown: a checklist for an issue; "
    "html: a self-contained progress page.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the view to this file (whole, or not at all) instead of printing it.",
)
@click.option(
    "--badge",
    "badge_file",
    metavar="FILE.svg",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write an SVG badge `reading plan | present/total` (the view is then not printed).",
)
@click.option(
    "--update",
    "update_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rewrite the checklist between <!-- papershelf:plan --> and <!-- /papershelf:plan --> "
    "in FILE (a README); nothing else in it changes.",
)
@click.option(
    "--mark-read",
    "mark_read",
    metavar="TITLE",
    help="Tick the task-list box (`- [ ]` -> `- [x]`) of the item named TITLE in the plan "
    "file; only that character changes.",
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
    "--explain",
    is_flag=True,
    help="Print each line of the plan and what papershelf understood from it.",
)
def plan(
    path: Path,
    output_format: str,
    output: Path | None,
    badge_file: Path | None,
    update_file: Path | None,
    mark_read: str | None,
    plan_path: Path | None,
    config_file: Path | None,
    explain: bool,
) -> int:
    """Show the plan's reading order: phases, steps, and each folder and paper marked
    present, missing, misplaced, archived, empty or online."""
    import json

    from papershelf import workspace
    from papershelf.layout import PlanSource
    from papershelf.readingplan import render
    from papershelf.readingplan.status import plan_status

    here = workspace.load(path, config_file)
    from papershelf.cli.progress import bar

    here.snapshot.progress = bar(sys.stderr)
    layout = here.layout
    notes: list[str] = []
    shown: str | None = None
    if plan_path is not None:
        from papershelf.layout import read_plan_file

        text = read_plan_file(plan_path, str(plan_path)) or ""
        root = layout.plan_root or ""
        relative = _inside(here.root, plan_path)
        folder = relative.rpartition("/")[0] if relative else root
        layout = layout._replace(sources=(PlanSource(relative, text, root, folder),))
        shown = str(plan_path)
    status = plan_status(here.snapshot, here.config, layout)
    skipped = [plan.skipped for plan in status if plan.skipped is not None]
    for unread in skipped:  # as repo-check's plan-file finding says
        where = f"{unread.file}:{unread.line}" if unread.line else unread.file
        click.echo(f"warning: {where}: {unread.reason}", err=True)
    plans = [plan for plan in status if plan.skipped is None]
    if not plans or (plans[0].plan_file is None and plan_path is None):
        if not any(True for plan in plans for _ in plan.items()):
            raise PapershelfError(
                "no plan file could be read"
                if skipped
                else "no plan file found; pass one with --plan"
            )
        notes.append("no plan file in the repository: showing the rule set's plan")
    source = layout.sources[0] if layout.sources else None
    if source is not None and plans and plans[0].plan_file == source.file:
        repaired = _mojibake(source.text)
        if repaired:
            notes.append(f"the plan file is mojibake ({repaired}); read it repaired")
    if here.snapshot.partial:
        notes.append(here.snapshot.partial)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if explain:
        from papershelf.layout import shipped_plan_text
        from papershelf.readingplan import explain as explain_lines
        from papershelf.readingplan.status import words_of

        sections = {section.path.split("/")[0] for section in here.config.sections}
        for plan in plans:
            texts = [s.text for s in layout.sources if s.file == plan.plan_file]
            known = texts[0] if texts else shipped_plan_text(here.config) or ""
            lines = explain_lines(known, sections, words=words_of(here.config))
            click.echo(render.render_explain(lines, shown or plan.plan_file), nl=False)
            click.echo(render.render_unreadable(plan), nl=False)
        return EXIT_OK
    from papershelf.cli import planviews

    marked = plans[0]
    if mark_read is not None:
        for line in planviews.mark_read(plans, here.root, mark_read, plan_path):
            click.echo(line)
        return EXIT_OK
    if badge_file is not None:
        svg, done, total = planviews.badge(plans)
        planviews.write_atomically(badge_file, svg.encode("utf-8"))
        click.echo(f"wrote {badge_file}: reading plan {done}/{total}")
    if update_file is not None:
        location = plan_path or (here.root / marked.plan_file if marked.plan_file else None)
        changed = planviews.update_block(plans, location, update_file, here.root)
        click.echo(f"updated {update_file}" if changed else f"{update_file} is up to date")
    if output is None and (badge_file or update_file):
        return EXIT_OK
    if output_format == "json":
        document = render.to_json(plans, shown)
        view = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    elif output_format == "markdown":
        view = render.render_markdown(plans, shown)
    elif output_format == "html":
        page_plan = (
            marked.plan_file
            if plan_path is None
            else planviews.repository_relative(here.root, plan_path)
        )
        view = planviews.html_page(here, plans, page_plan, output)
    else:
        view = render.render_text(plans, shown)
    if output is not None:
        planviews.write_atomically(output, view.encode("utf-8"))
    else:
        click.echo(view, nl=False)
    return EXIT_OK


def _inside(root: Path, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _mojibake(text: str) -> str | None:
    from papershelf.mojibake_repair import SUSPECT, repair

    fixed = repair(text) if SUSPECT.search(text) else None
    return fixed.description if fixed is not None else None
