"""What ``papershelf plan`` writes to files: the HTML page and the badge.

Kept apart from the commands themselves so ``cli.plan`` only chooses; every
file is written whole or not at all (a temporary file beside it, then a rename).
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

from papershelf.errors import PapershelfError
from papershelf.plan import ReadingPlan
from papershelf.workspace import Workspace


def write_atomically(path: Path, data: bytes, staging: Path | None = None) -> None:
    """Replace ``path`` with ``data``; an interrupted write leaves the old file (or none).

    With ``staging`` (the repository's ``.git/papershelf``) the temporary file is written
    there, where ``git add -A`` never sees it, when it is on the same file system."""
    import tempfile

    try:
        if path.parent.exists() and not path.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path)
        folder = _staging_folder(staging, path.parent)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PapershelfError(f"{path}: cannot write: {error.strerror or error}") from error
    try:
        # Locked until it is renamed: one left unlocked was left by a run that was killed.
        fcntl.flock(fd, fcntl.LOCK_EX)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
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


def _staging_folder(staging: Path | None, beside: Path) -> Path:
    """Where to write the temporary file: ``staging`` when a rename from there is atomic."""
    if staging is None:
        return beside
    try:
        staging.mkdir(parents=True, exist_ok=True)
        return staging if staging.stat().st_dev == beside.stat().st_dev else beside
    except OSError:
        return beside


def _remove_stale(path: Path) -> None:
    """Remove the temporary files a run killed while writing ``path`` left beside it
    (``.README.md.x1y2.tmp``), which ``git add -A`` would commit. One another run is
    still writing is locked, and kept."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            fd = os.open(stale, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # locked: another run is writing it
        else:
            stale.unlink(missing_ok=True)
        finally:
            os.close(fd)


def read_text(path: Path, shown: str, root: Path | None = None) -> tuple[bytes, str]:
    """A file to edit: its bytes and their UTF-8 text (decoding and encoding again is exact).

    Only a regular file is read, never blocking, up to the plan's size limit; one named
    inside the repository ``root`` must not lead out of it (a README linked elsewhere).
    """
    from papershelf.repo import repopaths
    from papershelf.sizes import PLAN_MAX_BYTES

    try:
        inside = root is not None and repopaths.within(root.absolute(), path.absolute().parent)
        if inside and root is not None:
            data = repopaths.read_inside(root, path, PLAN_MAX_BYTES, shown)
        else:
            data = repopaths.read_bytes(path, PLAN_MAX_BYTES, shown)
        return data, data.decode("utf-8")
    except OSError as error:
        raise PapershelfError(f"{shown}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise PapershelfError(f"{shown}: not UTF-8 text (byte {error.start})") from error


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
    here: Workspace, plans: list[ReadingPlan], plan_file: str | None, output: Path | None
) -> str:
    """The page for ``plans`` with the repository's open findings, commit and date."""
    from papershelf.check.engine import check_workspace
    from papershelf.repo import gitfiles
    from papershelf.views import html

    head = gitfiles.head_commit(here.root) if here.snapshot.in_git else None
    snap = here.snapshot

    def kind_of(path: str) -> str | None:
        return "file" if path in snap.file_set else "folder" if path in snap.dirs else None

    commit, date = head or (None, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    page = html.page_from_plans(
        plans,
        plan_file=plan_file,
        findings=check_workspace(here).findings,
        kind_of=kind_of,
        commit=commit,
        date=date,
    )
    return html.render(page, link_prefix=link_prefix(here.root, output))


def badge(plans: list[ReadingPlan]) -> tuple[str, int, int]:
    """The badge's SVG, and the done and total counts it shows (see ``render.progress``)."""
    from papershelf.views import badge as badge_report
    from papershelf.views.render import progress

    done, total = progress(plans)
    return badge_report.render(done, total), done, total


def update_block(
    plans: list[ReadingPlan],
    plan_location: Path | None,
    target: Path,
    root: Path | None = None,
    staging: Path | None = None,
) -> bool:
    """Rewrite the plan block in ``target``; False when it was already current. The new
    text is written first in ``staging`` (see :func:`write_atomically`)."""
    from papershelf.views import planblock

    if target.is_symlink():
        raise PapershelfError(
            f"{target}: a symbolic link; papershelf does not write through it (nothing was changed)"
        )
    data, text = read_text(target, str(target), root)
    link = None
    if plan_location is not None:
        link = Path(os.path.relpath(plan_location.resolve(), target.resolve().parent)).as_posix()
    lines = planblock.block_lines(plans, link)
    updated = planblock.replace_block(text, lines, str(target)).encode("utf-8")
    if updated == data:
        return False
    write_atomically(target, updated, staging)
    return True


def mark_read(
    plans: list[ReadingPlan], root: Path, title: str, plan_path: Path | None
) -> list[str]:
    """Tick the task-list box of each line naming ``title``; what was done, line by line."""
    import difflib

    from papershelf.plan import planedit
    from papershelf.plan.names import normalize_title

    wanted = normalize_title(title)
    found: dict[tuple[Path, str], dict[int, str]] = {}
    names: list[str] = []
    for number, plan in enumerate(plans):
        if plan_path is not None and number == 0:
            file, shown = plan_path, str(plan_path)
        elif plan.plan_file is not None:
            file, shown = root / plan.plan_file, plan.plan_file
        else:
            continue  # a rule set's plan: no file of the repository's to edit
        for item in plan.items():
            names.append(item.name)
            if item.name == title or (wanted and normalize_title(item.name) == wanted):
                found.setdefault((file, shown), {}).setdefault(item.line, item.label)
    if not found:
        folded = {name.casefold(): name for name in names}
        close = difflib.get_close_matches(title.casefold(), list(folded), n=1)
        hint = f"; did you mean {folded[close[0]]!r}?" if close else ""
        where = "the plan file" if names else "a plan file of the repository"
        raise PapershelfError(f"nothing named {title!r} in {where}{hint}")
    done: list[str] = []
    for (file, shown), lines in found.items():
        _, text = read_text(file, shown, root)
        changed = text
        for line, label in sorted(lines.items()):
            ticked = planedit.tick(changed, line, shown, label)
            state = "already read" if ticked is None else "marked read"
            changed = ticked if ticked is not None else changed
            done.append(f"{state}: {label} ({shown}:{line})")
        if changed != text:
            write_atomically(file, changed.encode("utf-8"))
    return done
