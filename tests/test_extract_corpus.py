"""The public test archives of rarfile, py7zr and libarchive (``make corpus`` fetches them):
papershelf writes what one of 7zz, bsdtar and unar writes (names, sizes, SHA-256, link
targets), or refuses for a named reason, or fails where every reference fails too. Every
other difference is listed here with its reason, so a change in any of them is seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract_corpus import archives, compare

CORPUS = Path(__file__).resolve().parent / ".corpus"

_LZW = "Unix compress (.Z): no Python reader lists it, so papershelf has nothing to check"
_VERSIONS = "older RAR file versions: papershelf writes the latest copy, as unrar does"
_SFX = "a RAR self-extractor: rarfile reads it; unar fails and bsdtar writes nothing"
DIFFERENCES = {
    "libarchive/test_read_format_gtar_filename_cp866.tar.Z": _LZW,
    "libarchive/test_read_format_gtar_filename_eucjp.tar.Z": _LZW,
    "libarchive/test_read_format_gtar_filename_koi8r.tar.Z": _LZW,
    "libarchive/test_read_format_gtar_sparse_skip_entry.tar.Z": _LZW,
    "libarchive/test_read_format_tar_empty_pax.tar.Z": _LZW,
    "libarchive/test_read_format_tar_filename_koi8r.tar.Z": _LZW,
    "libarchive/test_read_format_ustar_filename_cp866.tar.Z": _LZW,
    "libarchive/test_read_format_ustar_filename_eucjp.tar.Z": _LZW,
    "libarchive/test_read_format_ustar_filename_koi8r.tar.Z": _LZW,
    "libarchive/test_read_format_gtar_sparse_1_17_posix10_modified.tar": (
        "a hand-damaged sparse map tarfile cannot list; the tools skip the damage"
    ),
    "libarchive/test_read_format_rar5_multiarchive_solid.part01.rar": (
        "unar and rarfile fail on it, and bsdtar's output fails the CRC rarfile lists for one "
        "entry (bsdtar reads the first volume alone)"
    ),
    "libarchive/test_read_format_zip_extra_padding.zip": (
        "padding after the end record: zipfile finds no end record to list"
    ),
    "libarchive/test_read_format_zip_filename_utf8_ru2.zip": (
        "KOI8-R names without the UTF-8 flag: read as cp1251, the likelier code page of a "
        "Russian zip (7zz keeps the raw bytes, bsdtar and unar fail)"
    ),
    "libarchive/test_read_format_zip_mac_metadata.zip": (
        "__MACOSX/ is skipped on purpose (counted in the summary)"
    ),
    "py7zr/p7zip-zstd.7z": "Zstandard: py7zr reads it, none of the references does",
    "py7zr/zstd.7z": "Zstandard: py7zr reads it, none of the references does",
    "rarfile/rar3-comment-psw.rar": (
        "rarfile says a password is needed (for the comment); unar extracts the files"
    ),
    "rarfile/rar3-versions.rar": _VERSIONS,
    "rarfile/rar5-versions.rar": _VERSIONS,
    "rarfile/rar5-dups.rar": "bsdtar writes RAR5 file copies empty; papershelf links them",
    "rarfile/rar3-seektest.sfx": _SFX,
    "rarfile/rar5-crc.sfx": _SFX,
}


@pytest.mark.slow
def test_public_test_archives_extract_as_the_references_do(tmp_path: Path) -> None:
    assert (CORPUS / ".complete").is_file(), "run `make corpus` first (`make test` does)"
    found = archives(CORPUS)
    assert len(found) > 250
    differences = {}
    for archive in found:
        verdict = compare(archive, tmp_path / "work")
        assert "\n" not in verdict.detail and ".papershelf-staging" not in verdict.detail
        assert "Traceback" not in verdict.detail, verdict
        if verdict.kind in ("papershelf-failed", "differs"):
            differences[verdict.archive] = verdict.detail
    assert sorted(differences) == sorted(DIFFERENCES), differences


@pytest.mark.slow
def test_rar3_with_encrypted_headers_and_the_right_password_extracts(tmp_path: Path) -> None:
    """unar fails on rarfile's RAR3 ``-hp`` archive and bsdtar decrypts no RAR: rarfile,
    last in the chain, writes it; the password is never called wrong."""
    import os
    import subprocess
    import sys

    archive = CORPUS / "archives/rarfile/rar3-comment-hpsw.rar"
    assert archive.is_file(), "run `make corpus` first (`make test` does)"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from papershelf.cli import main; sys.exit(main())",
            "extract",
            "--dest",
            str(tmp_path / "out"),
            str(archive),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PAPERSHELF_PASSWORD": "password"},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in (tmp_path / "out/rar3-comment-hpsw").iterdir()) == [
        "file1.txt",
        "file2.txt",
    ]
