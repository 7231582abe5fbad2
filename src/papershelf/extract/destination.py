"""Where extraction writes: the destination folder, its lock, and what a killed run left there.

One run at a time per destination: the folder itself is locked (``flock``) for
the whole run, so two runs of one archive cannot both extract it or lose a
manifest record, and whatever a staging folder or a manifest being written is
found once the lock is held belongs to a run that is gone (``kill -9``,
power loss) — it is removed. Staging folders carry their owner's pid in their
name for people to read; the lock, not the pid, says the owner is gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from papershelf.extract.gitguard import guard
from papershelf.extract.manifest import MANIFEST, is_temporary
from papershelf.extract.model import ArchiveError
from papershelf.extract.staging import remove_tree
from papershelf.repo import gitfiles

STAGING_PREFIX = ".papershelf-staging-"


def staging_prefix() -> str:
    return f"{STAGING_PREFIX}{os.getpid()}-"


def default_root(cwd: Path) -> Path:
    """The same folder on every run for one repository (or folder outside git).

    It lies in the user's cache (``$XDG_CACHE_HOME`` or ``~/.cache``), private to
    the user unlike the shared temporary folder, and is named after the
    repository, so its manifest makes a second run say "already extracted".
    """
    where = (gitfiles.repository_root(cwd) or cwd).resolve()
    digest = hashlib.sha256(os.fsencode(where)).hexdigest()[:12]
    return user_cache() / "extract" / f"{where.name or 'root'}-{digest}"


def user_cache() -> Path:
    """papershelf's folder in the user's cache: ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(cache) if os.path.isabs(cache) else Path.home() / ".cache"
    return base / "papershelf"


@contextlib.contextmanager
def destination(
    dest: Path | None, force: bool, say: Callable[[str], None]
) -> Iterator[tuple[Path, bool]]:
    """The destination root, locked for the run, leftovers removed: ``(root, created)``."""
    explicit = dest is not None
    root = (dest if dest is not None else default_root(Path.cwd())).absolute()
    what = "--dest" if explicit else "the default destination"
    if os.path.lexists(root) and (root.is_symlink() or not root.is_dir()):
        raise ArchiveError(f"{root}: {what} must be a folder (absent or empty)")
    created = not os.path.lexists(root)
    note = guard(root, explicit=explicit)
    if note:
        say(note)
    if created:
        try:
            root.mkdir(parents=True, mode=0o777 if explicit else 0o700)
        except FileExistsError:
            created = False
        except OSError as error:
            raise ArchiveError(f"{root}: cannot create {what}: {error.strerror or error}") from None
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise ArchiveError(f"{root}: {what} must be a folder ({error.strerror})") from None
    try:
        _lock(fd, root, say)
        if not explicit and os.fstat(fd).st_uid != os.getuid():
            raise ArchiveError(f"{root}: not yours; give --dest")
        _remove_leftovers(root)
        if explicit and not created and not force:
            content = [n for n in os.listdir(root) if n != MANIFEST]
            if content and not (root / MANIFEST).exists():
                raise ArchiveError(
                    f"{root}: --dest already has files; choose an empty or absent "
                    "folder (or --force to extract beside them)"
                )
        yield root, created
    finally:
        os.close(fd)


def _lock(fd: int, root: Path, say: Callable[[str], None]) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        say(f"waiting for another papershelf extract into {root} to finish")
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as error:
        raise ArchiveError(f"{root}: cannot lock the destination: {error.strerror}") from None
    try:
        same = os.path.samestat(os.fstat(fd), os.lstat(root))
    except OSError:
        same = False
    if not same:
        raise ArchiveError(f"{root}: removed by another papershelf extract meanwhile; run again")


def _remove_leftovers(root: Path) -> None:
    """Staging folders and manifests being written: every live run holds the lock we hold."""
    for name in os.listdir(root):
        path = root / name
        st = os.lstat(path)
        if name.startswith(STAGING_PREFIX) and stat.S_ISDIR(st.st_mode):
            remove_tree(path)
        elif is_temporary(name) and stat.S_ISREG(st.st_mode):
            path.unlink()
