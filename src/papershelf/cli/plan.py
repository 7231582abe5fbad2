"""``papershelf plan show|explain|mark-read|badge|update``: the reading order and its views.

``papershelf plan [PATH]`` alone is ``plan show``; the older spellings
(``plan --explain``, ``--mark-read``, ``--badge``, ``--update``) still work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from papershelf.errors import EXIT_OK, PapershelfError
from papershelf.shown import visible, visible_lines

if TYPE_CHECKING:
    from papershelf.plan.layout import Layout
    from papershelf.plan.model import ReadingPlan
    from papershelf.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


class Loaded(NamedTuple):
    """The repository, its plans with their status, and the plan file named by --plan."""

    here: Workspace
    layout: Layout
    plans: list[ReadingPlan]
    plan_path: Path | None

    @property
    def shown(self) -> str | None:
        return str(self.plan_path) if self.plan_path is not None else None


def _named_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An empty name (``--badge ''``) is the current folder to click; it names no file."""
    if value is not None and (not str(value) or str(value) == "." or value.is_dir()):
        raise click.BadParameter("needs a file name, not a folder or an empty name")
    return value


def _where(function: F) -> F:
    """The options every plan command takes: the repository, --plan and --config."""
    function = click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Configuration file (default: .papershelf.toml or pyproject).",
    )(function)
    function = click.option(
        "--plan",
        "plan_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Read this plan file instead of the repository's own.",
    )(function)
    return click.argument(
        "path",
        required=False,
        default=".",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
    )(function)


def load(
    path: Path, plan_path: Path | None, config_file: Path | None, no_plan_ok: bool = False
) -> Loaded:
    """The plans' status, with the warnings and notes repo-check would give said once.
    With ``no_plan_ok`` (the badge, which says "no plan") finding no plan is a note."""
    from papershelf import workspace
    from papershelf.cli.progress import bar
    from papershelf.plan.layout import PlanSource, read_plan_file
    from papershelf.plan.status import plan_status

    here = workspace.load(path, config_file)
    here.snapshot.progress = bar(sys.stderr)
    layout = here.layout
    if plan_path is not None:
        text = read_plan_file(plan_path, str(plan_path)) or ""
        root = layout.plan_root or ""
        relative = _inside(here.root, plan_path)
        folder = relative.rpartition("/")[0] if relative else root
        layout = layout._replace(sources=(PlanSource(relative, text, root, folder),))
    status = plan_status(here.snapshot, here.config, layout)
    skipped = [plan.skipped for plan in status if plan.skipped is not None]
    for unread in skipped:  # as repo-check's plan-file finding says
        where = f"{unread.file}:{unread.line}" if unread.line else unread.file
        click.echo(visible(f"warning: {where}: {unread.reason}"), err=True)
    plans = [plan for plan in status if plan.skipped is None]
    notes = _notes(layout, plans, plan_path, bool(skipped), no_plan_ok)
    if here.snapshot.partial:  # PDFs the run's budget left unread
        notes.append(here.snapshot.partial)
    for note in notes:
        click.echo(visible(f"note: {note}"), err=True)
    return Loaded(here, layout, plans, plan_path)


def _notes(
    layout: Layout,
    plans: list[ReadingPlan],
    plan_path: Path | None,
    skipped: bool,
    no_plan_ok: bool = False,
) -> list[str]:
    from papershelf.plan.layout import NO_PLAN_HINT

    notes = []
    shipped = not plans or (plans[0].plan_file is None and plan_path is None)
    # READMEs read for want of a plan that name nothing are no plan: as repo-check says
    readmes = plan_path is None and bool(layout.sources) and layout.sources[0].readme
    if (shipped or readmes) and not any(True for plan in plans for _ in plan.items()):
        problem = (
            "no plan file could be read"
            if skipped
            else f"no reading plan found: {NO_PLAN_HINT}, or pass one with --plan"
        )
        if not no_plan_ok:
            raise PapershelfError(problem)
        return [problem]
    if shipped:
        notes.append("no plan file in the repository: showing the rule set's plan")
    source = layout.sources[0] if layout.sources else None
    if source is not None and plans and plans[0].plan_file == source.file:
        repaired = _mojibake(source.text)
        if repaired:
            notes.append(f"the plan file is mojibake ({repaired}); read it repaired")
    return notes


def explain_plans(loaded: Loaded) -> None:
    """Each block of each plan file and what the check took from it."""
    from papershelf.plan.layout import PlanSource, shipped_plan_text
    from papershelf.plan.status import explain_source
    from papershelf.views import render

    for plan in loaded.plans:
        sources = [s for s in loaded.layout.sources if s.file == plan.plan_file]
        if not sources:  # the rule set's plan text stands in
            text = shipped_plan_text(loaded.here.config) or ""
            sources = [PlanSource(None, text, plan.root, plan.root)]
        lines = explain_source(sources[0], loaded.here.config)
        shown = loaded.shown or plan.plan_file
        click.echo(visible_lines(render.render_explain(lines, shown)), nl=False)
        click.echo(visible_lines(render.render_unreadable(plan)), nl=False)


def mark(loaded: Loaded, title: str) -> None:
    from papershelf.views import planviews

    for line in planviews.mark_read(loaded.plans, loaded.here.root, title, loaded.plan_path):
        click.echo(visible(line))


