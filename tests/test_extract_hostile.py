"""Hostile manifests, nested bombs, disguised zips, faults and races: ``papershelf extract`` holds.

Each test names what it defends; the README's "What papershelf refuses, and
what it survives" lists them by family.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import signal
import stat
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive_builders import make_tar, make_zip, make_zip_by_hand
from interrupting import freeze_once_staging, start_extract
from papershelf.check.rules import portable_name
from papershelf.cli import main
from papershelf.extract.manifest import MANIFEST
from papershelf.plan.names import archive_stem as plan_archive_stem
from papershelf.repo.names import archive_stem, is_windows_reserved
from papershelf.sizes import parse_size
from rar_writer import file, write_rar5


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


def nested_zips(path: Path, leaf: bytes, fanout: int = 2, levels: int = 3) -> Path:
    """A zip of zips ``levels`` deep, ``fanout`` copies a level; the leaves hold ``leaf``."""
    data = _zip_bytes(path.parent / "leaf.zip", {"top/leaf": leaf})
    for level in range(levels - 1):
        data = _zip_bytes(
            path.parent / f"level{level}.zip",
            {f"top/inner{index}.zip": data for index in range(fanout)},
        )
    path.write_bytes(data)
    return path


def _zip_bytes(path: Path, files: dict[str, bytes]) -> bytes:
    data = make_zip(path, files).read_bytes()
    path.unlink()
    return data


@pytest.mark.parametrize(
    ("leaf", "args", "needle"),
    [
        (bytes(16 * 1024**2), (), "over the limit of 250:1 (a decompression bomb?)"),
        (bytes(1024**2), ("--max-total-size", "3M", "--max-ratio", "1e9"), "over the limit of"),
        (b"x", ("--max-entries", "5"), "entries in all, with the archives around it, over"),
    ],
)
def test_recursive_limits_bound_the_whole_extraction(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    leaf: bytes,
    args: tuple[str, ...],
    needle: str,
) -> None:
    """Each archive of the nest is under every limit; the nest as a whole is not."""
    archive = nested_zips(tmp_path / "nest.zip", leaf)
    dest = tmp_path / "dest"
    code, out, err = extract(capsys, str(archive), "--dest", str(dest), "--recursive", *args)
    assert (code, out) == (1, ""), err
    assert err.startswith(f"papershelf: error: {archive}: nested archive 'top/inner")
    assert needle in err
    assert not dest.exists()
    assert sorted(os.listdir(tmp_path)) == ["nest.zip"]
    code, _out, _err = extract(capsys, str(archive), "--dest", str(dest), *args)
    assert code == 0  # without --recursive the outer archive alone is fine


def test_list_runs_the_checks_extraction_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A local header naming ``../../x`` behind a benign central directory name."""
    archive = make_zip_by_hand(
        tmp_path / "a.zip", [(b"top/ok", b"top/ok", b"ok"), (b"top/benign", b"../../x", b"evil")]
    )
    code, out, err = extract(capsys, "--list", str(archive))
    assert (code, err) == (1, "")
    assert out == (
        f"{archive}:\n"
        "             2  top/ok\n"
        "             4  'top/benign'  UNSAFE: its local header names '../../x' instead "
        "(a disguised entry, or a damaged archive)\n"
    )
    code, out, err = extract(capsys, str(archive), "--dest", str(tmp_path / "dest"))
    assert (code, out) == (1, "")
    assert err == (
        f"papershelf: error: {archive}: refused: entry 'top/benign': its local header names "
        "'../../x' instead (a disguised entry, or a damaged archive)\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.zip"]


def test_truncated_zip_holding_a_zip_is_refused_as_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """zipfile would find the inner zip's end record and list the inner zip's files."""
    inner = make_zip(tmp_path / "inner.zip", {"inner/planted.txt": b"planted"}).read_bytes()
    (tmp_path / "inner.zip").unlink()
    archive = tmp_path / "outer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr("top/inner.zip", inner)
        out.writestr("top/a.txt", b"a")
        start_dir = out.fp.tell() if out.fp is not None else 0
    archive.write_bytes(archive.read_bytes()[:start_dir])
    for args in (["--list"], ["--dest", str(tmp_path / "dest")]):
        code, out_text, err = extract(capsys, *args, str(archive))
        assert (code, out_text) == (1, ""), err
        assert err == (
            f"papershelf: error: {archive}: damaged zip: its central directory is not where its "
            f"end record says (+{len('top/inner.zip') + 30} bytes; truncated, or a zip stored "
            "in another?)\n"
        )
    assert sorted(os.listdir(tmp_path)) == ["outer.zip"]


