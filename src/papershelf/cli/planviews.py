"""What ``papershelf plan`` writes to files: the HTML page and the badge.

Kept apart from the command itself so ``organize.plan`` only chooses; every
file is written whole or not at all (a temporary file beside it, then a rename).
"""

from __future__ import annotations

import errno
import os
from datetime import datetime, timezone
from pathlib import Path

from papershelf.errors import PapershelfError
from papershelf.readingplan import ReadingPlan
from papershelf.workspace import Workspace


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``; an interrupted write leaves the old file (or none)."""
    import tempfile

    try:
        if path.parent.exists() and not path.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise PapershelfError(f"{path}: cannot write: {error.strerror or error}") from error
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def link_prefix(root: Path, output: Path | None) -> str:
    """What leads from the page's folder back to the repository root, as a URL path."""
    if output is None:
        return ""
    relative = os.path.relpath(root.resolve(), output.resolve().parent)
    return "" if relative == "." else Path(relative).as_posix() + "/"


def repository_relative(root: Path, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def html_page(
    here: Workspace, plan: ReadingPlan, plan_file: str | None, output: Path | None
) -> str:
    """The page for ``plan`` with the repository's open findings, commit and date."""
    from papershelf import gitfiles
    from papershelf.engine import check_workspace
    from papershelf.report import html

    head = gitfiles.head_commit(here.root) if here.snapshot.in_git else None
    snap = here.snapshot

    def kind_of(path: str) -> str | None:
        return "file" if path in snap.file_set else "folder" if path in snap.dirs else None

    commit, date = head or (None, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    page = html.page_from_plan(
        plan,
        plan_file=plan_file,
        plan_root=here.layout.plan_root or "",
        findings=check_workspace(here).findings,
        kind_of=kind_of,
        commit=commit,
        date=date,
    )
    return html.render(page, link_prefix=link_prefix(here.root, output))


def badge(plan: ReadingPlan) -> tuple[str, int, int]:
    """The badge's SVG, and the present and total counts it shows."""
    from papershelf.report import badge as badge_report

    summary = plan.summary()
    done, total = summary.get("present", 0), sum(summary.values())
    return badge_report.render(done, total), done, total


def update_block(plan: ReadingPlan, plan_location: Path | None, target: Path) -> bool:
    """Rewrite the plan block in ``target``; False when it was already current."""
    from papershelf import planblock

    try:
        data = target.read_bytes()
        text = data.decode("utf-8")
    except OSError as error:
        raise PapershelfError(f"{target}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise PapershelfError(f"{target}: not UTF-8 text (byte {error.start})") from error
    link = None
    if plan_location is not None:
        link = Path(os.path.relpath(plan_location.resolve(), target.resolve().parent)).as_posix()
    lines = planblock.block_lines(plan, link)
    updated = planblock.replace_block(text, lines, str(target)).encode("utf-8")
    if updated == data:
        return False
    write_atomically(target, updated)
    return True
