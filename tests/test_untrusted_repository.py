"""A cloned repository is untrusted input: nothing it names is read or written outside
it, and nothing in it that is not a regular file (a FIFO, a link to a device) is opened
blocking or read whole. Each test builds the hostile repository for real."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import git, make_repo
from papershelf.cli import main, repo_check_main

SECRET = "TOP-SECRET-LINE"
GLOB = 'plan = ["**/README.md"]\n'
OUTSIDE_PLAN = f'# {SECRET}\n- **"{SECRET} paper"**\n- `{SECRET}_folder/`\n'


def tree(folder: Path) -> list[str]:
    """Everything under ``folder`` except git directories."""
    return sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*") if ".git" not in path.parts
    )


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = repo_check_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def papershelf(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def outside_file(tmp_path: Path, text: str = OUTSIDE_PLAN, name: str = "secret.md") -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    path = outside / name
    path.write_text(text, encoding="utf-8")
    return path


def linked_repo(root: Path, files: dict[str, str | bytes], links: dict[str, Path]) -> Path:
    """A committed repository holding ``files`` and tracked symbolic links ``links``."""
    root.mkdir(parents=True)
    for relative, target in links.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / relative)
    return make_repo(root, files)


def fifo_in_work_tree(repo: Path, relative: str) -> Path:
    """A committed regular file replaced, in the work tree only, by a FIFO."""
    path = repo / relative
    path.unlink()
    os.mkfifo(path)
    return path


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fails the test instead of hanging the suite when something opens a FIFO blocking."""
    stop = threading.Event()

    def watchdog() -> None:
        if not stop.wait(20):
            os._exit(99)  # a reader blocked on a FIFO never returns

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    yield
    stop.set()


# 2. plan files read through tracked links out of the repository


def test_a_glob_matched_plan_linked_outside_is_skipped_with_plan_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = outside_file(tmp_path)
    repo = linked_repo(
        tmp_path / "study",
        {".papershelf.toml": GLOB, "vision/README.md": '# Vision\n- **"ViT"**\n'},
        {"sub/README.md": secret},
    )
    code, out, err = check(capsys, str(repo))
    assert SECRET not in out + err
    assert code == 1
    assert (
        "sub/README.md: error plan-file: a link to a file outside the repository; papershelf "
        "does not read it: this plan file is skipped\n"
    ) in out
    assert '"ViT" is missing' in out  # the other plan files are checked
    for argv in (["--explain"], [], ["--format", "html"], ["--format", "json"]):
        code, out, err = papershelf(capsys, "plan", *argv, str(repo))
        assert SECRET not in out + err, argv
        assert code == 0
        assert "sub/README.md: a link to a file outside the repository" in err


def test_a_usual_name_plan_linked_outside_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = outside_file(tmp_path)
    repo = linked_repo(tmp_path / "study", {"notes.md": "# notes\n"}, {"STUDY_PLAN.md": secret})
    expected = (
        "STUDY_PLAN.md: a link to a file outside the repository; papershelf does not read it\n"
    )
    assert check(capsys, str(repo)) == (2, "", "repo-check: error: " + expected)
    assert papershelf(capsys, "plan", "--explain", str(repo)) == (
        2,
        "",
        "papershelf: error: " + expected,
    )


# 11. FIFOs and devices: never opened blocking, never read whole


def test_a_plan_linked_to_dev_stdin_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    repo = linked_repo(
        tmp_path / "study", {"notes.md": "# notes\n"}, {"STUDY_PLAN.md": Path("/dev/stdin")}
    )
    code, out, err = check(capsys, str(repo))
    assert (code, out) == (2, "")
    assert err == (
        "repo-check: error: STUDY_PLAN.md: a link to a file outside the repository; "
        "papershelf does not read it\n"
    )


def test_a_plan_that_is_a_fifo_in_the_work_tree_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    repo = make_repo(tmp_path / "study", {"STUDY_PLAN.md": '# Plan\n- **"ViT"**\n'})
    fifo_in_work_tree(repo, "STUDY_PLAN.md")
    code, out, err = check(capsys, str(repo))
    assert (code, out) == (2, "")
    assert err == (
        "repo-check: error: STUDY_PLAN.md: a FIFO, not a regular file: papershelf reads "
        "only files\n"
    )


def test_a_glob_matched_plan_that_is_a_fifo_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    repo = make_repo(
        tmp_path / "study",
        {".papershelf.toml": GLOB, "a/README.md": "# A\n", "b/README.md": '# B\n- **"ViT"**\n'},
    )
    fifo_in_work_tree(repo, "a/README.md")
    code, out, _ = check(capsys, str(repo))
    assert code == 1
    assert "a/README.md: error plan-file: a FIFO, not a regular file" in out
    assert '"ViT" is missing' in out