def test_zip_after_another_zip_is_refused_as_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes before the first entry that are a zip: two archives glued, one hidden."""
    first = make_zip(tmp_path / "first.zip", {"hidden/x": b"x"}).read_bytes()
    (tmp_path / "first.zip").unlink()
    glued = tmp_path / "glued.zip"
    glued.write_bytes(first + make_zip(tmp_path / "second.zip", {"top/a": b"a"}).read_bytes())
    code, _out, err = extract(capsys, str(glued), "--dest", str(tmp_path / "dest"))
    assert code == 1
    assert "damaged zip: its central directory is not where its end record says" in err
    adjusted = make_zip_by_hand(tmp_path / "adjusted.zip", [(b"top/a", b"top/a", b"a")], first)
    code, _out, err = extract(capsys, str(adjusted), "--dest", str(tmp_path / "dest"))
    assert code == 1
    assert err == (
        f"papershelf: error: {adjusted}: damaged zip: the {len(first)} bytes before its first "
        "entry are themselves a zip (truncated, or a zip stored in another?)\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["adjusted.zip", "glued.zip", "second.zip"]


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_symlink_target_longer_than_the_system_allows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    target = "a/" * 2500
    if kind == "tar":
        archive = make_tar(tmp_path / "a.tar", {"top/a/f": b"f"}, symlinks={"top/l": target})
    else:
        archive = make_zip(tmp_path / "a.zip", {"top/a/f": b"f"}, symlinks={"top/l": target})
    code, out, err = extract(capsys, "--list", str(archive))
    assert (code, err) == (1, "")
    assert "'top/l' -> a/a/" in out
    assert out.endswith("  UNSAFE: symlink target longer than 4095 bytes\n")
    code, out, err = extract(capsys, str(archive), "--dest", str(tmp_path / "dest"))
    assert (code, out) == (1, "")
    assert err == (
        f"papershelf: error: {archive}: refused: entry 'top/l': "
        "symlink target longer than 4095 bytes\n"
    )
    assert not (tmp_path / "dest").exists()


def test_tar_of_a_folder_with_its_dot_entry_extracts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tar -C dir -cf x.tar .` writes "./", "./a", "./sub/b": the commonest tar there is."""
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a").write_bytes(b"a")
    (source / "sub/b").write_bytes(b"b")
    archive = tmp_path / "x.tar"
    subprocess.run(["tar", "-C", str(source), "-cf", str(archive), "."], check=True)
    with tarfile.open(archive) as listing:
        assert listing.getnames()[0] == "."
    code, out, err = extract(capsys, str(archive), "--dest", str(tmp_path / "dest"))
    assert (code, err) == (0, "")
    assert out == f"{archive} -> {tmp_path / 'dest/x'} (3 entries, 2 bytes)\n"
    assert (tmp_path / "dest/x/a").read_bytes() == b"a"
    assert (tmp_path / "dest/x/sub/b").read_bytes() == b"b"
    dot_file = make_tar(tmp_path / "dot.tar", {"./": b"not a folder", "a": b"a"})
    code, _out, err = extract(capsys, str(dot_file), "--dest", str(tmp_path / "d2"))
    assert code == 1
    assert "entry './': name has no path" in err


def test_encrypted_rar_headers_in_the_default_install(tmp_path: Path) -> None:
    """rarfile's own first choice of AES, ``cryptography``, is a runtime dependency (not a
    test extra that would hide its absence); without it the error says what to install."""
    requirements = importlib.metadata.requires("papershelf") or []
    runtime = [r for r in requirements if "extra ==" not in r]
    assert any(r.startswith("cryptography") for r in runtime), runtime
    extras = [r for r in requirements if "extra ==" in r]
    assert not any(r.startswith("cryptography") for r in extras), extras
    archive = write_rar5(
        tmp_path / "a.rar",
        [file("top/secret.txt", b"secret")],
        password="верный",
        encrypt_headers=True,
    )[0]
    program = "from papershelf.cli import main; sys.exit(main(sys.argv[1:]))"
    for blocked, argv, expected, code in (
        ("", ["--list"], "top/secret.txt", 0),
        ("", ["--dest", str(tmp_path / "dest")], f"{archive} -> {tmp_path / 'dest/top'}", 0),
        (
            "sys.modules['cryptography'] = None; sys.modules['Crypto'] = None; ",
            ["--dest", str(tmp_path / "d2")],
            f"papershelf: error: {archive}: its headers are encrypted and rarfile finds no "
            "AES library (pip install cryptography)\n",
            1,
        ),
    ):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; {blocked}{program}",
                "extract",
                *argv,
                str(archive),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PAPERSHELF_PASSWORD": "верный"},
            check=False,
        )
        assert result.returncode == code, result.stderr
        assert expected in (result.stdout if code == 0 else result.stderr)
    assert (tmp_path / "dest/top/secret.txt").read_bytes() == b"secret"
    assert not (tmp_path / "d2").exists()


