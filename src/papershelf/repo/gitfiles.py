"""The only module that runs git.

Every call uses ``-z`` and ``core.quotePath=false`` so Cyrillic, space and ``&``
names arrive exactly as they are on disk, never as git's quoted escapes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from papershelf.errors import PapershelfError
from papershelf.repo import inputs

if TYPE_CHECKING:
    import subprocess
else:

    class _ImportedOnFirstUse:
        """``subprocess`` costs milliseconds to import; a warm check never starts git."""

        def __getattr__(self, name: str) -> Any:
            import subprocess as module

            return getattr(module, name)

    subprocess = _ImportedOnFirstUse()

GIT = ("git", "-c", "core.quotePath=false")
MODE_GITLINK = 0o160000
MODE_SYMLINK = 0o120000
# The object ids of the empty blob, in SHA-1 and SHA-256 repositories.
EMPTY_BLOBS = frozenset(
    {
        "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
        "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
    }
)


class GitError(PapershelfError):
    pass


def _run(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            [*GIT, *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed or not on PATH") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed in {cwd}: {message[-1] if message else '?'}")
    return completed.stdout


class Repository(NamedTuple):
    root: Path  # the work tree
    git_dir: Path  # where the index and papershelf's cache live


def _find_git_dir(start: Path) -> Repository | None:
    """Walk up to the nearest ``.git`` (a folder, or a file naming one): no process needed."""
    folder = start.absolute()
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return Repository(candidate, dot_git) if (dot_git / "HEAD").is_file() else None
        if dot_git.is_file():
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not text.startswith("gitdir: "):
                return None
            target = Path(text[len("gitdir: ") :])
            git_dir = target if target.is_absolute() else candidate / target
            return Repository(candidate, Path(os.path.normpath(git_dir)))
    return None


def _git_on_path() -> bool:
    return any(
        os.access(os.path.join(folder, "git"), os.X_OK)
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder
    )


def find_repository(start: Path) -> Repository | None:
    """The repository holding ``start``, or None outside git (or with no git installed)."""
    overridden = ("GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES")
    if not any(name in os.environ for name in overridden):
        found = _find_git_dir(start)
        if found is not None and _git_on_path():
            return found
    try:
        completed = subprocess.run(
            [*GIT, "rev-parse", "--show-toplevel", "--absolute-git-dir"],
            cwd=start,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    lines = completed.stdout.decode("utf-8", "surrogateescape").splitlines()
    if completed.returncode != 0 or len(lines) != 2 or not lines[0]:
        return None
    return Repository(Path(lines[0]), Path(lines[1]))


def index_file(repository: Repository) -> Path:
    """The index git reads: ``GIT_INDEX_FILE`` when set (a ``git commit -a`` hook runs with
    ``index.lock``), else the repository's own."""
    override = os.environ.get("GIT_INDEX_FILE")
    return repository.root / override if override else repository.git_dir / "index"


def repository_root(start: Path) -> Path | None:
    repository = find_repository(start)
    return repository.root if repository else None


def list_stage(root: Path) -> str:
    """``<mode> <sha> <stage>\t<path>`` records, NUL-terminated (``git ls-files -s -z``)."""
    return _run(["ls-files", "--stage", "-z"], root).decode("utf-8", "surrogateescape")


def blob_sizes(root: Path, shas: Iterable[str]) -> dict[str, int]:
    """Sizes of blobs as stored (an LFS pointer is small, whatever the work tree holds)."""
    wanted = "".join(f"{sha}\n" for sha in shas).encode()
    if not wanted:
        return {}
    out = _run(["cat-file", "--batch-check=%(objectname) %(objectsize)"], root, wanted)
    sizes: dict[str, int] = {}
    for line in out.decode().splitlines():
        sha, _, size = line.partition(" ")
        if size.isdigit():
            sizes[sha] = int(size)
    return sizes


def blob_head(root: Path, sha: str, size: int) -> bytes:
    """The first ``size`` bytes of a blob, for when the work tree does not hold it."""
    completed = subprocess.run(
        [*GIT, "cat-file", "blob", sha], cwd=root, capture_output=True, check=False
    )
    return completed.stdout[:size]


def sparse_checkout(root: Path) -> bool:
    """Whether the work tree is a sparse checkout: a tracked file may be left out of it."""
    try:
        return git_path(root, "info/sparse-checkout").is_file()
    except GitError:
        return False


