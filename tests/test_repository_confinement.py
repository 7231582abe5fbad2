"""``root`` and ``plan`` must name paths inside the repository, and ``repo-check --fix``
writes nothing outside it — whatever the configuration, a rule set or a symbolic link says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, GUIDE, make_repo
from papershelf.cli import repo_check_main


def tree(folder: Path) -> list[str]:
    """Everything under ``folder`` except the repository's own git directory."""
    return sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*") if ".git" not in path.parts
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = repo_check_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ('root = "../.."', "'../..'"),
        ('root = "/etc"', "'/etc'"),
        ('root = "library/../../x"', "'library/../../x'"),
        ('plan = "../outside/PLAN.md"', "'../outside/PLAN.md'"),
        ('plan = "/etc/passwd"', "'/etc/passwd'"),
    ],
)
@pytest.mark.parametrize("fix", [False, True])
def test_root_or_plan_outside_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, shown: str, fix: bool
) -> None:
    files = {path: text for path, text in COMPLETE_PLAN.items() if "01_Data" not in path}
    repo = make_repo(tmp_path / "home" / "study", {**files, ".papershelf.toml": f"\n{line}\n"})
    before = tree(tmp_path)
    code, out, err = run(capsys, *(["--fix"] if fix else []), str(repo))
    key = line.split()[0]
    assert (code, out) == (2, "")
    assert err == (
        f"repo-check: error: .papershelf.toml:2: '{key}' must name a path inside the "
        f"repository, not {shown}\n"
    )
    assert tree(tmp_path) == before


def test_root_through_a_link_to_elsewhere_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = make_repo(tmp_path / "study", {GUIDE + "/notes.md": "# notes\n"})
    (repo / "library").symlink_to(elsewhere, target_is_directory=True)
    (repo / ".papershelf.toml").write_text('root = "library"\n')
    code, _, err = run(capsys, "--fix", str(repo))
    assert code == 2
    assert "'root' must name a path inside the repository, not 'library'" in err
    assert list(elsewhere.iterdir()) == []


def test_fix_does_not_write_through_a_linked_gitignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The writer itself refuses: here no configuration value is wrong at all."""
    outside = tmp_path / "shared-ignore"
    outside.write_text("*.log\n")
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "05_Alignment/__pycache__/m.pyc": b"\0"})
    os.symlink(outside, repo / ".gitignore")
    code, _, err = run(capsys, "--fix", "--rule", "committed-artifact", str(repo))
    assert outside.read_text() == "*.log\n"
    assert code == 1
    assert err == (
        f"repo-check: error: .gitignore: refusing to write outside the repository {repo} "
        "(nothing was written)\n"
    )


def test_fix_does_not_create_plan_folders_through_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan folder's parent is a link out of the repository: its .gitkeep is refused."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = {path: text for path, text in COMPLETE_PLAN.items() if "01_Data" not in path}
    repo = make_repo(tmp_path / "study", files)
    (repo / "01_Data_Centric_AI").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run(capsys, "--fix", "--rule", "missing-path", str(repo))
    assert list(elsewhere.iterdir()) == []
    assert code == 1
    assert "01_Data_Centric_AI/" in err
    assert "refusing to write outside the repository" in err


def test_a_plan_link_out_of_the_repository_is_not_an_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`[x](../../etc/passwd)` names nothing papershelf may check, create or `git mv` into."""
    repo = make_repo(
        tmp_path / "r",
        {
            "notes/PLAN.md": '# P\n[x](../../etc/passwd)\n**"A"**\n[back](../a.txt)\n',
            "a.txt": "hi\n",
            ".papershelf.toml": 'plan = "notes/PLAN.md"\n',
        },
    )
    code, out, _ = run(capsys, str(repo))
    assert "etc" not in out
    assert (code, out.splitlines()[-1]) == (0, "1 finding: 1 warning"), out  # "A" is missing


def test_fix_that_fails_halfway_leaves_the_repository_exactly_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`a_new/.gitkeep` is written before `zz/inner/.gitkeep` is refused (its parent is a
    link out): the first is taken back, and the work tree and index are as before."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = make_repo(
        tmp_path / "study",
        {"STUDY_PLAN.md": "# Plan\n\n- `a_new/`\n- `zz/inner/`\n", "notes.md": "x"},
    )
    (repo / "zz").symlink_to(elsewhere, target_is_directory=True)
    index = (repo / ".git" / "index").read_bytes()
    before = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if ".git" not in p.parts)
    code, _, err = run(capsys, "--fix", "--rule", "missing-path", str(repo))
    assert code == 1
    assert "refusing to write outside the repository" in err
    after = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if ".git" not in p.parts)
    assert after == before
    assert (repo / ".git" / "index").read_bytes() == index
    assert list(elsewhere.iterdir()) == []
