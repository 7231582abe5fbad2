"""``papershelf extract``: backends tried in order, what each is passed over for, and what
the archives people receive need (zip methods Python lacks, split 7z, v7 tar, symlink
chains, macOS shadow folders, timestamps, a plain ``.gz``)."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

import py7zr
import pytest

from archive_builders import make_tar, make_zip, make_zip_by_hand, tar_file, zip_entry
from papershelf.cli import main
from papershelf.extract.extractor import Options, extract_archive
from papershelf.extract.model import ArchiveError, Limits
from papershelf.extract.staging import remove_tree
from rar_writer import file, write_rar5

TEXT = "Конспект лекции\n".encode() * 400


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def seven_zip(where: Path, archive: str, *switches: str) -> Path:
    """An archive written by 7-Zip itself from ``where/top`` (one text file)."""
    (where / "top").mkdir(exist_ok=True)
    (where / "top/a.txt").write_bytes(TEXT)
    subprocess.run(["7zz", "a", "-bso0", "-bsp0", *switches, archive, "top"], cwd=where, check=True)
    return where / archive


def test_zip_deflate64_is_written_by_7zz(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = seven_zip(tmp_path, "d64.zip", "-tzip", "-mm=Deflate64")
    code, out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"), "--verbose")
    assert code == 0, err
    assert (tmp_path / "out/top/a.txt").read_bytes() == TEXT
    assert err.splitlines() == [
        f"papershelf: {archive}: zipfile passed over: Python's zipfile cannot read Deflate64 "
        "(entry 'top/a.txt')",
        f"papershelf: {archive}: trying 7zz",
        f"papershelf: {archive}: extracted by 7zz",
    ]
    assert out == f"{archive} -> {tmp_path / 'out/top'} (2 entries, {len(TEXT)} bytes)\n"


def test_zip_aes_is_named_and_decrypted_by_7zz(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = seven_zip(tmp_path, "aes.zip", "-tzip", "-mem=AES256", "-psecret")
    code, _out, err = run(
        capsys, str(archive), "--dest", str(tmp_path / "out"), "--password", "secret"
    )
    assert code == 0, err
    assert (tmp_path / "out/top/a.txt").read_bytes() == TEXT
    code, _out, err = run(
        capsys, str(archive), "--dest", str(tmp_path / "o2"), "--password", "wrong"
    )
    assert code == 1  # its verification value says so: no tool is run to find out
    assert err == f"papershelf: error: {archive}: wrong password\n"
    assert not (tmp_path / "o2").exists()
    code, out, err = run(
        capsys, "--list", "--backend", "zipfile", "--password", "secret", str(archive)
    )
    assert code == 1
    assert (
        "UNSAFE archive: no installed backend can extract it (zipfile: Python's zipfile cannot "
        "read zip AES-256 encryption (entry 'top/a.txt'))"
    ) in out


def test_a_backend_whose_output_fails_the_check_is_followed_by_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """7zz writes a 7z name's backslash as a character; py7zr, next, as the separator."""
    archive = tmp_path / "win.7z"
    with py7zr.SevenZipFile(archive, "w") as out:
        out.writestr(b"windows", "top\\notes.txt")
        out.writestr(b"unix", "top/code.py")
    code, out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"), "-v")
    assert code == 0, err
    assert (tmp_path / "out/top/notes.txt").read_bytes() == b"windows"
    assert err.splitlines() == [
        f"papershelf: {archive}: trying 7zz",
        f"papershelf: {archive}: 7zz failed: the extractor wrote 'top\\\\notes.txt', "
        "which the archive's listing does not contain",
        f"papershelf: {archive}: trying py7zr",
        f"papershelf: {archive}: extracted by py7zr",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".papershelf-extract.json",
        "top",
    ]


def test_backend_that_cannot_read_the_format_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"a"})
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "o"), "--backend", "py7zr")
    assert code == 1
    assert err == (
        f"papershelf: error: {archive}: --backend py7zr does not read this kind of archive "
        "(these do: zipfile, 7zz, bsdtar, unar)\n"
    )


