"""Every cache file in ``.git/papershelf/`` carries a checksum: damage is a miss, never a result."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, git, make_repo, write_files
from papershelf import store
from papershelf.cli import repo_check_main

ZIP_BYTES = b"PK\x05\x06" + b"\0" * 18  # an empty zip archive


def run(capsys: pytest.CaptureFixture[str], repo: Path) -> tuple[int, str, str]:
    code = repo_check_main([str(repo)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def flip_bit(path: Path, needle: bytes) -> None:
    """Flip the lowest bit of the first byte of every ``needle`` in the file (bit rot)."""
    data = path.read_bytes()
    assert needle in data
    flipped = bytes([needle[0] ^ 1]) + needle[1:]
    path.write_bytes(data.replace(needle, flipped))


@pytest.mark.parametrize(
    ("name", "needle", "restage"),
    [
        ("index-facts.v2", b"Voyager.pdf", False),  # a path: a false missing-paper
        ("toml.v1", b"04_Agentic", False),  # a plan section: a false missing-path
        ("blobs.v2", b"zip", True),  # an archive kind, read when the index changes
        ("check-result.v1", b"x.zip", False),  # a finding's path, read by a warm run
    ],
)
def test_a_flipped_bit_in_a_cache_file_is_a_miss_and_the_file_is_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, needle: bytes, restage: bool
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "05_Alignment/x.zip": ZIP_BYTES})
    expected = run(capsys, repo)
    assert "x.zip: warning archive-in-git: zip archive tracked by git" in expected[1]
    cache_file = repo / ".git" / "papershelf" / name
    flip_bit(cache_file, needle)
    if name != "check-result.v1":  # the warm run's answer would hide the file below it
        (repo / ".git" / "papershelf" / "check-result.v1").unlink()
    if restage:  # a new index: the facts are rebuilt from the blob cache
        write_files(repo, {"05_Alignment/note.md": "# note\n"})
        git(repo, "add", "-A")
    assert run(capsys, repo) == expected
    assert needle in cache_file.read_bytes()  # rewritten whole
    frames = {"index-facts.v2": 2, "check-result.v1": 3}.get(name, 1)
    assert store.load(cache_file, frames) is not None
    assert run(capsys, repo) == expected


@pytest.mark.parametrize("cut", [0, 5, 12, -1])
def test_a_truncated_or_padded_cache_file_is_a_miss(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "cache"
    store.store(path, ("header", 1), {"body": list(range(100))})
    whole = path.read_bytes()
    assert store.load(path, 2) == [("header", 1), {"body": list(range(100))}]
    path.write_bytes(whole[:cut])
    assert store.load(path, 2) is None
    path.write_bytes(whole + b"\0")
    assert store.load(path, 2) is None


def test_a_length_larger_than_the_file_is_a_miss_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "cache"
    store.store(path, "value")
    data = bytearray(path.read_bytes())
    data[0] = 0x7F  # a length of exabytes
    path.write_bytes(bytes(data))
    assert store.load(path, 1) is None


def test_a_stale_header_skips_the_body(tmp_path: Path) -> None:
    path = tmp_path / "cache"
    store.store(path, "stamp 1", "body")
    assert store.load(path, 2, expect_first="stamp 2") is None
    assert store.load(path, 2, expect_first="stamp 1") == ["stamp 1", "body"]


def test_a_commit_hook_is_checked_against_the_index_being_committed(tmp_path: Path) -> None:
    """``git commit -a`` runs hooks with ``GIT_INDEX_FILE=.git/index.lock``: the cache of
    ``.git/index`` (unchanged) must not answer for it."""
    import sys

    repo = make_repo(tmp_path / "study", {"data.bin": "plain\n", "notes.md": "# notes\n"})
    assert repo_check_main(["--rule", "archive-in-git", str(repo)]) == 0  # a warm cache
    report = tmp_path / "hook.txt"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        f"#!/bin/sh\n'{sys.executable}' -m papershelf check --rule archive-in-git . > '{report}'\n"
    )
    hook.chmod(0o755)
    (repo / "data.bin").write_bytes(ZIP_BYTES)
    git(repo, "commit", "-qam", "data.bin is a zip now")
    assert report.read_text(encoding="utf-8").startswith(
        "data.bin: warning archive-in-git: zip archive tracked by git under a name that hides it"
    )


def test_the_store_holds_only_its_entries_and_drops_what_another_version_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "x.zip": ZIP_BYTES})
    cache = repo / ".git" / "papershelf"
    run(capsys, repo)
    names = {store.entry(cache, name).name for name in store.ENTRIES}
    written = {path.name for path in cache.iterdir()}
    assert written <= names
    assert {"check-result.v1", "index-facts.v2", "blobs.v2", "plans.v1"} <= written
    # What an older papershelf kept, a run's temporary file and a folder of another tool.
    (cache / "paper-facts.v1").write_bytes(b"old")
    (cache / "blobs.v1").write_bytes(b"old")
    (cache / ".plans.v1.12345").write_bytes(b"being written")
    (cache / "fetch").mkdir()
    write_files(repo, {"notes.md": "new\n"})
    git(repo, "add", "notes.md")
    run(capsys, repo)
    left = {path.name for path in cache.iterdir()}
    assert "paper-facts.v1" not in left and "blobs.v1" not in left
    assert {".plans.v1.12345", "fetch"} <= left
    assert left - {".plans.v1.12345", "fetch"} <= names
