"""The one base error for expected, user-fixable problems.

Anything raised as a :class:`PapershelfError` is printed as a single line and
mapped to its ``exit_code``; anything else is a crash (exit 3).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_CRASH = 3
EXIT_INTERRUPTED = 130


class PapershelfError(Exception):
    """A problem the user can fix; the message says what to do."""

    exit_code = EXIT_FAILURE


class ConfigError(PapershelfError):
    """A bad configuration or rule set: names the file and, when known, the line."""

    exit_code = EXIT_USAGE

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
