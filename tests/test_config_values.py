"""Every configuration value is checked against its declared type and range: a value
that does not fit is one line naming the file and line, exit 2 — never a crash,
never silently taken for something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, make_repo
from papershelf import schema
from papershelf.cli import repo_check_main
from papershelf.sizes import parse_size

LOCAL_RULESET = "local.toml"


def config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str | bytes]
) -> tuple[Path, str]:
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, **files})
    code = repo_check_main([str(repo)])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return repo, lines[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"5ib"', "'max-size' must be a size such as 50MB or 20MiB, not '5ib'"),
        ('"MB"', "'max-size' must be a size such as 50MB or 20MiB, not 'MB'"),
        ("-5", "'max-size' must be 1 or more bytes, not -5"),
        ("0", "'max-size' must be 1 or more bytes, not 0"),
        ("5.5", "'max-size' must be a size such as 50MB or 20MiB, not 5.5"),
        ("true", "'max-size' must be a size such as 50MB or 20MiB, not true"),
        ("[50]", "'max-size' must be a size such as 50MB or 20MiB, not a list"),
    ],
)
def test_a_rule_option_outside_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    text = f'extends = ["hygiene"]\n\n[rules.large-file]\nmax-size = {value}\n'
    _, line = config_error(tmp_path, capsys, {".papershelf.toml": text})
    assert line == f"repo-check: error: .papershelf.toml:4: {message}"


@pytest.mark.parametrize(
    ("value", "size"), [('"20MiB"', 20 * 1024**2), ('"50MB"', 50_000_000), ("1", 1)]
)
def test_a_rule_option_inside_its_schema(tmp_path: Path, value: str, size: int) -> None:
    from papershelf.check.engine import run_check

    text = f'extends = ["hygiene"]\n[rules.large-file]\nmax-size = {value}\n'
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, ".papershelf.toml": text})
    result = run_check(repo, only={"large-file"})
    flagged = {finding.path for finding in result.findings}
    assert (".papershelf.toml" in flagged) == (size < len(text.encode()))


def test_sizes_people_write() -> None:
    assert parse_size("50MB") == 50_000_000
    assert parse_size("20MiB") == 20_971_520
    assert parse_size("1.5 GB") == 1_500_000_000
    assert parse_size("2KiB") == parse_size("2kib") == 2048
    assert parse_size("300") == parse_size("300B") == 300
    for bad in ("5ib", "MB", "b", "", "-5MB", "5 MiBs", "1e3"):
        with pytest.raises(ValueError, match="not a size"):
            parse_size(bad)


def test_every_rule_option_declares_a_schema_its_default_fits() -> None:
    from papershelf.check.rules import RULES

    for rule in RULES.values():
        for name, declared in rule.options.items():
            spec = schema.option(declared)
            assert schema.check_option(spec, name, spec.default) == spec.default


def test_toml_nested_twenty_thousand_levels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 20_000 + "]" * 20_000
    text = f'root = ""\n# a comment with [ brackets\nx = {deep}\n'
    _, line = config_error(tmp_path, capsys, {".papershelf.toml": text})
    assert line == (
        "repo-check: error: .papershelf.toml:3: invalid TOML: nested deeper than papershelf reads"
    )


def test_inline_tables_nested_deep_in_a_rule_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "{a = " * 5_000 + "1" + "}" * 5_000
    files = {".papershelf.toml": f'extends = ["{LOCAL_RULESET}"]\n', LOCAL_RULESET: f"x = {deep}\n"}
    repo, line = config_error(tmp_path, capsys, files)
    assert line == (
        f"repo-check: error: {repo.resolve() / LOCAL_RULESET}:1: invalid TOML: nested deeper "
        "than papershelf reads"
    )


SECTION = '[[section]]\npath = "a"\nrequired = true\n\n'


@pytest.mark.parametrize(
    ("ruleset", "line_number", "message"),
    [
        ("section = [1]\n", 1, "'section' must be an array of tables ([[section]])"),
        ('section = "a"\n', 1, "'section' must be an array of tables ([[section]])"),
        ("ruleset = 5\n", 1, "'ruleset' must be a table ([ruleset]), not 5"),
        (
            '[ruleset]\nname = "x"\nextends = 5\n',
            3,
            "'extends' must be a string or a list of strings",
        ),
        ("rules = [1]\n", 1, "'rules' must be a table, not a list"),
        (
            SECTION + SECTION + '[[section]]\npath = "b"\nrequired = "false"\n',
            11,
            "'required' must be true or false, not 'false'",
        ),
        (SECTION + "[[section]]\npath = 7\n", 6, "'path' must be a string, not 7"),
        ('[[path]]\npath = "a"\nopen = 1\n', 3, "'open' must be true or false, not 1"),
        (
            '[[paper]]\ntitle = "T"\nsection = "a"\naliases = [["x"]]\n',
            4,
            "'aliases' must be a string or a list of strings",
        ),
    ],
)
def test_a_rule_set_value_of_the_wrong_type(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    ruleset: str,
    line_number: int,
    message: str,
) -> None:
    files = {".papershelf.toml": f'extends = ["{LOCAL_RULESET}"]\n', LOCAL_RULESET: ruleset}
    repo, line = config_error(tmp_path, capsys, files)
    assert line == f"repo-check: error: {repo.resolve() / LOCAL_RULESET}:{line_number}: {message}"


@pytest.mark.parametrize(
    ("text", "line_number", "message"),
    [
        ("root = 5\n", 1, "'root' must be a string, not 5"),
        (
            'extends = ["hygiene"]\nignore = [true]\n',
            2,
            "'ignore' must be a string or a list of strings",
        ),
        (
            'extends = ["hygiene"]\n[rules.large-file]\nseverity = 2\n',
            3,
            "severity of 'large-file' must be one of error, warning, info, off",
        ),
    ],
)
def test_a_configuration_value_of_the_wrong_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line_number: int, message: str
) -> None:
    _, line = config_error(tmp_path, capsys, {".papershelf.toml": text})
    assert line == f"repo-check: error: .papershelf.toml:{line_number}: {message}"


def test_pyproject_tool_table_of_the_wrong_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '[project]\nname = "x"\n\n[tool]\npapershelf = "[tool.papershelf]"\n'
    _, line = config_error(tmp_path, capsys, {"pyproject.toml": text})
    assert line == (
        "repo-check: error: pyproject.toml:5: 'papershelf' must be a table, not '[tool.papershelf]'"
    )


@pytest.mark.parametrize(
    "text",
    ["x" + ".x" * 3_000 + " = 1\n", "[" + ".".join(["x"] * 3_000) + "]\n"],
    ids=["dotted-key", "table-header"],
)
def test_dotted_keys_nested_deeper_than_a_cache_can_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """TOML reads these without recursing, but marshal cannot write 3,000 levels: the
    parse goes uncached, and the configuration is refused for what it says."""
    _, line = config_error(tmp_path, capsys, {".papershelf.toml": f"\n{text}"})
    assert line.startswith(
        "repo-check: error: .papershelf.toml:2: unknown key 'x' in the papershelf configuration"
    )
