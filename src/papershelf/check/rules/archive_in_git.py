"""An archive is tracked by git.

The plan's house rule: archives are extracted into a separate temporary folder
and never litter git. Archives are found by name (``.zip``, ``.rar``, ``.7z``,
``.tar.*``, ``.gz``, ``.bz2``, ``.xz``, ``.zst``, RAR volumes) and by their
first bytes, so a renamed archive is still found; a Git LFS pointer is not
reported, since the archive itself then lives outside git, and neither is a
single compressed document (``paper.ps.gz``, ``.pdf.gz``, ``.djvu.gz``): it is
a paper to read, not files to extract. Nor is a zip whose members say it is a
document: an Office file (``[Content_Types].xml``), an OpenDocument file or
EPUB (``mimetype``), a wheel or jar (``.dist-info``, ``META-INF``), NumPy's
``.npz`` (``.npy`` members) or a PyTorch save (``*/data.pkl`` and
``*/version``), whatever its name.
"""

from __future__ import annotations

from collections.abc import Iterator

from papershelf.check.rules.base import Context, Rule
from papershelf.findings import Finding, Severity
from papershelf.repo.magic import LFS_POINTER_KIND, ZIP_DOCUMENT_KIND, has_archive_suffix
from papershelf.repo.names import is_compressed_document
from papershelf.shown import command


def archives(ctx: Context) -> Iterator[tuple[str, str | None]]:
    """``(path, kind)`` of every tracked archive; kind is None when only the name says so."""
    snapshot = ctx.snapshot
    found: dict[str, str | None] = {
        path: None for path in snapshot.archive_named if path not in snapshot.empty
    }
    for path, (_, kind) in snapshot.notable.items():
        if kind is not None:
            found[path] = kind
    for path in [path for path in found if is_compressed_document(path)]:
        if found[path] in (None, "gzip", "bzip2", "xz", "compress"):
            del found[path]  # `paper.ps.gz` is one document to read, not files to extract
    for path in sorted(found):
        if found[path] not in (LFS_POINTER_KIND, ZIP_DOCUMENT_KIND):
            yield path, found[path]


def check(ctx: Context) -> Iterator[Finding]:
    for path, kind in archives(ctx):
        name = path.rpartition("/")[2]
        if kind is None:
            message = "a file named like an archive is tracked by git"
        elif has_archive_suffix(name):
            message = f"{kind} archive tracked by git"
        else:
            message = f"{kind} archive tracked by git under a name that hides it"
        yield RULE.finding(
            path,
            message,
            hint=command("git rm --cached", path) + " && " + command("papershelf extract", path),
        )


RULE = Rule(
    slug="archive-in-git",
    code="PS201",
    severity=Severity.WARNING,
    description="An archive (.zip, .rar, .7z, .tar.*, …) is tracked by git.",
    hint="extract it outside git with papershelf extract, and untrack it",
    check=check,
    doc=__doc__ or "",
)
