"""Configuration: extends, severity, ignores, and one clear line (file:line) for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from checking import summary
from gitrepo import COMPLETE_PLAN, make_repo
from papershelf.check.engine import run_check
from papershelf.cli import repo_check_main

ZIP = b"PK\x03\x04" + b"\0" * 40


def check_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str) -> str:
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, name: text})
    code = repo_check_main([str(repo)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_toml_syntax_error_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = check_error(tmp_path, capsys, ".papershelf.toml", 'root = "x"\nextends = [\n')
    assert line.startswith("repo-check: error: .papershelf.toml:3: invalid TOML:")


def test_unknown_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = check_error(tmp_path, capsys, ".papershelf.toml", 'root = ""\nsevertiy = "x"\n')
    assert line.startswith(
        "repo-check: error: .papershelf.toml:2: unknown key 'severtiy' in the papershelf "
        "configuration"
    )


def test_unknown_rule_in_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '[project]\nname = "x"\n\n[tool.papershelf.rules.no-such-rule]\nseverity = "off"\n'
    line = check_error(tmp_path, capsys, "pyproject.toml", text)
    assert line.startswith("repo-check: error: pyproject.toml:4: unknown rule 'no-such-rule'")


def test_errors_name_the_line_when_the_parse_came_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, ".papershelf.toml": 'root = ""\n'})
    assert repo_check_main([str(repo)]) == 0
    assert (repo / ".git" / "papershelf" / "toml.v1").is_file()
    (repo / ".papershelf.toml").write_text('root = ""\n\nsevertiy = "x"\n')
    capsys.readouterr()
    for _ in range(2):  # parsed afresh, then from the cache
        assert repo_check_main([str(repo)]) == 2
        assert capsys.readouterr().err.startswith(
            "repo-check: error: .papershelf.toml:3: unknown key 'severtiy'"
        )


def test_bad_severity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '[rules.large-file]\nseverity = "fatal"\n'
    line = check_error(tmp_path, capsys, ".papershelf.toml", text)
    assert line == (
        "repo-check: error: .papershelf.toml:2: severity of 'large-file' must be one of "
        "error, warning, info, off"
    )


def test_bad_pattern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = check_error(tmp_path, capsys, ".papershelf.toml", 'ignore = ["a/***/b", "!"]\n')
    assert line.startswith("repo-check: error: .papershelf.toml:1: bad ignore pattern")


def test_bad_option_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '\n[rules.large-file]\nmax-size = "huge"\n'
    line = check_error(tmp_path, capsys, ".papershelf.toml", text)
    assert line == (
        "repo-check: error: .papershelf.toml:3: 'max-size' must be a size such as 50MB "
        "or 20MiB, not 'huge'"
    )


def test_unknown_shipped_ruleset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = check_error(tmp_path, capsys, ".papershelf.toml", 'extends = ["nope"]\n')
    assert line.startswith("repo-check: error: .papershelf.toml:1: unknown rule set 'nope'")


def test_severity_override_and_off(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "x.zip": ZIP,
        ".papershelf.toml": (
            '[rules.archive-in-git]\nseverity = "error"\n[rules.plan-reference]\nseverity = "off"\n'
        ),
    }
    result = run_check(make_repo(tmp_path / "r", files))
    assert [(f.rule, f.severity.label) for f in result.findings] == [("archive-in-git", "error")]


def test_global_and_rule_ignores(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "архивы/a.zip": ZIP,
        "keep/b.zip": ZIP,
        "drafts/c.zip": ZIP,
        ".papershelf.toml": (
            'ignore = ["drafts/"]\n[rules.archive-in-git]\nignore = ["архивы/*.zip"]\n'
        ),
    }
    assert summary(make_repo(tmp_path / "r", files), "archive-in-git") == [
        ("keep/b.zip", "warning", "zip archive tracked by git")
    ]


def test_local_ruleset_extends_a_shipped_one(tmp_path: Path) -> None:
    ruleset = (
        '[ruleset]\nname = "mine"\nextends = ["hygiene"]\n\n'
        '[[section]]\npath = "01_Мои_статьи"\n\n'
        "[rules.missing-path]\n"
    )
    files = {
        "rules/mine.toml": ruleset,
        ".papershelf.toml": 'extends = ["rules/mine.toml"]\n',
        "01_Мои_статьи/a.pdf": b"%PDF",
        "b.zip": ZIP,
    }
    result = run_check(make_repo(tmp_path / "r", files))
    assert [(f.rule, f.path) for f in result.findings] == [("archive-in-git", "b.zip")]


def test_configured_root_and_plan(tmp_path: Path) -> None:
    files = {f"library/{p}": c for p, c in COMPLETE_PLAN.items()}
    files["library/PLAN.md"] = "see `07_Missing`\n\n## Later\n[A paper](02_Model_Backbones/a.pdf)\n"
    files[".papershelf.toml"] = 'root = "library"\nplan = "library/PLAN.md"\n'
    result = run_check(make_repo(tmp_path / "r", files))
    assert result.plan_root == "library"
    assert result.plan_file == "library/PLAN.md"
    assert [(f.rule, f.path, f.line) for f in result.findings] == [
        ("missing-paper", "library/02_Model_Backbones", None),
        ("missing-path", "library/07_Missing", None),
    ]  # both named by library/PLAN.md alone; each missing item is one finding
