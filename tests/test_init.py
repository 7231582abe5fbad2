"""``papershelf init``: scaffolds from the shipped plan, adds only what is missing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import GIT_ENV
from organize_repo import PLAN_RU, git, make_repo, tracked
from papershelf.cli import main, repo_check_main

FOLDERS = [
    "00_The_Guidebook_&_Roadmap",
    "01_Data_Centric_AI/02_Data_Filtering_Quality",
    "01_Data_Centric_AI/03_Synthetic_Data",
    "01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat",
    "02_Model_Backbones/01_Transformer_Evolution",
    "02_Model_Backbones/02_Post_Transformer_&_SSM",
    "03_Reasoning_Architectures",
    "04_Agentic_Systems_&_MCP",
    "06_Engineering_&_Tuning/Разработка LLM с нуля",
    "xx_prompting",
]
PLAN_FILE = "00_The_Guidebook_&_Roadmap/README_Reading_Order.md"


@pytest.fixture
def without_git_lfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH that holds git but not git-lfs, as on a machine without it."""
    import shutil

    git_binary = shutil.which("git")
    assert git_binary is not None
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(git_binary)
    monkeypatch.setenv("PATH", str(only_git))


def test_init_with_git_lfs_routes_pdfs_and_archives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "study"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "created .gitattributes" in out
    attributes = (target / ".gitattributes").read_text()
    assert "*.pdf filter=lfs diff=lfs merge=lfs -text" in attributes
    assert "*.zip filter=lfs diff=lfs merge=lfs -text" in attributes
    assert ".gitattributes" in tracked(target)


def test_init_scaffolds_a_new_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], without_git_lfs: None
) -> None:
    target = tmp_path / "Мои статьи & код"
    assert main(["init", "--ruleset", "ai-papers-plan", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"initialised an empty git repository in {target.resolve()}"
    assert out[1] == f"created {PLAN_FILE}"
    gitkeeps = [f"{folder}/.gitkeep" for folder in FOLDERS if folder != FOLDERS[0]]
    assert out[2:-2] == [f"created {path}" for path in gitkeeps] + [
        "created .gitignore",
        "created .pre-commit-config.yaml",
    ]
    assert out[-2] == (
        "note: git lfs is not installed, so PDFs and archives stay in plain git; to route "
        "them to Git LFS, install git-lfs and run papershelf init again"
    )
    assert out[-1] == f"staged {len(gitkeeps) + 3} new files; check with `repo-check`, then commit"
    assert (target / PLAN_FILE).read_bytes() == PLAN_RU.read_bytes()
    assert not (target / ".gitattributes").exists()
    assert "id: repo-check" in (target / ".pre-commit-config.yaml").read_text()
    ignore = (target / ".gitignore").read_text().splitlines()
    for pattern in (".venv/", "__pycache__/", ".ipynb_checkpoints/", ".DS_Store", "Thumbs.db"):
        assert pattern in ignore
    assert sorted(tracked(target)) == sorted(
        [PLAN_FILE, *gitkeeps, ".gitignore", ".pre-commit-config.yaml"]
    )


def test_repo_check_passes_on_a_fresh_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "study"
    assert main(["init", "--ruleset", "ai-papers-plan", str(target)]) == 0
    capsys.readouterr()
    assert repo_check_main([str(target)]) == 0
    out = capsys.readouterr().out
    assert " error " not in out and "missing-path" not in out


def test_init_in_an_existing_repository_adds_only_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], without_git_lfs: None
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            ".gitignore": "mine\n",
            "02_Model_Backbones/01_Transformer_Evolution/Attention is all you need.pdf": b"%PDF",
            PLAN_FILE: "# my own plan\n",
        },
    )
    assert main(["init", "--ruleset", "ai-papers-plan", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "created .gitignore" not in out
    assert f"created {PLAN_FILE}" not in out
    assert "created 02_Model_Backbones/01_Transformer_Evolution/.gitkeep" not in out
    assert "created 03_Reasoning_Architectures/.gitkeep" in out
    assert not out[0].startswith("initialised")
    assert (repo / ".gitignore").read_text() == "mine\n"
    assert (repo / PLAN_FILE).read_text() == "# my own plan\n"
    assert main(["init", "--ruleset", "ai-papers-plan", str(repo)]) == 0
    assert capsys.readouterr().out == (
        "note: git lfs is not installed, so PDFs and archives stay in plain git; to route "
        "them to Git LFS, install git-lfs and run papershelf init again\n"
        "nothing to add: everything the plan names is already here\n"
    )


def test_init_in_a_subfolder_keeps_dotfiles_at_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "hi\n"})
    assert main(["init", "--ruleset", "ai-papers-plan", str(repo / "llm" / "papers")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"created llm/papers/{PLAN_FILE}" in out
    assert "created .pre-commit-config.yaml" in out
    assert (repo / ".gitignore").is_file()
    assert repo_check_main([str(repo)]) == 0
    git(repo, "commit", "-q", "-m", "scaffold")


def test_init_with_an_unknown_ruleset_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--ruleset", "nope", str(tmp_path / "x")]) == 2
    assert "unknown rule set 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x" / ".papershelf.toml").exists()


def test_init_with_the_hygiene_ruleset_writes_its_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--ruleset", "hygiene", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:4] == [
        "created .papershelf.toml",
        "created .gitignore",
        "created .pre-commit-config.yaml",
    ]
    assert (tmp_path / "x" / ".papershelf.toml").read_text() == 'extends = ["hygiene"]\n'
    assert repo_check_main([str(tmp_path / "x")]) == 0


