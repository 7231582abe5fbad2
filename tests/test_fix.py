"""``repo-check --fix`` / ``--fix --dry-run``: additive fixes on real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from organize_repo import PLAN_MOJIBAKE, PLAN_RU, ZIP_BYTES, git, make_repo, tracked
from papershelf.cli import repo_check_main

PLAN_FILE = "00_The_Guidebook_&_Roadmap/README_Reading_Order.md"
TITLE = "Разработка LLM с нуля"


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain", "-z", "--untracked-files=all")


@pytest.fixture
def untidy(tmp_path: Path) -> Path:
    """Plan folders partly there, a committed cache, a committed archive."""
    return make_repo(
        tmp_path / "Мой репозиторий",
        {
            PLAN_FILE: PLAN_RU.read_bytes(),
            "02_Model_Backbones/01_Transformer_Evolution/Attention is all you need.pdf": b"%PDF",
            "02_Model_Backbones/01_Transformer_Evolution/__pycache__/m.pyc": b"\0",
            f"06_Engineering_&_Tuning/{TITLE}.zip": ZIP_BYTES,
            ".gitignore": "*.log",
        },
    )


def test_dry_run_prints_the_fixes_and_changes_nothing(
    untidy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = status(untidy)
    rules = ["--rule", "missing-path", "--rule", "committed-artifact", "--rule", "archive-in-git"]
    repo_check_main(["--fix", "--dry-run", *rules, str(untidy)])
    out = capsys.readouterr().out.splitlines()
    assert out[: out.index("")] == [
        "would create `01_Data_Centric_AI/02_Data_Filtering_Quality/.gitkeep`",
        "would create `01_Data_Centric_AI/03_Synthetic_Data/.gitkeep`",
        "would create `01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat/.gitkeep`",
        "would create `02_Model_Backbones/02_Post_Transformer_&_SSM/.gitkeep`",
        "would create `03_Reasoning_Architectures/.gitkeep`",
        "would create `04_Agentic_Systems_&_MCP/.gitkeep`",
        "would add `__pycache__/` to `.gitignore`",
        "not fixed: 06_Engineering_&_Tuning/Разработка LLM с нуля: exists only as "
        f"`06_Engineering_&_Tuning/{TITLE}.zip`: papershelf extract -- "
        f"'06_Engineering_&_Tuning/{TITLE}.zip'",
        "not fixed: 02_Model_Backbones/01_Transformer_Evolution/__pycache__: papershelf does "
        "not untrack files; once ignored, untrack it with: git rm -r --cached -- "
        "02_Model_Backbones/01_Transformer_Evolution/__pycache__",
        f"not fixed: 06_Engineering_&_Tuning/{TITLE}.zip: papershelf does not untrack files; "
        "to take it out of git and keep its contents: git rm --cached -- "
        f"'06_Engineering_&_Tuning/{TITLE}.zip' && papershelf extract -- "
        f"'06_Engineering_&_Tuning/{TITLE}.zip'",
    ]
    assert status(untidy) == before
    assert not (untidy / "03_Reasoning_Architectures").exists()


def test_fix_creates_folders_and_ignores_and_never_untracks(
    untidy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files_before = set(tracked(untidy))
    assert repo_check_main(["--rule", "missing-path", str(untidy)]) == 1
    capsys.readouterr()
    rules = ["--rule", "missing-path", "--rule", "committed-artifact"]
    code = repo_check_main(["--fix", *rules, str(untidy)])
    out = capsys.readouterr().out.splitlines()
    assert "fixed: created `03_Reasoning_Architectures/.gitkeep`" in out
    assert "fixed: added `__pycache__/` to `.gitignore`" in out
    # left: the archived folder (a warning) and the still-tracked cache (an error)
    assert code == 1
    assert out[-1] == "2 findings: 1 error, 1 warning"
    assert (untidy / ".gitignore").read_text() == "*.log\n__pycache__/\n"
    now = set(tracked(untidy))
    assert files_before <= now  # nothing untracked, the archive and cache included
    assert "03_Reasoning_Architectures/.gitkeep" in now
    assert (untidy / f"06_Engineering_&_Tuning/{TITLE}.zip").read_bytes() == ZIP_BYTES
    capsys.readouterr()
    repo_check_main(["--fix", "--dry-run", *rules, str(untidy)])
    out = capsys.readouterr().out.splitlines()
    assert not [line for line in out if line.startswith("would")]


def test_mojibake_fix_renames_and_rewrites_the_plan_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = TITLE.encode().decode("mac_roman")
    repo = make_repo(
        tmp_path / "repo",
        {
            "00_The_Guidebook_&_Roadmap/.gitkeep": "",
            "HOW_TO_READ.md": PLAN_MOJIBAKE.read_bytes(),
            f"06_Engineering_&_Tuning/{broken}/Урок 1.md": "x",
        },
    )
    assert repo_check_main(["--fix", "--rule", "mojibake", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        f"fixed: renamed `06_Engineering_&_Tuning/{broken}` to "
        f"`06_Engineering_&_Tuning/{TITLE}` (UTF-8 read as Mac Roman)",
        "fixed: rewrote `HOW_TO_READ.md` with its repaired text (UTF-8 read as Mac Roman)",
    ]
    assert out[-1] == "no findings"
    plan = repo / "HOW_TO_READ.md"
    assert plan.read_bytes() == PLAN_RU.read_bytes()
    assert f"06_Engineering_&_Tuning/{TITLE}/Урок 1.md" in tracked(repo)
    assert not (repo / "06_Engineering_&_Tuning" / broken).exists()


def nested_repository(path: Path, origin: str | None = None) -> None:
    make_repo(path, {"README.md": "nested\n"})
    if origin:
        git(path, "remote", "add", "origin", origin)


def test_gitmodules_entry_from_origin_or_a_link_file_else_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {"01_Data/UltraChat_Repo_Link.md": "Source: https://github.com/thunlp/UltraChat\n"},
    )
    nested_repository(repo / "01_Data/UltraChat")
    nested_repository(repo / "code/nanochat", origin="https://github.com/karpathy/nanochat.git")
    nested_repository(repo / "code/mystery")
    git(repo, "add", "01_Data/UltraChat", "code/nanochat", "code/mystery")
    git(repo, "commit", "-q", "-m", "gitlinks")
    code = repo_check_main(["--fix", "--rule", "broken-submodule", str(repo)])
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        "fixed: added a `.gitmodules` entry for `01_Data/UltraChat` "
        "(https://github.com/thunlp/UltraChat)",
        "fixed: added a `.gitmodules` entry for `code/nanochat` "
        "(https://github.com/karpathy/nanochat.git)",
        "not fixed: code/mystery: a gitlink with no .gitmodules entry, and no URL for it is "
        "known; either declare it: git config -f .gitmodules -- submodule.code/mystery.path "
        "code/mystery && git config -f .gitmodules -- submodule.code/mystery.url <URL>; or "
        "commit its files instead: git rm --cached -- code/mystery, "
        "rm -rf -- code/mystery/.git, git add -- code/mystery",
        "",
    ]
    assert code == 1
    assert out[-1] == "1 finding: 1 error"
    modules = git(repo, "config", "-f", ".gitmodules", "--get-regexp", r"\.url$")
    assert modules.splitlines() == [
        "submodule.01_Data/UltraChat.url https://github.com/thunlp/UltraChat",
        "submodule.code/nanochat.url https://github.com/karpathy/nanochat.git",
    ]


def test_dry_run_needs_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", {"a.md": "x"})
    assert repo_check_main(["--dry-run", str(repo)]) == 2
    assert "--dry-run only goes with --fix" in capsys.readouterr().err


def test_fix_with_json_keeps_stdout_machine_readable(
    untidy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo_check_main(["--fix", "--dry-run", "--format", "json", str(untidy)])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["version"] == 1
    assert "would create `03_Reasoning_Architectures/.gitkeep`" in captured.err


def test_ignored_findings_are_not_fixed(untidy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (untidy / ".papershelf.toml").write_text(
        'ignore = ["03_Reasoning_Architectures", "01_Data_Centric_AI"]\n', encoding="utf-8"
    )
    repo_check_main(["--fix", "--dry-run", "--rule", "missing-path", str(untidy)])
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("would")] == [
        "would create `02_Model_Backbones/02_Post_Transformer_&_SSM/.gitkeep`",
        "would create `04_Agentic_Systems_&_MCP/.gitkeep`",
    ]


def test_fix_imposes_no_plan_on_a_repository_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"notes.md": "x"})
    assert repo_check_main(["--fix", "--rule", "missing-path", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "nothing to fix"
    assert out[-1] == "1 finding: 1 info"
    assert tracked(repo) == ["notes.md"]


def test_fix_lays_out_the_shipped_plan_when_the_repository_extends_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {"notes.md": "x", ".papershelf.toml": 'extends = ["ai-papers-plan", "hygiene"]\n'},
    )
    assert repo_check_main(["--rule", "missing-path", str(repo)]) == 1
    capsys.readouterr()
    assert repo_check_main(["--fix", "--rule", "missing-path", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"fixed: created `{PLAN_FILE}` from the rule set's plan text"
    assert out[-1] == "no findings"
    assert (repo / PLAN_FILE).read_bytes() == PLAN_RU.read_bytes()
    assert PLAN_FILE in tracked(repo)


def test_fix_creates_nothing_inside_a_submodule_or_where_a_file_stands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan folder under a gitlink is the submodule's own; a file in a folder's place
    (`The Llama 3 Herd of Models`, no suffix) is for a person to sort out."""
    inner = make_repo(tmp_path / "inner", {"x.md": "x"})
    repo = make_repo(
        tmp_path / "repo",
        {
            "STUDY_PLAN.md": "1. `vendor/lib/notes/`\n2. `papers/llama/`\n3. `week1/`\n",
            "papers/llama": "not a folder",
        },
    )
    git(
        repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "vendor/lib"
    )
    git(repo, "commit", "-qm", "submodule")
    assert repo_check_main(["--fix", "--rule", "missing-path", str(repo)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "fixed: created `week1/.gitkeep`"
    assert not (repo / "vendor/lib/notes").exists()
    assert (repo / "papers/llama").read_text() == "not a folder"
    assert git(repo, "-C", "vendor/lib", "status", "--porcelain") == ""