@pytest.mark.parametrize(
    "tracked",
    ["paper.pdf", "data.zip", "notes.md", ".gitmodules", "exp/requirements.txt"],
)
def test_any_tracked_path_that_is_a_fifo_in_the_work_tree_is_survived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None, tracked: str
) -> None:
    files: dict[str, str | bytes] = {
        "STUDY_PLAN.md": '# Plan\n- **"ViT"**\n',
        "paper.pdf": b"%PDF-1.4 x",
        "data.zip": b"PK\x03\x04 zip",
        "notes.md": "# notes\n",
        "exp/requirements.txt": "six\n",
    }
    if tracked == ".gitmodules":
        files[".gitmodules"] = ""
    repo = make_repo(tmp_path / "study", files)
    fifo_in_work_tree(repo, tracked)
    code, out, err = check(capsys, str(repo))
    assert code in (0, 1), (out, err)
    assert "Traceback" not in err


def test_plan_and_config_options_naming_a_fifo_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    repo = make_repo(tmp_path / "study", {"STUDY_PLAN.md": '# Plan\n- **"ViT"**\n'})
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, out, err = papershelf(capsys, "plan", "--plan", str(fifo), str(repo))
    assert (code, out) == (2, "")
    assert err == (
        f"papershelf: error: {fifo}: a FIFO, not a regular file: papershelf reads only files\n"
    )
    code, out, err = check(capsys, "--config", str(fifo), str(repo))
    assert (code, out) == (2, "")
    assert err == (
        f"repo-check: error: {fifo}: a FIFO, not a regular file: papershelf reads only files\n"
    )
    code, out, err = papershelf(capsys, "init", "--plan", str(fifo), str(tmp_path / "new"))
    assert (code, out) == (2, "")
    assert "a FIFO, not a regular file" in err
    assert not (tmp_path / "new").exists()


# 2. `extends` and the configuration itself, out of the repository


@pytest.mark.parametrize("where", ["../outside/x.toml", "absolute"])
def test_extends_out_of_the_repository_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    ruleset = outside_file(tmp_path, f'[ruleset]\nname = "{SECRET}"\nbogus = 1\n', "x.toml")
    name = str(ruleset) if where == "absolute" else where
    repo = make_repo(
        tmp_path / "study",
        {".papershelf.toml": f'# mine\nextends = ["hygiene", "{name}"]\n', "a.md": "# a\n"},
    )
    code, out, err = check(capsys, str(repo))
    assert (code, out) == (2, "")
    assert err == (
        "repo-check: error: .papershelf.toml:2: 'extends' must name a shipped rule set or a "
        f"file inside the repository, not {name!r}\n"
    )


def test_a_rule_set_of_the_repository_cannot_extend_out_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside_file(tmp_path, f'[ruleset]\nname = "{SECRET}"\nbogus = 1\n', "x.toml")
    repo = make_repo(
        tmp_path / "study",
        {
            ".papershelf.toml": 'extends = ["rules/mine.toml"]\n',
            "rules/mine.toml": '[ruleset]\nname = "mine"\nextends = ["../../outside/x.toml"]\n',
        },
    )
    code, out, err = check(capsys, str(repo))
    assert (code, out) == (2, "")
    assert SECRET not in err
    assert err.startswith(f"repo-check: error: {repo.resolve()}/rules/mine.toml:3: 'extends' must")


def test_a_configuration_linked_out_of_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = outside_file(tmp_path, f'plan = "{SECRET}.md"\nbogus = 1\n', "x.toml")
    repo = linked_repo(tmp_path / "study", {"a.md": "# a\n"}, {".papershelf.toml": secret})
    assert check(capsys, str(repo)) == (
        2,
        "",
        "repo-check: error: .papershelf.toml: a link to a file outside the repository; "
        "papershelf does not read it\n",
    )


def test_a_configuration_linked_to_dev_zero_is_not_read_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    zero = tmp_path / "study" / "zero"
    repo = make_repo(tmp_path / "study", {"a.md": "# a\n"})
    os.symlink("/dev/zero", zero)
    code, out, err = check(capsys, "--config", str(zero), str(repo))
    assert (code, out) == (2, "")
    assert err == (
        "repo-check: error: zero: a device, not a regular file: papershelf reads only files\n"
    )


