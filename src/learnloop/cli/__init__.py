"""The ``learnloop`` command line: a thin front door over the feature packages.

Each module of this package registers its commands on :data:`learnloop.cli.app.app`; a command parses its
arguments, calls one feature function and renders the value it returns. A run imports only the module of the
command it runs (the index is :mod:`learnloop.cli.commands`), and heavy libraries are imported inside the
functions that need them, so everyday commands answer near the interpreter's own start.
"""

from __future__ import annotations

from typing import Annotated

import typer

from learnloop.cli.app import app, begin
from learnloop.config import resolve_settings


def _version(value: bool) -> None:
    if value:
        from learnloop import __version__

        typer.echo(f"learnloop {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        str | None,
        typer.Option(
            "--home",
            metavar="FOLDER",
            help="Folder for your learnloop data (default: $LEARNLOOP_HOME or your user data dir).",
            show_default=False,
        ),
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="learnloop")
