"""The repository as the organizer sees it: snapshot, configuration and plan layout.

``repo-check --fix`` and ``papershelf plan`` need what the engine builds but
does not return; this loads it the same way, once. A configuration that names
no rule sets gets the shipped plan's overlay only when the repository holds
that plan (one of its sections is a folder here).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from papershelf import config as config_module, store
from papershelf.check.rules import known_options
from papershelf.plan import layout
from papershelf.repo import gitfiles, snapshot


class Workspace(NamedTuple):
    root: Path
    snapshot: snapshot.Snapshot
    config: config_module.Config
    layout: layout.Layout


def load(start: Path, config_file: Path | None = None, use_cache: bool = True) -> Workspace:
    repository = gitfiles.find_repository(start)
    root = repository.root if repository else start.resolve()
    cache_dir = store.directory(repository.git_dir) if repository and use_cache else None
    config = config_module.load(root, known_options(), config_file, cache_dir)
    if repository is not None:
        snap = snapshot.from_git(repository, use_cache=use_cache)
    else:
        snap = snapshot.from_walk(root)
    if config.extends_default and not config.plan and not config.sections:
        config = _with_shipped_plan(snap, config, cache_dir)
    return Workspace(root, snap, config, layout.locate(snap, config))


def _with_shipped_plan(
    snap: snapshot.Snapshot, config: config_module.Config, cache_dir: Path | None
) -> config_module.Config:
    """``config`` with the shipped plan's overlay when the repository's plan is that plan:
    its sections are folders here, and the plan file (if any) is the shipped one — found
    where the shipped plan keeps it, or opening with its title."""
    shipped = config_module.add_ruleset(
        config, config_module.SHIPPED_PLAN, known_options(), cache_dir
    )
    holder = layout.find_plan_root(snap, shipped.but(root=None))
    if holder is None or config.root not in (None, holder):
        return config
    own = layout.find_plan_file(snap, config, config.root if config.root is not None else holder)
    if own is None or own.rpartition("/")[2] in {
        name.rpartition("/")[2] for name in shipped.plan_files
    }:
        return shipped
    text = snap.read_text(own) or ""
    title = (layout.shipped_plan_text(shipped) or "").partition("\n")[0].strip()
    return shipped if title and text.lstrip().startswith(title) else config
