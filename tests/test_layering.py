"""The data flows one way: rules never import each other, reporters never the engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "papershelf"


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


RULE_MODULES = sorted(
    path
    for path in (PACKAGE / "check" / "rules").glob("*.py")
    if path.stem not in ("__init__", "base")
)


@pytest.mark.parametrize("path", RULE_MODULES, ids=[path.stem for path in RULE_MODULES])
def test_a_rule_imports_no_other_rule(path: Path) -> None:
    others = {f"papershelf.check.rules.{p.stem}" for p in RULE_MODULES if p != path}
    assert not imported(path) & others


@pytest.mark.parametrize("path", sorted((PACKAGE / "report").glob("*.py")), ids=str)
def test_a_reporter_imports_neither_the_engine_nor_a_rule(path: Path) -> None:
    """A reporter may read the registry's descriptions (SARIF lists the rules), no more."""
    rules = {f"papershelf.check.rules.{p.stem}" for p in RULE_MODULES} | {
        "papershelf.check.rules.base"
    }
    assert not imported(path) & (rules | {"papershelf.check.engine"})
