"""The resolver's own explanation (uv's "Because ...", pip's "The conflict is caused by"), as data.

Pure text in, causes out: which packages a failure is about and why, in one
short phrase. Footers ("note: This error originates from a subprocess",
"hint: See above for details") are never a cause.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Cause(NamedTuple):
    kind: str  # conflict, python, platform, missing, version, network, build, other
    names: tuple[str, ...]  # normalized names; the first is the one to blame
    detail: str


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_FOOTER = re.compile(
    r"^(note|hint|error): |^\s*(╰─>|×|│)|See above for|originates from a subprocess"
)
_EXCEPTION = re.compile(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit)\b:?.*)$")
_HOST_URL = re.compile(r"https?://([^/'\"\s:]+)")
_NETWORK = re.compile(
    r"Could not resolve host: ([^\s'\"(),]+)|Failed to resolve '([^']+)'|dns error|"
    r"failed to lookup address|Name or service not known|Connection refused|timed out|"
    r"Network is unreachable|network connectivity is disabled|certificate verify failed",
    re.IGNORECASE,
)
_NAME = r"([A-Za-z0-9][A-Za-z0-9._-]*)"
# uv lists a requirement with an exclusion (``tok>=0.11.1,!=0.11.3,<0.14``) as ranges:
# "depends on one of: tok>=0.11.1,<0.11.3 tok>0.11.3,<0.14".
_ONE_OF = re.compile(r"\b(depends? on|require) one of:\s*((?:[A-Za-z0-9][\w.-]*[<>=!~]\S*\s*)+)")
_SPEC_START = re.compile(r"[<>=!~]")


def explain(tool: str, output: str) -> Cause:
    """The first cause the resolver gives; kind 'other' with its last error line if unknown.

    A mention of mkexp's temporary input ("in `…/requirements.in` at line 17") is left
    out: the caller names the user's file and line instead."""
    output = re.sub(
        r" in `[^`]*requirements\.in` at (line|position) \d+| ?\(from line \d+ of [^)]*\)",
        "",
        output,
    )
    # what else names mkexp's temporary folder: its input, its copies of local projects
    temporary = r"(?:file://)?[^\s'\"`]*/mkexp-(?:check|install)-[^/\s]+/"
    output = re.sub(temporary + r"projects/\d+/", "", output)
    output = re.sub(temporary + r"requirements\.in", "the requirements", output)
    reader = _from_uv if tool == "uv" else _from_pip
    return reader(output) or Cause("other", (), _last_error(output))


# --- uv ---


def _from_uv(text: str) -> Cause | None:
    unreadable = re.search(r"Couldn't parse requirement.*?\n\s*cause: ([^\n]+)", text, re.S)
    if unreadable:
        return Cause("other", (), f"not a requirement: {unreadable.group(1).strip()}")
    flat = _ONE_OF.sub(_one_range, " ".join(line.strip() for line in text.splitlines()))
    backend = re.search(
        r"Failed to resolve requirements from `[^`]+` build.*?resolving: `([^`]+)`", flat
    )
    if backend:
        return Cause(
            "build", (), f"its build needs {backend.group(1)}, which the index does not have"
        )
    build = re.search(r"Failed to (?:download and )?build `([^`]+)`", flat)
    if build is None and "The build backend returned an error" in flat:
        return Cause("build", (), "its source fails to build: " + _build_error(text))
    if build:
        name = _name_of(build.group(1))
        network = _network(text)
        if network:
            return Cause("network", (name,), network)
        return Cause("build", (name,), "its source fails to build: " + _build_error(text))
    fetch = re.search(r"Failed to fetch: (\S+)", flat)
    if fetch or (_network(text) and "Because" not in flat):
        url = fetch.group(1) if fetch else ""
        package = re.search(r"/simple/([^/]+)/", url)
        names = (normalize(package.group(1)),) if package else ()
        return Cause("network", names, _network(text) or "needs the network")
    python = re.search(
        rf"{_NAME}(?:==(\S+))? has no wheels with a matching Python "
        r"(?:ABI|version|implementation) tag",
        flat,
    )
    if python:
        return Cause("python", (normalize(python.group(1)),), "")
    requires = re.search(
        rf"does not satisfy Python([^\s,]+(?:,[^\s,]+)*) and {_NAME}(?:==\S+)? depends? on Python",
        flat,
    )
    if requires:
        spec = requires.group(1).rstrip(",.")
        return Cause("python", (normalize(requires.group(2)),), spec)
    platform = re.search(rf"{_NAME}(?:==\S+)? has no wheels with a matching platform tag", flat)
    if platform:
        return Cause("platform", (normalize(platform.group(1)),), "no wheel for this platform")
    missing = re.search(
        rf"{_NAME} was not found in the (package registry|provided package locations|cache)", flat
    )
    if missing:
        name = normalize(missing.group(1))
        if missing.group(2) == "cache" or "network was disabled" in flat:
            return Cause("network", (name,), "needs the network (offline: not in uv's cache)")
        return Cause("missing", (name,), "")
    version = re.search(rf"there is no version of {_NAME}(\S*)", flat)
    only = re.search(rf"only {_NAME}(\S+) (?:is|are) available", flat)
    if version or only:
        match = version or only
        assert match is not None
        available = f"only {only.group(1)}{only.group(2)} is available" if only else ""
        return Cause("version", (normalize(match.group(1)),), available)
    twice = re.search(rf"you require {_NAME}\S* and {_NAME}\S*,? we can conclude", flat)
    if twice and normalize(twice.group(1)) == normalize(twice.group(2)):
        return Cause("conflict", (normalize(twice.group(1)),), "")  # two pins of one package
    if "depend" in flat and "you require" in flat:
        return _conflict(_uv_statements(flat), re.findall(rf"you require {_NAME}", flat))
    return None


