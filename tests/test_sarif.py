"""SARIF output: valid against the 2.1.0 schema, and every field GitHub code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from organize_repo import DATA, ZIP_BYTES, make_repo
from papershelf.check.rules import RULES
from papershelf.cli import main, repo_check_main

LEVELS = {"none", "note", "warning", "error"}


@pytest.fixture
def sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    repo = make_repo(
        tmp_path / "repo",
        {
            "llm/papers/06_Engineering_&_Tuning/Разработка LLM с нуля.zip": ZIP_BYTES,
            "llm/papers/02_Model_Backbones/Attention is all you need.pdf": b"%PDF-1.4",
            "llm/papers/02_Model_Backbones/__pycache__/x.pyc": b"\0",
        },
    )
    code = repo_check_main(["--format", "sarif", str(repo)])
    assert code == 1  # the committed __pycache__ is an error
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_validates_against_the_sarif_schema(sarif: dict[str, Any]) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(sarif), key=lambda error: list(error.path))
    assert errors == []


def test_driver_lists_every_rule_the_way_github_reads_it(sarif: dict[str, Any]) -> None:
    assert sarif["version"] == "2.1.0"
    assert isinstance(sarif["$schema"], str)
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "papershelf"
    assert isinstance(driver["semanticVersion"], str)
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == [rule.code for rule in RULES.values()]
    for descriptor, rule in zip(rules, RULES.values()):
        assert descriptor["name"] == rule.slug
        assert descriptor["shortDescription"]["text"] == rule.description
        assert isinstance(descriptor["fullDescription"]["text"], str)
        assert rule.hint in descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] in LEVELS
        assert isinstance(descriptor["help"]["markdown"], str)
        assert all(isinstance(tag, str) for tag in descriptor["properties"]["tags"])
        assert descriptor["properties"]["precision"] in {"very-high", "high", "medium", "low"}


def test_results_name_a_listed_rule_a_level_and_a_relative_location(
    sarif: dict[str, Any],
) -> None:
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["invocations"] == [{"executionSuccessful": True}]
    base_ids = run["originalUriBaseIds"]
    assert base_ids["%SRCROOT%"]["uri"].startswith("file://")
    assert base_ids["%SRCROOT%"]["uri"].endswith("/")
    results = run["results"]
    assert results
    uris = set()
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        uri = artifact["uri"]
        assert not uri.startswith(("/", "file:")) and " " not in uri and "&" not in uri
        assert isinstance(location["physicalLocation"]["region"]["startLine"], int)
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert isinstance(result["partialFingerprints"]["papershelf/v1"], str)
        uris.add(unquote(uri))
    archive = "llm/papers/06_Engineering_&_Tuning/Разработка LLM с нуля.zip"
    assert archive in uris
    (zip_result,) = [r for r in results if r["ruleId"] == RULES["archive-in-git"].code]
    assert zip_result["level"] == "warning"
    (pycache,) = [r for r in results if r["ruleId"] == RULES["committed-artifact"].code]
    assert pycache["level"] == "error"


def test_format_sarif_is_offered_by_papershelf_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "clean", {"notes.md": "# notes\n"})
    main(["check", "--format", "sarif", str(repo)])
    document = json.loads(capsys.readouterr().out)
    assert document["runs"][0]["tool"]["driver"]["name"] == "papershelf"
