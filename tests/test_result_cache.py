"""A warm repo-check answers from the last run's findings, and only while they are true.

Every change that can alter a finding — the index, the configuration, a rule set
it extends, a plan file edited but not staged, ``.gitmodules``, the command-line
choices — must give exactly what a run without any cache gives.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, PLAN_FILE, git, make_repo, write_files
from papershelf import store
from papershelf.check import resultcache
from papershelf.cli import repo_check_main

ZIP_BYTES = b"PK\x05\x06" + b"\0" * 18  # an empty zip archive
RESULT = store.entry(Path(".git") / "papershelf", "check-result")


def run(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, str]:
    code = repo_check_main([*args, str(repo)])
    return code, capsys.readouterr().out


def study(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "study", {**COMPLETE_PLAN, "05_Alignment/x.zip": ZIP_BYTES})


def edit_plan(repo: Path) -> None:  # edited in the work tree, not staged
    plan = repo / PLAN_FILE
    plan.write_text(
        plan.read_text(encoding="utf-8") + "\n## 07 Extra\n\nПапка `07_Extra/`.\n",
        encoding="utf-8",
    )


def remove_plan(repo: Path) -> None:  # deleted from the work tree, still in the index
    (repo / PLAN_FILE).unlink()


def add_dotfile(repo: Path) -> None:
    write_files(repo, {".papershelf.toml": '[rules.archive-in-git]\nseverity = "error"\n'})


def add_pyproject(repo: Path) -> None:
    write_files(
        repo,
        {"pyproject.toml": '[tool.papershelf.rules.archive-in-git]\nseverity = "info"\n'},
    )


def stage_archive(repo: Path) -> None:
    write_files(repo, {"06_Engineering_&_Tuning/more.zip": ZIP_BYTES})
    git(repo, "add", "-A")


def declare_submodule(repo: Path) -> None:  # .gitmodules is read from the work tree
    write_files(
        repo,
        {".gitmodules": '[submodule "n"]\n\tpath = code/n\n\turl = https://example.org/n\n'},
    )


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "plan edited, not staged": edit_plan,
    "plan removed from the work tree": remove_plan,
    ".papershelf.toml created": add_dotfile,
    "pyproject.toml created": add_pyproject,
    "an archive staged": stage_archive,
    ".gitmodules written": declare_submodule,
}


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_a_change_gives_what_a_run_without_cache_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Callable[[Path], None]
) -> None:
    repo = study(tmp_path)
    before = run(capsys, repo)
    assert run(capsys, repo) == before  # answered from the stored result
    mutate(repo)
    fresh = run(capsys, repo, "--no-cache")
    assert fresh != before  # the change matters to the findings
    assert run(capsys, repo) == fresh
    assert run(capsys, repo) == fresh  # and the new answer is stored in turn


def test_an_edited_rule_set_the_configuration_extends_is_read_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = study(tmp_path)
    write_files(
        repo,
        {
            ".papershelf.toml": 'extends = ["ai-papers-plan", "house.toml"]\n',
            "house.toml": '[rules.archive-in-git]\nseverity = "warning"\n',
        },
    )
    assert "warning archive-in-git" in run(capsys, repo)[1]
    write_files(repo, {"house.toml": '[rules.archive-in-git]\nseverity = "error"\n'})
    assert "error archive-in-git" in run(capsys, repo)[1]


def test_rule_and_config_choices_are_part_of_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = study(tmp_path)
    everything = run(capsys, repo)
    only = run(capsys, repo, "--rule", "archive-in-git")
    assert only[1].count("\n") < everything[1].count("\n")
    assert only == run(capsys, repo, "--no-cache", "--rule", "archive-in-git")
    other = tmp_path / "other.toml"
    other.write_text('[rules.archive-in-git]\nseverity = "off"\n', encoding="utf-8")
    chosen = run(capsys, repo, "--config", str(other))
    assert "archive-in-git" not in chosen[1]
    assert run(capsys, repo) == everything


def test_a_stored_result_of_another_shape_is_a_miss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = study(tmp_path)
    expected = run(capsys, repo)
    key = resultcache.key_for(repo, None, ())
    assert key is not None and key.file == repo / RESULT
    stored = store.load(key.file, 3)
    assert stored is not None and stored[0] == key.header
    for body in [("not", "a", "result"), (True, None, None, (("x",),), (), None)]:
        store.store(key.file, key.header, stored[1], body)
        assert run(capsys, repo) == expected
    store.store(key.file, key.header, ((str(repo / "gone.toml"), (1, 2, 3, 4)),), stored[2])
    assert run(capsys, repo) == expected  # an input that changed: checked afresh


def test_every_file_a_check_opens_is_among_its_recorded_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read that is not noted would let a stale answer through: catch every ``open`` of a
    work-tree file during a cold check and compare with what the stored result lists."""
    repo = study(tmp_path)
    write_files(
        repo,
        {
            ".papershelf.toml": 'extends = ["ai-papers-plan", "house.toml"]\n',
            "house.toml": '[rules.archive-in-git]\nseverity = "warning"\n',
            ".gitmodules": '[submodule "n"]\n\tpath = code/n\n\turl = https://example.org/n\n',
        },
    )
    git(repo, "add", "-A")
    run(capsys, repo)
    # Blobs are read once, by id, and are the index's content: keep what was learnt of
    # them, and drop every cache that could spare the next run a read of an input.
    for cache in (repo / ".git" / "papershelf").iterdir():
        if cache.name not in {"blobs.v2", "papers.v1"}:
            cache.unlink()
    opened: list[str] = []
    git_dir = str(repo / ".git")

    def listen(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and recording and isinstance(args[0], str | Path):
            path = str(Path(args[0]).absolute())
            if path.startswith(str(repo)) and not path.startswith(git_dir):
                opened.append(path)

    recording = True
    sys.addaudithook(listen)
    try:
        run(capsys, repo)
    finally:
        recording = False
    stored = store.load(repo / RESULT, 3)
    assert stored is not None
    recorded = {path for path, _ in stored[1]}
    assert opened  # the plan and the configuration, at least
    assert set(opened) <= recorded
    assert str(repo / ".gitmodules") in recorded  # read by git, not by an open here


def test_a_warm_run_loads_neither_the_rules_nor_the_plan(tmp_path: Path) -> None:
    repo = study(tmp_path)
    probe = (
        "import json, sys\n"
        "from papershelf.cli import repo_check_main\n"
        "code = repo_check_main(['.'])\n"
        "names = [m for m in sys.modules if m.startswith('papershelf.')]\n"
        "print(json.dumps([code, names]), file=sys.stderr)\n"
    )

    def modules() -> tuple[int, list[str], str]:
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True
        )
        code, names = json.loads(done.stderr.strip().splitlines()[-1])
        return code, names, done.stdout

    cold_code, cold, cold_out = modules()
    warm_code, warm, warm_out = modules()
    assert "papershelf.workspace" in cold and "papershelf.check.rules" in cold
    assert (warm_code, warm_out) == (cold_code, cold_out)
    assert not {
        name
        for name in warm
        if name.startswith(("papershelf.check.rules", "papershelf.plan", "papershelf.config"))
    }
    assert "papershelf.workspace" not in warm
