"""repo-check end to end: exact output, exit codes, formats, odd repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, GUIDE, PLAN_FILE, git, make_repo, write_files
from papershelf.cli import main, repo_check_main

ZIP_BYTES = b"PK\x05\x06" + b"\0" * 18  # an empty zip archive


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = repo_check_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_complete_plan_passes_with_one_plan_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    code, out, _ = run(capsys, str(repo))
    assert code == 0
    assert out == (
        f"{PLAN_FILE}:86: warning plan-reference: `06_Engineering` is not a path in the "
        "repository: the folder is at `06_Engineering_&_Tuning`\n"
        "  hint: write the path it is at in the plan file\n"
        "1 finding: 1 warning\n"
    )


def test_demo_like_repository_reports_error_and_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(COMPLETE_PLAN)
    del files["04_Agentic_Systems_&_MCP/Voyager.pdf"]
    files["06_Engineering_&_Tuning/курс.zip"] = ZIP_BYTES
    repo = make_repo(tmp_path / "study", files)
    code, out, _ = run(capsys, str(repo))
    assert code == 1
    assert "04_Agentic_Systems_&_MCP: error missing-path: the plan's folder " in out
    assert "06_Engineering_&_Tuning/курс.zip: warning archive-in-git: zip archive" in out
    assert "section-numbering" not in out  # the gap is the missing folder: one finding
    assert "plan-reference: `04_Agentic_Systems_&_MCP`" not in out  # the error says it
    assert out.endswith("3 findings: 1 error, 2 warnings\n")


def test_strict_fails_on_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    assert run(capsys, str(repo))[0] == 0
    assert run(capsys, "--strict", str(repo))[0] == 1


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {**COMPLETE_PLAN, "06_Engineering_&_Tuning/Лекции & заметки.zip": ZIP_BYTES}
    repo = make_repo(tmp_path / "study", files)
    code = main(["check", "--format", "json", str(repo)])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["version"] == 1
    assert document["root"] == str(repo)
    assert document["plan"] == PLAN_FILE
    assert document["summary"] == {"error": 0, "warning": 2, "info": 0}
    archive = [f for f in document["findings"] if f["rule"] == "archive-in-git"]
    assert archive == [
        {
            "rule": "archive-in-git",
            "code": "PS201",
            "severity": "warning",
            "path": "06_Engineering_&_Tuning/Лекции & заметки.zip",
            "message": "zip archive tracked by git",
            "hint": "git rm --cached -- '06_Engineering_&_Tuning/Лекции & заметки.zip' && "
            "papershelf extract -- '06_Engineering_&_Tuning/Лекции & заметки.zip'",
        }
    ]


def test_json_keeps_utf8_as_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "архив.rar": b"Rar!\x1a\x07\x01\x00"})
    main(["check", "--format", "json", str(repo)])
    assert '"path": "архив.rar"' in capsys.readouterr().out


def test_empty_repository_gets_one_clear_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "empty", {})
    code, out, _ = run(capsys, str(repo))
    assert code == 0
    assert out == (
        ".: info missing-path: no reading plan found, so only the hygiene rules ran\n"
        "  hint: write the plan as STUDY_PLAN.md (or READING_PLAN.md, HOW_TO_READ.md), list the "
        "papers in README.md, or name the plan with `plan` in .papershelf.toml\n"
        "1 finding: 1 info\n"
    )


def test_repository_without_a_plan_gets_the_hygiene_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "other",
        {"notes/todo.md": "- read\n", "src/main.py": "pass\n", "src/build.zip": ZIP_BYTES},
    )
    code, out, _ = run(capsys, str(repo))
    assert code == 0
    assert out.count("missing-path") == 1
    assert ".: info missing-path: no reading plan found" in out
    assert "src/build.zip: warning archive-in-git" in out


def test_a_configured_plan_that_names_no_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {".papershelf.toml": 'plan = ["STUDY_PLAN.md"]\n'})
    code, out, _ = run(capsys, str(repo))
    assert code == 1
    assert out.startswith(
        ".: error missing-path: the configured plan `STUDY_PLAN.md` names no tracked, "
        "non-empty file\n"
    )


def test_outside_git_walks_the_tree_and_skips_git_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plain"
    for relative, content in COMPLETE_PLAN.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    (folder / ".gitignore").write_text("ignored-archives/\n")
    (folder / "ignored-archives").mkdir()
    (folder / "ignored-archives" / "big.zip").write_bytes(ZIP_BYTES)
    (folder / "kept.zip").write_bytes(ZIP_BYTES)
    code, out, _ = run(capsys, str(folder))
    assert code == 0
    assert "kept.zip: warning archive-in-git" in out
    assert "big.zip" not in out
    assert "note: broken-submodule skipped: not a git repository" in out


def test_plan_in_a_subfolder_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {f"llm/papers/{path}": content for path, content in COMPLETE_PLAN.items()}
    files["README.md"] = "# my notes\n"
    repo = make_repo(tmp_path / "study", files)
    code = main(["check", "--format", "json", str(repo)])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["plan"] == f"llm/papers/{PLAN_FILE}"
    assert [f["rule"] for f in document["findings"]] == ["plan-reference"]


def test_sees_what_is_staged_not_what_is_committed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    (repo / "new.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + b"\0" * 26)
    assert "new.7z" not in run(capsys, str(repo))[1]
    git(repo, "add", "new.7z")
    assert "new.7z: warning archive-in-git: 7z archive tracked by git" in run(capsys, str(repo))[1]


def test_cache_gives_the_same_findings_and_follows_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "data.bin": ZIP_BYTES})
    cold = run(capsys, "--no-cache", str(repo))
    first = run(capsys, str(repo))
    warm = run(capsys, str(repo))
    assert cold == first == warm
    assert (repo / ".git" / "papershelf").is_dir()
    (repo / "data.bin").write_bytes(b"plain data, no longer an archive")
    git(repo, "add", "data.bin")
    assert "data.bin" not in run(capsys, str(repo))[1]


def test_unknown_rule_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    code, _, err = run(capsys, "--rule", "no-such-rule", str(repo))
    assert code == 2
    assert "unknown rule 'no-such-rule'" in err


def test_only_selected_rule_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {GUIDE + "/x.zip": ZIP_BYTES}
    repo = make_repo(tmp_path / "study", files)
    code, out, _ = run(capsys, "--rule", "archive-in-git", str(repo))
    assert code == 0
    assert (
        out.splitlines()[0] == f"{GUIDE}/x.zip: warning archive-in-git: zip archive tracked by git"
    )


def test_rules_command_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from papershelf.check.rules import RULES

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for slug, rule in RULES.items():
        assert f"{rule.code}  {slug}" in out


def test_python_dash_m_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    completed = subprocess.run(
        [sys.executable, "-m", "papershelf", "check", str(repo)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.endswith("1 finding: 1 warning\n")


def test_color_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from papershelf.cli.checking import use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR")
    assert use_color(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Terminal())
    assert not use_color(object())


def test_linked_worktree_is_checked_with_its_own_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    git(repo, "worktree", "add", "-q", str(tmp_path / "draft"))
    draft = tmp_path / "draft"
    assert (draft / ".git").is_file()
    (draft / "черновик.zip").write_bytes(ZIP_BYTES)
    git(draft, "add", "черновик.zip")
    out = run(capsys, str(draft / "00_The_Guidebook_&_Roadmap"))[1]
    assert "черновик.zip: warning archive-in-git: zip archive tracked by git" in out
    assert "черновик.zip" not in run(capsys, str(repo))[1]


def test_damaged_cache_files_are_ignored_and_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "x.zip": ZIP_BYTES})
    expected = run(capsys, str(repo))
    cache = repo / ".git" / "papershelf"
    names = sorted(path.name for path in cache.iterdir())
    assert names == [
        "blobs.v2",
        "check-result.v1",
        "index-facts.v2",
        "paper-facts.v2",
        "papers.v1",
        "plans.v1",
        "toml.v1",
    ]
    for path in cache.iterdir():
        path.write_bytes(b"\x00garbage" * 7)
    assert run(capsys, str(repo)) == expected
    assert run(capsys, str(repo)) == expected
    assert all(path.read_bytes() != b"\x00garbage" * 7 for path in cache.iterdir())


@pytest.mark.parametrize("notes", [3, 90])  # few new blobs are looked up one by one, many in a pass
def test_new_blobs_are_measured_whatever_their_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], notes: int
) -> None:
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    assert run(capsys, str(repo))[0] == 0
    files: dict[str, str | bytes] = {
        f"05_Alignment/заметка {i}.md": f"# {i}\n" for i in range(notes)
    }
    files["05_Alignment/same as a note.zip"] = "# 0\n"  # a blob already seen, under an archive name
    files["05_Alignment/hidden.pdf"] = ZIP_BYTES
    files["05_Alignment/empty.md"] = ""
    write_files(repo, files)
    git(repo, "add", "-A")
    out = run(capsys, "--rule", "archive-in-git", str(repo))[1]
    assert out.splitlines()[::2] == [
        "05_Alignment/hidden.pdf: warning archive-in-git: zip archive tracked by git under a "
        "name that hides it",
        "05_Alignment/same as a note.zip: warning archive-in-git: a file named like an archive "
        "is tracked by git",
        "2 findings: 2 warnings",
    ]


@pytest.mark.parametrize(
    "content",
    [
        "# План\n## Неделя 1\nПапка `неделя_1/`.\n".encode("cp1251"),
        bytes(range(256)) * 8,  # a binary file
    ],
)
def test_a_plan_that_is_not_utf8_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    repo = make_repo(
        tmp_path / "курс & план", {"ПЛАН.md": content, ".papershelf.toml": 'plan = "ПЛАН.md"\n'}
    )
    assert repo_check_main([str(repo)]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "repo-check: error: ПЛАН.md: the plan is not UTF-8 text; save it as UTF-8\n",
    )
    assert main(["plan", str(repo)]) == 2
    assert capsys.readouterr().err == (
        "papershelf: error: ПЛАН.md: the plan is not UTF-8 text; save it as UTF-8\n"
    )


def test_the_demo_repository_shows_what_it_announces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``make demo``: a missing folder, a committed archive, a misplaced paper — and no
    finding its own stand-in files would cause (identical PDFs read as one paper)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "demo", Path(__file__).resolve().parents[1] / "scripts" / "demo.py"
    )
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    root = tmp_path / "study"
    root.mkdir()
    demo.build(root)
    code, out, _ = run(capsys, str(root))
    assert code == 1
    assert "04_Agentic_Systems_&_MCP: error missing-path" in out
    assert "Разработка LLM с нуля.zip: warning archive-in-git" in out
    assert "xx_prompting/Chain-of-Thought Prompting.pdf: info missing-paper" in out
    assert "duplicate-paper" not in out


def test_the_hooks_plain_invocation_answers_as_the_full_command_without_click(
    tmp_path: Path,
) -> None:
    """``repo-check`` with no arguments (how the pre-commit hook runs it) skips option
    parsing, and the modules that cost start-up: its answer is the full command's."""
    files = dict(COMPLETE_PLAN)
    del files["04_Agentic_Systems_&_MCP/Voyager.pdf"]
    repo = make_repo(tmp_path / "study", files)
    probe = (
        "import sys\n"
        "from papershelf.cli import repo_check_main\n"
        "code = repo_check_main(sys.argv[1:])\n"
        "heavy = {'click', 'dataclasses', 'inspect', 'markdown_it', 'rapidfuzz',\n"
        "         'papershelf.plan.reader', 'papershelf.papers.matching'}\n"
        "print(code, sorted(heavy & set(sys.modules)))\n"
    )
    import subprocess
    import sys

    def answer(*args: str) -> list[str]:
        completed = subprocess.run(
            [sys.executable, "-c", probe, *args],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        )
        return completed.stdout.splitlines()

    answer()  # the first run parses the plan; later ones take its parse from the cache
    write_files(repo, {"notes.md": "a note\n"})
    git(repo, "add", "notes.md")  # the hook's case: the index changed since the last run
    plain = answer()
    assert plain[-1] == "1 []"
    full = answer("--no-cache", "--format", "text", ".")
    assert full[-1].startswith("1 [") and "'click'" in full[-1]
    assert plain[:-1] == full[:-1]
    assert any("missing-paper" in line or "missing-path" in line for line in plain)
    # A path that is no folder still gets click's usage error.
    assert repo_check_main([str(repo / "nowhere")]) == 2


def test_json_lists_every_plan_file_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        ".papershelf.toml": 'plan = ["**/README.md"]\n',
        "README.md": "# Papers\n\n* [Vision](vision/)\n",
        "vision/README.md": "# Vision\n\n* [U-Net](unet.pdf)\n",
        "vision/unet.pdf": b"%PDF-1.4\n",
        "nlp/README.md": "# NLP\n\n* [BERT](bert.pdf)\n",
        "nlp/bert.pdf": b"%PDF-1.4\n",
    }
    repo = make_repo(tmp_path / "study", files)
    for _cold_then_warm in range(2):
        assert main(["check", "--format", "json", str(repo)]) == 0
        document = json.loads(capsys.readouterr().out)
        assert document["plan"] == "README.md"
        assert document["plan_files"] == ["README.md", "nlp/README.md", "vision/README.md"]
