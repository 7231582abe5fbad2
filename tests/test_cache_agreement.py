"""A warm run and a ``--no-cache`` run agree after any sequence of edits.

Hypothesis draws the edits a user makes between two commits — the plan text, the
plan text a local rule set ships beside itself, the configuration, files added and
staged — and after each one the cached answer must be the fresh one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gitrepo import git, make_repo, write_files
from papershelf.cli import repo_check_main

SHIPPED = "my.plan.md"


def answer(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, str]:
    code = repo_check_main([*args, str(repo)])
    return code, capsys.readouterr().out


def edit_plan(repo: Path, n: int) -> None:
    plan = repo / "README.md"
    if plan.exists():
        plan.write_text(plan.read_text(encoding="utf-8") + f"- `topic{n}/`\n", encoding="utf-8")


def edit_shipped(repo: Path, n: int) -> None:
    shipped = repo / SHIPPED
    shipped.write_text(shipped.read_text(encoding="utf-8") + f"\n1. `shipped{n}/`\n")


def drop_plan(repo: Path, n: int) -> None:
    if (repo / "README.md").exists():
        git(repo, "rm", "-qf", "README.md")


def edit_config(repo: Path, n: int) -> None:
    severity = ("error", "warning", "info")[n % 3]
    plan = 'plan = "README.md"\n' if n % 2 else ""
    write_files(
        repo,
        {
            ".papershelf.toml": f'{plan}extends = ["./my.toml", "hygiene"]\n'
            f'[rules.missing-path]\nseverity = "{severity}"\n'
        },
    )


def add_folder(repo: Path, n: int) -> None:
    write_files(repo, {f"topic{n}/notes.md": "x", f"shipped{n}/notes.md": "x"})
    git(repo, "add", "-A")


def add_paper(repo: Path, n: int) -> None:
    write_files(repo, {f"papers/paper {n}.pdf": b"%PDF-1.4\n% " + bytes([65 + n % 26])})
    git(repo, "add", "-A")


def edit_ignores(repo: Path, n: int) -> None:  # in the work tree only: git reads it so
    write_files(repo, {".gitignore": "" if n % 2 else "topic*/\nshipped*/\n"})


EDITS = [edit_plan, edit_shipped, drop_plan, edit_config, add_folder, add_paper, edit_ignores]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 5)), min_size=1, max_size=5))
def test_warm_and_fresh_runs_agree_after_random_edits(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[object, int]],
) -> None:
    repo = make_repo(
        tmp_path_factory.mktemp("r") / "study",
        {
            ".papershelf.toml": 'plan = "README.md"\nextends = ["./my.toml", "hygiene"]\n',
            "my.toml": "# a local rule set with its own plan text beside it\n",
            SHIPPED: "# Plan\n\n1. `shipped0/`\n",
            "README.md": "# Papers\n\n- `topic0/`\n- [U-Net](papers/unet.pdf)\n",
            "topic0/a.md": "x",
        },
    )
    answer(capsys, repo)  # warm the caches
    for edit, n in edits:
        edit(repo, n)  # type: ignore[operator]
        warm = answer(capsys, repo)
        assert warm == answer(capsys, repo, "--no-cache"), edit
