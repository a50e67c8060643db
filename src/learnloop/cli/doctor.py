"""`learnloop doctor`: look the home over (folder, journals, schema, SQLite's quick_check) and say what to do."""

from __future__ import annotations

from typing import Annotated

import typer

from learnloop.cli.app import app, settings
from learnloop.cli.render import console, print_json


@app.command("doctor")
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Check your learnloop home without changing it: the folder, stray journals, the schema, and every page
    of the database (SQLite's quick_check). Exit code 1 when something needs your attention."""
    from learnloop.store.health import check_home

    report = check_home(settings())
    if as_json:
        print_json({"ok": report.ok, "home": report.home, "database": report.database, "findings": report.findings})
    else:
        for finding in report.findings:
            mark = "[green]ok[/]  " if finding.ok else "[red]fix[/] "
            console.print(f"{mark} {finding.check}: {finding.detail}", highlight=False)
            if finding.advice:
                console.print(f"      [dim]{finding.advice}[/]", highlight=False)
        console.print("Everything looks right." if report.ok else "Something needs your attention (above).")
    if not report.ok:
        raise typer.Exit(1)