def test_split_7z_volumes_are_read_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "top").mkdir()
    data = os.urandom(5000)
    (tmp_path / "top/a.bin").write_bytes(data)
    subprocess.run(
        ["7zz", "a", "-bso0", "-bsp0", "-v2k", "split.7z", "top"], cwd=tmp_path, check=True
    )
    volumes = sorted(tmp_path.glob("split.7z.*"))
    assert [v.name for v in volumes] == ["split.7z.001", "split.7z.002", "split.7z.003"]
    for backend in ("7zz", "py7zr"):
        dest = tmp_path / f"out-{backend}"
        code, _out, err = run(capsys, str(volumes[0]), "--dest", str(dest), "--backend", backend)
        assert code == 0, err
        assert (dest / "top/a.bin").read_bytes() == data
    volumes[1].unlink()
    volumes[1].symlink_to("/etc/passwd")
    code, _out, err = run(capsys, str(volumes[0]), "--dest", str(tmp_path / "linked"))
    assert code == 1
    assert err == (
        f"papershelf: error: {volumes[1]}: a volume of {volumes[0]} is not a regular file\n"
    )
    volumes[1].unlink()
    code, _out, err = run(capsys, str(volumes[0]), "--dest", str(tmp_path / "gone"))
    assert code == 1
    assert err == (
        f"papershelf: error: {volumes[0]}: split 7z volume 2 of 3 missing (split.7z.002)\n"
    )


def test_v7_tar_without_ustar_magic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pre-POSIX tar: tarfile reads it; only its first bytes say nothing."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as out:
        tar_file(out, "old/readme", b"v7\n")
    data = bytearray(buffer.getvalue())
    data[257:265] = bytes(8)  # no "ustar\0" "00": a v7 header
    data[148:156] = b" " * 8
    data[148:156] = f"{sum(data[:512]):06o}\0 ".encode()
    archive = tmp_path / "old.tar"
    archive.write_bytes(bytes(data))
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out/old/readme").read_bytes() == b"v7\n"


def test_symlink_chains_inside_the_archive_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_tar(
        tmp_path / "lib.tar",
        {"pkg/lib/libabc.so.1.2": b"ELF", "pkg/Kit.framework/Versions/A/Headers/k.h": b"h"},
        symlinks={
            "pkg/lib/libabc.so": "libabc.so.1",
            "pkg/lib/libabc.so.1": "libabc.so.1.2",
            "pkg/Kit.framework/Versions/Current": "A",
            "pkg/Kit.framework/Headers": "Versions/Current/Headers",
        },
    )
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out/pkg/lib/libabc.so").read_bytes() == b"ELF"
    assert os.readlink(tmp_path / "out/pkg/lib/libabc.so") == "libabc.so.1"
    assert (tmp_path / "out/pkg/Kit.framework/Headers/k.h").read_bytes() == b"h"
    out_chain = make_tar(
        tmp_path / "out.tar",
        {"pkg/a": b"a"},
        symlinks={"pkg/sub/up": "..", "pkg/far": "sub/up/../x"},
    )
    code, _out, err = run(capsys, str(out_chain), "--dest", str(tmp_path / "o2"))
    assert code == 1
    assert err.endswith(
        "refused: entry 'pkg/far': symlink 'sub/up/../x' points outside the archive\n"
    )
    loop = make_tar(
        tmp_path / "loop.tar", {"pkg/a": b"a"}, symlinks={"pkg/x": "y/z", "pkg/y": "x/z"}
    )
    code, _out, err = run(capsys, str(loop), "--dest", str(tmp_path / "o3"))
    assert code == 1
    assert "is a loop of symlinks" in err


