"""The command line: the only package that knows click, terminals and exit codes.

Sub-commands live in their own modules and are imported only when invoked, so
``repo-check`` pays for nothing but what checking needs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from papershelf import __version__
from papershelf.errors import (
    EXIT_CRASH,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PapershelfError,
)
from papershelf.shown import visible

# command name -> "module:attribute" under papershelf.cli
COMMANDS: dict[str, str] = {
    "check": "check:check",
    "rules": "check:rules",
    "extract": "extract:extract",
    "fetch": "fetch:fetch",
    "doctor": "extract:doctor",
    "mkexp": "mkexp:mkexp",
    "init": "organize:init",
    "plan": "plan:plan",
}


def load_command(name: str) -> click.Command:
    module_name, attribute = COMMANDS[name].split(":")
    module = importlib.import_module(f"papershelf.cli.{module_name}")
    command = getattr(module, attribute)
    assert isinstance(command, click.Command)
    return command


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        try:
            return load_command(cmd_name)
        except ModuleNotFoundError as error:
            if error.name == f"papershelf.cli.{COMMANDS[cmd_name].split(':')[0]}":
                return None
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="papershelf")
def papershelf() -> None:
    """Keep a study repository in the shape its reading plan promises."""


def run(command: click.Command, argv: Sequence[str] | None, prog_name: str) -> int:
    """Run a click command and map every outcome to a documented exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a cp1252 pipe: Cyrillic names escaped, no crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")
    try:
        result = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as error:
        error.show()
        return error.exit_code if error.exit_code else EXIT_USAGE
    except PapershelfError as error:
        click.echo(visible(f"{prog_name}: error: {error}"), err=True)
        return error.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        import traceback

        traceback.print_exc()
        click.echo(
            f"{prog_name}: internal error (a bug in papershelf {__version__}); "
            "please report it with the traceback above",
            err=True,
        )
        return EXIT_CRASH
    return result if isinstance(result, int) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(papershelf, argv, "papershelf")


def repo_check_main(argv: Sequence[str] | None = None) -> int:
    return run(load_command("check"), argv, "repo-check")


def mkexp_main(argv: Sequence[str] | None = None) -> int:
    return run(load_command("mkexp"), argv, "mkexp")
