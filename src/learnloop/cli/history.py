"""Step 6: the history of passes and the descent plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learnloop import config
from learnloop.cli.app import app
from learnloop.cli.render import console, print_json


@app.command()
def history(
    png: Annotated[Path | None, typer.Option("--png", help="Draw the descent plot into this PNG file.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --png file if it already exists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Every pass: focus, days per step, project, gap, speed-ups and slow-downs."""
    from learnloop.cli.light import reading
    from learnloop.loop.reads import history as rows_of

    if png is not None:
        from learnloop.errors import UserError
        from learnloop.files import check_writable_target

        if png.suffix.lower() != ".png":
            raise UserError(f"--png needs a file name ending in .png, not {png.name[:80]!r}", field="png")
        check_writable_target(png, force=force)
    with reading() as light_rows:
        rows = rows_of(light_rows, config.now())
    if png is not None:
        from learnloop.loop.history import descent_plot

        descent_plot(rows, png, force=force)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No passes yet: [bold cyan]learnloop start[/]")
        return
    from rich.table import Table

    table = Table(header_style="bold", box=None)
    for col in ("pass", "focus", "days", "steps (days)", "project", "gap", "speed", "gaps carried", "closed"):
        table.add_column(col)
    for r in rows:
        steps = " ".join(f"{k[:4]} {v:g}" for k, v in r.days_per_step.items())
        speed = ("▼" * len(r.speed_ups)) + ("▲" * len(r.slow_downs))
        table.add_row(
            str(r.number) + ("" if r.closed_at else "*"),
            r.focus_id or "-",
            f"{r.days:g}",
            steps,
            f"{r.project or '-'} ({r.project_status})" if r.project else "-",
            f"{r.gap} ({r.gap_status})" if r.gap else "-",
            speed or "-",
            str(r.gaps_open_after),
            str(r.gaps_closed_total),
        )
    console.print(table)
    console.print(
        "[dim]* pass in progress · ▼ speed-up (skip, early finish) · ▲ slow-down (extension, late finish)"
        " · gaps carried: known and not closed, set-aside ones included, each gap once[/]"
    )
    if png is not None:
        console.print(f"Descent plot: {png}")
