"""The README documents what exists: a test fails when it falls behind the code."""

from __future__ import annotations

from pathlib import Path

from papershelf.cli.check import rules_markdown

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_rule_reference_is_generated_from_the_registry() -> None:
    block = README.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert block == rules_markdown(), "regenerate with: python scripts/regenerate_readme.py"


def test_plan_conventions_are_generated_from_their_table() -> None:
    from papershelf.plan.conventions import conventions_markdown

    block = README.split("<!-- conventions:begin -->\n", 1)[1].split("<!-- conventions:end", 1)[0]
    assert block == conventions_markdown(), "regenerate with: python scripts/regenerate_readme.py"


def test_every_hook_is_documented() -> None:
    hooks = (PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = [line.split(":", 1)[1].strip() for line in hooks.splitlines() if line.startswith("- id:")]
    assert ids == ["repo-check", "no-archives", "plan-readme"]
    for hook in ids:
        assert f"- id: {hook}" in README


def test_development_names_the_two_commands() -> None:
    development = README.split("\n## Development\n", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in development and "make test" in development


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")


def test_dogfood_the_project_passes_its_own_check() -> None:
    from papershelf.check.engine import run_check

    result = run_check(PROJECT)
    assert result.config_file == ".papershelf.toml"
    assert [f for f in result.findings if f.severity.label == "error"] == []


def test_refusals_name_tests_that_exist() -> None:
    """Each family in "What papershelf refuses, and what it survives" names real tests."""
    import re

    section = README.split("## What papershelf refuses, and what it survives", 1)[1]
    section = section.split("\n## ", 1)[0]
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", section)
    assert named
    for file_name, test in named:
        source = (PROJECT / "tests" / file_name).read_text(encoding="utf-8")
        assert f"def {test}(" in source, f"{file_name}::{test} is named in the README"
