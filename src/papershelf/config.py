"""Rule sets and configuration: load the TOML, resolve ``extends``, compile patterns.

A rule set names the plan (sections, expected paths, papers) and enables rules
with options; a repository's ``[tool.papershelf]`` (or ``.papershelf.toml``)
extends rule sets and tunes severity, options and ignores.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from papershelf import schema
from papershelf.errors import ConfigError
from papershelf.findings import Severity
from papershelf.repo import inputs, repopaths
from papershelf.sizes import TEXT_MAX_BYTES

DEFAULT_EXTENDS = ("hygiene",)
# The shipped plan's overlay: applied when a configuration extends it, or (with no
# ``extends``) when the repository's plan is that plan — see ``workspace``.
SHIPPED_PLAN = "ai-papers-plan"
# Rules that read the repository's own plan: on wherever there is one, unless turned off.
PLAN_RULES = (
    "missing-path",
    "missing-paper",
    "plan-reference",
    "empty-file",
    "section-numbering",
    "duplicate-paper",
    "unlisted-paper",
    "plan-file",
)
SEVERITIES = ("error", "warning", "info", "off")
CONFIG_KEYS = {"extends", "root", "plan", "phase-words", "step-words", "ignore", "rules"}
RULESET_KEYS = {"ruleset", "section", "path", "paper", "rules"}
RULE_KEYS = {"severity", "ignore"}


class Section(NamedTuple):
    path: str
    title: str = ""
    required: bool = True


class ExpectedPath(NamedTuple):
    path: str
    kind: str = "dir"  # "dir" or "file"
    step: str = ""
    open: bool = False  # the plan tells the reader to open it, so it must not be empty


class Paper(NamedTuple):
    title: str
    section: str
    step: str = ""
    aliases: tuple[str, ...] = ()


class RuleSettings:
    """How the configuration sets one rule up."""

    __slots__ = ("enabled", "ignore", "options", "severity")

    def __init__(
        self,
        severity: Severity | None = None,  # None: the rule's own; "off" disables it
        enabled: bool = True,
        ignore: list[str] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.severity = severity
        self.enabled = enabled
        self.ignore: list[str] = [] if ignore is None else ignore
        self.options: dict[str, Any] = {} if options is None else options

    def __repr__(self) -> str:
        return (
            f"RuleSettings({self.severity!r}, {self.enabled!r}, {self.ignore!r}, {self.options!r})"
        )


class Config:
    """Everything the engine needs to know besides the files themselves.

    A plain class, not a dataclass: ``repo-check`` as a hook imports nothing it can
    do without, and the dataclasses module costs a third of its start-up.
    """

    def __init__(
        self,
        sources: list[str] | None = None,
        sections: list[Section] | None = None,
        paths: list[ExpectedPath] | None = None,
        papers: list[Paper] | None = None,
        plan_files: list[str] | None = None,
        rules: dict[str, RuleSettings] | None = None,
        ignore: list[str] | None = None,
        root: str | None = None,
        plan: list[str] | None = None,
        phase_words: list[str] | None = None,
        step_words: list[str] | None = None,
        config_file: str | None = None,
        extends_default: bool = True,
    ) -> None:
        self.sources: list[str] = sources or []
        self.sections: list[Section] = sections or []
        self.paths: list[ExpectedPath] = paths or []
        self.papers: list[Paper] = papers or []
        self.plan_files: list[str] = plan_files or []
        self.rules: dict[str, RuleSettings] = rules or {}
        self.ignore: list[str] = ignore or []
        self.root = root
        self.plan: list[str] = plan or []  # plan files and gitignore-style globs
        self.phase_words: list[str] = phase_words or []  # heading words besides the usual
        self.step_words: list[str] = step_words or []
        self.config_file = config_file
        self.extends_default = extends_default  # no ``extends``: the shipped plan may be added

    def but(self, **changes: Any) -> Config:
        """A copy with ``changes``; lists and tables are shared, as each is replaced whole."""
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise TypeError(f"Config has no field {sorted(unknown)[0]!r}")
        copy = Config()
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy


def rulesets_dir() -> Path:
    """Shipped rule sets: package data in a wheel, ``rules/`` in a source checkout."""
    packaged = Path(__file__).resolve().parent / "rulesets"  # where the wheel puts them
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def shipped_rulesets() -> list[str]:
    return sorted(path.stem for path in rulesets_dir().glob("*.toml"))


class ParsedCache:
    """Parsed TOML by file identity (path, mtime, size), kept in git's directory.

    The shipped rule sets are the same TOML on every run; reading their parsed
    form back is cheaper than importing a parser and parsing them again.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_file = None
        self.table: dict[str, Any] = {}
        self.changed = False
        if cache_dir is not None:
            from papershelf import store

            self.cache_file = store.entry(cache_dir, "toml")
            loaded = store.load(self.cache_file, 1)
            if loaded is not None and isinstance(loaded[0], dict):
                self.table = loaded[0]

    def get(self, path: Path) -> dict[str, Any] | None:
        entry = self.table.get(str(path))
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], dict)):
            return None
        data: dict[str, Any] = entry[1]
        return data if entry[0] == inputs.identity(path) else None

    def put(self, path: Path, data: dict[str, Any]) -> None:
        if self.cache_file is not None:
            self.table[str(path)] = (inputs.identity(path), data)
            self.changed = True

    def save(self) -> None:
        if self.changed and self.cache_file is not None:
            from papershelf import store

            store.store(self.cache_file, self.table)
            self.changed = False


