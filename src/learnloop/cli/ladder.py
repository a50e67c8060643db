"""Step 3 commands: `learnloop ladder` lists the library ladders; show, run and copy one rung."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from learnloop.cli.app import make_group, settings, store
from learnloop.cli.render import console, print_json

if TYPE_CHECKING:
    from learnloop.ladders.catalog import LadderInfo

ladder_group = make_group(
    "ladder",
    "Step 3: learn the libraries top-down, one task at 3-4 levels of abstraction.\n\n"
    "`learnloop ladder` lists the ladders (your focus's first); then show, run and copy a rung.",
)
ladder_group.info.no_args_is_help = False  # `learnloop ladder` alone lists the ladders

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
NameArgument = Annotated[str, typer.Argument(help="The ladder's id, e.g. cora (see `learnloop ladder`).")]
RungOption = Annotated[int, typer.Option("--rung", "-r", max=99, help="Rung number: 1 is the highest-level library.")]


@ladder_group.callback(invoke_without_command=True)
def ladder_root(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the ladders, those of your pinned focus first."""
    if ctx.invoked_subcommand is None:
        list_command(as_json)


@ladder_group.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """List the ladders, those of your pinned focus first, with your runs in this pass."""
    from learnloop.ladders.catalog import list_ladders
    from learnloop.ladders.progress import pinned_focus, rung_progress

    the_store = store()
    focus = pinned_focus(the_store)
    ladders = list_ladders(focus, rung_progress(the_store))
    if as_json:
        print_json(ladders)
        return
    render_ladders(ladders, focus)


def render_ladders(ladders: list[LadderInfo], focus: str | None) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Library ladders: learn top-down, stop before LAPACK", title_justify="left")
    table.add_column("ladder", style="bold cyan", no_wrap=True)
    table.add_column("task")
    table.add_column("rungs, top to bottom")
    table.add_column("focuses", style="dim")
    for info in ladders:
        rungs = []
        for r in info.rungs:
            mark = "[green]✓[/] " if r.runs else ""
            need = f" [yellow]({r.extra} extra)[/]" if not r.available else ""
            rungs.append(f"{mark}{r.level}. {r.title}{need}")
        if info.baselines:
            rungs.append("[dim]beside: " + escape("; ".join(b.title for b in info.baselines)) + "[/]")
        pin = " [magenta]★[/]" if info.for_pinned_focus else ""
        table.add_row(info.id + pin, info.title, "\n".join(rungs), ", ".join(info.focuses))
    console.print(table)
    hint = f"★ serves your pinned focus ({focus}). " if focus else ""
    console.print(
        f"[dim]{hint}See a rung: learnloop ladder show NAME --rung N · run it: learnloop ladder run "
        "NAME --rung N · all rungs and baselines side by side: learnloop ladder compare NAME[/]"
    )


@ladder_group.command("show")
def show_command(name: NameArgument, rung: RungOption = 1, as_json: JsonOption = False) -> None:
    """Print a rung's script with what this level hides from you."""
    from learnloop.ladders.catalog import show_rung

    view = show_rung(name, rung)
    if as_json:
        print_json(view)
        return
    from rich.panel import Panel
    from rich.syntax import Syntax

    console.print(f"[bold]{view.ladder_title}[/] · rung {view.level} of {view.lowest}: [bold cyan]{view.title}[/]")
    console.print(Panel(view.hides, title="what this level hides from you", title_align="left", border_style="cyan"))
    if view.install:
        console.print(f"[yellow]needs {', '.join(view.missing)}:[/] {view.install}")
    console.print(
        Syntax(
            view.code, "python", line_numbers=True, word_wrap=True, theme="ansi_dark" if console.color_system else "bw"
        )
    )
    nxt = (
        f"one level lower: learnloop ladder show {view.ladder} --rung {view.level + 1}"
        if view.level < view.lowest
        else "this is the lowest rung: below it is LAPACK, which is too far"
    )
    console.print(f"[dim]run it: learnloop ladder run {view.ladder} --rung {view.level} · {nxt}[/]")


@ladder_group.command("run")
def run_command(
    name: NameArgument,
    rung: RungOption = 1,
    epochs: Annotated[
        int | None, typer.Option("--epochs", max=100_000, help="Passes over the data (default: the script's).")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=2**32 - 1, help="Random seed for the model (the split never changes).")
    ] = 0,
    as_json: JsonOption = False,
) -> None:
    """Run a rung on the ladder's shared split, with progress, and record its score in this pass."""
    from learnloop import config
    from learnloop.ladders.execution import run_rung
    from learnloop.ladders.progress import record_run

    if as_json:
        run, _ = run_rung(name, rung, epochs=epochs, seed=seed)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("[cyan]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(f"{name} rung {rung}: loading libraries and data", total=None)

            def report(done: int, total: int) -> None:
                progress.update(task, description=f"{name} rung {rung}: training", completed=done, total=total)

            run, _ = run_rung(name, rung, epochs=epochs, seed=seed, report=report)
    recorded = record_run(store(), run, config.now())
    if as_json:
        print_json({**run.model_dump(mode="json"), "recorded": recorded})
        return
    console.print(
        f"[bold]{run.ladder}[/] rung {run.level} ({run.title}): test {run.metric} "
        f"[bold green]{run.score:.4f}[/] in {run.seconds:.1f} s"
    )
    for label, value in run.details.items():
        console.print(f"  {label}: {value:.4g}")
    for note in run.notes:
        console.print(f"  {note}")
    if not recorded:
        console.print("[dim]not recorded: no pass in progress (`learnloop start` begins one)[/]")


@ladder_group.command("compare")
def compare_command(
    name: NameArgument,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the models (the split never changes).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Run every rung and baseline of a ladder on its shared split, side by side: do the rungs agree?"""
    from learnloop.ladders.execution import compare_ladder

    if as_json:
        print_json(compare_ladder(name, seed=seed))
        return
    from rich.table import Table

    with console.status(f"{name}: running every rung and baseline"):
        comparison = compare_ladder(name, seed=seed)
    table = Table(
        title=f"{comparison.ladder}: every rung on the same split ({comparison.metric})", title_justify="left"
    )
    for column in ("", "title", comparison.metric, "same predictions as rung 1", "seconds"):
        table.add_column(
            column, justify="right" if column in (comparison.metric, "seconds") else "left", no_wrap=not column
        )
    for row in comparison.rows:
        label = f"rung {row.name}" if row.kind == "rung" else f"[dim]baseline {row.name}[/]"
        same = "" if row.same_as_top is None else f"{row.same_as_top:.1%}"
        table.add_row(label, row.title, f"{row.score:.4f}", same, f"{row.seconds:.1f}")
    console.print(table)
    verdict = "agree" if comparison.agree else "[red]do not agree[/]"
    console.print(f"the rungs {verdict}: {comparison.spread:.4f} apart (tolerance {comparison.tolerance})")
    for skipped in comparison.skipped:
        console.print(f"[yellow]skipped[/] {skipped}")


@ladder_group.command("copy")
def copy_command(
    name: NameArgument,
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Folder to copy the script into (default: your workspace's ladders/NAME).", show_default=False
        ),
    ] = None,
    rung: RungOption = 1,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it is already there.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Copy a rung's script where you can edit and run it."""
    from learnloop.ladders.execution import copy_rung

    target = folder if folder is not None else settings().workspace / "ladders" / name
    copied = copy_rung(name, rung, target, force=force)
    if as_json:
        print_json(copied)
        return
    console.print(f"copied {copied.ladder} rung {copied.level} to [bold]{copied.path}[/]")
    console.print(f"[dim]edit it, then: {copied.run_with}[/]")
