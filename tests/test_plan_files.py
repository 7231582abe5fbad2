"""Plan files papershelf does not read: not UTF-8 text, or past the plans' size limits.

A plan named exactly (or found by its usual name) that cannot be read is one
line naming it, exit 2; among the files a glob in ``plan`` matches, such a file
is skipped with a ``plan-file`` finding and the others are checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checking import summary
from gitrepo import git, make_repo
from papershelf.cli import main, repo_check_main
from papershelf.plan.model import TooManyItems
from papershelf.plan.reader import parse
from papershelf.sizes import PLAN_MAX_BYTES, PLAN_MAX_ITEMS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
GLOB = 'plan = ["**/README.md"]\nextends = ["hygiene"]\n'
CP1251 = '# Статьи\n- **"Внимание"**\n'.encode("cp1251")


def papers(count: int, start: int = 0) -> str:
    """A plan file listing ``count`` papers, one a line after a title line."""
    return "# Papers\n" + "".join(f'- **"Paper {n}"**\n' for n in range(start, start + count))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = repo_check_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def show(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["plan", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_glob_matched_plan_that_is_not_utf8_is_skipped_and_the_rest_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "курс & план",
        {
            ".papershelf.toml": GLOB,
            "статьи 1/README.md": CP1251,
            "vision/README.md": '# Vision\n- **"ViT"**\n- **"ResNet"**\n',
            "vision/ResNet.pdf": b"%PDF",
        },
    )
    assert run(capsys, str(repo)) == (
        1,
        'vision: warning missing-paper: "ViT" is missing: the plan reads it here\n'
        "  hint: add the paper's PDF with its title in the file name\n"
        "статьи 1/README.md: error plan-file: not UTF-8 text: this plan file is skipped\n"
        "  hint: save it as UTF-8, or leave it out of `plan`\n"
        "2 findings: 1 error, 1 warning\n",
        "",
    )
    code, out, err = show(capsys, str(repo))
    assert (code, err) == (
        0,
        "warning: статьи 1/README.md: not UTF-8 text: this plan file is skipped\n",
    )
    assert '[missing]   "ViT"' in out and '[present]   "ResNet"' in out


def test_when_no_glob_matched_plan_can_be_read_only_plan_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {".papershelf.toml": GLOB, "a/README.md": CP1251})
    code, out, _ = run(capsys, str(repo))
    assert (code, out.splitlines()[0], out.splitlines()[-1]) == (
        1,
        "a/README.md: error plan-file: not UTF-8 text: this plan file is skipped",
        "1 finding: 1 error",
    )
    assert show(capsys, str(repo)) == (
        1,
        "",
        "warning: a/README.md: not UTF-8 text: this plan file is skipped\n"
        "papershelf: error: no plan file could be read\n",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CP1251, "the plan is not UTF-8 text; save it as UTF-8"),
        (b"x" * (PLAN_MAX_BYTES + 1), "the plan is 4 MB, over the 4 MB papershelf reads"),
    ],
)
def test_a_plan_named_on_the_command_line_is_read_as_every_plan_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    repo = make_repo(tmp_path / "r", {"notes.md": "x\n"})
    plan = tmp_path / "ПЛАН.md"
    plan.write_bytes(content)
    assert show(capsys, "--plan", str(plan), str(repo)) == (
        2,
        "",
        f"papershelf: error: {plan}: {message}\n",
    )
    assert main(["init", "--plan", str(plan), str(tmp_path / "new")]) == 2
    assert capsys.readouterr().err == f"papershelf: error: {plan}: {message}\n"
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("config", ['plan = "PLAN.md"\n', None])
def test_a_plan_over_the_byte_limit_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str | None
) -> None:
    name = "PLAN.md" if config else "STUDY_PLAN.md"
    files: dict[str, str | bytes] = {name: b"# Plan\n" + b"x" * PLAN_MAX_BYTES}
    if config:
        files[".papershelf.toml"] = config
    repo = make_repo(tmp_path / "r", files)
    message = f"{name}: the plan is 4 MB, over the 4 MB papershelf reads\n"
    assert run(capsys, str(repo)) == (2, "", f"repo-check: error: {message}")
    assert show(capsys, str(repo)) == (2, "", f"papershelf: error: {message}")


def test_a_plan_over_the_item_limit_is_one_error_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"STUDY_PLAN.md": papers(PLAN_MAX_ITEMS + 5)})
    line = PLAN_MAX_ITEMS + 2  # the title line, then one paper a line
    message = f"STUDY_PLAN.md:{line}: the plan names more than 20,000 folders, files and papers\n"
    assert run(capsys, str(repo)) == (2, "", f"repo-check: error: {message}")
    assert show(capsys, str(repo)) == (2, "", f"papershelf: error: {message}")


def test_a_plan_at_the_item_limit_is_read_whole() -> None:
    plan = parse(papers(PLAN_MAX_ITEMS), max_items=PLAN_MAX_ITEMS)
    assert sum(1 for _ in plan.items()) == PLAN_MAX_ITEMS
    with pytest.raises(TooManyItems) as raised:
        parse(papers(3) + "Go to `a/b` and `c/d`.\n", max_items=4)
    assert raised.value.line == 5


def test_glob_matched_plans_share_the_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files read in path order; a file over a limit by itself is skipped alone, the file
    with which the plans together pass a limit is not read, nor those after it."""
    half = PLAN_MAX_ITEMS // 2
    repo = make_repo(
        tmp_path / "r",
        {
            ".papershelf.toml": GLOB,
            "a/README.md": b"# A\n" + b"x" * (PLAN_MAX_BYTES + 1),  # alone over the bytes
            "b/README.md": papers(PLAN_MAX_ITEMS + 1),  # alone over the items
            "c/README.md": papers(half),
            "d/README.md": papers(half, start=half),
            "e/README.md": papers(1, start=PLAN_MAX_ITEMS),  # the 20,001st: not read
            "f/README.md": papers(1, start=PLAN_MAX_ITEMS + 1),
        },
    )
    code, out, _ = run(capsys, "--rule", "plan-file", str(repo))
    assert (code, out) == (
        1,
        "a/README.md: error plan-file: this plan file is 4 MB, over the 4 MB papershelf "
        "reads: it is skipped\n"
        "  hint: keep the plans to what is to be read, or narrow the globs in `plan`\n"
        f"b/README.md:{PLAN_MAX_ITEMS + 2}: error plan-file: by this line this plan file "
        "names more than 20,000 folders, files and papers: it is skipped\n"
        "  hint: keep the plans to what is to be read, or narrow the globs in `plan`\n"
        "e/README.md:2: error plan-file: by this line the plan files name more than 20,000 "
        "folders, files and papers: it was not read, nor the 1 plan file after it\n"
        "  hint: keep the plans to what is to be read, or narrow the globs in `plan`\n"
        "3 findings: 3 errors\n",
    )
    code, out, err = show(capsys, "--format", "json", str(repo))
    assert code == 0
    assert err.count("warning: ") == 3
    assert '"Paper 19999"' in out and '"Paper 20000"' not in out


