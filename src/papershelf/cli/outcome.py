"""Every way a command ends, as a documented exit code; and how commands print.

Kept free of click: ``repo-check`` run as a hook, with no options to parse, never
imports it (see :func:`papershelf.cli.repo_check_main`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from papershelf import __version__
from papershelf.errors import EXIT_CRASH, EXIT_INTERRUPTED, EXIT_OK, PapershelfError
from papershelf.shown import visible


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print ``text`` to stdout (or stderr) and flush, as each line must reach a hook's log."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


def guarded(call: Callable[[], object], prog_name: str) -> int:
    """Run ``call``; its int result, or the exit code of what stopped it."""
    for stream in (sys.stdout, sys.stderr):  # a cp1252 pipe: Cyrillic names escaped, no crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")
    try:
        result = call()
    except PapershelfError as error:
        echo(visible(f"{prog_name}: error: {error}"), err=True)
        return error.exit_code
    except KeyboardInterrupt:
        echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        import traceback

        traceback.print_exc()
        echo(
            f"{prog_name}: internal error (a bug in papershelf {__version__}); "
            "please report it with the traceback above",
            err=True,
        )
        return EXIT_CRASH
    return result if isinstance(result, int) else EXIT_OK