def test_a_size_means_the_same_in_extract_and_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "1kB" is 1,000 bytes everywhere (as "50MB" is for max-size); "1KiB" is 1,024."""
    assert parse_size("50MB") == 50_000_000
    archive = make_zip(tmp_path / "a.zip", {"top/a": bytes(1001)})
    code, _out, err = extract(
        capsys, str(archive), "--dest", str(tmp_path / "d1"), "--max-total-size", "1kB"
    )
    assert code == 1
    assert "1001 bytes uncompressed, over the limit of 1000" in err
    code, _out, err = extract(
        capsys, str(archive), "--dest", str(tmp_path / "d2"), "--max-total-size", "1KiB"
    )
    assert (code, err) == (0, "")
    code, _out, err = extract(capsys, str(archive), "--max-total-size", "5ib")
    assert code == 2
    assert "not a size" in err


def test_an_archive_stem_is_the_same_for_the_rules_and_the_extractor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert archive_stem("Курс.part2.rar") == "Курс"
    assert plan_archive_stem is archive_stem
    archive = make_zip(tmp_path / "Курс.part2.zip", {"a": b"a", "b": b"b"})
    code, out, _err = extract(capsys, str(archive), "--dest", str(tmp_path / "dest"))
    assert (code, out) == (0, f"{archive} -> {tmp_path / 'dest/Курс'} (2 entries, 2 bytes)\n")


@pytest.mark.parametrize(
    ("name", "reserved"),
    [("COM0.txt", False), ("LPT0", False), ("com1.txt", True), ("COM¹", True), ("aux .", True)],
)
def test_windows_reserved_names_are_one_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reserved: bool
) -> None:
    """Windows refuses COM1-9, not COM0 (Git for Windows checks out com0.c)."""
    assert is_windows_reserved(name) is reserved
    rule_says = any(kind == "reserved" for _, kind in portable_name.bad_names(f"\0top/{name}\0"))
    assert rule_says is reserved or name == "aux ."  # the rule reports "aux ." as trailing too
    archive = make_zip(tmp_path / "a.zip", {f"top/{name}": b"x", "top/ok": b"ok"})
    code, _out, err = extract(capsys, str(archive), "--dest", str(tmp_path / "dest"))
    assert (code == 1) is reserved, err
    assert ("Windows-reserved name" in err) is reserved


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default destination lives in the user's cache: never the real one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def big_zip(path: Path, files: int = 32) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for index in range(files):
            out.writestr(f"big/{index}", os.urandom(1024) * 2048)
    return path


def test_a_second_run_waits_for_the_lock_on_the_destination(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    dest = tmp_path / "dest"
    dest.mkdir()
    holder = os.open(dest, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    process = start_extract(str(archive), "--dest", str(dest))
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line == f"papershelf: waiting for another papershelf extract into {dest} to finish\n"
        assert process.poll() is None
        assert os.listdir(dest) == []
    finally:
        os.close(holder)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (0, "")
    assert out == f"{archive} -> {dest / 'top'} (1 entries, 1 bytes)\n"


def test_two_runs_of_one_archive_at_once_extract_it_once(tmp_path: Path) -> None:
    archive = big_zip(tmp_path / "a.zip", files=8)
    dest = tmp_path / "dest"
    runs = [start_extract(str(archive), "--dest", str(dest)) for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in runs]
    assert [code for code, _out, _err in results] == [0, 0], results
    outs = sorted(out for _code, out, _err in results)
    assert outs[0] == f"{archive} -> {dest / 'big'} (8 entries, {8 * 2 * 1024**2} bytes)\n"
    assert outs[1] == f"{archive}: already extracted to {dest / 'big'}\n"
    assert sorted(os.listdir(dest)) == [MANIFEST, "big"]
    assert len(json.loads((dest / MANIFEST).read_text())["archives"]) == 1


def test_staging_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    archive = big_zip(tmp_path / "a.zip")
    dest = tmp_path / "dest"
    process = start_extract(str(archive), "--dest", str(dest), "--max-ratio", "1e9")
    freeze_once_staging(process, dest)
    process.kill()
    process.communicate(timeout=60)
    [staging] = os.listdir(dest)
    assert staging.startswith(f".papershelf-staging-{process.pid}-")
    rerun = start_extract(str(archive), "--dest", str(dest), "--max-ratio", "1e9")
    out, err = rerun.communicate(timeout=120)
    assert (rerun.returncode, err) == (0, ""), err
    assert out.startswith(f"{archive} -> {dest / 'big'} (32 entries")
    assert sorted(os.listdir(dest)) == [MANIFEST, "big"]


def test_default_destination_is_stable_per_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "Курс LLM"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "sub").mkdir()
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    monkeypatch.chdir(repo)
    code, out, err = extract(capsys, str(archive))
    assert (code, err) == (0, "")
    [root] = list((tmp_path / "cache/papershelf/extract").iterdir())
    assert root.name.startswith("Курс LLM-")
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert out == f"{archive} -> {root / 'top'} (1 entries, 1 bytes)\n"
    monkeypatch.chdir(repo / "sub")
    code, out, err = extract(capsys, str(archive))
    assert (code, out, err) == (0, f"{archive}: already extracted to {root / 'top'}\n", "")
    monkeypatch.chdir(tmp_path)
    code, out, err = extract(capsys, str(archive))
    assert code == 0
    assert len(list((tmp_path / "cache/papershelf/extract").iterdir())) == 2


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs file systems (root only) to fill up or make read-only."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; these faults cannot be made otherwise")
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        where = tmp_path / f"fs{len(mounted)}"
        where.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True)
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", str(where)], check=False)


def fails_cleanly(
    capsys: pytest.CaptureFixture[str], archive: Path, dest: Path, needle: str
) -> None:
    """Exit 1, one line naming the archive, the destination exactly as before."""
    before = sorted(os.listdir(dest)) if dest.exists() else None
    code, out, err = extract(capsys, str(archive), "--dest", str(dest))
    assert (code, out) == (1, ""), err
    assert err.startswith(f"papershelf: error: {archive}: ") or err.startswith(
        "papershelf: error: "
    )
    assert needle in err
    assert err.count("\n") == 1 and ".papershelf-staging" not in err
    assert (sorted(os.listdir(dest)) if dest.exists() else None) == before


def test_disk_full_when_the_manifest_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tmpfs: Callable[[str], Path]
) -> None:
    dest = tmpfs("size=1M") / "dest"
    dest.mkdir()
    vfs = os.statvfs(dest)
    archive = make_zip(tmp_path / "a.zip", {"top/a": os.urandom(vfs.f_bavail * vfs.f_frsize)})
    fails_cleanly(
        capsys, archive, dest, "No space left on device (disk full?); nothing was extracted"
    )
    assert os.listdir(dest) == []


def test_inodes_exhausted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tmpfs: Callable[[str], Path]
) -> None:
    dest = tmpfs("size=4M,nr_inodes=12") / "dest"
    dest.mkdir()
    deep = "/".join("abcdefghijklmnop")  # mkdir runs out of inodes before any file is made
    archive = make_zip(tmp_path / "a.zip", {f"top/{deep}/f": b"x"})
    fails_cleanly(capsys, archive, dest, "No space left on device")


def test_read_only_destination(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tmpfs: Callable[[str], Path]
) -> None:
    fs = tmpfs("size=1M")
    (fs / "dest").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    fails_cleanly(capsys, archive, fs / "dest", "Read-only file system")


def test_dest_below_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "somefile").write_text("mine")
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    code, out, err = extract(capsys, str(archive), "--dest", str(tmp_path / "somefile/sub"))
    assert (code, out) == (1, "")
    assert err == (
        f"papershelf: error: {tmp_path / 'somefile/sub'}: cannot create --dest: Not a directory\n"
    )
    assert (tmp_path / "somefile").read_text() == "mine"


def test_archive_removed_while_being_read(tmp_path: Path) -> None:
    archive = big_zip(tmp_path / "a.zip")
    dest = tmp_path / "dest"
    dest.mkdir()
    process = start_extract(str(archive), "--dest", str(dest), "--max-ratio", "1e9")
    freeze_once_staging(process, dest, writing=True)
    archive.unlink()
    process.send_signal(signal.SIGCONT)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out) == (1, "")
    assert err == f"papershelf: error: {archive}: removed while being read; nothing was extracted\n"
    assert os.listdir(dest) == []


def test_encrypted_rar5_with_tweaked_checksums_is_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rar` stores an HMAC of each encrypted file's CRC32 (flag 0x0002); unar checks it too
    (``lsar -t`` passes these archives and fails one whose HMAC is wrong)."""
    data = "секрет\n".encode() * 300
    archive = write_rar5(
        tmp_path / "a.rar",
        [file("top/secret.txt", data), file("top/b", b"b")],
        password="верный",
        tweak_checksums=True,
    )[0]
    tested = subprocess.run(
        ["lsar", "-t", "-p", "верный", str(archive)], capture_output=True, text=True, check=False
    )
    assert tested.stdout.endswith("2 passed, 0 failed.\n"), tested.stdout
    code, out, err = extract(
        capsys, str(archive), "--dest", str(tmp_path / "dest"), "--password", "верный"
    )
    assert (code, err) == (0, "")
    assert out == f"{archive} -> {tmp_path / 'dest/top'} (2 entries, {len(data) + 1} bytes)\n"
    assert (tmp_path / "dest/top/secret.txt").read_bytes() == data