def _one_range(match: re.Match[str]) -> str:
    """``depends on one of: tok>=1,<2 tok>2,<3`` as ``depends on tok>=1,<2 or >2,<3``."""
    ranges = match.group(2).split()
    name = _SPEC_START.split(ranges[0], maxsplit=1)[0]
    specs = [r[len(name) :] if r.startswith(name) else r for r in ranges]
    return f"{match.group(1)} {name}{' or '.join(specs)} "


def _uv_statements(flat: str) -> list[tuple[str, str, str]]:
    found = []
    for match in re.finditer(
        rf"(?:all versions of |only )?{_NAME}(==\S+|[<>=!~]\S*)? depends? on {_NAME}"
        r"(\S*(?: or [<>=!~]\S*)*)",
        flat,
    ):
        who, version, dependency, spec = match.groups()
        spec = spec.rstrip(",.")
        if dependency.lower() == "python":
            continue
        statement = f"{who}{version or ''} needs {dependency}{spec}"
        found.append((normalize(who), normalize(dependency), statement))
    return found


# --- pip ---


def _from_pip(text: str) -> Cause | None:
    lines = text.splitlines()
    build = _pip_build(lines)
    if build:
        return build
    network = _network(text)
    if network:
        package = re.search(r"/simple/([^/'\s]+)/", text)
        collecting = re.findall(rf"Collecting {_NAME}", text)
        name = package.group(1) if package else (collecting[-1] if collecting else "")
        return Cause("network", (normalize(name),) if name else (), network)
    unavailable = re.search(
        rf"no matching distributions available for your environment:\s+{_NAME}", text
    )
    asked = re.findall(rf"The user requested {_NAME}", text)
    if (
        "The conflict is caused by:" in text
        and unavailable
        and " depends on " not in text
        and len(asked) < 2
    ):
        # only the user's pin and a constraint: not a conflict, no file fits this Python
        return Cause("python", (normalize(unavailable.group(1)),), "")
    if "The conflict is caused by:" in text:
        block = text.split("The conflict is caused by:", 1)[1].split("\n\n", 1)[0]
        requested = re.findall(rf"The user requested {_NAME}", block)
        statements = []
        for match in re.finditer(rf"{_NAME} (\S+) depends on {_NAME}(.*)", block):
            who, version, dependency, spec = match.groups()
            spec = ",".join(part.strip() for part in re.split(r",| and ", spec))
            statement = f"{who}=={version} needs {dependency}{spec}"
            statements.append((normalize(who), normalize(dependency), statement))
        return _conflict(statements, requested)
    found = re.search(
        rf"Could not find a version that satisfies the requirement {_NAME}\S* "
        r"\(from versions: ([^)]*)\)",
        text,
    )
    if found:
        name = normalize(found.group(1))
        ignored = re.search(r"require a different python version: (.*)", text)
        if ignored:
            specs = sorted(
                {
                    spec.rstrip(";,")
                    for spec in re.findall(r"Requires-Python (\S+)", ignored.group(1))
                }
            )
            return Cause("python", (name,), " or ".join(specs))
        versions = found.group(2).strip()
        if versions == "none":
            return Cause("missing", (name,), "")
        return Cause("version", (name,), f"available: {versions}")
    wrong = re.search(rf"Package '{_NAME}' requires a different Python: \S+ not in '([^']*)'", text)
    if wrong:
        return Cause("python", (normalize(wrong.group(1)),), wrong.group(2))
    return None


