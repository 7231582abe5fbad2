"""Hostile names in what papershelf shows: commands quoted for the shell, lines made visible.

Every repository here is real, with tracked names an attacker chose; a hint is run by
a real shell in which ``git``, ``papershelf`` and ``rm`` print the words they were given.
"""

from __future__ import annotations

import itertools
import subprocess
import zipfile
from pathlib import Path

import pytest

from organize_repo import ZIP_BYTES, git, make_repo
from papershelf import hooks
from papershelf.cli import main, repo_check_main

INJECTION = "x'$(touch PWNED)'.zip"
APOSTROPHE = "Karpathy's course.zip"
OPTION = "-rf.zip"
PRINTERS = "".join(
    f"{name}() {{ printf '%s' {name}; printf ' <%s>' \"$@\"; printf '\\n'; }}; "
    for name in ("git", "papershelf", "rm")
)


def words(hint: str, cwd: Path) -> list[str]:
    """What a shell runs for ``hint``: one line per command, each word in angle brackets."""
    ran = subprocess.run(
        ["bash", "-c", PRINTERS + hint], cwd=cwd, capture_output=True, text=True, check=True
    )
    assert not (cwd / "PWNED").exists()
    return ran.stdout.splitlines()


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = repo_check_main([*argv])
    return code, capsys.readouterr().out.splitlines()


def test_archive_hints_are_quoted_for_the_shell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {INJECTION: ZIP_BYTES, APOSTROPHE: ZIP_BYTES})
    (repo / OPTION).write_bytes(ZIP_BYTES)
    git(repo, "add", "--", OPTION)
    code, out = check(capsys, "--rule", "archive-in-git", str(repo))
    assert code == 0
    hints = {
        line.split(": ")[0]: hint
        for line, hint in itertools.pairwise(out)
        if hint.startswith("  hint: ")
    }
    assert set(hints) == {INJECTION, APOSTROPHE, OPTION}
    assert hints[OPTION] == ("  hint: git rm --cached -- -rf.zip && papershelf extract -- -rf.zip")
    assert hints[APOSTROPHE] == (
        "  hint: git rm --cached -- 'Karpathy'\"'\"'s course.zip' && "
        "papershelf extract -- 'Karpathy'\"'\"'s course.zip'"
    )
    for name, line in hints.items():
        assert words(line.removeprefix("  hint: "), repo) == [
            f"git <rm> <--cached> <--> <{name}>",
            f"papershelf <extract> <--> <{name}>",
        ]


