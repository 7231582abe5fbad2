"""The command line: the only package that knows click, terminals and exit codes.

Sub-commands live in their own modules and are imported only when invoked, so
``repo-check`` pays for nothing but what checking needs; run as a pre-commit hook
(no arguments) it does not even parse options, and click is never imported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from papershelf.cli.app import papershelf, run

    return run(papershelf, _args(argv), "papershelf")


def repo_check_main(argv: Sequence[str] | None = None) -> int:
    args = _args(argv)
    # The hook's invocation, or a folder alone: every option at its default. Anything
    # else (an option, a path that is no folder, shell completion) goes to click.
    plain = len(args) <= 1 and "_REPO_CHECK_COMPLETE" not in os.environ
    if plain and not (args and (args[0].startswith("-") or not os.path.isdir(args[0]))):
        from pathlib import Path

        from papershelf.cli.checking import check_repository
        from papershelf.cli.outcome import guarded

        return guarded(lambda: check_repository(Path(args[0] if args else ".")), "repo-check")
    from papershelf.cli.app import load_command, run

    return run(load_command("check"), args, "repo-check")


def mkexp_main(argv: Sequence[str] | None = None) -> int:
    from papershelf.cli.app import load_command, run

    return run(load_command("mkexp"), _args(argv), "mkexp")


def _args(argv: Sequence[str] | None) -> list[str]:
    return list(sys.argv[1:] if argv is None else argv)
