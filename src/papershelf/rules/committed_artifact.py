"""Something generated is tracked: a virtualenv, caches, OS junk, an extraction.

A committed ``.venv`` (found by its ``pyvenv.cfg``), ``site-packages``,
``__pycache__``, ``.ipynb_checkpoints``, ``.DS_Store``, ``Thumbs.db`` or a
folder ``papershelf extract`` made (it holds ``.papershelf-extract.json``)
belongs to one machine, not to the repository. Each is reported once, at its
top-most folder.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.findings import Finding, Severity
from papershelf.rules.base import Context, Rule

ARTIFACT_FOLDERS = {
    "site-packages": "installed packages",
    "__pycache__": "Python bytecode cache",
    ".ipynb_checkpoints": "Jupyter checkpoints",
}
MARKER_FILES = {
    "pyvenv.cfg": "a virtual environment",
    ".papershelf-extract.json": "an extracted archive",
}
JUNK_FILES = {".DS_Store": "macOS folder metadata", "Thumbs.db": "Windows thumbnail cache"}


def artifacts(ctx: Context) -> dict[str, str]:
    """``path -> what it is``, keeping only the top-most of nested ones."""
    found: dict[str, str] = {}
    for path in ctx.snapshot.files:
        parent, _, name = path.rpartition("/")
        if name in MARKER_FILES:
            found[parent or "."] = MARKER_FILES[name]
        elif name in JUNK_FILES:
            found[path] = JUNK_FILES[name]
    for folder in ctx.snapshot.dirs:
        name = folder.rpartition("/")[2]
        if name in ARTIFACT_FOLDERS:
            found.setdefault(folder, ARTIFACT_FOLDERS[name])
    tops = {}
    for path in sorted(found):
        if not any(path.startswith(top + "/") for top in tops):
            tops[path] = found[path]
    return tops


def check(ctx: Context) -> Iterator[Finding]:
    for path, what in artifacts(ctx).items():
        yield RULE.finding(
            path,
            f"{what} is tracked by git",
            hint=f"git rm -r --cached '{path}' and add it to .gitignore",
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
