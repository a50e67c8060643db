"""Step 2 commands: `learnloop exercises` lists the self-check; start one, check your answers."""

from __future__ import annotations

from typing import Annotated

import typer

from learnloop.cli.app import finite, make_group, settings, store
from learnloop.cli.render import console, print_json

exercises_group = make_group(
    "exercises",
    "Step 2: check the Python you need with short exercises in core Python, NumPy and pandas.\n\n"
    "`learnloop exercises` lists them; `start N` writes a starter file; `check [N]` grades it.",
)
exercises_group.info.no_args_is_help = False  # `learnloop exercises` alone lists them

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
GroupOption = Annotated[str | None, typer.Option("--group", help="Only one group: core, numpy or pandas.")]


@exercises_group.callback(invoke_without_command=True)
def exercises_root(ctx: typer.Context, group: GroupOption = None, as_json: JsonOption = False) -> None:
    """List the exercises with what you have started and passed."""
    if ctx.invoked_subcommand is None:
        list_command(group, as_json)


@exercises_group.command("list")
def list_command(group: GroupOption = None, as_json: JsonOption = False) -> None:
    """List the exercises with what you have started and passed in this pass."""
    from learnloop.exercises.progress import passed_exercises
    from learnloop.exercises.workspace import list_exercises

    infos = list_exercises(settings().workspace, passed_exercises(store()), group)
    if as_json:
        print_json(infos)
        return
    from rich.table import Table

    table = Table(title="Language self-check: just enough to cobble scripts together", title_justify="left")
    table.add_column("#", justify="right", style="bold")
    table.add_column("group", style="magenta")
    table.add_column("exercise")
    table.add_column("id", style="dim")
    table.add_column("status")
    for info in infos:
        status = "[green]passed[/]" if info.passed else "[yellow]started[/]" if info.started else ""
        table.add_row(str(info.number), info.group_name, info.title, info.id, status)
    console.print(table)
    done = sum(i.passed for i in infos)
    console.print(f"[dim]{done} of {len(infos)} passed. Start one: learnloop exercises start N · "
                  "check: learnloop exercises check N[/]")


@exercises_group.command("start")
def start_command(
    exercise: Annotated[str, typer.Argument(help="The exercise's number or id (see `learnloop exercises`).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite your file with the starter again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write an exercise's starter file into your workspace."""
    from learnloop.exercises.workspace import start_exercise

    started = start_exercise(settings().workspace, exercise, force=force)
    if as_json:
        print_json(started)
        return
    console.print(f"[bold]Exercise {started.number}: {started.title}[/]")
    console.print(started.prompt)
    console.print(f"wrote [bold]{started.path}[/]")
    console.print(f"[dim]edit it, then: {started.check_with}[/]")


@exercises_group.command("check")
def check_command(
    exercise: Annotated[str | None, typer.Argument(help="Number or id; without it, every exercise you "
                                                   "started.", show_default=False)] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, max=600, callback=finite,
                                           help="Seconds your code may run per exercise.")] = 20.0,
    as_json: JsonOption = False,
) -> None:
    """Grade your answer against hidden cases (in a separate, limited process) and record it.

    Exits with status 1 when a check fails, so scripts can tell.
    """
    from contextlib import nullcontext

    from learnloop import config
    from learnloop.exercises.grader import limits_for
    from learnloop.exercises.progress import record_checks
    from learnloop.exercises.workspace import check_exercises

    with console.status("checking ...") if not as_json else nullcontext():
        results = check_exercises(settings().workspace, exercise, limits_for(timeout))
    recorded = record_checks(store(), results, config.now())
    if as_json:
        print_json({"results": results, "recorded": recorded})
    else:
        for r in results:
            mark = "[bold green]pass[/]" if r.passed else "[bold red]fail[/]"
            console.print(f"{mark} {r.number}. {r.title} [dim]({r.cases_passed}/{r.cases_total} checks)[/]")
            if not r.passed:
                console.print(f"     {r.message}", markup=False, highlight=False)
        if not recorded:
            console.print("[dim]not recorded: no pass in progress (`learnloop start` begins one)[/]")
    if not all(r.passed for r in results):
        raise typer.Exit(1)

