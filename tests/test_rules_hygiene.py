"""The hygiene rules on real repositories: each triggered, and each quiet when all is well."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from checking import summary
from gitrepo import COMPLETE_PLAN, git, make_repo
from papershelf.hooks import main as no_archives_main

ZIP = b"PK\x03\x04" + b"\0" * 40
RAR = b"Rar!\x1a\x07\x01\x00" + b"\0" * 20
GZIP = b"\x1f\x8b\x08\x00" + b"\0" * 20
LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 12345\n"
)


def test_archive_in_git_by_name_and_by_bytes(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "06_Engineering_&_Tuning/Разработка LLM с нуля.part1.rar": RAR,
        "06_Engineering_&_Tuning/Разработка LLM с нуля.r00": b"old volume",
        "papers/renamed & hidden.pdf": ZIP,
        "data/corpus.json.gz": GZIP,
        "lfs/big.zip": LFS_POINTER,
        "notes/zip-codes.txt": "not an archive",
    }
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "archive-in-git") == [
        (
            "06_Engineering_&_Tuning/Разработка LLM с нуля.part1.rar",
            "warning",
            "rar archive tracked by git",
        ),
        (
            "06_Engineering_&_Tuning/Разработка LLM с нуля.r00",
            "warning",
            "a file named like an archive is tracked by git",
        ),
        ("data/corpus.json.gz", "warning", "gzip archive tracked by git"),
        (
            "papers/renamed & hidden.pdf",
            "warning",
            "zip archive tracked by git under a name that hides it",
        ),
    ]


def test_a_single_compressed_document_is_a_paper_not_an_archive(tmp_path: Path) -> None:
    import gzip

    compressed = gzip.compress(b"%!PS-Adobe-3.0\n")
    repo = make_repo(
        tmp_path / "r",
        {
            "papers/Attention Is All You Need.ps.gz": compressed,
            "papers/scan.djvu.gz": gzip.compress(b"AT&TFORM"),
            "papers/slides.pdf.gz": gzip.compress(b"%PDF-1.4"),
            "papers/code.tar.gz": compressed,
            "papers/notes.gz": compressed,
        },
    )
    assert summary(repo, "archive-in-git") == [
        ("papers/code.tar.gz", "warning", "gzip archive tracked by git"),
        ("papers/notes.gz", "warning", "gzip archive tracked by git"),
    ]


def test_archive_in_git_quiet_without_archives(tmp_path: Path) -> None:
    assert summary(make_repo(tmp_path / "r", COMPLETE_PLAN), "archive-in-git") == []


def test_no_archives_hook_checks_only_given_files(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "курс.zip").write_bytes(ZIP)
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "pointer.zip").write_text(LFS_POINTER)
    assert no_archives_main([str(tmp_path / "paper.pdf"), str(tmp_path / "pointer.zip")]) == 0
    assert no_archives_main([str(tmp_path / "курс.zip")]) == 1
    assert f"{tmp_path / 'курс.zip'}: warning archive-in-git: zip archive staged" in (
        capsys.readouterr().out
    )


def test_no_archives_hook_passes_a_compressed_paper_as_repo_check_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Attention Is All You Need.pdf.gz").write_bytes(GZIP)
    (tmp_path / "corpus.tar.gz").write_bytes(GZIP)
    assert no_archives_main([str(tmp_path / "Attention Is All You Need.pdf.gz")]) == 0
    assert no_archives_main([str(tmp_path / "corpus.tar.gz")]) == 1
    assert "corpus.tar.gz: warning archive-in-git: gzip archive staged" in capsys.readouterr().out


def test_large_file_uses_the_configured_limit(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "datasets/Большой корпус.bin": b"x" * 9000,
        "datasets/small.bin": b"x" * 100,
        ".papershelf.toml": '[rules.large-file]\nmax-size = "8kB"\n',
    }
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "large-file") == [
        (
            "datasets/Большой корпус.bin",
            "warning",
            "9.0 kB file is over the 8.0 kB limit and not stored in Git LFS",
        )
    ]


def test_large_file_default_limit(tmp_path: Path) -> None:
    files = {**COMPLETE_PLAN, "big.bin": b"\0" * 1_500_000}
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "large-file") == []
    (repo / ".papershelf.toml").write_text('[rules.large-file]\nmax-size = "1MiB"\n')
    assert summary(repo, "large-file") == [
        ("big.bin", "warning", "1.5 MB file is over the 1.0 MB limit and not stored in Git LFS")
    ]


def test_lfs_pointer_is_never_large(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "lfs/book.pdf": LFS_POINTER,
        ".papershelf.toml": "[rules.large-file]\nmax-size = 10\n",
    }
    repo = make_repo(tmp_path / "r", files)
    paths = [path for path, _, _ in summary(repo, "large-file")]
    assert "lfs/book.pdf" not in paths
    assert f"{'00_The_Guidebook_&_Roadmap'}/README_Reading_Order.md" in paths


def _nested_repository(path: Path) -> None:
    make_repo(path, {"README.md": "# UltraChat\n"})


def test_gitlink_without_gitmodules(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", COMPLETE_PLAN)
    nested = repo / "01_Data_Centric_AI" / "04_Instruction_Tuning_Data" / "Ultra Chat"
    _nested_repository(nested)
    git(repo, "add", "01_Data_Centric_AI/04_Instruction_Tuning_Data/Ultra Chat")
    assert summary(repo, "broken-submodule") == [
        (
            "01_Data_Centric_AI/04_Instruction_Tuning_Data/Ultra Chat",
            "error",
            "a nested repository is committed as a gitlink with no .gitmodules entry",
        )
    ]


def test_gitmodules_entry_without_gitlink(tmp_path: Path) -> None:
    gitmodules = '[submodule "nanochat"]\n\tpath = code/nanochat\n\turl = https://example.org/n\n'
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, ".gitmodules": gitmodules})
    assert summary(repo, "broken-submodule") == [
        (
            "code/nanochat",
            "error",
            ".gitmodules declares submodule 'nanochat' here, but no gitlink is committed",
        )
    ]


def test_proper_submodule_is_fine(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "source", {"README.md": "# code\n"})
    repo = make_repo(tmp_path / "r", COMPLETE_PLAN)
    subprocess.run(
        [
            "git",
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            str(source),
            "code/кодовая база",
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    assert summary(repo, "broken-submodule") == []


def test_committed_artifacts_reported_at_top_folder(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "exp/.venv/pyvenv.cfg": "home = /usr/bin\n",
        "exp/.venv/lib/python3.11/site-packages/x.py": "",
        "exp/.venv/lib/python3.11/site-packages/__pycache__/x.pyc": b"\0",
        "src/__pycache__/m.cpython-311.pyc": b"\0",
        "notebooks/.ipynb_checkpoints/a-checkpoint.ipynb": "{}",
        "Статьи/.DS_Store": b"\0",
        "Thumbs.db": b"\0",
        "tmp/papershelf-x/.papershelf-extract.json": "{}",
        "exp/src/my_exp.egg-info/PKG-INFO": "Metadata-Version: 2.1\n",
    }
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "committed-artifact") == [
        ("Thumbs.db", "error", "Windows thumbnail cache is tracked by git"),
        ("exp/.venv", "error", "a virtual environment is tracked by git"),
        (
            "exp/src/my_exp.egg-info",
            "error",
            "Python build metadata (pip install -e) is tracked by git",
        ),
        ("notebooks/.ipynb_checkpoints", "error", "Jupyter checkpoints is tracked by git"),
        ("src/__pycache__", "error", "Python bytecode cache is tracked by git"),
        ("tmp/papershelf-x", "error", "an extracted archive is tracked by git"),
        ("Статьи/.DS_Store", "error", "macOS folder metadata is tracked by git"),
    ]


def test_committed_artifact_quiet_on_clean_repo(tmp_path: Path) -> None:
    assert summary(make_repo(tmp_path / "r", COMPLETE_PLAN), "committed-artifact") == []
