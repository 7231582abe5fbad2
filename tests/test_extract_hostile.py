"""Hostile manifests, nested bombs, disguised zips, faults and races: ``papershelf extract`` holds.

Each test names what it defends; the README's "What papershelf refuses, and
what it survives" lists them by family.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from archive_builders import make_zip
from papershelf.archive.manifest import MANIFEST
from papershelf.cli import main


def extract(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def plant_manifest(dest: Path, archive: Path, folder: str, inode: int = 0) -> None:
    """A manifest someone else wrote, claiming ``archive`` went to ``folder``."""
    st = archive.stat()
    record = {
        "archive": str(archive),
        "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "folder": folder,
        "inode": inode,
        "bytes": 1,
        "entries": [],
    }
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MANIFEST).write_text(json.dumps({"version": 2, "archives": [record]}))


@pytest.mark.parametrize("force", [False, True])
def test_planted_manifest_cannot_name_a_folder_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    victim = tmp_path / "x/outside/victimdir"
    victim.mkdir(parents=True)
    (victim / "precious").write_text("mine")
    dest = tmp_path / "x/y/dest"
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    plant_manifest(dest, archive, "../../outside/victimdir", victim.stat().st_ino)
    code, out, err = extract(capsys, str(archive), "--dest", str(dest), *(["--force"] * force))
    assert code == 1
    assert out == ""
    assert err == (
        f"papershelf: error: {dest / MANIFEST}: damaged manifest (a record names the folder "
        "'../../outside/victimdir', which is not inside it); remove it or choose another --dest\n"
    )
    assert (victim / "precious").read_text() == "mine"
    assert sorted(os.listdir(dest)) == [MANIFEST]


@pytest.mark.parametrize("force", [False, True])
def test_manifest_record_is_believed_only_for_papershelfs_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    dest = tmp_path / "dest"
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    (dest / "mine").mkdir(parents=True)
    (dest / "mine/precious").write_text("mine")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious").write_text("mine")
    (dest / "link").symlink_to(outside)
    for folder in ("mine", "link"):
        plant_manifest(dest, archive, folder, (dest / folder).stat().st_ino + 1)
        code, out, _err = extract(capsys, str(archive), "--dest", str(dest), *(["--force"] * force))
        assert (code, out) == (0, f"{archive} -> {dest / 'top'} (1 entries, 1 bytes)\n")
        assert (dest / "top/a").read_bytes() == b"a"
        os.rename(dest / "top", tmp_path / f"done-{folder}")
    assert (dest / "mine/precious").read_text() == "mine"
    assert (outside / "precious").read_text() == "mine"


@pytest.mark.parametrize(
    "text",
    [
        '{"archives": "abc"}',
        '{"version": 2, "archives": "abc"}',
        "[1, 2, 3]",
        "null",
        '{"version": 2, "archives": [{"sha256": "x"}]}',
        '{"version": 2, "archives": [null]}',
        '{"version": 2, "archives": [{"archive": "a", "sha256": "x", "size": 1, "mtime_ns": 1, '
        '"folder": "f", "inode": true, "bytes": 1, "entries": []}]}',
        '{"version": 2, "archives": [{"archive": "a", "sha256": "x", "size": 1, "mtime_ns": 1, '
        '"folder": "f", "inode": 1, "bytes": 1, "entries": [5]}]}',
        "[" * 100_000 + "]" * 100_000,
        "\xff not utf-8",
    ],
)
def test_malformed_manifest_is_one_line_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / MANIFEST).write_bytes(text.encode("latin-1"))
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    code, out, err = extract(capsys, str(archive), "--dest", str(dest))
    assert (code, out) == (1, "")
    assert err.startswith(f"papershelf: error: {dest / MANIFEST}: damaged manifest (")
    assert err.endswith("); remove it or choose another --dest\n")
    assert err.count("\n") == 1
    assert sorted(os.listdir(dest)) == [MANIFEST]


def test_manifest_that_is_not_a_regular_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    os.mkfifo(dest / MANIFEST)
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    code, _out, err = extract(capsys, str(archive), "--dest", str(dest))
    assert code == 1
    assert "damaged manifest (not a regular file)" in err
