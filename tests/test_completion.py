"""Shell completion (click's) for bash, zsh and fish works as the README documents."""

from __future__ import annotations

import os
import re
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


def test_readme_workflow_runs_both_ci_formats() -> None:
    yaml = pytest.importorskip("yaml")
    text = README.read_text("utf-8")
    section = text[text.index("<!-- section: organize -->") : text.index("<!-- end: organize -->")]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    workflow = yaml.safe_load(next(b for b in blocks if "jobs:" in b))
    steps = workflow["jobs"]["repo-check"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "repo-check --format github" in runs
    assert any("--format sarif" in run for run in runs)
    assert steps[-1]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert workflow["permissions"]["security-events"] == "write"
    hooks = yaml.safe_load(next(b for b in blocks if "repos:" in b))["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["repo-check", "no-archives"]
