"""Step 2 commands: `learnloop exercises` lists the self-check; start one, check your answers, ask for a
hint, see the solution once you passed. `learnloop exercises --help` says what the grader's sandbox does
on this machine, measured when the help is shown."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from learnloop.cli.app import ClickContext, LearnloopGroup, finite, make_group, settings, store
from learnloop.cli.render import console, print_json


class ExercisesGroup(LearnloopGroup):
    """The group's help ends with what the sandbox does here (built once, only when the help is shown)."""

    def format_help(self, ctx: ClickContext, formatter: Any) -> None:
        super().format_help(ctx, formatter)
        import os

        if os.environ.get("LEARNLOOP_HELP_FOR_DOCS"):  # docs/cli.md: the same on every machine
            text = (
                "\nOn each machine this help ends with what the grader's sandbox does there (network, files, "
                "processes, limits), measured when the help is shown.\n"
            )
            if formatter.getvalue():
                formatter.write(text)
            else:
                console.print(text, markup=False)
            return
        from learnloop.exercises.grader import sandbox_status

        status = sandbox_status()
        import textwrap

        lines = "\n".join(
            textwrap.fill(line, width=100, initial_indent="  - ", subsequent_indent="    ") for line in status.lines()
        )
        text = f"\nThe grader's sandbox on this machine (mode: {status.mode}):\n{lines}\n"
        if formatter.getvalue():  # plain Click help: keep it in the same buffer
            formatter.write(text)
        else:  # Rich help was printed already
            console.print(text, markup=False, highlight=False, soft_wrap=True)


exercises_group = make_group(
    "exercises",
    "Step 2: check the Python you need with short exercises in core Python, NumPy, pandas and scripts.\n\n"
    "The scripts are whole files, run with command-line arguments and files of their own: reading a CSV,\n"
    "a second module, try/except, a class with forward(), argparse, writing a file.\n\n"
    "`learnloop exercises` lists them; `start N` writes the starter file(s); `check [N]` grades them in a\n"
    "sandbox against hidden cases; `hint N` gives a hint; `solution N` shows one answer once yours passed.",
)
exercises_group.info.no_args_is_help = False  # `learnloop exercises` alone lists them
exercises_group.info.cls = ExercisesGroup

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
GroupOption = Annotated[str | None, typer.Option("--group", help="Only one group: core, numpy, pandas or scripts.")]


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
    console.print(
        f"[dim]{done} of {len(infos)} passed. Start one: learnloop exercises start N · "
        "check: learnloop exercises check N[/]"
    )


@exercises_group.command("start")
def start_command(
    exercise: Annotated[str, typer.Argument(help="The exercise's number or id (see `learnloop exercises`).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite your file with the starter again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write an exercise's starter file into your workspace."""
    from learnloop.exercises.workspace import start_exercise

    started = start_exercise(settings().workspace, exercise, force=force)
    check_with = f"learnloop exercises check {started.number}"
    if as_json:
        print_json({**started.model_dump(mode="json"), "check_with": check_with})
        return
    console.print(f"[bold]Exercise {started.number}: {started.title}[/]")
    console.print(started.prompt, markup=False)
    for path in started.files:
        console.print(f"wrote [bold]{path}[/]")
    console.print(
        f"[dim]edit {'it' if len(started.files) == 1 else 'them'}, then: {check_with}"
        f" · stuck? learnloop exercises hint {started.number}[/]"
    )


@exercises_group.command("check")
def check_command(
    exercise: Annotated[
        str | None, typer.Argument(help="Number or id; without it, every exercise you started.", show_default=False)
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=1, max=600, callback=finite, help="Seconds your code may run per exercise."),
    ] = 20.0,
    as_json: JsonOption = False,
) -> None:
    """Grade your answer against hidden cases (in the sandbox, see `learnloop exercises --help`) and record it.

    Exits with status 1 when a check fails, so scripts can tell.
    """
    from contextlib import nullcontext

    from learnloop import config
    from learnloop.exercises.grader import limits_for
    from learnloop.exercises.progress import record_checks
    from learnloop.exercises.workspace import check_exercises

    with console.status("checking ...") if not as_json else nullcontext():
        results = check_exercises(settings().workspace, exercise, limits_for(timeout), hide=[settings().home])
    recorded = record_checks(store(), results, config.now())
    if as_json:
        print_json({"results": results, "recorded": recorded})
    else:
        for r in results:
            mark = "[bold green]pass[/]" if r.passed else "[bold red]fail[/]"
            console.print(f"{mark} {r.number}. {r.title} [dim]({r.cases_passed}/{r.cases_total} checks)[/]")
            if not r.passed:
                console.print(f"     {r.message}", markup=False, highlight=False)
                console.print(f"     [dim]a hint: learnloop exercises hint {r.number}[/]")
            elif r.sandbox == "none":
                console.print("     [dim]graded without a sandbox here (see learnloop exercises --help)[/]")
        if not recorded:
            console.print("[dim]not recorded: no pass in progress (`learnloop start` begins one)[/]")
    if not all(r.passed for r in results):
        raise typer.Exit(1)


@exercises_group.command("hint")
def hint_command(
    exercise: Annotated[str, typer.Argument(help="The exercise's number or id.")],
    as_json: JsonOption = False,
) -> None:
    """Show a hint for an exercise: which tools of Python it needs (the starter does not say)."""
    from learnloop.exercises.workspace import exercise_hint

    hint = exercise_hint(exercise)
    if as_json:
        print_json(hint)
        return
    console.print(f"[bold]Hint for exercise {hint.number}: {hint.title}[/]")
    console.print(hint.hint, markup=False, highlight=False)


@exercises_group.command("solution")
def solution_command(
    exercise: Annotated[str, typer.Argument(help="The exercise's number or id.")],
    as_json: JsonOption = False,
) -> None:
    """Show one right answer, once your own answer has passed its checks (in any pass)."""
    from learnloop.errors import UserError
    from learnloop.exercises.progress import ever_passed_exercises
    from learnloop.exercises.workspace import SolutionLocked, exercise_solution

    try:
        solution = exercise_solution(exercise, ever_passed_exercises(store()))
    except SolutionLocked as exc:
        raise UserError(
            f"{exc} (learnloop exercises check {exc.number}; learnloop exercises hint {exc.number})"
        ) from None
    if as_json:
        print_json(solution)
        return
    from rich.syntax import Syntax

    console.print(f"[bold]A solution of exercise {solution.number}: {solution.title}[/]")
    for name, text in solution.files.items():
        console.print(f"[dim]{name}[/]")
        console.print(Syntax(text, "python", theme="ansi_dark", line_numbers=False))