def test_the_written_hook_is_one_this_repository_declares(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    declared = yaml.safe_load(
        (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    assert main(["init", str(tmp_path / "x")]) == 0
    written = yaml.safe_load((tmp_path / "x" / ".pre-commit-config.yaml").read_text())
    hook_ids = {hook["id"] for hook in written["repos"][0]["hooks"]}
    assert hook_ids <= {hook["id"] for hook in declared}
    # a local hook (no tag to pin) that runs what the declared one runs
    assert written["repos"][0]["repo"] == "local"
    for hook in written["repos"][0]["hooks"]:
        same = next(d for d in declared if d["id"] == hook["id"])
        for key in ("entry", "pass_filenames", "always_run"):
            assert hook[key] == same[key], key


def test_the_written_hook_runs_under_pre_commit(tmp_path: Path) -> None:
    target = tmp_path / "study"
    assert main(["init", str(target)]) == 0
    env = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^repo-check\.+Passed$", done.stdout, re.M), done.stdout


def test_init_with_a_local_ruleset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "курс"
    target.mkdir()
    (target / "мой план.toml").write_text(
        '[ruleset]\nname = "mine"\n\n[[section]]\npath = "01_Основы"\n\n'
        '[[path]]\npath = "01_Основы/Лекции & задачи"\n\n[rules.missing-path]\n',
        encoding="utf-8",
    )
    assert main(["init", "--ruleset", str(target / "мой план.toml"), str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == ["created .papershelf.toml", "created 01_Основы/Лекции & задачи/.gitkeep"]
    assert (target / ".papershelf.toml").read_text(encoding="utf-8") == (
        'extends = ["./мой план.toml", "hygiene"]\n'
    )
    git(target, "add", "мой план.toml")
    assert repo_check_main([str(target)]) == 0
    assert capsys.readouterr().out == "no findings\n"


def test_init_without_a_plan_lays_out_no_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], without_git_lfs: None
) -> None:
    """The shipped AI-papers layout only when asked for by name: plain init sets up git,
    the ignores and the hook, and says how to lay out a plan."""
    target = tmp_path / "study"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert sorted(tracked(target)) == [".gitignore", ".pre-commit-config.yaml"]
    assert "note: no plan given, so no folders were laid out" in out
    assert "papershelf init --ruleset ai-papers-plan" in out
