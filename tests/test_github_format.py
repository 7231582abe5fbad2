"""``--format github``: workflow annotations the Actions runner pins to files."""

from __future__ import annotations

from pathlib import Path

import pytest

from organize_repo import ZIP_BYTES, make_repo
from papershelf.cli import repo_check_main
from papershelf.report.github import escape_data, escape_property


def test_annotations_for_warnings_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "06_Engineering_&_Tuning/Курс, часть 1.zip": ZIP_BYTES,
            "02_Model_Backbones/.DS_Store": b"\0",
        },
    )
    code = repo_check_main(
        [
            "--format",
            "github",
            "--rule",
            "archive-in-git",
            "--rule",
            "committed-artifact",
            str(repo),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        "::error file=02_Model_Backbones/.DS_Store,title=PS204 committed-artifact::"
        "macOS folder metadata is tracked by git%0A"
        "hint: git rm -r --cached -- 02_Model_Backbones/.DS_Store and add it to .gitignore",
        "::warning file=06_Engineering_&_Tuning/Курс%2C часть 1.zip,"
        "title=PS201 archive-in-git::zip archive tracked by git%0A"
        "hint: git rm --cached -- '06_Engineering_&_Tuning/Курс, часть 1.zip' && "
        "papershelf extract -- '06_Engineering_&_Tuning/Курс, часть 1.zip'",
        "papershelf: 1 error, 1 warning, 0 info",
    ]


def test_clean_repository_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", {"notes.md": "hi\n"})
    code = repo_check_main(["--format", "github", "--rule", "archive-in-git", str(repo)])
    assert (code, capsys.readouterr().out) == (0, "papershelf: no findings\n")


def test_escaping_keeps_fields_whole() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
