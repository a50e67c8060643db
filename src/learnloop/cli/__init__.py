"""The ``learnloop`` command line: a thin front door over the feature packages.

Each module below registers its commands on :data:`learnloop.cli.app.app`; a command parses its
arguments, calls one feature function and renders the value it returns. Heavy libraries are
imported inside the commands that need them so that ``learnloop --help`` answers at once.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.app import app, begin
from learnloop.config import resolve_settings

# The order is the loop's order; `learnloop --help` lists commands the same way.
COMMAND_MODULES: tuple[str, ...] = (
    "status",
    "map",
    "loop",
    "study",
    "exercises",
    "ladder",
    "lab",
    "project",
    "gap",
    "history",
    "transfer",
    "web",
)


def _version(value: bool) -> None:
    if value:
        from learnloop import __version__

        typer.echo(f"learnloop {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Folder for your learnloop data (default: $LEARNLOOP_HOME or your user data dir).",
                     show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """A coach for learning machine learning top-down, one short loop at a time.

    Run `learnloop` alone to see where you are and the one thing to do next.
    """
    ctx.obj = begin(resolve_settings(home))
    if ctx.invoked_subcommand is None:
        from learnloop.cli.status import show_status

        show_status()


for _name in COMMAND_MODULES:
    importlib.import_module(f"learnloop.cli.{_name}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="learnloop")
