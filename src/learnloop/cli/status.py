"""`learnloop` alone (where you are, the one next action) and `learnloop start`."""

from __future__ import annotations

from learnloop import config
from learnloop.cli.app import app, store
from learnloop.cli.render import console

WELCOME = """\
[bold]learnloop[/] coaches you through machine learning top-down, one loop at a time:
  0 map the field, pin ONE focus    1 study one project like your endgame
  2 just enough Python              3 libraries top-down, highest level first
  4 one project, 1 week to 1 month  5 keep your top knowledge gap, close it
  6 look back and go round again: gradient descent on your ignorance"""


def show_status() -> None:
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.passes import status

    atlas = load_atlas()
    names = {f.id: f.name for f in atlas.focuses.values()}
    with store().read() as session:
        value = status(session, config.now(), names)
    if not value.started:
        console.print(WELCOME)
        console.print(f"\nStart with: [bold cyan]{value.next_command}[/]")
        return
    render_status(value)


def render_status(value: object) -> None:
    from rich.table import Table

    from learnloop.loop.passes import Status

    assert isinstance(value, Status)
    head = f"[bold]Pass {value.pass_number}[/] · step {value.step} [bold]{value.step_title}[/]"
    if value.focus_id:
        head += f" · focus [magenta]{value.focus_name}[/]"
    console.print(head)
    console.print(f"  [dim]{value.step_goal}; {value.days_in_step} day(s) in this step[/]")
    if value.step in (2, 3) or value.exercises_passed or value.rungs_run:
        console.print(f"  [dim]practice this pass: {value.exercises_passed} exercise(s) passed, "
                      f"{value.rungs_run} ladder rung run(s)[/]")
    if value.deadlines:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("due")
        table.add_column("what")
        table.add_column("when")
        for d in value.deadlines:
            when = (f"[bold red]overdue by {-d.days_left} day(s)[/]" if d.overdue
                    else f"in {d.days_left} day(s)" if d.days_left else "today")
            table.add_row(d.deadline.isoformat(), f"{d.what}: {d.title}", when)
        console.print(table)
    style = "bold red" if value.urgent else "bold cyan"
    console.print(f"\nNext: [{style}]{value.next_command}[/]\n  [dim]{value.next_why}[/]")


@app.command()
def start() -> None:
    """Begin your first pass round the loop, at step 0 (immerse yourself in the field)."""
    from learnloop.loop.passes import start_pass

    with store().session() as session:
        new = start_pass(session, config.now())
        number = new.number
    console.print(f"Pass {number} started at step 0: [bold]immerse yourself[/].")
    console.print("Look around with [bold cyan]learnloop map[/], rank what draws you with "
                  "[bold cyan]learnloop interests rank[/], then pin one with [bold cyan]learnloop focus ID[/].")