# 1. `papershelf init` writes only inside the repository (15: and never into .git)


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("- `01_x/../../../outside/x/`", "01_x/../../../outside/x"),
        ("- `01_x/../.git/hooks/evil/`", "01_x/../.git/hooks/evil"),
    ],
)
def test_init_plan_path_out_of_the_repository_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, shown: str
) -> None:
    plan = tmp_path / "given" / "PLAN.md"
    plan.parent.mkdir()
    plan.write_text(f"# Plan\n\n## 01_x\n{line}\n- `02_y/`\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    repo = make_repo(tmp_path / "a" / "b" / "study", {"notes.md": "# notes\n"})
    hooks = sorted(os.listdir(repo / ".git" / "hooks"))
    before = tree(tmp_path)
    code, out, err = papershelf(capsys, "init", "--plan", str(plan), str(repo))
    assert (code, out) == (1, "")
    assert err.startswith(f"papershelf: error: {shown}: refusing to write "), err
    assert err.endswith("(nothing was written)\n") and err.count("\n") == 1
    assert tree(tmp_path) == before
    assert sorted(os.listdir(repo / ".git" / "hooks")) == hooks
    assert git(repo, "status", "--porcelain") == ""


def test_init_in_a_new_folder_refused_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "PLAN.md"
    plan.write_text("# Plan\n- `01_x/../../outside/x/`\n", encoding="utf-8")
    code, _, err = papershelf(capsys, "init", "--plan", str(plan), str(tmp_path / "new" / "s"))
    assert code == 1 and "refusing to write outside the repository" in err
    assert sorted(os.listdir(tmp_path)) == ["PLAN.md"]


def test_init_does_not_create_rule_set_folders_through_a_link_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = linked_repo(
        tmp_path / "study", {"notes.md": "# notes\n"}, {"01_Data_Centric_AI": elsewhere}
    )
    code, out, err = papershelf(capsys, "init", "--ruleset", "ai-papers-plan", str(repo))
    assert (code, out) == (1, "")
    assert err == (
        f"papershelf: error: 01_Data_Centric_AI: refusing to write outside the repository "
        f"{repo} (nothing was written)\n"
    )
    assert list(elsewhere.iterdir()) == []
    assert git(repo, "status", "--porcelain") == ""


def test_init_does_not_write_its_config_through_a_dangling_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "outside" / "planted.toml"
    target.parent.mkdir()
    repo = linked_repo(tmp_path / "study", {"notes.md": "# notes\n"}, {".papershelf.toml": target})
    code, _, err = papershelf(capsys, "init", "--ruleset", "hygiene", str(repo))
    assert code == 1
    assert err == (
        f"papershelf: error: .papershelf.toml: refusing to write outside the repository "
        f"{repo} (nothing was written)\n"
    )
    assert not target.exists()


def test_fix_does_not_create_plan_folders_inside_git(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "study",
        {"STUDY_PLAN.md": "# Plan\n- `01_x/../.git/hooks/evil/`\n", "a.md": "# a\n"},
    )
    hooks = sorted(os.listdir(repo / ".git" / "hooks"))
    code, _, err = check(capsys, "--fix", "--rule", "missing-path", str(repo))
    assert sorted(os.listdir(repo / ".git" / "hooks")) == hooks
    assert (code, err) == (
        1,
        "repo-check: error: 01_x/../.git/hooks/evil/.gitkeep: refusing to write into git's "
        "own folder .git (nothing was written)\n",
    )


def test_the_no_archives_hook_never_opens_a_fifo_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    from papershelf.hooks import main as hook_main

    fifo = tmp_path / "staged.zip"
    os.mkfifo(fifo)
    archive = tmp_path / "real.zip"
    archive.write_bytes(b"PK\x03\x04 zip")
    assert hook_main([str(fifo), str(archive)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{archive}: warning archive-in-git: zip archive staged for commit"
    )


def test_a_fifo_gitignore_outside_git_is_not_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "STUDY_PLAN.md").write_text('# Plan\n- **"ViT"**\n', encoding="utf-8")
    os.mkfifo(folder / ".gitignore")
    code, out, err = check(capsys, str(folder))
    assert code in (0, 1) and "Traceback" not in err
    assert '"ViT" is missing' in out


# 14. `--dest` inside the repository is excluded as exactly that folder


@pytest.mark.parametrize("name", ["Курс [2023]", "*", "#notes", "!keep", "a?b\\c"])
def test_dest_inside_the_repository_is_excluded_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    import zipfile

    repo = make_repo(tmp_path / "study", {"notes.md": "# notes\n"})
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("top/a.txt", "a\n")
    code, _, err = papershelf(capsys, "extract", str(archive), "--dest", str(repo / name))
    assert code == 0, err
    (repo / "new-top-level.md").write_text("# new\n", encoding="utf-8")
    untracked = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert untracked == ["?? new-top-level.md"]  # the extracted files, and only they, hidden
