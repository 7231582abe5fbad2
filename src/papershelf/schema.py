"""The type and range of every configuration value, declared once and checked before use.

A rule declares each option as an :class:`Option` (or a plain default, whose type
then is the schema); rule sets and the configuration have table schemas. A value
that does not fit is a :class:`Mismatch`: the key path that locates it and a
message that says what was expected — the loader turns it into a file:line error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from papershelf.sizes import parse_size

KeyPath = tuple["str | int", ...]


class Mismatch(Exception):
    def __init__(self, where: KeyPath, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


# --- rule options ---


class Option(NamedTuple):
    """One rule option: its default, what kind of value it takes, and its range."""

    default: Any
    kind: str = ""  # "bool", "int", "size" (bytes, or a string like "20MiB"), "str"; "" → default's
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    doc: str = ""

    @property
    def value_kind(self) -> str:
        if self.kind:
            return self.kind
        if isinstance(self.default, bool):
            return "bool"
        return "int" if isinstance(self.default, int) else "str"


def option(declared: Any) -> Option:
    """A rule's declared option: an :class:`Option`, or a plain default standing for one."""
    return declared if isinstance(declared, Option) else Option(declared)


def check_option(spec: Option, name: str, value: Any) -> Any:
    """``value`` as the rule will see it (a size string as bytes); :class:`Mismatch` if it
    does not fit the option's kind and range."""
    kind = spec.value_kind
    where: KeyPath = (name,)
    if kind == "bool":
        if not isinstance(value, bool):
            raise Mismatch(where, f"'{name}' must be true or false, not {_show(value)}")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise Mismatch(where, f"'{name}' must be a string, not {_show(value)}")
        if spec.choices and value not in spec.choices:
            raise Mismatch(where, f"'{name}' must be one of {', '.join(spec.choices)}")
        return value
    if kind == "size" and isinstance(value, str):
        try:
            value = parse_size(value)
        except ValueError:
            raise Mismatch(
                where, f"'{name}' must be a size such as 50MB or 20MiB, not {value!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int):
        expected = "a size such as 50MB or 20MiB" if kind == "size" else "an integer"
        raise Mismatch(where, f"'{name}' must be {expected}, not {_show(value)}")
    unit = " bytes" if kind == "size" else ""
    if spec.minimum is not None and value < spec.minimum:
        raise Mismatch(where, f"'{name}' must be {spec.minimum} or more{unit}, not {value}")
    if spec.maximum is not None and value > spec.maximum:
        raise Mismatch(where, f"'{name}' must be {spec.maximum} or less{unit}, not {value}")
    return value


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "a list" if isinstance(value, list) else "a table"


# --- tables: the configuration and rule sets ---


class Table(NamedTuple):
    """A TOML table whose listed keys have these shapes (other keys are checked elsewhere)."""

    fields: Mapping[str, Any]
    name: str = "a table"


class Tables(NamedTuple):
    """An array of tables (``[[section]]``), each of ``Table`` shape."""

    table: Table


STRING, BOOL, STRINGS, TABLE = "string", "bool", "strings", "table"

RULESET = Table(
    {
        "ruleset": Table(
            {"name": STRING, "description": STRING, "extends": STRINGS, "plan-files": STRINGS},
            "[ruleset]",
        ),
        "section": Tables(Table({"path": STRING, "title": STRING, "required": BOOL})),
        "path": Tables(Table({"path": STRING, "kind": STRING, "step": STRING, "open": BOOL})),
        "paper": Tables(
            Table({"title": STRING, "section": STRING, "step": STRING, "aliases": STRINGS})
        ),
        "rules": TABLE,
    },
    "a rule set",
)
CONFIG = Table(
    {
        "extends": STRINGS,
        "root": STRING,
        "plan": STRINGS,
        "phase-words": STRINGS,
        "step-words": STRINGS,
        "ignore": STRINGS,
        "rules": TABLE,
    },
    "the papershelf configuration",
)
PYPROJECT = Table({"tool": Table({"papershelf": TABLE}, "[tool]")}, "pyproject.toml")


def check_table(data: Any, schema: Table, where: KeyPath = ()) -> None:
    """Raise :class:`Mismatch` at the first value whose type does not fit ``schema``."""
    for key, shape in schema.fields.items():
        if key in data:
            _check_value(data[key], shape, (*where, key))


def _check_value(value: Any, shape: Any, where: KeyPath) -> None:
    name = where[-1]
    if shape == STRING and not isinstance(value, str):
        raise Mismatch(where, f"'{name}' must be a string, not {_show(value)}")
    if shape == BOOL and not isinstance(value, bool):
        raise Mismatch(where, f"'{name}' must be true or false, not {_show(value)}")
    if shape == STRINGS and not (
        isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(item, str) for item in value))
    ):
        raise Mismatch(where, f"'{name}' must be a string or a list of strings")
    if shape == TABLE and not isinstance(value, dict):
        raise Mismatch(where, f"'{name}' must be a table, not {_show(value)}")
    if isinstance(shape, Table):
        if not isinstance(value, dict):
            raise Mismatch(where, f"'{name}' must be a table ({shape.name}), not {_show(value)}")
        check_table(value, shape, where)
    if isinstance(shape, Tables):
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise Mismatch(where, f"'{name}' must be an array of tables ([[{name}]])")
        for index, item in enumerate(value):
            check_table(item, shape.table, (*where, index))


# --- where a value is in the text, for file:line errors ---


def line_of(text: str, key: str) -> int | None:
    """The first line that mentions ``key`` as a key or table name, for error messages."""
    name = re.escape(key)
    dotted = r"(?:[\w\"'-]+\s*\.\s*)*"  # the key may be any part of a dotted key: a.KEY.b =
    pattern = re.compile(rf"^\s*(\[[^\]]*{name}[^\]]*\]|{dotted}[\"']?{name}[\"']?\s*[=.])")
    quoted = re.compile(rf"[\"']{name}[\"']")
    for wanted in (pattern, quoted):  # a key or table first, then a quoted value
        for number, line in enumerate(text.splitlines(), 1):
            if wanted.search(line):
                return number
    return None


def line_of_key_path(text: str, where: KeyPath) -> int | None:
    """The line of a value found by its key path: ``("section", 2, "required")`` is the
    ``required`` key after the third ``[[section]]`` header."""
    start = 0
    lines = text.splitlines()
    for position, part in enumerate(where):
        if isinstance(part, int) and position > 0:
            header = re.compile(
                rf"^\s*\[\[\s*[\w.\"-]*?{re.escape(str(where[position - 1]))}\s*\]\]"
            )
            found = [n for n, line in enumerate(lines) if header.search(line)]
            if len(found) > part:
                start = found[part]
    key = next((part for part in reversed(where) if isinstance(part, str)), "")
    line = line_of("\n".join(lines[start:]), key)
    return start + line if line is not None else None


def deepest_line(text: str) -> int:
    """The line where brackets (outside strings and comments) first nest deepest."""
    depth, deepest, line, deepest_line, quote = 0, -1, 1, 1, ""
    escaped = False
    for char in text:
        if char == "\n":
            line += 1
            if quote in ('"', "'"):
                quote = ""
            if quote == "#":
                quote = ""
        elif quote:
            if quote == '"' and char == "\\" and not escaped:
                escaped = True
                continue
            if char == quote and not escaped:
                quote = ""
        elif char in "\"'#":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth -= 1
        escaped = False
    return deepest_line