def index_blob(root: Path, path: str, limit: int) -> bytes | None:
    """The first ``limit`` bytes of ``path`` as the index holds it (a sparse checkout
    leaves it out of the work tree); None when the index has no such file."""
    process = subprocess.Popen(
        [*GIT, "cat-file", "blob", f":{path}"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    data = process.stdout.read(limit)
    process.stdout.close()
    process.kill()
    return data if process.wait() in (0, -9) and data else None


def gitmodules_paths(root: Path) -> dict[str, str]:
    """``path -> submodule name`` from ``.gitmodules`` (as staged, falling back to the file)."""
    inputs.note(root / ".gitmodules")
    if not (root / ".gitmodules").is_file():
        return {}
    try:
        out = _run(["config", "-z", "--file", ".gitmodules", "--get-regexp", r"\.path$"], root)
    except GitError:
        return {}
    result: dict[str, str] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        key, _, value = record.partition("\n")
        name = key[len("submodule.") : -len(".path")]
        result[value.strip("/")] = name
    return result


def _no_fifo_ignores(root: Path, paths: Sequence[str]) -> None:
    """git reads every ``.gitignore`` on the way to a path, and waits forever on one that
    is a FIFO: such a file is refused first, by name."""
    folders = {""}
    for path in paths:
        parts = path.strip("/").split("/")[:-1]
        folders.update("/".join(parts[: end + 1]) for end in range(len(parts)))
    for folder in sorted(folders):
        ignore = root / folder / ".gitignore" if folder else root / ".gitignore"
        try:
            mode = ignore.lstat().st_mode
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            shown = f"{folder}/.gitignore" if folder else ".gitignore"
            raise GitError(f"{shown}: not a regular file; git would wait on it forever")


def ignored(root: Path, paths: Sequence[str]) -> set[str]:
    """Which of ``paths`` git ignores (``.gitignore``, ``info/exclude``, global excludes)."""
    if not paths:
        return set()
    _no_fifo_ignores(root, paths)
    completed = subprocess.run(
        [*GIT, "check-ignore", "-z", "--stdin", "--no-index"],
        cwd=root,
        input="".join(f"{path}\0" for path in paths).encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise GitError(f"git check-ignore failed: {completed.stderr.decode().strip()}")
    return {p for p in completed.stdout.decode("utf-8", "surrogateescape").split("\0") if p}


# --- used by the organizer (init, --fix) ---


def init_repository(root: Path) -> None:
    """``git init`` a new repository at ``root``."""
    _run(["init", "-q"], root)


def lfs_installed(root: Path) -> bool:
    """Whether ``git lfs`` is available (it is a separate install)."""
    try:
        completed = subprocess.run(
            [*GIT, "lfs", "version"], cwd=root, capture_output=True, check=False
        )
    except FileNotFoundError:
        return False
    return completed.returncode == 0


def lfs_routed(root: Path, paths: Sequence[str]) -> set[str]:
    """Which of ``paths`` ``.gitattributes`` sends to Git LFS (``filter=lfs``)."""
    if not paths:
        return set()
    stdin = "".join(f"{path}\0" for path in paths).encode("utf-8", "surrogateescape")
    out = _run(["check-attr", "-z", "--stdin", "filter"], root, stdin)
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    return {fields[i] for i in range(0, len(fields) - 2, 3) if fields[i + 2] == "lfs"}


def lfs_filter_ready(root: Path) -> bool:
    """Whether ``git add`` runs Git LFS's clean filter here: git-lfs is installed and set
    up (``git lfs install``), else an LFS-routed file would be committed whole."""
    try:
        configured = _run(["config", "--get", "filter.lfs.clean"], root).strip()
    except GitError:
        return False
    return bool(configured) and lfs_installed(root)


def stage(root: Path, paths: Sequence[str]) -> None:
    """``git add`` exactly these paths (new files the organizer wrote)."""
    if paths:
        stdin = "".join(f"{path}\0" for path in paths).encode("utf-8", "surrogateescape")
        _run(["add", "--pathspec-from-file=-", "--pathspec-file-nul"], root, stdin)


def move(root: Path, source: str, target: str) -> None:
    """``git mv``: a rename git records as one, keeping the file tracked."""
    _run(["mv", "--", source, target], root)


def origin_url(folder: Path) -> str | None:
    """The ``origin`` URL of the repository whose top is exactly ``folder``, if it is one."""
    if not (folder / ".git").exists():
        return None
    top = repository_root(folder)
    if top is None or top.resolve() != folder.resolve():
        return None
    try:
        url = _run(["config", "--get", "remote.origin.url"], folder).decode().strip()
    except GitError:
        return None
    return url or None


def add_gitmodules_entry(root: Path, name: str, path: str, url: str) -> None:
    """Write ``submodule.<name>.path`` and ``.url`` into ``.gitmodules``."""
    _run(["config", "--file", ".gitmodules", f"submodule.{name}.path", path], root)
    _run(["config", "--file", ".gitmodules", f"submodule.{name}.url", url], root)


def work_tree_files(top: Path, skip_parts: frozenset[str] = frozenset()) -> list[str]:
    """Tracked and untracked, not ignored, files under a work tree (posix, relative).

    A nested clone (``git ls-files -o`` shows it as ``dir/``) and a checked-out
    submodule are listed by their own git; folders with a part in ``skip_parts``
    (``.venv``, ``node_modules`` …) are not entered.
    """
    out = _run(["ls-files", "-z", "-c", "-o", "--exclude-standard"], top)
    files: list[str] = []
    for path in out.decode("utf-8", "surrogateescape").split("\0"):
        if not path:
            continue
        if path.endswith("/"):
            if skip_parts.isdisjoint(path.split("/")):
                files.extend(path + inner for inner in work_tree_files(top / path, skip_parts))
        else:
            files.append(path)
    if ".gitmodules" in files:
        for submodule in gitmodules_paths(top):
            if (top / submodule / ".git").exists():
                inner_files = work_tree_files(top / submodule, skip_parts)
                files.extend(f"{submodule}/{inner}" for inner in inner_files)
    return files


def is_ignored(root: Path, relative: str) -> bool:
    """Whether git ignores ``relative`` (a trailing ``/`` asks about a folder)."""
    return bool(ignored(root, [relative]))


def git_path(root: Path, name: str) -> Path:
    """Where git keeps ``name`` (``info/exclude`` …), worktrees included."""
    out = _run(["rev-parse", "--git-path", name], root).decode("utf-8", "surrogateescape")
    return root / out.rstrip("\n")


def head_commit(root: Path) -> tuple[str, str] | None:
    """HEAD's object id and committer date (strict ISO 8601), or None before the first commit."""
    try:
        out = _run(["log", "-1", "--no-show-signature", "--format=%H%x00%cI"], root)
    except GitError:
        return None
    sha, _, date = out.decode("ascii", "replace").strip().partition("\0")
    return (sha, date) if sha and date else None
