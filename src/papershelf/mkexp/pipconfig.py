"""The user's pip configuration, which uv does not read: constraints and indexes.

pip reads its configuration files (global, user, site, ``PIP_CONFIG_FILE``)
and ``PIP_*`` variables on every install; a constraint set there
(``constraint = /etc/xdg/pip/constraints.txt``) decides what an experiment
can have. mkexp passes the same settings to uv, so both installers give one
answer, and names the setting when it is what decided.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from papershelf.mkexp.explaining import normalize

# pip option -> uv option; each takes a value but no-index
_OPTIONS = {
    "constraint": "--constraint",
    "index-url": "--index-url",
    "extra-index-url": "--extra-index-url",
    "find-links": "--find-links",
    "no-index": "--no-index",
}


class Setting(NamedTuple):
    option: str  # pip's name: constraint, index-url, …
    value: str
    source: str  # the file (and section) or variable that sets it


def _files(env: Mapping[str, str]) -> list[Path]:
    """pip's configuration files, lowest precedence first."""
    if env.get("PIP_CONFIG_FILE") == os.devnull:
        return []
    dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    found = [Path(folder) / "pip" / "pip.conf" for folder in reversed(dirs.split(os.pathsep))]
    found.append(Path("/etc/pip.conf"))
    home = Path(env.get("HOME") or Path.home())
    found.append(home / ".pip" / "pip.conf")
    found.append(Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "pip" / "pip.conf")
    found.append(Path(sys.prefix) / "pip.conf")
    if env.get("PIP_CONFIG_FILE"):
        found.append(Path(env["PIP_CONFIG_FILE"]))
    return found


def settings(env: Mapping[str, str] | None = None) -> list[Setting]:
    """The install settings pip would use, the last of each option winning."""
    env = os.environ if env is None else env
    chosen: dict[str, Setting] = {}
    for path in _files(env):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        for section in ("global", "install"):
            if not parser.has_section(section):
                continue
            for option in _OPTIONS:
                if parser.has_option(section, option):
                    value = parser.get(section, option).strip()
                    chosen[option] = Setting(option, value, f"{path} [{section}]")
    for option in _OPTIONS:
        variable = "PIP_" + option.upper().replace("-", "_")
        if env.get(variable):
            chosen[option] = Setting(option, env[variable].strip(), variable)
    return list(chosen.values())


def uv_args(found: list[Setting]) -> list[str]:
    """The same settings as uv options."""
    args: list[str] = []
    for setting in found:
        if setting.option == "no-index":
            args += ["--no-index"] if is_on(setting) else []
            continue
        for value in setting.value.split():
            args += [_OPTIONS[setting.option], value]
        if setting.option == "extra-index-url":
            # pip takes the best version from every index; uv, unless told, the first index's
            args += ["--index-strategy", "unsafe-best-match"]
    return args


def is_on(setting: Setting) -> bool:
    return setting.value.lower() in ("1", "true", "yes", "on")


def constraint_on(name: str, found: list[Setting]) -> str:
    """'the constraint torch<=2.14.1 (FILE, set in CONFIG [global])', or '' when none."""
    wanted = normalize(name)
    for setting in found:
        if setting.option != "constraint":
            continue
        for file in setting.value.split():
            try:
                text = Path(file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for line in text.splitlines():
                line = line.split("#", 1)[0].strip()
                match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
                if match and normalize(match.group(0)) == wanted:
                    return f"the constraint {line} ({file}, set in {setting.source})"
    return ""
