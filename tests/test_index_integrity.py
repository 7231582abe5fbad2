"""A damaged ``.git/index`` is one clear error naming the file (exit 2), never wrong findings."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, git, make_repo, write_files
from papershelf.cli import repo_check_main
from papershelf.repo import gitindex


def run(capsys: pytest.CaptureFixture[str], repo: Path) -> tuple[int, str, str]:
    code = repo_check_main([str(repo)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def garbage(data: bytes) -> bytes:
    return random.Random(9).randbytes(len(data))


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def cut_checksum(data: bytes) -> bytes:
    return data[:-20]


def flipped_path_bit(data: bytes) -> bytes:
    """One bit of one path, as bit rot would: git itself reads it without complaint."""
    return data.replace(b"Voyager.pdf", b"Woyager.pdf")


def garbage_header(data: bytes) -> bytes:
    return b"\0" * 12 + data[12:]


@pytest.mark.parametrize(
    "damage", [garbage, truncated, cut_checksum, flipped_path_bit, garbage_header]
)
def test_a_damaged_index_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Callable[[bytes], bytes]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    assert run(capsys, repo)[0] == 0  # a warm cache, keyed by the healthy index
    index = repo / ".git" / "index"
    index.write_bytes(damage(index.read_bytes()))
    code, out, err = run(capsys, repo)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"repo-check: error: {index}: the git index is damaged (")
    assert err.rstrip().endswith(
        "rebuild it from the last commit with `git reset` (changes staged since are lost)"
    )


def test_a_rebuilt_index_is_checked_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    expected = run(capsys, repo)
    index = repo / ".git" / "index"
    index.write_bytes(truncated(index.read_bytes()))
    assert run(capsys, repo)[0] == 2
    index.unlink()
    git(repo, "reset", "-q")
    assert run(capsys, repo) == expected


def healthy_index(tmp_path: Path, *setup: tuple[str, ...], init: tuple[str, ...] = ()) -> bytes:
    """The index git writes for three files (one named past the 12-bit length field),
    after ``setup`` commands; ``later.md`` is there, unstaged, for them to use."""
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", *init)
    write_files(repo, {"a.md": "a", "Папка/b.md": "b", "later.md": "later"})
    git(repo, "add", "a.md", "Папка/b.md")
    blob = git(repo, "hash-object", "-w", "a.md").strip()
    too_long = "/".join(["d" * 200] * 25) + ".md"  # past PATH_MAX: only the index holds it
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{too_long}")
    for args in setup:
        git(repo, *args)
    return (repo / ".git" / "index").read_bytes()


@pytest.mark.parametrize(
    ("setup", "init"),
    [
        ((), ()),
        ((("update-index", "--index-version", "3"), ("add", "-N", "later.md")), ()),
        ((("update-index", "--index-version", "4"),), ()),  # prefix-compressed names
        ((("update-index", "--split-index"),), ()),  # a "link" extension
        ((), ("--object-format=sha256",)),  # 32-byte ids and checksum
    ],
    ids=["v2", "v3-intent-to-add", "v4", "split-index", "sha256"],
)
def test_every_index_git_writes_is_whole(
    tmp_path: Path, setup: tuple[tuple[str, ...], ...], init: tuple[str, ...]
) -> None:
    data = healthy_index(tmp_path, *setup, init=init)
    assert gitindex.problem(data) is None
    assert gitindex.problem(data[:-1]) == "its checksum does not match: truncated or changed"


def test_an_index_without_a_checksum_has_its_entries_walked(tmp_path: Path) -> None:
    """``index.skipHash`` writes zeros for the checksum: then the entries' bounds must fit."""
    data = healthy_index(tmp_path, ("update-index", "--index-version", "3"))
    unhashed = data[:-20] + b"\0" * 20
    assert gitindex.problem(unhashed) is None
    count = int.from_bytes(data[8:12], "big")
    one_more = data[:8] + (count + 1).to_bytes(4, "big") + data[12:-20] + b"\0" * 20
    assert gitindex.problem(one_more) == f"entry {count + 1} of {count + 1} runs past the end"
    assert gitindex.problem(data[:100] + b"\0" * 20) is not None


def test_an_index_git_refuses_is_the_same_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whole, but with a required extension git does not know: git's refusal, mapped."""
    import hashlib

    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    index = repo / ".git" / "index"
    body = index.read_bytes()[:-20] + b"zzzz" + (0).to_bytes(4, "big")
    index.write_bytes(body + hashlib.sha1(body).digest())
    assert gitindex.problem(index.read_bytes()) is None
    code, out, err = run(capsys, repo)
    assert (code, out) == (2, "")
    assert err == (
        f"repo-check: error: {index}: the git index is damaged (index file corrupt); move it "
        "away and rebuild it from the last commit with `git reset` (changes staged since are "
        "lost)\n"
    )


def test_a_split_index_is_checked_with_its_shared_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ``core.splitIndex`` most entries live in ``sharedindex.<id>``, which git reads
    without verifying either: one flipped bit there is refused too."""
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    git(repo, "update-index", "--split-index")
    write_files(repo, {"05_Alignment/more notes.md": "# more\n"})
    git(repo, "add", "-A")
    expected = run(capsys, repo)
    assert expected[0] == 0
    shared_parts = sorted((repo / ".git").glob("sharedindex.*"))
    assert shared_parts
    for shared in shared_parts:
        shared.write_bytes(flipped_path_bit(shared.read_bytes()))
    (repo / ".git" / "index").touch()  # a changed index: the cache does not answer
    code, out, err = run(capsys, repo)
    assert (code, out) == (2, "")
    assert err.startswith(f"repo-check: error: {repo / '.git'}/sharedindex.")
    assert "the git index is damaged (its checksum does not match" in err


@pytest.mark.parametrize("init", [(), ("--object-format=sha256",)], ids=["sha1", "sha256"])
def test_a_large_index_is_checked_like_a_small_one(tmp_path: Path, init: tuple[str, ...]) -> None:
    """Small indexes are hashed by Python's own SHA code, large ones by OpenSSL's: both
    must accept what git writes and refuse one changed byte."""
    import subprocess

    repo = tmp_path / "big"
    repo.mkdir()
    git(repo, "init", "-q", *init)
    write_files(repo, {"a.md": "a"})
    blob = git(repo, "hash-object", "-w", "a.md").strip()
    listing = "".join(
        f"100644 {blob}\tpapers/{n:05d}/{'a long folder name, as plans have ' * 2}.md\n"
        for n in range(6000)
    )
    subprocess.run(
        ["git", "update-index", "--index-info"], cwd=repo, input=listing.encode(), check=True
    )
    data = (repo / ".git" / "index").read_bytes()
    assert len(data) > gitindex._SMALL_INDEX
    assert gitindex.problem(data) is None
    middle = len(data) // 2
    changed = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
    assert gitindex.problem(changed) == "its checksum does not match: truncated or changed"
    (tmp_path / "small").mkdir()
    small = healthy_index(tmp_path / "small", init=init)
    assert len(small) < gitindex._SMALL_INDEX
    assert gitindex.problem(small) is None
