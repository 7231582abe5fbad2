"""portable-name: names that break a clone on Windows or macOS, on real repositories."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from organize_repo import make_repo
from papershelf.cli import repo_check_main


def run(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = repo_check_main(["--rule", "portable-name", str(repo)])
    return code, capsys.readouterr().out.splitlines()


def test_portable_names_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "llm/papers/02_Model_Backbones/02_Post_Transformer_&_SSM/Mamba-1.pdf": b"%PDF",
            "06_Engineering_&_Tuning/Разработка LLM с нуля/Урок 1 — «введение».md": "x",
            "console/CONSOLE.txt": "x",
            "com10.txt": "x",
            "a.b/c": "x",
        },
    )
    assert run(repo, capsys) == (0, ["no findings"])


def test_windows_forbidden_reserved_and_trailing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "03_Reasoning/Chain-of-Thought: Prompting.pdf": b"%PDF",
            "03_Reasoning/Что? Зачем/a.md": "x",
            "04_Agents/con.txt": "x",
            "04_Agents/Aux/notes.md": "x",
            "04_Agents/Итоги./a.md": "x",
            "04_Agents/черновик ": "x",
        },
    )
    code, out = run(repo, capsys)
    assert code == 0  # warnings only
    assert out == [
        "03_Reasoning/Chain-of-Thought: Prompting.pdf: warning portable-name: "
        "the name holds ':', which Windows forbids in file names",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "03_Reasoning/Что? Зачем: warning portable-name: "
        "the name holds '?', which Windows forbids in file names",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "04_Agents/Aux: warning portable-name: "
        "`Aux` is a reserved device name on Windows: it cannot be checked out",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "04_Agents/con.txt: warning portable-name: "
        "`con.txt` is a reserved device name on Windows: it cannot be checked out",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "04_Agents/Итоги.: warning portable-name: "
        "the name ends with a dot or a space, which Windows silently drops",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "04_Agents/черновик : warning portable-name: "
        "the name ends with a dot or a space, which Windows silently drops",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "6 findings: 6 warnings",
    ]


def test_case_collisions_reported_once_at_the_top(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "Papers/LoRA.pdf": b"1",
            "papers/lora.pdf": b"2",
            "notes/Статья.md": "1",
            "notes/статья.md": "2",
        },
    )
    code, out = run(repo, capsys)
    assert code == 0
    assert [line for line in out if not line.startswith("  hint")] == [
        "Papers: warning portable-name: differs only in case from `papers`: "
        "one overwrites the other on macOS and Windows",
        "notes/Статья.md: warning portable-name: differs only in case from "
        "`notes/статья.md`: one overwrites the other on macOS and Windows",
        "2 findings: 2 warnings",
    ]


def test_nfd_names_and_long_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nfd = unicodedata.normalize("NFD", "Йогурт и ёжик")
    assert nfd != unicodedata.normalize("NFC", nfd)
    long_path = "deep/" + "/".join(["x" * 50] * 5) + "/file.pdf"
    assert len(long_path) > 260
    repo = make_repo(tmp_path / "repo", {f"notes/{nfd}/a.md": "x", long_path: b"%PDF"})
    code, out = run(repo, capsys)
    assert code == 0
    assert out[0] == (
        f"{long_path}: warning portable-name: the path is {len(long_path)} characters long; "
        "Windows stops at 260"
    )
    assert out[2] == (
        f"notes/{nfd}: warning portable-name: the name is not in Unicode NFC (as macOS "
        "writes it); in NFC it is `Йогурт и ёжик`, which git treats as a different file"
    )
    assert out[-1] == "2 findings: 2 warnings"
