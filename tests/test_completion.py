"""Shell completion (click's) for bash, zsh and fish works as the README documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
SCRIPTS = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef papershelf"), ("fish", "complete ")],
)
def test_completion_scripts(shell: str, marker: str) -> None:
    env = {**os.environ, "_PAPERSHELF_COMPLETE": f"{shell}_source"}
    completed = subprocess.run(
        [SCRIPTS / "papershelf"], env=env, capture_output=True, text=True, check=True
    )
    assert marker in completed.stdout
    assert f"_PAPERSHELF_COMPLETE={shell}_source papershelf" in README.read_text("utf-8")


def test_completes_commands_and_options() -> None:
    env = {
        **os.environ,
        "_PAPERSHELF_COMPLETE": "bash_complete",
        "COMP_WORDS": "papershelf pl",
        "COMP_CWORD": "1",
    }
    completed = subprocess.run(
        [SCRIPTS / "papershelf"], env=env, capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["plain,plan"]
    env = {
        **os.environ,
        "_REPO_CHECK_COMPLETE": "bash_complete",
        "COMP_WORDS": "repo-check --fi",
        "COMP_CWORD": "1",
    }
    completed = subprocess.run(
        [SCRIPTS / "repo-check"], env=env, capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["plain,--fix"]
