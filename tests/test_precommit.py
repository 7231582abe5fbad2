"""The hooks through the real pre-commit, as a user's repository would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, GIT_ENV, git, make_repo

PROJECT = Path(__file__).resolve().parents[1]
ZIP = b"PK\x03\x04" + b"\0" * 40


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    # pre-commit installs the hooks from PyPI: drop the offline pip settings other tests use.
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "VIRTUALENV_"))
    }
    env = {**inherited, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT), hook, "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_hooks_fail_on_a_committed_archive_and_pass_once_it_is_gone(tmp_path: Path) -> None:
    archive = "06_Engineering_&_Tuning/Разработка LLM с нуля.zip"
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, archive: ZIP})
    home = tmp_path / "pre-commit-home"

    failed = try_repo(repo, "no-archives", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{archive}: warning archive-in-git: zip archive staged for commit" in failed.stdout

    strict_config = repo / ".papershelf.toml"
    strict_config.write_text('[rules.archive-in-git]\nseverity = "error"\n')
    git(repo, "add", ".papershelf.toml")
    failed = try_repo(repo, "repo-check", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{archive}: error archive-in-git: zip archive tracked by git" in failed.stdout

    git(repo, "rm", "-q", "--cached", archive)
    (repo / archive).unlink()
    for hook in ("no-archives", "repo-check"):
        passed = try_repo(repo, hook, home)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        assert "Passed" in passed.stdout


@pytest.mark.slow
def test_plan_readme_rewrites_a_stale_block_and_fails_then_passes(tmp_path: Path) -> None:
    stale = "# Учёба\r\n\r\n<!-- papershelf:plan -->\r\nold\r\n<!-- /papershelf:plan -->"
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "README.md": stale.encode()})
    home = tmp_path / "pre-commit-home"

    failed = try_repo(repo, "plan-readme", home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "files were modified by this hook" in failed.stdout
    rewritten = (repo / "README.md").read_bytes()
    assert rewritten.startswith(b"# \xd0\xa3\xd1\x87\xd1\x91\xd0\xb1\xd0\xb0\r\n\r\n")
    assert rewritten.endswith(b"\r\n<!-- /papershelf:plan -->")
    assert b"old" not in rewritten

    git(repo, "add", "README.md")
    passed = try_repo(repo, "plan-readme", home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert (repo / "README.md").read_bytes() == rewritten
