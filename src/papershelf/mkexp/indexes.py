"""Which installed Pythons a package release has files for, from the index's own metadata.

Read only when a requirement has no release for the target Python: the file
names (wheel tags) and ``data-requires-python`` of one simple-index page or
find-links folder say which other Pythons would work, without resolving again.
"""

from __future__ import annotations

import html
import os
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from papershelf.errors import PapershelfError
from papershelf.mkexp import pipconfig
from papershelf.mkexp.explaining import normalize
from papershelf.mkexp.interpreters import Interpreter, Version, VersionSpec

_ANCHOR = re.compile(r"<a\s([^>]*)>([^<]+)</a>", re.IGNORECASE)
_PLATFORMS = {
    "linux": ("linux", "manylinux", "musllinux"),
    "darwin": ("macosx",),
    "win32": ("win",),
}
PYPI = "https://pypi.org/simple"


def sources(
    options: Sequence[str], env: dict[str, str] | os._Environ[str] = os.environ
) -> tuple[list[Path], list[str]]:
    """(find-links folders, index URLs) from the requirement options and pip's/uv's settings."""
    links: list[Path] = []
    indexes: list[str] = []
    no_index = "--no-index" in options
    main = [PYPI]
    for setting in pipconfig.settings(env):
        values = setting.value.split()
        if setting.option == "find-links":
            links += [Path(item) for item in values if "://" not in item]
        elif setting.option == "index-url":
            main = values[:1]
        elif setting.option == "extra-index-url":
            indexes += values
        elif setting.option == "no-index":
            no_index = no_index or pipconfig.is_on(setting)
    links += [Path(item) for item in env.get("UV_FIND_LINKS", "").split() if "://" not in item]
    for option in options:
        name, _, value = option.partition(" ")
        if name in ("-f", "--find-links") and "://" not in value:
            links.append(Path(value))
        elif name in ("-i", "--index-url", "--extra-index-url"):
            indexes.append(value)
    for key in ("UV_INDEX_URL", "UV_DEFAULT_INDEX"):
        if env.get(key):
            main = [env[key]]
    named = any(option.partition(" ")[0] in ("-i", "--index-url") for option in options)
    if not named:
        indexes = main + indexes  # an extra index adds to the main one, PyPI by default
    offline = bool(env.get("UV_OFFLINE"))
    if no_index:
        indexes = []
    elif offline:
        indexes = [url for url in indexes if url.startswith("file:")]
    return links, indexes


def files_for(name: str, links: Iterable[Path], indexes: Iterable[str]) -> list[tuple[str, str]]:
    """(file name, requires-python) of every distribution of ``name``."""
    wanted = normalize(name)
    found: list[tuple[str, str]] = []
    for folder in links:
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in entries:
            if normalize(re.split(r"-\d", entry, maxsplit=1)[0]) == wanted:
                found.append((entry, _wheel_requires_python(folder / entry)))
    for index in indexes:
        found += _index_page(index.rstrip("/") + f"/{wanted}/")
    return found


def _wheel_requires_python(path: Path) -> str:
    if path.suffix != ".whl":
        return ""
    try:
        with zipfile.ZipFile(path) as archive:
            name = next(item for item in archive.namelist() if item.endswith(".dist-info/METADATA"))
            text = archive.read(name).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, StopIteration):
        return ""
    match = re.search(r"^Requires-Python:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _index_page(url: str) -> list[tuple[str, str]]:
    try:
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path))
            page = (path / "index.html").read_text(encoding="utf-8", errors="replace")
        else:
            import urllib.request  # only when a release is missing: check's start stays quick

            request = urllib.request.Request(url, headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=5) as response:
                page = response.read(8_000_000).decode("utf-8", "replace")
    except (OSError, ValueError):
        return []
    found = []
    for attributes, text in _ANCHOR.findall(page):
        requires = re.search(r'data-requires-python="([^"]*)"', attributes)
        found.append((text.strip(), html.unescape(requires.group(1)) if requires else ""))
    return found


def fitting_pythons(
    files: Sequence[tuple[str, str]], version: str | None, pythons: Iterable[Interpreter]
) -> list[Interpreter]:
    """The Pythons some file of ``version`` (every version when None) installs on."""
    chosen = [
        (name, requires)
        for name, requires in files
        if version is None or version_of(name) == version
    ]
    return [
        python
        for python in pythons
        if any(_fits(name, requires, python.version) for name, requires in chosen)
    ]


def version_of(filename: str) -> str:
    stem = re.sub(r"(\.tar\.gz|\.zip|\.whl|\.tar\.bz2)$", "", filename)
    parts = stem.split("-")
    return parts[1] if len(parts) > 1 else ""


def _fits(filename: str, requires: str, version: Version) -> bool:
    if requires:
        try:
            if not VersionSpec(requires, "Requires-Python").allows(version):
                return False
        except PapershelfError:
            pass
    if not filename.endswith(".whl"):
        return bool(requires)  # an sdist says nothing about Pythons without requires-python
    parts = filename[:-4].split("-")
    if len(parts) < 5:
        return False
    python_tags, abi_tags, platform_tags = (
        parts[-3].split("."),
        parts[-2].split("."),
        parts[-1].split("."),
    )
    platform_ok = any(
        tag == "any" or tag.startswith(_PLATFORMS.get(sys.platform, (sys.platform,)))
        for tag in platform_tags
    )
    return platform_ok and any(
        _python_tag_fits(tag, "abi3" in abi_tags, version) for tag in python_tags
    )


def _python_tag_fits(tag: str, abi3: bool, version: Version) -> bool:
    match = re.fullmatch(r"(cp|py|pp)(\d)(\d*)", tag)
    if not match:
        return False
    kind, major, minor = match.groups()
    if int(major) != version[0]:
        return False
    if not minor:
        return kind == "py"
    if kind == "cp" and not abi3:
        return int(minor) == version[1]
    return int(minor) <= version[1]
