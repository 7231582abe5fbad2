"""Parsed plans are kept by their text: a commit that changes the index, not the plan,
matches the same items again without reading the markdown; an edited plan is read anew."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, PLAN_FILE, git, make_repo, write_files
from papershelf import store
from papershelf.cli import repo_check_main

PROBE = (
    "import json, sys\n"
    "from papershelf.cli import repo_check_main\n"
    "code = repo_check_main(['.'])\n"
    "print(json.dumps([code, 'papershelf.plan.tree' in sys.modules]), "
    "file=sys.stderr)\n"
)


def probe(repo: Path) -> tuple[int, bool, str]:
    """Exit code, whether the markdown reader was loaded, and the report."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo, capture_output=True, text=True, check=True
    )
    code, loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return code, loaded, done.stdout


def without_cache(capsys: pytest.CaptureFixture[str], repo: Path) -> tuple[int, str]:
    code = repo_check_main(["--no-cache", str(repo)])
    return code, capsys.readouterr().out


def test_staging_a_file_reuses_the_parsed_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "05_Alignment/x.zip": b"PK\5\6"})
    assert probe(repo)[1]  # a first run reads the plan
    (repo / "02_Model_Backbones/01_Transformer_Evolution/The Llama 3 Herd of Models.pdf").unlink()
    git(repo, "add", "-A")  # a paper gone: the index changed, the plan did not
    code, loaded, out = probe(repo)
    assert not loaded
    assert "missing-paper" in out
    assert (code, out) == without_cache(capsys, repo)


def test_an_edited_plan_is_read_again_and_the_cache_keeps_only_what_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    probe(repo)
    plan = repo / PLAN_FILE
    for week in range(1, 4):
        plan.write_text(
            plan.read_text(encoding="utf-8") + f"\n## Week {week}\n\nFolder: `week {week}`.\n",
            encoding="utf-8",
        )
        write_files(repo, {f"notes {week}.md": "# notes\n"})
        git(repo, "add", f"notes {week}.md")
        code, loaded, out = probe(repo)
        assert loaded
        assert f"`week {week}` is missing" in out
        assert (code, out) == without_cache(capsys, repo)
    stored = store.load(store.entry(repo / ".git" / "papershelf", "plans"), 2)
    assert stored is not None and stored[0] == store.code_stamp()
    assert len(stored[1]) == 1  # one plan file: one parse kept, the older texts dropped


def test_a_parsed_plan_of_another_shape_is_read_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    expected = without_cache(capsys, repo)
    probe(repo)
    cache = store.entry(repo / ".git" / "papershelf", "plans")
    stored = store.load(cache, 2)
    assert stored is not None
    store.store(cache, stored[0], {key: ("not", "a plan") for key in stored[1]})
    write_files(repo, {"later.md": "# later\n"})
    git(repo, "add", "later.md")
    code, loaded, out = probe(repo)
    assert loaded
    assert (code, out) == expected
