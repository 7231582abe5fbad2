"""Hostile inputs that gave a traceback: each is now one line, or correct output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from organize_repo import ZIP_BYTES, make_repo
from papershelf.cli import main, repo_check_main

NAME = "Курс/Статья.zip"


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_a_cp1252_stdout_gets_escaped_names_not_a_crash(tmp_path: Path, fmt: str) -> None:
    """A Windows runner's pipe: stdout in cp1252, names in Cyrillic."""
    repo = make_repo(tmp_path / "repo", {NAME: ZIP_BYTES, "\u202efdp.exe": b"MZ"})
    ran = subprocess.run(
        [sys.executable, "-m", "papershelf", "check", "--format", fmt, str(repo)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
    )
    assert ran.returncode == 0, ran.stderr.decode("cp1252", "replace")
    assert ran.stderr == b""
    out = ran.stdout.decode("cp1252")
    assert "\\u041a\\u0443\\u0440\\u0441" in out


def test_an_empty_badge_name_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"STUDY_PLAN.md": "# Plan\n\n- `01_Intro/`\n"})
    assert main(["plan", "--badge", "", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.endswith(
        "Error: Invalid value for '--badge': needs a file name, not a folder or an empty name\n"
    )
    assert "Traceback" not in err


def test_a_dangling_gitignore_link_outside_git(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "notes"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "x.md").write_text("x", encoding="utf-8")
    (folder / ".gitignore").symlink_to(tmp_path / "nowhere" / "x")
    for argv in ([str(folder)], ["--fix", str(folder)]):
        assert repo_check_main(argv) == 0
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err and "internal error" not in captured.err
        assert captured.out.splitlines()[-1] == "1 finding: 1 info"


def test_a_nul_in_a_plan_path_is_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"STUDY_PLAN.md": "# Plan\n\n- `01_\0x/`\n"})
    for run in (lambda: repo_check_main([str(repo)]), lambda: main(["plan", str(repo)])):
        assert run() in (0, 1)
        captured = capsys.readouterr()
        assert "\0" not in captured.out + captured.err
        assert "internal error" not in captured.err