def test_the_no_archives_hook_quotes_its_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / INJECTION).write_bytes(ZIP_BYTES)
    assert hooks.main([INJECTION]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{INJECTION}: warning archive-in-git: zip archive staged for commit"
    assert words(out[1].removeprefix("  hint: "), tmp_path) == [
        f"git <rm> <--cached> <--> <{INJECTION}>",
        f"papershelf <extract> <--> <{INJECTION}>",
    ]


def test_mojibake_hint_is_quoted_for_the_shell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name garbled by the wrong code page, with a quote and a substitution in it."""
    fixed = "Разработка LLM с нуля: Karpathy's $(touch PWNED)"
    broken = fixed.encode("utf-8").decode("mac_roman")
    repo = make_repo(tmp_path / "repo", {f"{broken}/notes.md": "x"})
    code, out = check(capsys, "--rule", "mojibake", str(repo))
    assert code == 0
    hint = out[1].removeprefix("  hint: repo-check --fix renames it: ")
    assert words(hint, repo) == [f"git <mv> <--> <{broken}> <{fixed}>"]


def test_broken_submodule_hint_and_fix_advice_are_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"a.md": "x"})
    commit = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{commit},{INJECTION}")
    code, out = check(capsys, "--rule", "broken-submodule", str(repo))
    assert code == 1
    assert out[1] == (
        "  hint: git submodule add -- <url> 'x'\"'\"'$(touch PWNED)'\"'\"'.zip' "
        "(or git rm --cached -- 'x'\"'\"'$(touch PWNED)'\"'\"'.zip' and vendor it)"
    )
    code, out = check(capsys, "--fix", "--dry-run", "--rule", "broken-submodule", str(repo))
    advice = out[0].partition("either declare it: ")[2]
    declare, _, instead = advice.partition("; or commit its files instead: ")
    assert words(declare.replace("<URL>", "URL"), repo) == [
        f"git <config> <-f> <.gitmodules> <--> <submodule.{INJECTION}.path> <{INJECTION}>",
        f"git <config> <-f> <.gitmodules> <--> <submodule.{INJECTION}.url> <URL>",
    ]
    assert words(instead.replace(", ", "; "), repo) == [
        f"git <rm> <--cached> <--> <{INJECTION}>",
        f"rm <-rf> <--> <{INJECTION}/.git>",
        f"git <add> <--> <{INJECTION}>",
    ]


def test_a_name_with_control_characters_is_quoted_so_bash_reads_it_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "a\nb\x1b[31m'.zip"
    repo = make_repo(tmp_path / "repo", {name: ZIP_BYTES})
    _, out = check(capsys, "--rule", "archive-in-git", str(repo))
    assert out[1] == (
        "  hint: git rm --cached -- $'a\\nb\\x1b[31m\\'.zip' && "
        "papershelf extract -- $'a\\nb\\x1b[31m\\'.zip'"
    )
    assert words(out[1].removeprefix("  hint: "), repo) == [
        "git <rm> <--cached> <--> <a",
        "b\x1b[31m'.zip>",
        "papershelf <extract> <--> <a",
        "b\x1b[31m'.zip>",
    ]


OSC_LINK = "\x1b]8;;https:example.org\x07paper\x1b]8;;\x07.zip"
FORGED = "notes\n::error file=README.md,line=1::forged.zip"


def test_escape_sequences_and_newlines_in_names_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {OSC_LINK: ZIP_BYTES, FORGED: ZIP_BYTES})
    _, out = check(capsys, "--rule", "archive-in-git", str(repo))
    assert out == [
        "\\x1b]8;;https:example.org\\x07paper\\x1b]8;;\\x07.zip: warning archive-in-git: "
        "zip archive tracked by git",
        "  hint: git rm --cached -- $'\\x1b]8;;https:example.org\\x07paper\\x1b]8;;\\x07.zip'"
        " && papershelf extract -- $'\\x1b]8;;https:example.org\\x07paper\\x1b]8;;\\x07.zip'",
        "notes\\n::error file=README.md,line=1::forged.zip: warning archive-in-git: "
        "zip archive tracked by git",
        "  hint: git rm --cached -- $'notes\\n::error file=README.md,line=1::forged.zip' && "
        "papershelf extract -- $'notes\\n::error file=README.md,line=1::forged.zip'",
        "2 findings: 2 warnings",
    ]


def test_a_name_that_starts_a_workflow_command_does_not_start_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub's runner reads a line of a step's output that starts with ``::`` as a
    command, whatever format printed it."""
    name = "::error file=README.md::forged.zip"
    repo = make_repo(tmp_path / "repo", {})
    for each in (name, FORGED):
        (repo / each).write_bytes(ZIP_BYTES)
        git(repo, "--literal-pathspecs", "add", "--", each)
    for fmt in ("text", "github"):
        _, out = check(capsys, "--format", fmt, "--rule", "archive-in-git", str(repo))
        assert not any(line.lstrip().startswith("::error file=README.md") for line in out)
        assert not any("\x1b" in line for line in out)
    _, out = check(capsys, "--rule", "archive-in-git", str(repo))
    assert out[0] == (
        ":\\x3aerror file=README.md::forged.zip: warning archive-in-git: zip archive tracked by git"
    )
    _, out = check(capsys, "--format", "github", "--rule", "archive-in-git", str(repo))
    assert out[1].startswith(
        "::warning file=notes\\n%3A%3Aerror file=README.md%2Cline=1%3A%3Aforged.zip,"
    )


def test_json_keeps_hostile_names_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    repo = make_repo(tmp_path / "repo", {OSC_LINK: ZIP_BYTES})
    _, out = check(capsys, "--format", "json", "--rule", "archive-in-git", str(repo))
    assert json.loads("\n".join(out))["findings"][0]["path"] == OSC_LINK


def test_an_archive_named_with_a_newline_is_one_line_of_the_extract_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "notes\nfake.zip -> elsewhere (1 entries, 1 bytes)\x1b[2J.zip"
    with zipfile.ZipFile(archive, "w") as made:
        made.writestr("a.txt", "x")
    assert main(["extract", "--dest", str(tmp_path / "out"), str(archive)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    shown = "notes\\nfake.zip -> elsewhere (1 entries, 1 bytes)\\x1b[2J"
    assert line.startswith(f"{tmp_path}/{shown}.zip -> {tmp_path}/out/")
    assert line.endswith(" (1 entries, 1 bytes)")
    assert "\x1b" not in line


def test_the_plan_text_view_shows_names_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = "# Plan\n\n## Phase\n\n- `01_Intro/`\n- `01_Intro/\x1b]0;owned\x07notes/`\n"
    repo = make_repo(tmp_path / "repo", {"STUDY_PLAN.md": plan, "01_Intro/a.md": "x"})
    assert main(["plan", "--explain", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;owned\\x07notes" in out


BIDI = "\u202efdp.exe"
ZERO_WIDTH = "pa\u200bper.pdf"


def test_bidi_and_zero_width_names_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {BIDI: b"MZ", f"notes/{ZERO_WIDTH}": b"%PDF"})
    code, out = check(capsys, "--rule", "portable-name", str(repo))
    assert code == 0
    assert out == [
        "notes/pa\\u200bper.pdf: warning portable-name: the name holds '\\u200b' "
        "(ZERO WIDTH SPACE), an invisible character: the name does not read as it is",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "\\u202efdp.exe: warning portable-name: the name holds '\\u202e' "
        "(RIGHT-TO-LEFT OVERRIDE), an invisible character: the name does not read as it is",
        "  hint: rename it (git mv) to a name every operating system accepts",
        "2 findings: 2 warnings",
    ]


def test_fix_does_not_create_plan_folders_with_invisible_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = "# Plan\n\n## Phase\n\n- `01_Intro/`\n- `02_\u202efdp.exe/`\n- `03_a\u200bb/`\n"
    repo = make_repo(tmp_path / "repo", {"STUDY_PLAN.md": plan, "01_Intro/a.md": "x"})
    before = sorted(path.name for path in repo.rglob("*") if ".git" not in path.parts)
    code, out = check(capsys, "--fix", "--rule", "missing-path", str(repo))
    assert code == 1
    assert sorted(path.name for path in repo.rglob("*") if ".git" not in path.parts) == before
    assert [line for line in out if line.startswith(("fixed", "not fixed"))] == [
        f"not fixed: {folder}: not created: the name holds a control, bidirectional or "
        "zero-width character (shown escaped); correct the plan"
        for folder in ("02_\\u202efdp.exe", "03_a\\u200bb")
    ]


def test_init_does_not_create_plan_folders_with_invisible_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "PLAN.md"
    plan.write_text("# Plan\n\n- `01_Intro/`\n- `02_\u202efdp.exe/`\n", encoding="utf-8")
    target = tmp_path / "study"
    assert main(["init", "--plan", str(plan), str(target)]) == 1
    err = capsys.readouterr().err
    assert "02_\\u202efdp.exe: the plan names a folder with a control, bidirectional" in err
    assert not target.exists() or not any(target.iterdir())