def test_glob_matched_plans_share_the_byte_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    part = PLAN_MAX_BYTES // 2
    repo = make_repo(
        tmp_path / "r",
        {
            ".papershelf.toml": GLOB,
            "a/README.md": papers(1) + "x" * part,
            "b/README.md": papers(1, start=1) + "x" * part,
            "c/README.md": papers(1, start=2),
        },
    )
    code, out, _ = run(capsys, "--rule", "plan-file", str(repo))
    assert (code, out.splitlines()[0]) == (
        1,
        "b/README.md: error plan-file: with this file (2 MB) the plan files are over 4 MB: "
        "it was not read, nor the 1 plan file after it",
    )


def test_the_limits_are_documented() -> None:
    assert f"{PLAN_MAX_ITEMS:,} folders, files and papers" in README
    assert f"{PLAN_MAX_BYTES // 1_000_000} MB of plan text" in README


def test_a_plan_a_sparse_checkout_leaves_out_is_read_from_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`git sparse-checkout set papers` leaves `plans/` out of the work tree; the plan is
    still tracked, and read as the index holds it."""
    repo = make_repo(
        tmp_path / "r",
        {
            ".papershelf.toml": 'plan = "plans/STUDY_PLAN.md"\nroot = "."\n',
            "plans/STUDY_PLAN.md": "# Plan\n\n1. `papers/week1/`\n2. `papers/week2/`\n",
            "papers/week1/a.md": "x",
        },
    )
    git(repo, "sparse-checkout", "set", "papers")
    assert not (repo / "plans" / "STUDY_PLAN.md").exists()
    assert summary(repo, "missing-path") == [
        (
            "papers/week2",
            "error",
            "the plan's folder `papers/week2` is missing (did you mean `week1`?)",
        )
    ]
