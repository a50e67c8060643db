"""Step 4: one time-boxed project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learnloop import config
from learnloop.cli.app import app, make_group, settings, store
from learnloop.cli.render import console, esc, print_json

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

project_app = make_group("project", "Step 4: one project you care about, time-boxed to 7-31 days.")


def _calendar_hint(view: object, ics: Path) -> None:
    from learnloop.cli.render import calendar_link

    console.print(
        f"  Add [bold]{ics}[/] to your calendar (reminders at the alarm hour), or add each date "
        "to Google Calendar, which ignores the reminders of imported files:"
    )
    for event in getattr(view, "calendar", []):
        console.print(f"    {esc(event.title)}: {calendar_link(event)}", soft_wrap=True)


def _render(view: object, headline: str | None = None) -> None:
    from learnloop.loop.projects import ProjectView

    assert isinstance(view, ProjectView)
    if headline:
        console.print(headline)
    due = (
        f"[bold red]overdue by {-view.days_left} day(s)[/]"
        if view.overdue
        else f"{view.days_left} day(s) left"
        if view.status == "active"
        else view.status
    )
    console.print(
        f"[bold]{esc(view.title)}[/] · pass {view.pass_number} · {view.days} days · due "
        f"{view.deadline.isoformat()} ({due})"
    )
    if view.data_source:
        console.print(f"  data: {esc(view.data_source)}")
    elif view.no_data_reason:
        console.print(f"  [yellow]no data yet[/]: {view.no_data_reason}")
    if view.directory:
        console.print(f"  folder: {esc(view.directory)}")
    for c in view.checkins[-5:]:
        console.print(f"  [dim]{c.at:%Y-%m-%d}[/] {esc(c.text)}")
    if view.summary:
        console.print(f"  summary: {esc(view.summary)}")


@project_app.command("new")
def project_new(
    title: Annotated[str, typer.Argument(help="What you build, in a few words.")],
    days: Annotated[int, typer.Option("--days", help="The time box: 7 to 31 days.")],
    idea: Annotated[str | None, typer.Option("--idea", help="A project idea id from your focus.")] = None,
    data: Annotated[
        str | None, typer.Option("--data", help="A data file or folder, or a data set id from the map.")
    ] = None,
    no_data_yet: Annotated[bool, typer.Option("--no-data-yet", help="Start without data (needs --reason).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why there is no data yet.")] = None,
    directory: Annotated[Path | None, typer.Option("--dir", help="Where to scaffold (new or empty folder).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start the project: scaffold a folder (git, data/, notebooks/, src/) and a deadline.ics with alarms.

    No data, no project: give --data (a file, or a data set from the map) or --idea, or say
    --no-data-yet --reason TEXT.
    """
    from learnloop.atlas.load import load_atlas
    from learnloop.errors import UserError
    from learnloop.loop.projects import new_project

    if no_data_yet and not reason:
        raise UserError("say why there is no data yet: --no-data-yet --reason TEXT")
    if reason and not no_data_yet:
        raise UserError("--reason goes with --no-data-yet")
    with store().session() as session:
        view = new_project(
            session,
            load_atlas(),
            title=title,
            days=days,
            now=config.now(),
            workspace=settings().workspace,
            idea_id=idea,
            data=data,
            no_data_reason=reason if no_data_yet else None,
            directory=directory,
        )
    if as_json:
        print_json(view)
        return
    _render(view, "[green]Project started.[/]")
    if idea:
        from learnloop.loop.ideas import idea as idea_row

        row = idea_row(load_atlas(), idea)
        d = row.dataset
        console.print(f"  idea: {esc(row.title)} — {esc(row.summary)}")
        console.print(
            f"  its data: [bold]{d.name}[/] ({d.id}), {d.rows:,} rows × {d.columns} columns, "
            f"target {d.target or '-'}, {d.form}"
        )
    console.print(f"  files: {', '.join(view.files)}")
    _calendar_hint(view, Path(view.directory or ".") / "deadline.ics")


@project_app.command("status")
def project_status(as_json: JsonOption = False) -> None:
    """The project of this pass: deadline, days left, check-ins."""
    from learnloop.loop.projects import project_status as status

    with store().read() as session:
        view = status(session, config.now(), settings().workspace)
    if as_json:
        print_json(view)
        return
    if view is None:
        console.print(
            "No project in this pass yet: [bold cyan]learnloop project new TITLE --days 14 --idea IDEA_ID[/]"
            " (see [bold cyan]learnloop ideas[/])"
        )
        return
    _render(view)


@project_app.command("checkin")
def project_checkin(
    text: Annotated[str, typer.Argument(help="Where you are, what is in the way.")], as_json: JsonOption = False
) -> None:
    """Record where the project stands."""
    from learnloop.loop.projects import checkin

    with store().session() as session:
        view = checkin(session, text, config.now())
    print_json(view) if as_json else _render(view, "Checked in.")


