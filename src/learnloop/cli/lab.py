"""The lab's commands: `learnloop try MODEL` and `learnloop baseline DATA --target COL`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learnloop.cli.app import app, finite, settings
from learnloop.cli.render import console, err_console, print_json

if TYPE_CHECKING:
    from learnloop.lab.baseline import Leaderboard, Progress
    from learnloop.lab.trial import TryResult

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def lab_folder() -> Path:
    return settings().workspace / "lab"


@app.command("try")
def try_(
    model: Annotated[str, typer.Argument(help="A model id from the map, e.g. svm, random-forest, k-means.")],
    data: Annotated[
        str | None,
        typer.Option("--data", help="A CSV/Parquet path or a data set id (default: the model's own demo set)."),
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="Column to predict (with --data).")] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Where to write the picture (default: your workspace's lab folder).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --png file if it already exists.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Run one model on a small offline data set, say what it did, and draw its idea.

    Examples: `learnloop try svm`, `learnloop try k-means`, `learnloop try random-forest --data my.csv
    --target price`.
    """
    from learnloop.lab.trial import try_model

    if png is not None:
        from learnloop.files import check_writable_target

        check_writable_target(png, force=force)
    result = try_model(model, data, target, png=png, picture_dir=lab_folder())
    if as_json:
        print_json(result)
        return
    render_try(result)


def render_try(result: TryResult) -> None:
    from rich.panel import Panel

    lines = [
        f"[bold]Data[/]: {result.data} ({result.origin}), {result.rows:,} rows, "
        f"{len(result.features)} feature columns" + (f", target [cyan]{result.target}[/]" if result.target else "")
    ]
    lines.append(f"[bold]Split[/]: {result.split}")
    if result.train_score is not None:
        lines.append(
            f"[bold]{result.metric}[/]: train {result.train_score:.3f} · test {result.test_score:.3f} "
            f"· {result.reference_label} {result.reference_score:.3f}"
        )
    else:
        lines.append(
            f"[bold]{result.metric}[/]: {result.test_score:.3f} · {result.reference_label} {result.reference_score:.3f}"
        )
    verdict = "[green]beats[/]" if result.passed else "[red]does not beat[/]"
    lines.append(f"It {verdict} the reference.")
    for note in result.notes:
        lines.append(f"[dim]note: {note}[/]")
    if result.reading:
        lines += ["", f"[bold]This run[/]: {result.reading}"]
    lines += ["", f"[bold]What to notice[/]: {result.notice}", "", f"Picture: {result.picture}"]
    console.print(Panel("\n".join(lines), title=f"{result.name} ({result.task})", expand=False))