def test_macos_metadata_is_skipped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(
        tmp_path / "mac.zip",
        {
            "Курс/a.txt": b"a",
            "Курс/.DS_Store": b"\0\0\0\1Bud1",
            "__MACOSX/Курс/._a.txt": b"\0\5\26\7",
            "__MACOSX/._Курс": b"\0\5\26\7",
        },
    )
    code, out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert out == (
        f"{archive} -> {tmp_path / 'out/Курс'} (1 entries, 1 bytes; "
        "3 skipped: macOS metadata (__MACOSX/, .DS_Store))\n"
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".papershelf-extract.json",
        "Курс",
    ]
    assert [p.name for p in (tmp_path / "out/Курс").iterdir()] == ["a.txt"]


def test_solaris_acl_entries_are_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "sol.tar"
    with tarfile.open(archive, "w", format=tarfile.USTAR_FORMAT) as out:
        acl = tarfile.TarInfo("top/a")
        acl.type = b"A"
        body = b"user::rw-,group::r--,other::r--\0"
        acl.size = len(body)
        out.addfile(acl, io.BytesIO(body))
        tar_file(out, "top/a", b"data")
    code, out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert out.endswith("(1 entries, 4 bytes; 1 skipped: Solaris ACL)\n")
    assert (tmp_path / "out/top/a").read_bytes() == b"data"


@pytest.mark.parametrize("kind", ["zip", "tar", "7z"])
def test_timestamps_are_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    when = time.mktime((2001, 2, 3, 4, 5, 6, 0, 0, -1))
    archive = tmp_path / f"dated.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as out:
            info = zip_entry("top/sub/a.txt")
            info.date_time = (2001, 2, 3, 4, 5, 6)
            out.writestr(info, b"a")
            folder = zip_entry("top/sub/")
            folder.date_time = (2001, 2, 3, 4, 5, 6)
            out.writestr(folder, b"")
    else:
        source = tmp_path / "src/top/sub"
        source.mkdir(parents=True)
        (source / "a.txt").write_bytes(b"a")
        for path in (source / "a.txt", source):
            os.utime(path, (when, when))
        if kind == "tar":
            with tarfile.open(archive, "w") as out:
                out.add(tmp_path / "src/top", "top")
        else:
            with py7zr.SevenZipFile(archive, "w") as out:
                out.writeall(tmp_path / "src/top", "top")
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert code == 0, err
    assert os.stat(tmp_path / "out/top/sub/a.txt").st_mtime == when
    assert os.stat(tmp_path / "out/top/sub").st_mtime == when


def test_a_gzipped_document_is_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "paper.ps.gz"
    archive.write_bytes(gzip.compress(b"%!PS-Adobe-3.0\n" * 100))
    code, out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert out == f"{archive} -> {tmp_path / 'out/paper.ps'} (1 entries, 1500 bytes)\n"
    assert (tmp_path / "out/paper.ps/paper.ps").read_bytes() == b"%!PS-Adobe-3.0\n" * 100
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(b"x" * 1000)[:-12])
    code, _out, err = run(capsys, str(broken), "--dest", str(tmp_path / "o2"))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"papershelf: error: {broken}: ")


def test_bomb_ratio_is_taken_against_every_volume(tmp_path: Path) -> None:
    """30 kB in four 8 kB volumes is 1:1, not 4:1 against the first volume."""
    data = os.urandom(30_000)
    volumes = write_rar5(tmp_path / "set.rar", [file("set/a.bin", data)], volume_size=8_000)
    options = Options(limits=Limits(max_ratio=2.0, ratio_floor=0))
    dest = tmp_path / "out"
    dest.mkdir()
    outcome = extract_archive(volumes[0], dest, options)
    assert outcome.status == "extracted"
    assert (dest / "set/a.bin").read_bytes() == data
    remove_tree(dest / "set")
    tight = Options(limits=Limits(max_ratio=0.5, ratio_floor=0))
    with pytest.raises(ArchiveError, match="compression ratio 1:1"):
        extract_archive(volumes[0], dest, tight)