@project_app.command("extend")
def project_extend(
    days: Annotated[int, typer.Option("--days", help="Extra days (the total stays within 31).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded as a slow-down).")],
    as_json: JsonOption = False,
) -> None:
    """Slow down: give the project more days, within the 31-day time box."""
    from learnloop.loop.projects import extend

    with store().session() as session:
        view = extend(session, days, reason, config.now())
    if as_json:
        print_json(view)
        return
    _render(view, f"Extended by {days} day(s); deadline.ics updated.")
    if view.overdue:
        console.print(
            f"[bold yellow]warning:[/] still overdue by {-view.days_left} day(s) after the extension: "
            "finish it ([bold cyan]learnloop project done --summary TEXT[/]) or drop it"
        )


@project_app.command("done")
def project_done(
    summary: Annotated[str, typer.Option("--summary", help="What you built and learned.")], as_json: JsonOption = False
) -> None:
    """Finish the project (early is a speed-up, and recorded)."""
    from learnloop.loop.projects import finish

    with store().session() as session:
        view = finish(session, summary, config.now())
    print_json(view) if as_json else _render(view, "[green]Project done.[/] Next: [bold cyan]learnloop next[/]")


@project_app.command("drop")
def project_drop(
    reason: Annotated[str, typer.Option("--reason", help="Why you stop it.")], as_json: JsonOption = False
) -> None:
    """Drop the project (you may start another in this pass)."""
    from learnloop.loop.projects import drop

    with store().session() as session:
        view = drop(session, reason, config.now())
    print_json(view) if as_json else _render(view, "Project dropped.")


@project_app.command("ics")
def project_ics(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the calendar file.")] = Path("deadline.ics"),
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it already exists.")] = False,
) -> None:
    """Write the project's deadline as a calendar file (again), e.g. after an extension."""
    from learnloop.loop.projects import calendar_for

    with store().read() as session:
        _name, data = calendar_for(session, config.now())
    from learnloop.files import write_atomic

    write_atomic(out, data, force=force)
    console.print(f"Wrote {out}")


def dataset_command(d: object) -> str:
    """The command that puts a data set to use: a baseline on a table, a project on a graph."""
    from learnloop.loop.ideas import DatasetRow

    assert isinstance(d, DatasetRow)
    if d.form == "table" and d.target:
        return f"learnloop baseline {d.id} --target {d.target}"
    if d.form == "table":
        return f"learnloop baseline {d.id} --target COLUMN"
    return f"learnloop project new TITLE --days 14 --data {d.id}"


@app.command("ideas")
def ideas(
    focus_id: Annotated[
        str | None, typer.Option("--focus", help="Only the ideas of this focus (default: every focus).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Project ideas for step 4, each with its offline data set and time box.

    Example: `learnloop ideas --focus tabular-prediction`, then `learnloop project new TITLE --days 14 --idea ID`.
    """
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.ideas import list_ideas

    rows = list_ideas(load_atlas(), focus_id)
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(header_style="bold", box=None)
    for col in ("id", "focus", "idea", "data", "days"):
        table.add_column(col, no_wrap=col in ("id", "days"))
    for r in rows:
        table.add_row(
            r.id, r.focus_id, r.title, f"{r.dataset.id} ({r.dataset.rows:,} × {r.dataset.columns})", str(r.days)
        )
    console.print(table)
    if rows:
        console.print(f"Start one: [bold cyan]learnloop project new TITLE --days {rows[0].days} --idea {rows[0].id}[/]")


def _short_licence(licence: str | None) -> str:
    """The licence's name without its note ("public domain (Shakespeare's text); ..." is "public domain")."""
    if not licence:
        return "see source"
    return licence.split(";")[0].split(" (")[0].strip()


@app.command("datasets")
def datasets(
    focus_id: Annotated[
        str | None,
        typer.Option("--focus", help="Only the data sets this focus's ideas use (default: every data set of the map)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The offline data sets of the map: rows × columns, target, licence, and the command that uses each.

    Example: `learnloop datasets --focus time-series`.
    """
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.ideas import list_datasets

    rows = list_datasets(load_atlas(), focus_id)
    if as_json:
        print_json([{**r.model_dump(mode="json"), "command": dataset_command(r)} for r in rows])
        return
    from rich.table import Table

    table = Table(header_style="bold", box=None)
    for col in ("id", "rows × cols", "target", "task", "licence", "use it"):
        table.add_column(col, no_wrap=col in ("id", "rows × cols"))
    for r in rows:
        table.add_row(
            r.id, f"{r.rows:,} × {r.columns}", r.target or "-", r.task, _short_licence(r.licence), dataset_command(r)
        )
    console.print(table)
    console.print("[dim]where each licence was read: learnloop datasets --json (licence_source)[/]")
