"""``papershelf init``: lay out a study repository the way its rule set's plan describes.

Only adds: a file that exists is never rewritten, so running it again in a
repository that drifted from the plan restores exactly what is missing. What it
writes is staged, so ``repo-check`` (which reads the index) sees it at once.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from papershelf.config import Config
from papershelf.errors import PapershelfError
from papershelf.plan.layout import shipped_plan_text
from papershelf.plan.model import Kind
from papershelf.repo import gitfiles
from papershelf.repo.repopaths import writable
from papershelf.shown import HIDDEN, visible

GITKEEP = ".gitkeep"
GITIGNORE = """\
# Written by papershelf init: what belongs to one machine, not to the repository.
# Virtual environments (mkexp makes one per experiment)
.venv/
venv/
env/
pyvenv.cfg
# Archives extracted by papershelf extract go to a temporary folder; stray ones:
*.extracted/
_extracted/
# Python and Jupyter
__pycache__/
*.py[cod]
.ipynb_checkpoints/
# OS junk
.DS_Store
._*
Thumbs.db
desktop.ini
"""
# A local hook: it runs the papershelf installed here, so it needs no released tag to pin.
PRE_COMMIT_CONFIG = """\
# Written by papershelf init: check the repository against its plan on every commit,
# with the repo-check installed on this machine.
repos:
  - repo: local
    hooks:
      - id: repo-check
        name: repo-check
        entry: repo-check
        language: system
        pass_filenames: false
        always_run: true
"""
LFS_PATTERNS = (
    "*.pdf",
    "*.djvu",
    "*.epub",
    "*.zip",
    "*.rar",
    "*.7z",
    "*.tar",
    "*.tar.*",
    "*.tgz",
    "*.gz",
    "*.bz2",
    "*.xz",
    "*.zst",
)
GITATTRIBUTES = "# Written by papershelf init: PDFs and archives live in Git LFS.\n" + "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n" for pattern in LFS_PATTERNS
)
LFS_MISSING_NOTE = (
    "git lfs is not installed, so PDFs and archives stay in plain git; to route them to "
    "Git LFS, install git-lfs and run papershelf init again"
)


@dataclass
class ScaffoldResult:
    root: Path  # the repository root
    plan_root: str  # where the sections went, relative to root ("" is the root)
    initialised: bool = False
    created: list[str] = field(default_factory=list)  # repository-relative, in order
    notes: list[str] = field(default_factory=list)


def plan_file_path(config: Config) -> str | None:
    """Where the plan wants its own text: the file it tells the reader to open first."""
    for expected in config.paths:
        if expected.kind == Kind.FILE and expected.open:
            return expected.path
    return next((name for name in config.plan_files if "/" in name), None)


def planned_folders(config: Config, text: str | None) -> list[str]:
    """The folders the plan's text and its rule sets name, relative to the plan root."""
    from papershelf.plan.model import ReadingPlan
    from papershelf.plan.reader import parse
    from papershelf.plan.status import planned_folders as folders_of, ruleset_items, words_of

    sections = {section.path.split("/")[0] for section in config.sections}
    words = words_of(config)
    plan = parse(text, sections, words=words) if text else ReadingPlan("", (), False)
    named = {item.path for item in plan.items() if item.path}
    plan = plan.but(sections=tuple(ruleset_items(config, named, set())))
    return folders_of([plan], optional=True)


