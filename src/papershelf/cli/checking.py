"""What ``repo-check`` does once its options are known: check, fix, print, exit code.

Free of click, so that the hook's plain ``repo-check`` runs it without parsing options.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from papershelf.cli.outcome import echo
from papershelf.errors import EXIT_FAILURE, EXIT_OK
from papershelf.findings import Severity
from papershelf.shown import visible


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def check_repository(
    path: Path,
    output_format: str = "text",
    strict: bool = False,
    config_file: Path | None = None,
    only: tuple[str, ...] = (),
    no_cache: bool = False,
    fix: bool = False,
    dry_run: bool = False,
) -> int:
    """Check the repository holding ``path``, print the findings, and say how it went:
    1 for an error (a warning too with ``strict``), else 0."""
    from papershelf.check import resultcache
    from papershelf.repo import inputs
    from papershelf.report import get_reporter

    # --fix needs the loaded repository, not only the findings; --no-cache keeps off .git/.
    key = None if fix or no_cache else resultcache.key_for(path, config_file, only)
    result = resultcache.load(key) if key is not None else None
    if result is None:
        from papershelf import workspace
        from papershelf.check.engine import check_workspace

        inputs.start()
        try:
            here = workspace.load(path, config_file, use_cache=not no_cache)
            from papershelf.cli.progress import bar

            here.snapshot.progress = bar(sys.stderr)
            result = check_workspace(here, set(only) or None)
            if here.snapshot.partial:
                echo(f"note: {here.snapshot.partial}", err=True)
        finally:
            recorded = inputs.stop()
        if key is not None:
            resultcache.save(key, recorded, result)
    if fix:
        from papershelf.check import fixes
        from papershelf.check.engine import run_check

        found = fixes.find_fixes(here, result.findings, set(only) or None)
        if dry_run:
            lines = found.lines(dry_run=True)
        else:
            lines = fixes.apply_fixes(here, found)
            if found.fixes:
                result = run_check(
                    path,
                    only=set(only) or None,
                    config_file=config_file,
                    use_cache=not no_cache,
                )
        # Machine-readable formats keep stdout to themselves.
        for line in lines or ["nothing to fix"]:
            echo(visible(line), err=output_format != "text")
        if output_format == "text":
            echo("")
    render = get_reporter(output_format)
    echo(render(result, color=use_color(sys.stdout)), nl=False)
    worst = max((finding.severity for finding in result.findings), default=None)
    threshold = Severity.WARNING if strict else Severity.ERROR
    return EXIT_FAILURE if worst is not None and worst >= threshold else EXIT_OK