@app.command("baseline")
def baseline(
    data: Annotated[str, typer.Argument(help="A CSV, TSV, Parquet or Excel file, or a data set id from the map.")],
    target: Annotated[str | None, typer.Option("--target", help="The column to predict.")] = None,
    task: Annotated[
        str | None,
        typer.Option("--task", help="classification or regression (default: detected from the target, and said so)."),
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric",
            help="accuracy, balanced_accuracy, f1_macro, roc_auc, "
            "r2, rmse or mae (default: accuracy, balanced accuracy when a "
            "class is rare, or r2).",
        ),
    ] = None,
    cv: Annotated[int, typer.Option("--cv", min=2, max=20, help="Number of cross-validation folds (2-20).")] = 5,
    split: Annotated[
        str,
        typer.Option(
            "--split",
            help="auto, time or random: time-ordered folds train on the "
            "past and score the future (auto: time when the rows carry dates).",
        ),
    ] = "auto",
    groups: Annotated[
        str | None,
        typer.Option(
            "--groups", help="A column whose rows belong together (one person, one shop): each group stays in one fold."
        ),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", min=1, max=1024, help="Fits run at once (default: one per core).")
    ] = None,
    time_budget: Annotated[
        float | None,
        typer.Option(
            "--time-budget",
            min=1,
            max=7 * 86400,
            callback=finite,
            help="Seconds for the whole run; models predicted not to fit are skipped.",
        ),
    ] = None,
    model_timeout: Annotated[
        float,
        typer.Option(
            "--model-timeout",
            min=0.1,
            max=7 * 86400,
            callback=finite,
            help="Seconds one fit may take before it is stopped.",
        ),
    ] = 600.0,
    models: Annotated[str | None, typer.Option("--models", help="Only these model ids, comma-separated.")] = None,
    drop: Annotated[list[str] | None, typer.Option("--drop", help="Leave out a column (repeatable).")] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Run the fits on Dask: 'local' starts a LocalCluster, tcp://HOST:PORT uses a running scheduler.",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Folder for the report with its pictures "
            "(leaderboard and learning curve). Without it the Markdown and "
            "JSON go to your workspace's lab folder, undrawn.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the report files already in the --report folder.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Cross-validate every classic model family on a table and rank them, with a verdict for each.

    Before the ranking it checks the protocol: a column that gives the answer away, copies of rows across
    folds, dates (time-ordered folds), a rare class (balanced accuracy), a guessed task, far outliers.

    Example: `learnloop baseline penguins --target species`, `learnloop baseline sales.csv --target
    revenue --time-budget 120`, `learnloop baseline visits.csv --target outcome --groups patient`.
    """
    from learnloop.lab.baseline import BaselineOptions, run_baseline
    from learnloop.lab.report import write_report

    _quick_exit()
    if report is not None:
        _check_report_folder(report, force)
    chosen = [m.strip() for m in models.split(",") if m.strip()] if models else None
    options = BaselineOptions.parse(
        data=data,
        target=target,
        task=task,
        metric=metric,
        cv=cv,
        split=split,
        groups=groups,
        jobs=jobs,
        time_budget=time_budget,
        fit_timeout=model_timeout,
        models=chosen,
        drop=drop or [],
        cluster=cluster,
    )
    folder = report or lab_folder() / f"baseline-{_slug(data)}"
    with _progress_bar() as show:
        board = run_baseline(options, picture_dir=folder if report else None, progress=show)
    if as_json:
        print_json(board)
    else:
        render_board(board)
    written = write_report(board, folder, pictures=report is not None)
    if not as_json:
        console.print(f"Report: {written[0]}" + ("" if report else " [dim](--report FOLDER draws its pictures)[/]"))
    if board.stopped == "interrupted":
        raise typer.Exit(130)


def _quick_exit() -> None:
    """At exit, freeze what is alive before the interpreter's last collections, which would otherwise walk
    the million objects pandas and scikit-learn brought (about 0.2 s of CPU, a tenth of a small baseline)."""
    import atexit
    import gc

    if not _EXIT_FREEZE:
        _EXIT_FREEZE.append(True)
        atexit.register(gc.freeze)


_EXIT_FREEZE: list[bool] = []


def _check_report_folder(folder: Path, force: bool) -> None:
    """Refuse, before the long work, a --report that is not a folder or holds an earlier report (without --force)."""
    from learnloop.errors import UserError
    from learnloop.files import check_writable_target

    if folder.exists() and not folder.is_dir():
        raise UserError(f"--report wants a folder, and {str(folder)[:200]} is a file", field="report")
    if folder.is_dir():
        for name in ("baseline.md", "baseline.json", "leaderboard.png"):
            check_writable_target(folder / name, force=force)


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", Path(text).stem.lower()).strip("-") or "data"


class _progress_bar:
    """A Rich progress bar on stderr naming the model and fold running, with an ETA."""

    def __enter__(self) -> Any:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        )  # a pipe gets no stray blank line
        self.bar.start()
        self.task = self.bar.add_task("loading the data", total=None)
        self.phase = ""
        return self.update

    def update(self, event: Progress) -> None:
        if event.phase != self.phase:
            self.phase = event.phase
            self.bar.reset(self.task, total=event.total)
        running = ", ".join(event.running) if event.running else "finishing"
        self.bar.update(self.task, completed=event.done, total=event.total, description=f"{event.phase}: {running}")

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


_SPLIT = {"time": "time-ordered ", "groups": "grouped "}


def render_board(board: Leaderboard) -> None:
    from rich.table import Table

    from learnloop.lab.report import fmt

    lower = "" if board.greater_is_better else ", lower is better"
    table = Table(
        title=f"Baseline on {board.data}: {board.n_rows:,} rows, target {board.target} ({board.task}), "
        f"{board.cv}-fold {_SPLIT.get(board.split, '')}CV, {board.metric_label}{lower}",
        title_justify="left",
    )
    for name, justify in (
        ("#", "right"),
        ("model", "left"),
        ("validation", "right"),
        ("train", "right"),
        ("fit s", "right"),
        ("verdict", "left"),
        ("what to try", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    colours = {
        "fine": "green",
        "overfitting": "yellow",
        "underfitting": "yellow",
        "reference": "dim",
        "no better than the dummy": "red",
        "too good to be true": "red",
    }
    for warning in board.warnings:
        console.print(f"[bold yellow]warning:[/] {warning}")
    for rank, row in enumerate(board.results, 1):
        if row.score_mean is None:
            table.add_row("—", row.name, f"[red]{row.status}[/]", "", "", "", row.note)
            continue
        name = f"[bold]{row.name}[/]" if row.model == board.best else row.name
        partial = f" [dim]({row.folds}/{board.cv} folds)[/]" if row.folds < board.cv else ""
        verdict = f"[{colours.get(row.verdict, 'white')}]{row.verdict}[/]"
        table.add_row(
            str(rank),
            name,
            f"{fmt(row.score_mean)} ± {fmt(row.score_std, 3)}{partial}",
            fmt(row.train_score),
            fmt(row.fit_seconds, 2),
            verdict,
            row.note if row.note.startswith("raced") else (row.advice or row.note),
        )
    console.print(table)
    for notice in board.notices:
        console.print(f"[dim]notice: {notice}[/]")
    for hint in board.suggestions:
        console.print(f"[dim]try: --{hint.field} {hint.value}  ({hint.why})[/]")
    if board.stopped:
        console.print(f"[yellow]Stopped early ({board.stopped}); the rows above are the ones finished.[/]")
    if board.learning_curve_png:
        console.print(f"Learning curve of {board.best}: {board.learning_curve_png}")
    console.print(f"[dim]{board.elapsed_seconds:.1f} s with {board.jobs} worker(s)[/]")