def test_list_shows_zip_folders_once_slashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "dirs.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(zip_entry("top/"), b"")
        out.writestr(zip_entry("top/a"), b"a")
    code, out, _err = run(capsys, "--list", str(archive))
    assert code == 0
    assert out.splitlines()[1].endswith(" top/")
    assert "//" not in out


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("ソフト表示", "cp932"),  # two trail bytes are 0x5C, a backslash in ASCII
        ("講義ノート", "cp932"),
        ("数据结构讲义", "gbk"),
        ("Übungen", "cp437"),
        ("Лекция", "cp866"),
    ],
)
def test_zip_names_decoded_by_their_code_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, encoding: str
) -> None:
    """Made by a Windows tool (system 0), no UTF-8 flag: the code page is guessed."""
    raw = f"top/{name}".encode(encoding)
    archive = make_zip_by_hand(tmp_path / "w.zip", [(raw, raw, b"x")])
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert [p.name for p in (tmp_path / "out/top").iterdir()] == [name]


def test_backslash_is_a_separator_only_in_a_windows_made_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    windows = make_zip_by_hand(tmp_path / "win.zip", [(b"top\\a.txt", b"top\\a.txt", b"w")])
    code, _out, err = run(capsys, str(windows), "--dest", str(tmp_path / "o1"))
    assert (code, err) == (0, "")
    assert (tmp_path / "o1/top/a.txt").read_bytes() == b"w"
    unix = make_zip(tmp_path / "unix.zip", {"top/a\\b.txt": b"u"})
    code, _out, err = run(capsys, str(unix), "--dest", str(tmp_path / "o2"))
    assert (code, err) == (0, "")
    assert (tmp_path / "o2/top/a\\b.txt").read_bytes() == b"u"


def test_rarfile_itself_is_the_last_rar_backend(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Encrypted headers, one stored and one compressed entry: rarfile decrypts and reads."""
    archive = write_rar5(
        tmp_path / "secret.rar",
        [file("top/stored.txt", b"stored"), file("top/notes.txt", TEXT)],
        password="пароль",
        encrypt_headers=True,
    )[0]
    code, out, err = run(
        capsys,
        str(archive),
        "--dest",
        str(tmp_path / "out"),
        "--backend",
        "rarfile",
        "--password",
        "пароль",
    )
    assert (code, err) == (0, "")
    assert out == f"{archive} -> {tmp_path / 'out/top'} (2 entries, {6 + len(TEXT)} bytes)\n"
    assert (tmp_path / "out/top/notes.txt").read_bytes() == TEXT


def test_spanned_zip_volumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``zip -s``: x.z01, x.z02, x.zip; zipfile lists the last, 7-Zip writes them all."""
    (tmp_path / "top").mkdir()
    data = os.urandom(150_000)
    (tmp_path / "top/a.bin").write_bytes(data)
    subprocess.run(["zip", "-q", "-r", "-s", "64k", "span.zip", "top"], cwd=tmp_path, check=True)
    assert sorted(p.name for p in tmp_path.glob("span.*")) == ["span.z01", "span.z02", "span.zip"]
    for given in ("span.zip", "span.z01"):
        dest = tmp_path / f"out-{given}"
        code, _out, err = run(capsys, str(tmp_path / given), "--dest", str(dest), "-v")
        assert code == 0, err
        assert (dest / "top/a.bin").read_bytes() == data
        assert err.splitlines()[0] == (
            f"papershelf: {tmp_path / given}: zipfile passed over: Python's zipfile cannot "
            "read a spanned zip (3 volumes)"
        )
    (tmp_path / "span.z02").unlink()
    code, _out, err = run(capsys, str(tmp_path / "span.zip"), "--dest", str(tmp_path / "gone"))
    assert code == 1
    assert err == (
        f"papershelf: error: {tmp_path / 'span.zip'}: spanned zip volume 2 of 3 missing "
        "(span.z02)\n"
    )


def test_a_one_volume_zip_whose_entries_name_another_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Some writers put 0xFFFF in an entry's disk number: with one volume, it means nothing."""
    archive = make_zip_by_hand(tmp_path / "odd.zip", [(b"top/a", b"top/a", b"a")])
    data = bytearray(archive.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 34 : central + 36] = b"\xff\xff"
    archive.write_bytes(bytes(data))
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert (tmp_path / "out/top/a").read_bytes() == b"a"