def _pip_build(lines: list[str]) -> Cause | None:
    text = "\n".join(lines)
    backend = re.search(
        r"installing build dependencies.*?satisfies the requirement (\S+)", text, re.S | re.I
    )
    if backend:
        return Cause(
            "build",
            _collected(lines),
            f"its build needs {backend.group(1)}, which the index does not have",
        )
    failed = next((i for i, line in enumerate(lines) if "did not run successfully" in line), None)
    if failed is None and "when calling build backend hook" in text:
        return Cause("build", (), "its source fails to build: " + _build_error(text))
    if failed is None:
        return None
    blamed = next(
        (
            line.split("╰─>", 1)[1].strip()
            for line in lines[failed:]
            if "╰─>" in line and "output" not in line and "No available" not in line
        ),
        "",
    )
    if not blamed:
        collecting = [
            m.group(1)
            for line in lines[:failed]
            if (
                m := re.search(
                    rf"(?:Collecting|Processing) .*?/?{_NAME}-\d|Collecting {_NAME}", line
                )
            )
        ]
        blamed = collecting[-1] if collecting else ""
    output = lines[failed:]
    names = (normalize(blamed),) if blamed else ()
    network = _network("\n".join(lines))
    if network:
        return Cause("network", names or _collected(lines), network)
    return Cause(
        "build",
        names or _collected(lines),
        "its source fails to build: " + _build_error("\n".join(output)),
    )


def _collected(lines: list[str]) -> tuple[str, ...]:
    for line in reversed(lines):
        match = re.search(rf"Collecting {_NAME}", line)
        if match:
            return (normalize(match.group(1)),)
    return ()


# --- shared ---


def _conflict(statements: list[tuple[str, str, str]], requested: list[str]) -> Cause:
    """Blame the requested pin that the other packages' needs exclude (else the last one)."""
    asked = list(dict.fromkeys(normalize(name) for name in requested))
    needed = {dependency for _, dependency, _ in statements}
    first = [name for name in reversed(asked) if name in needed] or list(reversed(asked))
    names = list(dict.fromkeys([*first, *reversed(asked), *(who for who, _, _ in statements)]))
    detail = "; ".join(dict.fromkeys(text for _, _, text in statements))
    return Cause("conflict", tuple(names), detail)


def _network(text: str) -> str:
    text = " ".join(line.strip() for line in text.splitlines())  # uv wraps long lines
    match = _NETWORK.search(text)
    if not match:
        return ""
    host = match.group(1) or match.group(2)
    if not host:
        urls = [
            m.group(1) for m in _HOST_URL.finditer(text) if "pypi.org/project" not in m.group(0)
        ]
        host = urls[0] if urls else ""
        if "network connectivity is disabled" in match.group(0).lower():
            return "needs the network (offline)"
    reason = match.group(0)
    if match.group(1) or match.group(2):
        reason = "could not resolve host"
    return (
        f"needs the network: cannot reach {host} ({reason})"
        if host
        else f"needs the network ({reason})"
    )


def _build_error(text: str) -> str:
    """The first line of the build's own error: the exception, else its first error line.

    A module the build imports but never declares (``setup.py``'s ``import torch``) is
    named as that: pip and uv build in a fresh environment holding only what
    ``[build-system] requires`` lists."""
    missing = re.search(r"ModuleNotFoundError: No module named '([^']+)'", text)
    if missing:
        return (
            f"ModuleNotFoundError: its build imports {missing.group(1)}, which its build "
            "environment lacks (not in [build-system] requires; install it first and build "
            "with --no-build-isolation)"
        )
    lines = [line.strip() for line in text.splitlines()]
    for line in lines:
        if _EXCEPTION.match(line) and not line.startswith(("Traceback", "×")):
            return line
    for line in lines:
        if line.lower().startswith("error") and not _FOOTER.search(line):
            return line
    body = [
        line
        for line in lines
        if line and not _FOOTER.search(line) and not line.startswith(("[", "cause:", "File "))
    ]
    return body[0] if body else "no output"


def _last_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [
        line
        for line in lines
        if line.startswith(("ERROR:", "error:"))
        and not _FOOTER.search(line.removeprefix("error: "))
    ]
    if errors:
        return re.sub(r"^(ERROR|error):\s*", "", errors[-1])
    kept = [line for line in lines if not _FOOTER.search(line)]
    return kept[-1] if kept else "the resolver failed"


def _name_of(requirement: str) -> str:
    match = re.match(_NAME, requirement.strip())
    return normalize(match.group(1)) if match else ""
