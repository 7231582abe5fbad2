"""Every hostile archive papershelf knows of is refused: exit 1, the entry named, nothing
written.

Each test name carries the number of the hostile case it builds. Archives are built here, by the
standard writers, py7zr, and the stored-RAR writer in ``rar_writer.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from archive_builders import make_7z, make_tar, make_zip, patch, tar_file, tar_special, zip_entry
from interrupting import freeze_once_staging, start_extract
from papershelf.cli import main
from rar_writer import Member, directory, file, hardlink, symlink, write_rar5

# unrar is non-free and not installed by `make test`: covered only where present.
RAR_BACKENDS = ["unar", "bsdtar", *(["unrar"] if shutil.which("unrar") else [])]


def tree(root: Path) -> set[str]:
    """Every path under ``root`` (links not followed)."""
    found = set()
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def refused(capsys: pytest.CaptureFixture[str], archive: Path, needle: str, *args: str) -> str:
    """Extract ``archive``: exit 1, ``needle`` in the one-line error, nothing anywhere."""
    root = archive.parent
    before = tree(root)
    dest = root / "out"
    code = main(["extract", str(archive), "--dest", str(dest), *args])
    err = capsys.readouterr().err
    assert code == 1, err
    assert needle in err, err
    assert str(archive) in err
    assert not dest.exists()
    assert tree(root) == before
    return err


def rar(path: Path, members: list[Member]) -> Path:
    return write_rar5(path, members)[0]


# 1. traversal
@pytest.mark.parametrize("name", ["../x", "a/../../x"])
@pytest.mark.parametrize("kind", ["zip", "tar", "7z", "rar"])
def test_1_traversal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, name: str
) -> None:
    if kind == "zip":
        archive = make_zip(tmp_path / "a.zip", {"ok.txt": b"ok", name: b"evil"})
    elif kind == "tar":
        archive = make_tar(tmp_path / "a.tar", {"ok.txt": b"ok", name: b"evil"})
    elif kind == "7z":
        placeholder = "Q" * len(name)
        archive = make_7z(
            tmp_path / "a.7z", {"ok.txt": b"ok", placeholder: b"evil"}, renames={placeholder: name}
        )
    else:
        archive = rar(tmp_path / "a.rar", [file("ok.txt", b"ok"), file(name, b"evil")])
    refused(capsys, archive, f"entry {name!r}: path traversal")


# 2. absolute paths
@pytest.mark.parametrize("name", ["/x", "//x", "C:\\x", "\\\\server\\x", "c:/x"])
@pytest.mark.parametrize("kind", ["zip", "tar", "rar"])
def test_2_absolute(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, name: str
) -> None:
    if kind == "zip":
        archive = make_zip(tmp_path / "a.zip", {name: b"evil"})
    elif kind == "tar":
        archive = make_tar(tmp_path / "a.tar", {name: b"evil"})
    else:
        archive = rar(tmp_path / "a.rar", [file(name, b"evil")])
    refused(capsys, archive, "absolute path")


# 3. backslash traversal in a Unix-made zip
def test_3_backslash_traversal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(zip_entry("..\\..\\x", 0o100644), b"evil")
    refused(capsys, archive, "path traversal")


# 4. a symlink to a folder outside, then a file written through it
@pytest.mark.parametrize("kind", ["zip", "tar", "rar"])
def test_4_symlink_then_write_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    (tmp_path / "victim").mkdir()
    if kind == "zip":
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as out:
            out.writestr(zip_entry("top/link", stat.S_IFLNK | 0o777), "../../victim")
            out.writestr(zip_entry("top/link/evil", 0o100644), b"evil")
    elif kind == "tar":
        archive = tmp_path / "a.tar"
        with tarfile.open(archive, "w") as out:
            tar_special(out, "top/link", tarfile.SYMTYPE, "../../victim")
            tar_file(out, "top/link/evil", b"evil")
    else:
        archive = rar(
            tmp_path / "a.rar",
            [symlink("top/link", "../../victim"), file("top/link/evil", b"evil")],
        )
    err = refused(capsys, archive, "'top/link/evil': a parent folder is a symlink")
    assert "points outside" in err or "more problems" in err
    assert not (tmp_path / "victim" / "evil").exists()


def test_4_symlink_outside_alone_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"}, symlinks={"top/l": "../../etc"})
    refused(capsys, archive, "entry 'top/l': symlink '../../etc' points outside")


# 5. a symlink chain
@pytest.mark.parametrize("kind", ["tar", "rar"])
def test_5_symlink_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    if kind == "tar":
        archive = make_tar(
            tmp_path / "a.tar", {"top/a": b"a"}, symlinks={"top/cur": ".", "top/par": "cur/.."}
        )
    else:
        archive = rar(
            tmp_path / "a.rar",
            [file("top/a", b"a"), symlink("top/cur", "."), symlink("top/par", "cur/..")],
        )
    refused(capsys, archive, "entry 'top/par': symlink 'cur/..' points outside the archive")


# 6. a symlink, then a regular file of the same name
@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_6_symlink_then_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    if kind == "tar":
        archive = tmp_path / "a.tar"
        with tarfile.open(archive, "w") as out:
            tar_special(out, "top/x", tarfile.SYMTYPE, "y")
            tar_file(out, "top/x", b"evil")
            tar_file(out, "top/y", b"y")
    else:
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as out:
            out.writestr(zip_entry("top/x", stat.S_IFLNK | 0o777), "y")
            with pytest.warns(UserWarning):
                out.writestr(zip_entry("top/x", 0o100644), b"evil")
            out.writestr(zip_entry("top/y", 0o100644), b"y")
    refused(capsys, archive, "entry 'top/x': duplicate name")


# 7. hard links to outside or missing names
@pytest.mark.parametrize("target", ["../../etc/passwd", "top/missing", "/etc/passwd"])
@pytest.mark.parametrize("kind", ["tar", "rar"])
def test_7_hard_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, target: str
) -> None:
    if kind == "tar":
        archive = make_tar(tmp_path / "a.tar", {"top/a": b"a"}, hardlinks={"top/h": target})
    else:
        archive = rar(tmp_path / "a.rar", [file("top/a", b"a"), hardlink("top/h", target)])
    refused(capsys, archive, "entry 'top/h': hard link to")


# 8. devices, FIFOs and sockets
@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_8_tar_special_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: bytes
) -> None:
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as out:
        tar_file(out, "top/a", b"a")
        tar_special(out, "top/dev", kind)
    refused(capsys, archive, "entry 'top/dev': device, FIFO or socket")


@pytest.mark.parametrize("kind", ["zip", "rar"])
def test_8_socket_and_fifo_modes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    if kind == "zip":
        archive = make_zip(
            tmp_path / "a.zip",
            {"top/a": b"a", "top/sock": b""},
            modes={"top/sock": stat.S_IFSOCK | 0o644},
        )
    else:
        archive = rar(
            tmp_path / "a.rar", [file("top/a", b"a"), Member("top/sock", b"", stat.S_IFIFO | 0o644)]
        )
    refused(capsys, archive, "entry 'top/sock': device, FIFO or socket")


# 9. duplicates, case, Unicode normalisation, a file used as a folder
@pytest.mark.parametrize(
    "names",
    [
        ("top/a", "top/a"),
        ("top/README", "top/readme"),
        ("top/caf\u00e9", "top/cafe\u0301"),
        ("top/a", "top/a/b"),
    ],
)
def test_9_collisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: tuple[str, str]
) -> None:
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as out:
        for name in names:
            tar_file(out, name, b"x")
    needle = "a parent folder is a file" if names[1] == "top/a/b" else "duplicate name"
    refused(capsys, archive, f"entry {names[1]!r}: {needle}")


# 10. hostile characters, lengths and Windows-reserved names
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("top/bell\x07", "control character"),
        ("top/e\u202etxt.exe", "bidirectional"),
        ("top/" + "ж" * 128, "longer than 255 bytes"),
        ("top/" + "/".join(["d" * 200] * 21), "longer than 4096 bytes"),
        ("top/CON", "Windows-reserved"),
        ("top/aux.txt", "Windows-reserved"),
    ],
)
def test_10_bad_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    archive = make_tar(tmp_path / "a.tar", {"top/ok": b"ok", name: b"x"})
    refused(capsys, archive, reason)


def test_10_nul_in_zip_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/ok": b"ok", "top/aXb": b"x"})
    patch(archive, b"top/aXb", b"top/a\x00b")
    refused(capsys, archive, "NUL character")


# 11. compression-ratio bombs and the total-size limit
@pytest.mark.parametrize("kind", ["zip", "7z", "tar.xz"])
def test_11_ratio_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    zeros = bytes(24 * 1024 * 1024)
    if kind == "zip":
        archive = tmp_path / "bomb.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            out.writestr("bomb/zeros", zeros)
    elif kind == "7z":
        archive = make_7z(tmp_path / "bomb.7z", {"bomb/zeros": zeros})
    else:
        archive = make_tar(tmp_path / "bomb.tar.xz", {"bomb/zeros": zeros}, mode="w:xz")
    refused(capsys, archive, "compression ratio")


def test_11_limits_are_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/a": os.urandom(300_000), "top/b": b"b"})
    refused(capsys, archive, "over the limit of 102400", "--max-total-size", "100KiB")
    refused(capsys, archive, "2 entries, over the limit of 1", "--max-entries", "1")
    assert (
        main(["extract", str(archive), "--dest", str(tmp_path / "ok"), "--max-total-size", "1M"])
        == 0
    )


# 12. overlapping zip entries ("better zip bomb")
def test_12_overlapping_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(zip_entry("top/aaaa", compress=zipfile.ZIP_STORED), b"k" * 100)
        out.writestr(zip_entry("top/bbbb", compress=zipfile.ZIP_STORED), b"k" * 100)
    data = bytearray(archive.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # the second entry's central record
    data[central + 42 : central + 46] = (0).to_bytes(4, "little")  # its data = the first's
    archive.write_bytes(bytes(data))
    refused(capsys, archive, "overlaps entry")


# 13. 100,000 tiny entries
@pytest.mark.slow
def test_13_entry_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for index in range(100_000):
            out.writestr(f"many/{index}", b"")
    refused(capsys, archive, "100000 entries, over the limit of 50000")


# 14. headers that lie about sizes
def test_14_zip_larger_than_declared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(zip_entry("top/a", compress=zipfile.ZIP_DEFLATED), b"A" * 70000)
        out.writestr(zip_entry("top/b"), b"b")
    size = (70000).to_bytes(4, "little")
    patch(archive, size, (7).to_bytes(4, "little"))  # local and central headers
    refused(capsys, archive, "entry 'top/a'")


@pytest.mark.parametrize("backend", RAR_BACKENDS)
def test_14_rar_larger_than_declared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: str
) -> None:
    archive = rar(tmp_path / "a.rar", [file("top/b", b"b"), Member("top/a", b"A" * 5000, size=50)])
    refused(capsys, archive, f"{backend} failed", "--backend", backend)


# 15. nested archives past the depth limit
def test_15_nesting_depth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inner = make_zip(tmp_path / "l3.zip", {"l3/x": b"x"})
    for level in (2, 1):
        data = inner.read_bytes()
        inner.unlink()
        inner = make_zip(tmp_path / f"l{level}.zip", {f"l{level}/l{level + 1}.zip": data})
    refused(
        capsys, inner, "is nested deeper than the limit of 1", "--recursive", "--max-depth", "1"
    )
    assert main(["extract", str(inner), "--dest", str(tmp_path / "ok"), "--recursive"]) == 0
    assert (tmp_path / "ok/l1/l2/l3/x").read_bytes() == b"x"


# 16. truncated archives and CRC mismatches
@pytest.mark.parametrize("kind", ["zip", "tar.gz", "7z", "rar"])
def test_16_truncated(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    payload = {"top/a": os.urandom(50_000), "top/b": os.urandom(50_000)}
    if kind == "zip":
        archive = make_zip(tmp_path / "a.zip", payload)
    elif kind == "tar.gz":
        archive = make_tar(tmp_path / "a.tar.gz", payload, mode="w:gz")
    elif kind == "7z":
        archive = make_7z(tmp_path / "a.7z", payload)
    else:
        archive = rar(tmp_path / "a.rar", [file(n, d) for n, d in payload.items()])
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) * 2 // 3])
    refused(capsys, archive, "")


@pytest.mark.parametrize("kind", ["zip", "7z", "7z-py7zr", "rar-unar", "rar-bsdtar"])
def test_16_crc_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    good, bad = b"G" * 4000, b"G" * 3999 + b"H"
    args: tuple[str, ...] = ()
    if kind == "zip":
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as out:
            out.writestr(zip_entry("top/a", compress=zipfile.ZIP_STORED), good)
            out.writestr(zip_entry("top/b"), b"b")
        patch(archive, good, bad)
    elif kind.startswith("7z"):
        archive = make_7z(tmp_path / "a.7z", {"top/a": os.urandom(3000), "top/b": b"b"})
        data = bytearray(archive.read_bytes())
        data[40] ^= 0xFF
        archive.write_bytes(bytes(data))
        args = ("--backend", "py7zr") if kind == "7z-py7zr" else ("--backend", "7zz")
    else:
        archive = rar(
            tmp_path / "a.rar", [file("top/b", b"b"), Member("top/a", bad, crc=zlib.crc32(good))]
        )
        args = ("--backend", kind.split("-")[1])
    refused(capsys, archive, "", *args)


# 17. encrypted archives without a password and with a wrong one
def _encrypted_zip(path: Path) -> Path:
    source = path.parent / "src"
    (source / "top").mkdir(parents=True)
    (source / "top/secret.txt").write_bytes(b"secret" * 100)
    subprocess.run(
        ["7zz", "a", "-tzip", "-pright", "-bso0", "-bsp0", str(path), "top"], cwd=source, check=True
    )
    for item in sorted(source.rglob("*"), reverse=True):
        item.rmdir() if item.is_dir() else item.unlink()
    source.rmdir()
    return path


@pytest.mark.parametrize("kind", ["zip", "7z", "7z-headers"])
@pytest.mark.parametrize("password", [None, "wrong"])
def test_17_encrypted(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    password: str | None,
) -> None:
    monkeypatch.delenv("PAPERSHELF_PASSWORD", raising=False)
    if kind == "zip":
        archive = _encrypted_zip(tmp_path / "a.zip")
    else:
        archive = make_7z(
            tmp_path / "a.7z",
            {"top/secret.txt": b"secret" * 100},
            password="right",
            header_encryption=kind == "7z-headers",
        )
    args = ("--password", password) if password else ()
    err = refused(capsys, archive, "", *args)
    assert ("password" in err.lower() or "encrypted" in err) if password is None else True
    assert (
        main(["extract", str(archive), "--dest", str(tmp_path / "ok"), "--password", "right"]) == 0
    )
    assert (tmp_path / "ok/top/secret.txt").read_bytes() == b"secret" * 100


@pytest.mark.parametrize("headers", [False, True])
@pytest.mark.parametrize("password", [None, "wrong"])
def test_17_encrypted_rar(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    headers: bool,
    password: str | None,
) -> None:
    monkeypatch.delenv("PAPERSHELF_PASSWORD", raising=False)
    archive = write_rar5(
        tmp_path / "a.rar",
        [file("top/secret.txt", b"secret" * 100), file("top/b", b"b")],
        password="верный",
        encrypt_headers=headers,
    )[0]
    args = ("--password", password) if password else ()
    needle = "encrypted; give --password" if password is None else "wrong password"
    refused(capsys, archive, needle, *args)
    refused(
        capsys,
        archive,
        "bsdtar: failed the AES-encrypted RAR5 probe",
        "--password",
        "верный",
        "--backend",
        "bsdtar",
    )
    assert (
        main(
            [
                "extract",
                str(archive),
                "--dest",
                str(tmp_path / "ok"),
                "--password",
                "верный",
                "--backend",
                "unar",
            ]
        )
        == 0
    )
    assert (tmp_path / "ok/top/secret.txt").read_bytes() == b"secret" * 100


# 18. set-uid, set-gid, sticky and world-writable modes are dropped
@pytest.mark.parametrize("kind", ["zip", "tar", "rar"])
def test_18_modes_dropped(tmp_path: Path, kind: str) -> None:
    if kind == "zip":
        archive = make_zip(
            tmp_path / "a.zip",
            {"top/run": b"#!", "top/data": b"d"},
            modes={"top/run": 0o106777, "top/data": 0o102666},
        )
    elif kind == "tar":
        archive = tmp_path / "a.tar"
        with tarfile.open(archive, "w") as out:
            tar_file(out, "top/run", b"#!", mode=0o6777)
            tar_file(out, "top/data", b"d", mode=0o2666)
    else:
        archive = rar(
            tmp_path / "a.rar",
            [directory("top"), file("top/run", b"#!", 0o106777), file("top/data", b"d", 0o102666)],
        )
    assert main(["extract", str(archive), "--dest", str(tmp_path / "out")]) == 0
    assert stat.S_IMODE((tmp_path / "out/top/run").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out/top/data").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out/top").stat().st_mode) == 0o755


# 19. a destination that already has files
def test_19_destination_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"new"})
    dest = tmp_path / "dest"
    (dest / "top").mkdir(parents=True)
    (dest / "top/a").write_bytes(b"mine")
    assert main(["extract", str(archive), "--dest", str(dest)]) == 1
    assert "already has files" in capsys.readouterr().err
    assert tree(dest) == {"top", "top/a"}
    assert main(["extract", str(archive), "--dest", str(dest), "--force"]) == 0
    assert (dest / "top/a").read_bytes() == b"mine"
    assert (dest / "top-1/a").read_bytes() == b"new"


# 20. the archive itself is a symlink or a device
def test_20_archive_is_symlink_or_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = make_zip(tmp_path / "real.zip", {"top/a": b"a"})
    link = tmp_path / "link.zip"
    link.symlink_to(real)
    refused(capsys, link, "is a symlink")
    assert main(["extract", "/dev/null", "--dest", str(tmp_path / "out")]) == 1
    assert "not a regular file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# 21. the disk fills up mid-extraction
def _limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


@pytest.mark.parametrize("kind", ["zip", "rar"])
def test_21_disk_full(tmp_path: Path, kind: str) -> None:
    payload = [(f"top/{i}", os.urandom(300_000)) for i in range(4)]
    if kind == "zip":
        archive = make_zip(tmp_path / "a.zip", payload)
    else:
        archive = rar(tmp_path / "a.rar", [file(n, d) for n, d in payload])
    before = tree(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "papershelf",
            "extract",
            str(archive),
            "--dest",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert str(archive) in result.stderr
    assert "File too large" in result.stderr or "failed" in result.stderr
    assert tree(tmp_path) == before


# 22. SIGINT and SIGTERM mid-extraction
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_22_interrupted(tmp_path: Path, signum: int) -> None:
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for index in range(64):
            out.writestr(f"big/{index}", os.urandom(1024) * 4096)
    dest = tmp_path / "out"
    before = tree(tmp_path)
    process = start_extract(str(archive), "--dest", str(dest), "--max-ratio", "100000")
    freeze_once_staging(process, dest)
    process.send_signal(signum)
    process.send_signal(signal.SIGCONT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert tree(tmp_path) == before


def test_nothing_outside_for_tools_either(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A RAR whose entry unar would write elsewhere is refused before any tool runs."""
    archive = rar(tmp_path / "a.rar", [file("top/ok", b"ok"), file("..\\..\\x", b"evil")])
    for backend in RAR_BACKENDS:
        refused(capsys, archive, "path traversal", "--backend", backend)


def test_4_symlink_may_not_leave_its_top_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The top folder becomes the extracted folder: its parent holds other archives."""
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"}, symlinks={"top/l": "../other"})
    refused(capsys, archive, "entry 'top/l': symlink '../other' points outside")
    bomb = make_zip(tmp_path / "b.zip", {"a": b"a", "d/x": b"x"}, symlinks={"d/l": "../a"})
    assert main(["extract", str(bomb), "--dest", str(tmp_path / "ok")]) == 0
    assert (tmp_path / "ok/b/d/l").read_bytes() == b"a"