class _Writer:
    """Creates files and folders, never touching one that exists, and records each."""

    def __init__(self, root: Path, result: ScaffoldResult) -> None:
        self.root = root
        self.result = result

    def wanted(self, relative: str) -> bool:
        path = self.root / relative
        return not (path.exists() or path.is_symlink())

    def file(self, relative: str, text: str) -> None:
        if not self.wanted(relative):
            return
        path = writable(self.root, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        self.result.created.append(relative)


def _refuse_before_writing(root: Path, folders: list[str], written: list[str]) -> None:
    """Every path init will write, checked before the first is: inside the repository, not
    in ``.git``, and named as it reads (no control, bidi or zero-width character)."""
    hidden = [folder for folder in folders if HIDDEN.search(folder)]
    if hidden:
        raise PapershelfError(
            f"{visible(hidden[0])}: the plan names a folder with a control, bidirectional or "
            "zero-width character (shown escaped); correct the plan (nothing was written)"
        )
    for relative in written:
        writable(root, relative)


def configuration_text(
    root: Path, directory: Path, ruleset: str | None, plan_name: str | None
) -> str | None:
    """The ``.papershelf.toml`` init writes: ``plan = …`` for a plan laid out from a file
    (copied into ``directory`` as ``plan_name``), ``extends = […]`` for a rule set (a
    local file named from the configuration's folder); None when neither was asked for."""
    import json

    if plan_name is not None:
        relative = (directory.resolve() / plan_name).relative_to(root.resolve()).as_posix()
        return f"plan = {json.dumps(relative, ensure_ascii=False)}\n"
    if ruleset is None:
        return None
    if "/" in ruleset or ruleset.endswith(".toml"):  # a local file: from the config's folder
        local = Path(ruleset).resolve()
        try:
            ruleset = local.relative_to(root.resolve()).as_posix()
        except ValueError:
            ruleset = local.as_posix()
        if "/" not in ruleset:
            ruleset = f"./{ruleset}"
    extends = [ruleset] if ruleset == "hygiene" else [ruleset, "hygiene"]
    return f"extends = [{', '.join(json.dumps(n, ensure_ascii=False) for n in extends)}]\n"


def scaffold(target: Path, config: Config, plan: tuple[str, str] | None = None) -> ScaffoldResult:
    """Create what the plan names under ``target``; see the module docstring.

    ``plan`` is ``(file name, text)`` of a plan to lay out and copy in; without it, the
    plan text the rule sets in ``config`` ship. Every path is checked with
    :func:`papershelf.repo.repopaths.writable` before anything is written: a plan path
    climbing out (``01_x/../../x/``), a folder under a link out of the repository, or
    one in ``.git`` refuses the whole run, nothing written.
    """
    target.mkdir(parents=True, exist_ok=True)
    if not target.is_dir():
        raise PapershelfError(f"{target} is not a folder")
    found = gitfiles.repository_root(target)
    root = found if found is not None else target.resolve()
    plan_root = target.resolve().relative_to(root.resolve()).as_posix()
    plan_root = "" if plan_root == "." else plan_root
    result = ScaffoldResult(root=root, plan_root=plan_root, initialised=found is None)
    writer = _Writer(root, result)

    def under(relative: str) -> str:
        return posixpath.join(plan_root, relative) if plan_root else relative

    plan_file, text = plan if plan is not None else (None, None)
    if plan is None:
        plan_file, text = plan_file_path(config), shipped_plan_text(config)
    folders = [under(folder) for folder in planned_folders(config, text)]
    written = [*folders, under(plan_file)] if plan_file and text else folders
    _refuse_before_writing(root, folders, written)
    if found is None:
        gitfiles.init_repository(target)
    if plan_file and text:
        writer.file(under(plan_file), text)
    elif plan_file:
        result.notes.append(f"the rule set ships no plan text, so {plan_file} was not written")
    for folder in folders:
        writable(root, folder).mkdir(parents=True, exist_ok=True)
    for folder in sorted(folders):
        if not any((root / folder).iterdir()):
            writer.file(f"{folder}/{GITKEEP}", "")
    writer.file(".gitignore", GITIGNORE)
    writer.file(".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    if gitfiles.lfs_installed(root):
        writer.file(".gitattributes", GITATTRIBUTES)
    elif not (root / ".gitattributes").exists():
        result.notes.append(LFS_MISSING_NOTE)
    gitfiles.stage(root, result.created)
    return result
