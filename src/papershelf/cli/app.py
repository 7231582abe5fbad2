"""The ``papershelf`` command group: click, and each sub-command loaded when invoked."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import click

from papershelf import __version__
from papershelf.cli.outcome import echo, guarded
from papershelf.errors import EXIT_INTERRUPTED, EXIT_USAGE

# command name -> "module:attribute" under papershelf.cli
COMMANDS: dict[str, str] = {
    "check": "check:check",
    "rules": "check:rules",
    "extract": "extract:extract",
    "doctor": "extract:doctor",
    "mkexp": "mkexp:mkexp",
    "init": "organize:init",
    "plan": "plan:plan",
    "fetch": "fetch:fetch",
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


def run(command: click.Command, args: Sequence[str], prog_name: str) -> int:
    """Run a click command; its usage errors and aborts map to exit codes here, every
    other outcome in :func:`papershelf.cli.outcome.guarded`."""

    def parsed() -> object:
        try:
            return command.main(args=list(args), prog_name=prog_name, standalone_mode=False)
        except click.exceptions.Exit as stop:
            return stop.exit_code
        except click.Abort:
            echo("Aborted.", err=True)
            return EXIT_INTERRUPTED
        except click.ClickException as error:
            error.show()
            return error.exit_code if error.exit_code else EXIT_USAGE

    return guarded(parsed, prog_name)
