"""``action.yml``: the composite GitHub Action, read as the runner reads it and run step by step.

The runner is imitated, not mocked away: each ``run`` step is written to a file and
run with ``bash --noprofile --norc -eo pipefail`` (the runner's ``shell: bash``), with
the step's ``env`` evaluated, the ``GITHUB_*`` variables and files a runner provides,
and ``GITHUB_PATH`` additions carried to the following steps. ``uses`` steps are not
run: the test checks what they would receive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from organize_repo import PLAN_RU, ZIP_BYTES, make_repo
from page_dom import summary_counts
from papershelf.cli import main

PROJECT = Path(__file__).resolve().parents[1]
ACTION: dict[str, Any] = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^inputs\.(\w+) (==|!=) ''$")


def evaluate(text: str, inputs: dict[str, str]) -> str:
    """The few expressions the action uses: ``inputs.NAME`` and ``github.action_path``."""

    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name.startswith("inputs."):
            return inputs[name.removeprefix("inputs.")]
        if name == "github.action_path":
            return str(PROJECT)
        raise AssertionError(f"expression the test runner does not know: {name}")

    return EXPRESSION.sub(value, text)


def applies(step: dict[str, Any], inputs: dict[str, str]) -> bool:
    if "if" not in step:
        return True
    match = CONDITION.match(step["if"])
    assert match, f"condition the test runner does not know: {step['if']}"
    return (inputs[match[1]] == "") == (match[2] == "==")


def defaults(**given: str) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    assert set(given) <= set(values)
    return {**values, **given}


def test_action_metadata_is_what_github_requires() -> None:
    assert isinstance(ACTION["name"], str) and ACTION["name"]
    assert isinstance(ACTION["description"], str) and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"args", "sarif", "html"}
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
        assert spec["required"] is False, name
    for step in STEPS:
        assert step["name"]
        assert ("run" in step) != ("uses" in step), step["name"]
        if "run" in step:
            assert step["shell"] == "bash", step["name"]
            # inputs reach scripts through env only: nothing spliced into the script text
            assert "${{" not in step["run"], step["name"]
        else:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_the_page_is_uploaded_only_when_asked_for() -> None:
    upload = next(step for step in STEPS if step.get("uses", "").startswith("actions/upload-"))
    assert not applies(upload, defaults())
    assert applies(upload, defaults(html="plan.html"))
    assert evaluate(upload["with"]["path"], defaults(html="site/plan.html")) == "site/plan.html"


class Runner:
    """A job's environment as a GitHub runner sets it up, in tmp_path."""

    def __init__(self, tmp_path: Path, workspace: Path) -> None:
        self.workspace = workspace
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        files = tmp_path / "runner-files"
        files.mkdir()
        self.path_file = files / "path"
        outside = [
            folder
            for folder in os.environ["PATH"].split(os.pathsep)
            if Path(folder).resolve() != Path(sys.executable).parent.resolve()
        ]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_"))},
            "PATH": os.pathsep.join(outside),
            "HOME": str(tmp_path / "home"),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_ACTION_PATH": str(PROJECT),
            "GITHUB_REPOSITORY": "reader/study",
            "GITHUB_SHA": "0" * 40,
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_PATH": str(self.path_file),
            "GITHUB_ENV": str(files / "env"),
            "GITHUB_OUTPUT": str(files / "output"),
            "GITHUB_STEP_SUMMARY": str(files / "summary"),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
        }
        for name in ("path", "env", "output", "summary"):
            (files / name).touch()

    def run(self, step: dict[str, Any], inputs: dict[str, str]) -> subprocess.CompletedProcess[str]:
        script = self.temp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {**self.env, **{k: evaluate(v, inputs) for k, v in step.get("env", {}).items()}}
        added = self.path_file.read_text(encoding="utf-8").splitlines()
        env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )


@pytest.mark.slow
def test_steps_install_papershelf_and_leave_annotations_sarif_and_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "Учёба",
        {
            "00_The_Guidebook_&_Roadmap/README_Reading_Order.md": PLAN_RU.read_bytes(),
            "02_Model_Backbones/01_Transformer_Evolution/Attention Is All You Need.pdf": b"%PDF",
            "06_Engineering_&_Tuning/LoRA.zip": ZIP_BYTES,
        },
    )
    runner = Runner(tmp_path, repo)
    inputs = defaults(args="--rule archive-in-git --rule missing-path", html="site/plan page.html")
    results = {}
    uploads = []
    for step in STEPS:
        if not applies(step, inputs):
            continue
        if "uses" in step:
            uploads.append({k: evaluate(str(v), inputs) for k, v in step["with"].items()})
            continue
        results[step["name"]] = runner.run(step, inputs)

    install, sarif_step, page_step, annotate = results.values()
    assert install.returncode == 0, install.stderr
    venv_bin = runner.temp / "papershelf-venv" / "bin"
    assert runner.path_file.read_text(encoding="utf-8") == f"{venv_bin}\n"
    assert (venv_bin / "repo-check").exists()

    assert sarif_step.returncode == 0, sarif_step.stderr
    assert sarif_step.stdout == "SARIF written to repo-check.sarif\n"
    sarif = json.loads((repo / "repo-check.sarif").read_text(encoding="utf-8"))
    results_found = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results_found} == {"PS101", "PS201"}
    assert "06_Engineering_%26_Tuning/LoRA.zip" in {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results_found
    }

    assert page_step.returncode == 0, page_step.stderr
    page = (repo / "site" / "plan page.html").read_text(encoding="utf-8")
    assert summary_counts(page)["present"] >= 2
    assert "PS201 archive-in-git" in page
    assert uploads == [{"name": "reading-plan", "path": "site/plan page.html"}]

    assert annotate.returncode == 1
    assert "::warning file=06_Engineering_&_Tuning/LoRA.zip,title=PS201 archive-in-git::" in (
        annotate.stdout
    )
    # exactly what this checkout's papershelf says, with the action's arguments
    assert main(["check", "--format", "github", *inputs["args"].split(), str(repo)]) == 1
    assert annotate.stdout == capsys.readouterr().out
    assert main(["check", "--format", "sarif", *inputs["args"].split(), str(repo)]) == 1
    assert sarif == json.loads(capsys.readouterr().out)


def test_no_sarif_when_the_input_is_empty(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"notes.md": "# notes\n"})
    step = next(step for step in STEPS if step["name"] == "Write SARIF")
    done = Runner(tmp_path, repo).run(step, defaults(sarif=""))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert sorted(p.name for p in repo.iterdir()) == [".git", "notes.md"]


def test_readme_shows_a_workflow_using_the_action_with_its_inputs() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```yaml\n")[1:]]
    block = next(b for b in blocks if "uses: papershelf/papershelf@" in b)
    steps = yaml.safe_load(textwrap.dedent(block))["steps"]
    assert len(block.strip().splitlines()) == 4  # "steps:" and the three lines
    assert steps[0] == {"uses": "actions/checkout@v4"}
    steps = steps[1:]
    # a branch or a commit: papershelf has no released tag to pin
    assert re.fullmatch(r"papershelf/papershelf@(main|[0-9a-f]{40})", steps[0]["uses"])
    assert set(steps[0]["with"]) <= set(ACTION["inputs"])
    for name in ACTION["inputs"]:
        assert f"input `{name}`" in readme, name
