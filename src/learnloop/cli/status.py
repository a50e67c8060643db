"""`learnloop` alone (where you are, the one next action, today's line) and `learnloop start`.

The loop hands over its next action as a value (:class:`learnloop.loop.rules.Action`); this module is where it
becomes a command line the learner can type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from learnloop import config
from learnloop.cli.app import app, store
from learnloop.cli.render import console, esc

if TYPE_CHECKING:
    from learnloop.loop.passes import Status, Today
    from learnloop.loop.rules import Action

WELCOME = """\
[bold]learnloop[/] coaches you through machine learning top-down, one loop at a time:
  0 map the field, pin ONE focus    1 study one project like your endgame
  2 just enough Python              3 libraries top-down, highest level first
  4 one project, 1 week to 1 month  5 keep your top knowledge gap, close it
  6 look back and go round again: gradient descent on your ignorance"""

# Each kind of action as the command line that does it; {name} is filled from the action's targets,
# and a target that is missing leaves the placeholder in capitals (FOCUS_ID) for the learner to fill.
COMMANDS: dict[str, str] = {
    "start_pass": "learnloop start",
    "rank_interests": "learnloop interests rank",
    "review_ranking": "learnloop interests rank",
    "keep_ranking": "learnloop interests keep",
    "pin_focus": "learnloop focus {focus}",
    "confirm_focus": "learnloop focus {focus}",
    "next_step": "learnloop next",
    "add_reference": "learnloop reference add {suggestion}",
    "add_note": "learnloop notes add TEXT --kind pattern",
    "do_exercise": "learnloop exercises",
    "run_rung": "learnloop ladder",
    "skip_step": "learnloop next --skip --reason TEXT",
    "new_project": "learnloop project new TITLE --days 14 --idea {idea}",
    "open_notebook": "jupyter lab {directory}/notebooks/01-explore.ipynb",
    "run_baseline": "learnloop baseline {directory}/{data} --target {target} --report {directory}/reports/baseline",
    "check_in": "learnloop project checkin TEXT",
    "finish_project": "learnloop project done --summary TEXT",
    "extend_project": "learnloop project extend --days N --reason TEXT",
    "drop_project": "learnloop project drop --reason TEXT",
    "add_gap": "learnloop gap add TEXT",
    "rank_gaps": "learnloop gap rank",
    "keep_gap": "learnloop gap keep {gap} --days 3",
    "close_gap": "learnloop gap done --learned TEXT",
    "extend_gap": "learnloop gap extend --days N --reason TEXT",
    "drop_gap": "learnloop gap drop --reason TEXT",
    "close_pass": "learnloop pass close --retro TEXT",
}
PLACEHOLDERS = {
    "focus": "FOCUS_ID",
    "suggestion": "URL_OR_PATH",
    "gap": "GAP_ID",
    "idea": "IDEA_ID",
    "directory": "PROJECT_DIR",
    "data": "data/FILE",
    "target": "COLUMN",
}


class _Targets(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return PLACEHOLDERS.get(key, key.upper())


def command_for(action: Action) -> str:
    """The command line that does ``action``."""
    kind = str(action.kind)
    if kind == "run_baseline" and action.targets.get("form") != "table":
        # A graph or an unknown file: the notebook's baseline cell is the one that runs on it.
        return COMMANDS["open_notebook"].format_map(_Targets(action.targets)) + "  (run its baseline cell)"
    template = COMMANDS.get(kind, "learnloop")
    if kind == "run_baseline" and not action.targets.get("target"):
        template = template.replace(" --target {target}", " --target COLUMN")
    return template.format_map(_Targets(action.targets))


def show_status() -> None:
    # The light path: plain SQL and the map's cache, no ORM and no map validation (cli/light.py, loop/reads.py).
    from learnloop.atlas.glance import map_facts
    from learnloop.cli.light import reading
    from learnloop.loop.reads import status

    with reading() as rows:
        value = status(rows, config.now(), map_facts())
    if not value.started:
        console.print(WELCOME)
        console.print(f"\nStart with: [bold cyan]{command_for(value.next)}[/]")
        return
    render_status(value)
    remind_sync()


def remind_sync() -> None:
    """A joined learner whose class has not seen their progress for a while is told (two small files, no network)."""
    from learnloop.classroom.membership import sync_reminder
    from learnloop.cli.app import settings

    reminder = sync_reminder(settings().home, config.now())
    if reminder is None:
        return
    since = "never synced since you joined" if reminder.days is None else f"last synced {reminder.days} day(s) ago"
    console.print(f"  [yellow]·[/] your class: {since}; send your progress with [bold cyan]learnloop sync[/]")


def today_lines(today: Today) -> list[str]:
    """At most three short lines for the morning: the running box, the check-in, the streak."""
    lines: list[str] = []
    if today.box is not None and today.box_days_left is not None:
        left = today.box_days_left
        when = f"overdue by {-left} day(s)" if left < 0 else "due today" if left == 0 else f"{left} day(s) left"
        lines.append(f"{today.box} box: {when}" + (f" ({esc(today.box_title)})" if today.box_title else ""))
    if today.checkin_due is not None:
        lines.append(f"half-way check-in due since {today.checkin_due.isoformat()}")
    elif today.last_checkin_days_ago is not None:
        ago = today.last_checkin_days_ago
        lines.append("last check-in " + ("today" if ago == 0 else "yesterday" if ago == 1 else f"{ago} days ago"))
    active = f"{today.days_active} day(s) active this pass"
    if today.streak > 1:
        active += f", {today.streak} in a row"
    lines.append(active)
    return lines[:3]


def render_status(value: Status) -> None:
    from rich.table import Table

    head = f"[bold]Pass {value.pass_number}[/] · step {value.step} [bold]{value.step_title}[/]"
    if value.focus_id:
        head += f" · focus [magenta]{value.focus_name}[/]"
    console.print(head)
    console.print(f"  [dim]{value.step_goal}; {value.days_in_step} day(s) in this step[/]")
    if value.step in (2, 3) or value.exercises_passed or value.rungs_run:
        console.print(
            f"  [dim]practice this pass: {value.exercises_passed} exercise(s) passed, "
            f"{value.rungs_run} ladder rung run(s)[/]"
        )
    if value.deadlines:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("due")
        table.add_column("what")
        table.add_column("when")
        for d in value.deadlines:
            when = (
                f"[bold red]overdue by {-d.days_left} day(s)[/]"
                if d.overdue
                else f"in {d.days_left} day(s)"
                if d.days_left
                else "today"
            )
            table.add_row(d.deadline.isoformat(), f"{d.what}: {esc(d.title)}", when)
        console.print(table)
    action = value.next
    style = "bold red" if action.urgent else "bold cyan"
    console.print(f"\nNext: [{style}]{command_for(action)}[/]\n  [dim]{esc(action.why)}[/]")
    for alt in action.alternatives:
        console.print(f"  [dim]or[/] [cyan]{command_for(alt)}[/] [dim]({esc(alt.why)})[/]")
    for line in today_lines(value.today):
        console.print(f"  [green]·[/] {line}")


@app.command()
def start() -> None:
    """Begin your first pass round the loop, at step 0 (immerse yourself in the field)."""
    from learnloop.loop.passes import start_pass

    with store().session() as session:
        new = start_pass(session, config.now())
        number = new.number
    console.print(f"Pass {number} started at step 0: [bold]immerse yourself[/].")
    console.print(
        "Look around with [bold cyan]learnloop map[/], rank what draws you with "
        "[bold cyan]learnloop interests rank[/], then pin one with [bold cyan]learnloop focus ID[/]."
    )


@app.command("settings")
def settings_command(
    key: Annotated[
        str | None, typer.Argument(help="tz (your time zone, e.g. Europe/Paris) or alarm (HH:MM, when reminders ring).")
    ] = None,
    value: Annotated[str | None, typer.Argument(help="The new value.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Show or change your settings: the time zone days are counted in, and the hour reminders ring.

    Examples: `learnloop settings`, `learnloop settings tz America/Los_Angeles`, `learnloop settings alarm 08:30`.
    LEARNLOOP_TZ, when set, wins over the tz setting.
    """
    from learnloop.cli.app import settings
    from learnloop.cli.render import print_json
    from learnloop.errors import UserError
    from learnloop.loop.clock import alarm_time, change_setting, learner_zone, read_settings

    home = settings().home
    if key is not None:
        if value is None:
            raise UserError(f"give the new value of {key}", field="value")
        change_setting(key, value, home)
    stored = read_settings(home)
    shown = {"tz": str(learner_zone(home)), "alarm": alarm_time(home).strftime("%H:%M"), "stored": stored}
    if as_json:
        print_json(shown)
        return
    console.print(f"time zone: [bold]{shown['tz']}[/]" + ("" if "tz" in stored else " (the system's)"))
    console.print(f"reminders ring at: [bold]{shown['alarm']}[/]")
