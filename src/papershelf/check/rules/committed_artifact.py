"""Something generated is tracked: a virtualenv, caches, OS junk, an extraction.

A committed ``.venv`` (found by its ``pyvenv.cfg``), ``site-packages``,
``__pycache__``, ``.ipynb_checkpoints``, ``*.egg-info`` (what ``pip install -e .``
writes beside a project's sources), ``.DS_Store``, ``Thumbs.db`` or a
folder ``papershelf extract`` made (it holds ``.papershelf-extract.json``)
belongs to one machine, not to the repository. Each is reported once, at its
top-most folder.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.shown import command

ARTIFACT_FOLDERS = {
    "site-packages": "installed packages",
    "__pycache__": "Python bytecode cache",
    ".ipynb_checkpoints": "Jupyter checkpoints",
}
MARKER_FILES = {
    "pyvenv.cfg": "a virtual environment",
    ".papershelf-extract.json": "an extracted archive",
}
ARTIFACT_SUFFIXES = {".egg-info": "Python build metadata (pip install -e)"}
JUNK_FILES = {".DS_Store": "macOS folder metadata", "Thumbs.db": "Windows thumbnail cache"}


def paths_named(text: str, name: str) -> Iterator[str]:
    """Paths whose last part is ``name``, found in the NUL-joined path text at C speed."""
    for needle in (f"/{name}\0", f"\0{name}\0"):
        start = 0
        while (start := text.find(needle, start)) != -1:
            end = start + len(needle) - 1
            yield text[text.rindex("\0", 0, start + 1) + 1 : end]
            start = end


def artifacts(ctx: Context) -> dict[str, str]:
    """``path -> what it is``, keeping only the top-most of nested ones."""
    found: dict[str, str] = {}
    for name, what in (*MARKER_FILES.items(), *JUNK_FILES.items()):
        for path in paths_named(ctx.snapshot.text, name):
            if name in MARKER_FILES:
                found[path.rpartition("/")[0] or "."] = what
            else:
                found[path] = what
    for folder in ctx.snapshot.dirs:
        name = folder.rpartition("/")[2]
        if name in ARTIFACT_FOLDERS:
            found.setdefault(folder, ARTIFACT_FOLDERS[name])
        for suffix, what in ARTIFACT_SUFFIXES.items():
            if name.endswith(suffix):
                found.setdefault(folder, what)
    tops: dict[str, str] = {}
    for path in sorted(found):
        if not any(path.startswith(top + "/") for top in tops):
            tops[path] = found[path]
    return tops


def check(ctx: Context) -> Iterator[Finding]:
    found = ctx.snapshot.memo("committed-artifact", lambda: artifacts(ctx), persist=True)
    for path, what in found.items():
        yield RULE.finding(
            path,
            f"{what} is tracked by git",
            hint=f"{command('git rm -r --cached', path)} and add it to .gitignore",
        )


RULE = Rule(
    slug="committed-artifact",
    code="PS204",
    severity=Severity.ERROR,
    description="A virtualenv, cache, OS junk file or extraction folder is tracked.",
    hint="untrack it and add it to .gitignore",
    check=check,
    doc=__doc__ or "",
)
