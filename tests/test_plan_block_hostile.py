"""``plan --update`` on hostile repositories: names holding the block's markers, a README
that is a link, a README that is also the plan, temporary files of a killed run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from organize_repo import git, make_repo
from papershelf.cli import main

BEGIN, END = "<!-- papershelf:plan -->", "<!-- /papershelf:plan -->"
PLAN = (
    "# Plan\n\n## Phase 1\n\n- `01_Intro/`\n"
    "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762) in `01_Intro/`\n"
)
README = f"# Notes\n\n{BEGIN}\n{END}\n"


def update(repo: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["plan", "--update", str(repo / "README.md"), str(repo)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


@pytest.mark.parametrize("marker", [END, BEGIN])
def test_a_path_holding_a_marker_stays_on_its_line_of_the_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], marker: str
) -> None:
    """The end marker made the README grow on every run; the begin marker made every
    run after the first fail."""
    misfiled = f"x\n{marker}\ny/Attention Is All You Need.pdf"
    repo = make_repo(
        tmp_path / "repo",
        {"STUDY_PLAN.md": PLAN, "01_Intro/a.md": "x", misfiled: b"%PDF", "README.md": README},
    )
    assert update(repo, capsys) == f"updated {repo / 'README.md'}\n"
    text = (repo / "README.md").read_text(encoding="utf-8")
    assert (
        f"- [ ] **Attention Is All You Need** — misplaced: found in `x\\n{marker}\\ny/"
        "Attention Is All You Need.pdf`\n"
    ) in text
    assert text.count("\n") == 13
    for _ in range(2):
        assert update(repo, capsys) == f"{repo / 'README.md'} is up to date\n"
    assert (repo / "README.md").read_text(encoding="utf-8") == text


def test_markers_quoted_in_a_sentence_are_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prose = f"Put `{BEGIN}` and `{END}` on lines of their own.\n"
    repo = make_repo(
        tmp_path / "repo",
        {"STUDY_PLAN.md": PLAN, "01_Intro/a.md": "x", "README.md": prose + "\n" + README},
    )
    update(repo, capsys)
    text = (repo / "README.md").read_text(encoding="utf-8")
    assert text.startswith(prose + "\n# Notes\n\n" + BEGIN + "\nPlan: ")
    assert text.endswith(f"- [x] `01_Intro`\n{END}\n")


def test_the_block_is_never_read_as_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ``plan = ["**/README.md"]`` the block was read back as plan items (7, 11, 18)."""
    readme = PLAN.replace("# Plan", "# Notes") + f"\n{BEGIN}\n{END}\n"
    repo = make_repo(
        tmp_path / "repo",
        {
            ".papershelf.toml": 'plan = ["**/README.md"]\n',
            "README.md": readme,
            "01_Intro/a.md": "x",
            "01_Intro/README.md": f"# Intro\n\n- `01_Intro/a.md`\n\n{BEGIN}\n{END}\n",
        },
    )

    def summary() -> str:
        assert main(["plan", str(repo)]) == 0
        return capsys.readouterr().out.splitlines()[-1]

    first = summary()
    for _ in range(3):
        update(repo, capsys)
        assert summary() == first
    assert update(repo, capsys) == f"{repo / 'README.md'} is up to date\n"


def test_a_readme_that_is_a_link_is_not_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(README, encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {"STUDY_PLAN.md": PLAN, "01_Intro/a.md": "x"})
    (repo / "README.md").symlink_to(outside)
    git(repo, "add", "README.md")
    assert main(["plan", "--update", str(repo / "README.md"), str(repo)]) == 1
    assert capsys.readouterr().err == (
        f"papershelf: error: {repo / 'README.md'}: a symbolic link; papershelf does not "
        "write through it (nothing was changed)\n"
    )
    assert (repo / "README.md").is_symlink()
    assert outside.read_text(encoding="utf-8") == README
    assert sorted(p.name for p in repo.iterdir()) == [
        ".git",
        "01_Intro",
        "README.md",
        "STUDY_PLAN.md",
    ]


def test_temporary_files_a_killed_run_left_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kill -9`` during ``--update`` leaves ``.README.md.*.tmp`` unlocked; the next run
    removes it before ``git add -A`` commits it, and keeps one another run still writes."""
    repo = make_repo(
        tmp_path / "repo", {"STUDY_PLAN.md": PLAN, "01_Intro/a.md": "x", "README.md": README}
    )
    killed = repo / ".README.md.k1ll3d_9.tmp"
    killed.write_text("half a READ", encoding="utf-8")
    writing = repo / ".README.md.wr1t1ng.tmp"
    writing.write_text("", encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(writing),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        update(repo, capsys)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert not killed.exists()
    assert writing.exists()
    assert sorted(p.name for p in repo.iterdir() if p.name.endswith(".tmp")) == [writing.name]


def test_update_writes_its_temporary_file_where_git_add_never_sees_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new README is written first under ``.git/papershelf`` and renamed into place:
    a run killed mid-write leaves nothing in the work tree for ``git add -A``."""
    repo = make_repo(
        tmp_path / "repo", {"STUDY_PLAN.md": PLAN, "01_Intro/a.md": "x", "README.md": README}
    )
    opened: list[str] = []
    watching = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if watching[0] and event == "open" and str(args[0]).endswith(".tmp"):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    try:
        update(repo, capsys)
    finally:
        watching[0] = False
    assert opened
    assert all(Path(path).parent == repo / ".git" / "papershelf" for path in opened)
    assert not list(repo.glob(".README.md.*.tmp"))
