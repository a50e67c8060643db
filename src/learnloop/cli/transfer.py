"""Export and import everything the learner wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.app import app, store
from learnloop.cli.render import console, print_json


@app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="The JSON file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it already exists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Write everything you recorded (passes, notes, projects, gaps, ...) to one JSON file."""
    from learnloop.store.transfer import export_to

    with store().read() as session:
        summary = export_to(session, file, force=force)
    if as_json:
        print_json(summary)
        return
    console.print(f"Exported {sum(summary.rows.values())} records to {summary.path}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `learnloop export`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Load an export into an EMPTY learnloop home (use --home NEW_FOLDER); never merges silently."""
    from learnloop.files import short_path
    from learnloop.store.transfer import HomeNotEmpty, import_data, read_export

    data = read_export(file)
    try:
        with store().session() as session:
            counts = import_data(session, data, short_path(file))
    except HomeNotEmpty as exc:
        exc.message += " (--home NEW_FOLDER)"
        exc.args = (exc.message,)
        raise
    if as_json:
        print_json(counts)
        return
    console.print(f"Imported {sum(counts.values())} records from {file}")