def _parse_toml(
    path: Path, display: str, cache: ParsedCache | None = None
) -> tuple[dict[str, Any], str | None]:
    """The parsed file and its text (None when it came from the cache: read on error)."""
    inputs.note(path)
    cached = cache.get(path) if cache is not None else None
    if cached is not None:
        return cached, None
    try:
        text = repopaths.read_bytes(path, TEXT_MAX_BYTES, display).decode("utf-8")
    except repopaths.Refused as refused:
        raise ConfigError(display, refused.reason) from None
    except OSError as error:
        raise ConfigError(display, f"cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(display, "not UTF-8 text") from error
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
        if cache is not None:
            cache.put(path, data)
        return data, text
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        if match:
            line: int | None = int(match[1])
        elif "end of document" in message:
            line = len(text.splitlines()) + (1 if text.endswith("\n") else 0)
        else:
            line = None
        raise ConfigError(display, f"invalid TOML: {message}", line) from None
    except RecursionError:
        message = "invalid TOML: nested deeper than papershelf reads"
        raise ConfigError(display, message, schema.deepest_line(text)) from None


class _Source:
    """One TOML table being read, so every error can name its file and line."""

    def __init__(
        self, display: str, text: str | None, base: Path, path: Path | None = None
    ) -> None:
        self.display = display
        self.text = text
        self.base = base
        self.path = path

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.display, message, schema.line_of(self._text(), key))

    def _text(self) -> str:
        if self.text is None and self.path is not None:  # parsed form came from the cache
            try:
                data = repopaths.read_bytes(self.path, TEXT_MAX_BYTES, self.display)
            except (OSError, repopaths.Refused):
                data = b""
            self.text = data.decode("utf-8", errors="replace")
        return self.text or ""

    def check_schema(self, table: Mapping[str, Any], shape: schema.Table) -> None:
        """Every value's type, from the declared schema, before anything reads it."""
        try:
            schema.check_table(table, shape)
        except schema.Mismatch as mismatch:
            line = schema.line_of_key_path(self._text(), mismatch.where)
            raise ConfigError(self.display, mismatch.message, line) from None

    def path_inside(self, table: Mapping[str, Any], key: str, root: Path) -> str | None:
        """A repository-relative path (``root``, ``plan``) that must stay inside it."""
        value = self.string(table, key)
        if value and repopaths.inside(root, value) is None:
            message = f"'{key}' must name a path inside the repository, not {value!r}"
            raise self.error(key, message)
        if not value.strip("/"):
            return None
        normal = posixpath.normpath(value.strip("/"))
        return "" if normal == "." else normal  # `root = "."`: the repository itself

    def paths_inside(self, table: Mapping[str, Any], key: str, root: Path) -> list[str]:
        """Repository-relative paths or globs (``plan``), each inside the repository."""
        values = []
        for value in self.string_list(table, key):
            if value.strip() and repopaths.inside(root, value) is None:
                message = f"'{key}' must name a path inside the repository, not {value!r}"
                raise self.error(key, message)
            if value.strip("/").strip():
                values.append(value.strip("/"))
        return values

    def string_list(self, table: Mapping[str, Any], key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, f"'{key}' must be a string or a list of strings")
        return list(value)

    def string(self, table: Mapping[str, Any], key: str, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"'{key}' must be a string")
        return value

    def check_keys(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.error(key, f"unknown key '{key}' in {where} (expected: {expected})")

    def check_patterns(self, patterns: list[str], key: str) -> None:
        if not patterns:
            return
        import pathspec

        for pattern in patterns:
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except Exception as error:  # pathspec raises several types for bad patterns
                raise self.error(key, f"bad ignore pattern {pattern!r}: {error}") from error


class _Loader:
    def __init__(
        self,
        known_rules: Mapping[str, Mapping[str, Any]],
        cache: ParsedCache | None = None,
        root: Path | None = None,
    ) -> None:
        self.known_rules = known_rules  # slug -> default options
        self.cache = cache
        self.config = Config()
        self.loading: list[str] = []
        self.root = root  # the repository: what its own files extend must lie in it

    def resolve(self, name: str, source: _Source) -> Path:
        if "/" in name or name.endswith(".toml"):
            path = (source.base / name).resolve()
            if self._confined(source) and repopaths.within(self.root or path, path) is None:
                raise source.error(
                    name,
                    "'extends' must name a shipped rule set or a file inside the repository, "
                    f"not {name!r}",
                )
            return path
        path = rulesets_dir() / f"{name}.toml"
        if not path.is_file():
            shipped = ", ".join(shipped_rulesets())
            raise source.error(name, f"unknown rule set '{name}' (shipped: {shipped})")
        return path

    def _confined(self, source: _Source) -> bool:
        """Whether ``source`` is the repository's own file (a clone's, so untrusted); a
        configuration named with ``--config`` outside it is the user's own."""
        if self.root is None:
            return False
        if source.path is None:
            return source.base == self.root
        return repopaths.within(self.root, source.path) is not None

    def load_ruleset(self, name: str, source: _Source) -> None:
        path = self.resolve(name, source)
        if not path.is_file():
            raise source.error(name, f"rule set file not found: {name}")
        if str(path) in self.loading:
            raise source.error(name, f"rule set '{name}' extends itself")
        if str(path) in self.config.sources:
            return
        self.loading.append(str(path))
        data, text = _parse_toml(path, str(path), self.cache)
        inner = _Source(str(path), text, path.parent, path)
        inner.check_keys(data, RULESET_KEYS, "a rule set")
        inner.check_schema(data, schema.RULESET)
        header = data.get("ruleset", {})
        inner.check_keys(header, {"name", "description", "extends", "plan-files"}, "[ruleset]")
        for parent in inner.string_list(header, "extends"):
            self.load_ruleset(parent, inner)
        self.loading.pop()
        self.config.sources.append(str(path))
        self.config.plan_files.extend(inner.string_list(header, "plan-files"))
        self._read_plan(data, inner)
        self._read_rules(data.get("rules", {}), inner)

    def _read_plan(self, data: Mapping[str, Any], source: _Source) -> None:
        for entry in data.get("section", []):
            source.check_keys(entry, {"path", "title", "required"}, "[[section]]")
            self.config.sections.append(
                Section(
                    path=source.string(entry, "path"),
                    title=source.string(entry, "title"),
                    required=bool(entry.get("required", True)),
                )
            )
        for entry in data.get("path", []):
            source.check_keys(entry, {"path", "kind", "step", "open"}, "[[path]]")
            kind = source.string(entry, "kind", "dir")
            if kind not in ("dir", "file"):
                raise source.error("kind", f"kind must be 'dir' or 'file', not {kind!r}")
            self.config.paths.append(
                ExpectedPath(
                    path=source.string(entry, "path"),
                    kind=kind,
                    step=source.string(entry, "step"),
                    open=bool(entry.get("open", False)),
                )
            )
        for entry in data.get("paper", []):
            source.check_keys(entry, {"title", "section", "step", "aliases"}, "[[paper]]")
            self.config.papers.append(
                Paper(
                    title=source.string(entry, "title"),
                    section=source.string(entry, "section"),
                    step=source.string(entry, "step"),
                    aliases=tuple(source.string_list(entry, "aliases")),
                )
            )

    def _read_rules(self, rules: Any, source: _Source) -> None:
        if not isinstance(rules, dict):
            raise source.error("rules", "'rules' must be a table of rule names")
        for slug, table in rules.items():
            if slug not in self.known_rules:
                known = ", ".join(sorted(self.known_rules))
                raise source.error(slug, f"unknown rule '{slug}' (known: {known})")
            if not isinstance(table, dict):
                raise source.error(slug, f"[rules.{slug}] must be a table")
            defaults = self.known_rules[slug]
            source.check_keys(table, RULE_KEYS | set(defaults), f"[rules.{slug}]")
            settings = self.config.rules.setdefault(
                slug,
                RuleSettings(options={k: schema.option(v).default for k, v in defaults.items()}),
            )
            if "severity" in table:
                level = table["severity"]
                if level not in SEVERITIES:
                    raise source.error(
                        "severity", f"severity of '{slug}' must be one of {', '.join(SEVERITIES)}"
                    )
                settings.enabled = level != "off"
                settings.severity = None if level == "off" else Severity.parse(level)
            patterns = source.string_list(table, "ignore")
            source.check_patterns(patterns, "ignore")
            settings.ignore.extend(patterns)
            for option, value in table.items():
                if option in RULE_KEYS:
                    continue
                try:
                    spec = schema.option(defaults[option])
                    settings.options[option] = schema.check_option(spec, option, value)
                except schema.Mismatch as mismatch:
                    raise source.error(option, mismatch.message) from None


def find_config_file(root: Path) -> Path | None:
    dotfile = root / ".papershelf.toml"
    pyproject = root / "pyproject.toml"
    inputs.note(dotfile)
    inputs.note(pyproject)
    if dotfile.is_file():
        return dotfile
    if pyproject.is_file():
        try:
            text = repopaths.read_inside(root, pyproject, TEXT_MAX_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError, repopaths.Refused):
            return None
        if "[tool.papershelf" in text:
            return pyproject
    return None


def load(
    root: Path,
    known_rules: Mapping[str, Mapping[str, Any]],
    config_file: Path | None = None,
    cache_dir: Path | None = None,
) -> Config:
    """The effective configuration for a repository (shipped defaults when it has none).

    With ``cache_dir``, parsed TOML is kept there between runs.
    """
    cache = ParsedCache(cache_dir)
    try:
        return _load(root, known_rules, config_file, cache)
    finally:
        cache.save()  # what parsed is kept even when the configuration has a mistake


def _load(
    root: Path,
    known_rules: Mapping[str, Mapping[str, Any]],
    config_file: Path | None,
    cache: ParsedCache,
) -> Config:
    loader = _Loader(known_rules, cache, root)
    found = config_file is None
    config_file = config_file or find_config_file(root)
    table: dict[str, Any] = {}
    source = _Source("<defaults>", "", root)
    if config_file is not None:
        display = _display(config_file, root)
        if found and repopaths.within(root, config_file) is None:
            raise ConfigError(display, repopaths.OUTSIDE_LINK)
        data, text = _parse_toml(config_file, display, cache)
        source = _Source(display, text, config_file.parent, config_file)
        if config_file.name == "pyproject.toml":
            source.check_schema(data, schema.PYPROJECT)
            table = data.get("tool", {}).get("papershelf", {})
        else:
            table = data
        source.check_keys(table, CONFIG_KEYS, "the papershelf configuration")
        source.check_schema(table, schema.CONFIG)
        loader.config.config_file = display
    extends = source.string_list(table, "extends")
    for name in extends or list(DEFAULT_EXTENDS):
        loader.load_ruleset(name, source)
    loader._read_rules(table.get("rules", {}), source)
    config = loader.config
    config.extends_default = not extends
    for slug in PLAN_RULES:
        if slug in known_rules and slug not in config.rules:
            loader._read_rules({slug: {}}, source)
    config.ignore = source.string_list(table, "ignore")
    source.check_patterns(config.ignore, "ignore")
    config.root = source.path_inside(table, "root", root)
    config.plan = source.paths_inside(table, "plan", root)
    config.phase_words = source.string_list(table, "phase-words")
    config.step_words = source.string_list(table, "step-words")
    return config


def add_ruleset(
    config: Config,
    name: str,
    known_rules: Mapping[str, Mapping[str, Any]],
    cache_dir: Path | None = None,
) -> Config:
    """``config`` with a shipped rule set added under it (the configuration's own rule
    settings keep precedence: a rule set only adds what is not set)."""
    cache = ParsedCache(cache_dir)
    loader = _Loader(known_rules, cache)
    try:
        loader.load_ruleset(name, _Source("<defaults>", "", rulesets_dir()))
    finally:
        cache.save()
    added = loader.config
    merged = config.but(
        sources=[*added.sources, *config.sources],
        sections=[*added.sections, *config.sections],
        paths=[*added.paths, *config.paths],
        papers=[*added.papers, *config.papers],
        plan_files=[*added.plan_files, *config.plan_files],
        rules={**added.rules, **config.rules},
    )
    return merged


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