def badge(loaded: Loaded, badge_file: Path) -> None:
    from papershelf.views import badge as badge_view, planviews

    svg, done, total = planviews.badge(loaded.plans)
    planviews.write_atomically(badge_file, svg.encode("utf-8"))
    click.echo(f"wrote {badge_file}: reading plan {badge_view.value(done, total)}")


def update(loaded: Loaded, update_file: Path) -> None:
    from papershelf.views import planviews

    first = loaded.plans[0]
    location = loaded.plan_path or (loaded.here.root / first.plan_file if first.plan_file else None)
    here = loaded.here
    staging = here.snapshot.cache_dir  # .git/papershelf: a killed run leaves nothing to commit
    changed = planviews.update_block(loaded.plans, location, update_file, here.root, staging)
    click.echo(f"updated {update_file}" if changed else f"{update_file} is up to date")


def show_view(loaded: Loaded, output_format: str, output: Path | None) -> None:
    """The reading order as text, JSON, a markdown checklist or an HTML page."""
    import json

    from papershelf.views import planviews, render

    plans, shown = loaded.plans, loaded.shown
    if output_format == "json":
        view = json.dumps(render.to_json(plans, shown), ensure_ascii=False, indent=2) + "\n"
    elif output_format == "markdown":
        view = render.render_markdown(plans, shown)
    elif output_format == "html":
        root = loaded.here.root
        page_plan = (
            plans[0].plan_file
            if loaded.plan_path is None
            else planviews.repository_relative(root, loaded.plan_path)
        )
        view = planviews.html_page(loaded.here, plans, page_plan, output)
    else:
        view = render.render_text(plans, shown)
        if output is None:  # a terminal's: the file written keeps the names exact
            view = visible_lines(view)
    if output is not None:
        planviews.write_atomically(output, view.encode("utf-8"))
    else:
        click.echo(view, nl=False)


class _PlanGroup(click.Group):
    """``plan`` with no sub-command (or a path, or an option) is ``plan show``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_PlanGroup, context_settings={"help_option_names": ["-h", "--help"]})
def plan() -> None:
    """The plan's reading order: phases, steps, and each folder and paper marked present,
    missing, misplaced, archived, empty or online (`plan PATH` is `plan show PATH`)."""


_FORMATS = click.Choice(["text", "json", "markdown", "html"])


@plan.command(context_settings={"help_option_names": ["-h", "--help"]})
@_where
@click.option(
    "--format",
    "output_format",
    type=_FORMATS,
    default="text",
    show_default=True,
    help="text: a tree; json: for tools; markdown: a checklist for an issue; "
    "html: a self-contained progress page.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_named_file,
    help="Write the view to this file (whole, or not at all) instead of printing it.",
)
@click.option(
    "--badge",
    "badge_file",
    metavar="FILE.svg",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_named_file,
    help="Also write the badge (as `plan badge`); the view is then not printed.",
)
@click.option(
    "--update",
    "update_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also update FILE's block (as `plan update`); the view is then not printed.",
)
@click.option("--mark-read", "mark_read", metavar="TITLE", help="As `plan mark-read TITLE`.")
@click.option("--explain", is_flag=True, help="As `plan explain`.")
def show(
    path: Path,
    plan_path: Path | None,
    config_file: Path | None,
    output_format: str,
    output: Path | None,
    badge_file: Path | None,
    update_file: Path | None,
    mark_read: str | None,
    explain: bool,
) -> int:
    """Show the reading order as text, JSON, a markdown checklist or an HTML page."""
    only_badge = badge_file is not None and not (explain or mark_read or update_file or output)
    loaded = load(path, plan_path, config_file, no_plan_ok=only_badge)
    if explain:
        explain_plans(loaded)
    elif mark_read is not None:
        mark(loaded, mark_read)
    else:
        if badge_file is not None:
            badge(loaded, badge_file)
        if update_file is not None:
            update(loaded, update_file)
        if output is not None or not (badge_file or update_file):
            show_view(loaded, output_format, output)
    return EXIT_OK


@plan.command(context_settings={"help_option_names": ["-h", "--help"]})
@_where
def explain(path: Path, plan_path: Path | None, config_file: Path | None) -> int:
    """Print each block of the plan and what papershelf understood from it."""
    explain_plans(load(path, plan_path, config_file))
    return EXIT_OK


@plan.command("mark-read", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("title")
@_where
def mark_read(title: str, path: Path, plan_path: Path | None, config_file: Path | None) -> int:
    """Tick the task-list box (`- [ ]` -> `- [x]`) of the item named TITLE in the plan
    file; only that character changes."""
    mark(load(path, plan_path, config_file), title)
    return EXIT_OK


@plan.command("badge", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument(
    "badge_file",
    metavar="FILE.svg",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_named_file,
)
@_where
def badge_command(
    badge_file: Path, path: Path, plan_path: Path | None, config_file: Path | None
) -> int:
    """Write an SVG badge `reading plan | done/total` (a grey `no plan` without one)."""
    badge(load(path, plan_path, config_file, no_plan_ok=True), badge_file)
    return EXIT_OK


@plan.command("update", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument(
    "update_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_where
def update_command(
    update_file: Path, path: Path, plan_path: Path | None, config_file: Path | None
) -> int:
    """Rewrite the checklist between <!-- papershelf:plan --> and <!-- /papershelf:plan -->
    in FILE (a README); nothing else in it changes."""
    update(load(path, plan_path, config_file), update_file)
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
