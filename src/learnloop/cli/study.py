"""Step 1 command: `learnloop study PATH` maps a repository before you read it, without running any of it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from learnloop.cli.app import app, finite
from learnloop.cli.render import console, err_console

if TYPE_CHECKING:
    from learnloop.study.report import StudyReport

FORMATS = ("md", "json")
SHOWN = 12


@app.command("study")
def study(
    path: Annotated[
        str,
        typer.Argument(
            help="A repository folder, a .zip / .tar.gz archive of one, a bare git "
            "repository, OWNER/NAME, a GitHub page or a git URL (https://, git://, "
            "ssh://, git@host:path, file://): remote ones are cloned (shallow, hooks "
            "off) into your cache and reused next time.",
            show_default=False,
            metavar="ADDRESS",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Print the report as md or json instead of the terminal view (to --out FILE if given).",
            show_default=False,
            metavar="md|json",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the report to FILE (.md or .json, or the --format given).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    graph: Annotated[
        list[Path] | None,
        typer.Option(
            "--graph",
            "-g",
            help="Draw the import graph: FILE.png or FILE.svg for a picture, FILE.dot for DOT text (repeatable).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    notes: Annotated[
        Path | None,
        typer.Option(
            "--notes",
            help="Write a notes file to fill in: repeated patterns, what you understand, what you don't.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing --out, --notes and --graph files.")] = False,
    reference: Annotated[
        bool, typer.Option("--reference", help="Record this repository as the reference project of your current pass.")
    ] = False,
    why: Annotated[
        str | None,
        typer.Option(
            "--why", help="With --reference: why it looks like your endgame.", show_default=False, metavar="TEXT"
        ),
    ] = None,
    max_file_mb: Annotated[
        float,
        typer.Option(
            "--max-file-mb", min=0.01, max=10_000, callback=finite, metavar="MB", help="Skip files larger than this."
        ),
    ] = 2.0,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Clone a remote repository again instead of reusing the clone in your cache (the old clone is "
            "replaced once the new one is complete).",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Processes that parse in parallel (default: chosen from the size of the tree).",
            show_default=False,
            metavar="N",
        ),
    ] = None,
) -> None:
    """Map a repository before you read it: size, libraries (with their map cards), entry points, models,
    import graph and a reading order. Its code is parsed, never imported or run.

    Examples: `learnloop study ./pygcn`, `learnloop study tkipf/pygcn`, `learnloop study
    https://github.com/karpathy/nanoGPT --notes notes.md`, `learnloop study pygcn-master.zip --graph graph.png`.
    """
    from learnloop import config
    from learnloop.errors import UserError
    from learnloop.study.graph import to_dot
    from learnloop.study.markdown import report_markdown
    from learnloop.study.notes import notes_template
    from learnloop.study.survey import study_repository

    if not path.strip():  # "" would be the current folder: say what is wanted instead
        raise UserError("give the repository to study: a folder, or a .zip / .tar.gz archive of one", field="path")
    chosen = "json" if as_json else fmt
    if chosen is not None and chosen not in FORMATS:
        raise UserError(f"unknown format {chosen!r}; choose md or json")
    if out is not None and chosen is None:
        chosen = "json" if out.suffix.lower() == ".json" else "md"
    pictures = [g for g in graph or [] if g.suffix.lower() not in (".dot", ".gv")]
    dots = [g for g in graph or [] if g.suffix.lower() in (".dot", ".gv")]
    if len(pictures) > 1:
        raise UserError("give one picture (.png or .svg) with --graph; DOT files (.dot) may be added")
    from learnloop.files import check_writable_target

    for named in [out, notes, *(graph or [])]:
        if named is not None:  # refuse a bad target before the long work
            check_writable_target(named, force=force)
    if reference:  # refuse a reference that cannot be recorded before the long work
        from learnloop.cli.app import store
        from learnloop.loop.passes import open_pass
        from learnloop.study.address import reference_source

        reference_source(path)
        with store().read() as session:
            open_pass(session)

    with ReadingProgress() as progress:
        report = study_repository(
            path,
            max_file_bytes=int(max_file_mb * 1024 * 1024),
            workers=workers,
            progress=progress,
            picture=pictures[0] if pictures else None,
            refresh=refresh,
        )

    written: list[str] = [str(p) for p in pictures]
    for dot in dots:
        _write(dot, to_dot(report.graph, name=report.name), force)
        written.append(str(dot))
    if notes is not None:
        _write(notes, notes_template(report, today=config.now().date()), force)
        written.append(str(notes))
    text = None
    if chosen == "md":
        text = report_markdown(report)
    elif chosen == "json":
        text = report.model_dump_json(indent=2) + "\n"
    if out is not None and text is not None:
        _write(out, text, force)
        written.append(str(out))
    elif chosen == "json":  # pydantic's own encoder: a large report is several times quicker than json.dumps
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    elif text is not None:
        sys.stdout.write(text)
    if chosen is None or out is not None:
        render_report(report)
    if report.origin in ("cloned", "reused"):
        err_console.print(
            ("cloned into your cache" if report.origin == "cloned" else "read from the clone already in your cache")
            + f": {_e(report.source)}",
            highlight=False,
        )
    for item in written:
        err_console.print(f"wrote {_e(item)}", highlight=False)
    if reference:
        from learnloop.loop.references import add_reference

        with store().session() as session:
            ref = add_reference(session, path, why, config.now())
        err_console.print(f"Reference for pass {ref.pass_number}: {_e(ref.source)}", highlight=False)


def _write(path: Path, text: str, force: bool) -> None:
    from learnloop.files import write_atomic

    write_atomic(path, text, force=force)


class ReadingProgress:
    """A progress bar on stderr while files are read (only on a terminal; pipes and tests stay quiet).

    It refreshes only when called, never from a thread of its own: parsing forks worker processes."""

    def __enter__(self) -> Any:
        if not err_console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            auto_refresh=False,
        )
        self.bar.start()
        self.task = self.bar.add_task("scanning", total=None)

        def update(phase: str, done: int, total: int) -> None:
            if phase == "cloning":  # bytes received so far, against the cap: shown as MiB, no bar to fill
                self.bar.update(self.task, description=f"cloning ({done / 1024**2:.1f} MiB)", completed=0, total=None)
            else:
                self.bar.update(self.task, description=phase, completed=done, total=total or None)
            self.bar.refresh()

        return update

    def __exit__(self, *exc: object) -> None:
        if getattr(self, "bar", None) is not None:
            self.bar.stop()


def _e(text: object) -> str:
    """A value from the studied tree, safe in Rich markup: control characters shown as escapes, ``[`` escaped."""
    from rich.markup import escape

    from learnloop.study.printable import printable

    return escape(printable(text))


def render_report(report: StudyReport) -> None:
    """The terminal view: tables and a tree, the long lists cut to their first rows. Every name that comes from
    the studied tree goes through ``_e`` (a file may be called ``[/]`` or hold an escape sequence)."""
    from rich.table import Table
    from rich.tree import Tree

    from learnloop.study.report import symbols_text

    t = report.totals
    console.print(
        f"[bold]Study of {_e(report.name)}[/]  {t.files:,} files · {t.lines:,} lines ({t.code:,} code) · "
        f"{t.python_files:,} Python files · {t.notebooks} notebooks · nothing was run"
    )
    size = Table(title="Size", title_justify="left", box=None, header_style="bold")
    for column in ("language", "files", "code", "comment", "blank"):
        size.add_column(column, justify="left" if column == "language" else "right")
    for count in report.languages[:SHOWN]:
        lines = count.language != "other"
        size.add_row(
            count.language,
            f"{count.files:,}",
            f"{count.code:,}" if lines else "-",
            f"{count.comment:,}" if lines else "-",
            f"{count.blank:,}" if lines else "-",
        )
    console.print(size)

    if report.third_party:
        libs = Table(title="Libraries it imports", title_justify="left", box=None, header_style="bold")
        for column in ("import", "pip install", "here", "declared", "modules", "on the map"):
            libs.add_column(column)
        for lib in report.third_party[:SHOWN]:
            here = _e(lib.installed_version) if lib.installed_version else "[yellow]not installed[/]"
            card = ", ".join(f"{_e(t.name)} [dim]({_e(t.id)})[/]" for t in lib.topics)
            stacks = len({s.focus for s in lib.stacks})
            if stacks:
                card += ("; " if card else "") + f"{stacks} focus stack{'s' if stacks > 1 else ''}"
            libs.add_row(
                _e(lib.import_name),
                _e(lib.distribution or ""),
                here,
                "yes" if lib.declared else "-",
                str(lib.modules),
                card or "[dim]-[/]",
            )
        console.print(libs)
        _more(len(report.third_party), "libraries")
        if any(lib.topics for lib in report.third_party[:SHOWN]):
            console.print("[dim]a library's card on the map: learnloop map ID[/]")
    if report.stdlib:
        console.print(
            "[dim]standard library:[/] "
            + ", ".join(_e(lib.import_name) for lib in report.stdlib[:25])
            + (" ..." if len(report.stdlib) > 25 else "")
        )

    where = report.where
    run = Tree("[bold]How to run it[/]")
    for place in where.run:
        run.add(f"{_e(place.what)} [dim]{_e(place.path)}{f':{place.line}' if place.line else ''}[/]")
    if not where.run:
        run.add("[dim]no command in the README and no script: a library[/]")
    console.print(run)
    things = Tree("[bold]Where things are[/]")
    for title, places in (
        ("data comes from", where.data),
        ("the model is defined", where.model),
        ("training happens", where.training),
        ("the trained model is used", where.evaluation),
    ):
        if places:
            branch = things.add(f"[bold]{title}[/]")
            for place in places[:SHOWN]:
                branch.add(f"[dim]{_e(place.path)}{f':{place.line}' if place.line else ''}[/] {_e(place.what)}")
    if not (where.data or where.model or where.training or where.evaluation):
        things.add("[dim]no data loading, model or training loop recognised[/]")
    console.print(things)

    entries = Tree("[bold]Entry points[/]")
    for entry in report.entry_points[:SHOWN]:
        spot = _e(entry.path) + (f":{entry.line}" if entry.line else "")
        label = f" [bold]{_e(entry.name)}[/]" if entry.name else ""
        text = f"{entry.kind}{label} [dim]{spot}[/]" + (f" · {_e(entry.detail)}" if entry.detail else "")
        if entry.named_in:
            text += f" · [green]{_e(entry.named_in)}[/] quotes `{_e(entry.quote)}`"
        elif entry.command:
            text += f" · run `{_e(entry.command)}`"
        entries.add(text)
    if not report.entry_points:
        entries.add("[dim]none: a library; start at the modules that define its classes[/]")
    console.print(entries)
    _more(report.entry_points_total, "entry points", shown=len(report.entry_points[:SHOWN]))

    if report.models:
        models = Tree("[bold]Where the models are defined[/]")
        for model in report.models[:SHOWN]:
            models.add(
                f"[bold]{_e(model.name)}[/] [dim]{_e(model.path)}:{model.line}[/] · {_e(model.framework)} "
                f"({_e(model.base)})"
            )
        console.print(models)
        _more(report.models_total, "model classes", shown=len(report.models[:SHOWN]))

    g = report.graph
    hubs = ", ".join(f"{_e(h.module)} ({h.imported_by})" for h in g.hubs[:5])
    console.print(
        f"[bold]Import graph[/] {len(g.nodes):,} modules, {len(g.edges):,} imports"
        + (f" · hubs: {hubs}" if hubs else "")
        + (f" · {len(g.cycles)} import cycle group(s)" if g.cycles else "")
    )

    order = Table(title="Reading order", title_justify="left", box=None, header_style="bold")
    order.add_column("#", justify="right")
    order.add_column("stage")
    order.add_column("file")
    order.add_column("why, and what is in it")
    for number, step in enumerate(report.reading_order, start=1):
        about = _e(step.reason)
        if step.summary:
            about += f"\n[italic]{_e(step.summary)}[/]"
        if step.symbols:
            about += f"\n[dim]defines {_e(symbols_text(step.symbols))}[/]"
        order.add_row(str(number), step.stage, _e(step.path), about)
    console.print(order)

    if report.problems:
        console.print(
            f"[yellow]{len(report.problems)} file(s) did not parse[/] (counted, not read further): "
            + ", ".join(f"{_e(p.path)} ({p.kind})" for p in report.problems[:5])
            + (" ..." if len(report.problems) > 5 else "")
        )
    if report.notices:
        console.print(
            f"[yellow]{len(report.notices)} file(s) left out or read with care[/]: "
            + ", ".join(f"{_e(n.path)} ({n.kind})" for n in report.notices[:5])
            + (" ..." if len(report.notices) > 5 else "")
        )
    console.print(
        "[dim]Next: --graph graph.png to see the imports · --notes notes.md for your three lists · "
        "--format md|json for all of it[/]"
    )


def _more(total: int, what: str, *, shown: int = SHOWN) -> None:
    if total > shown:
        console.print(f"[dim]... and {total - shown} more {what} (--format md or json lists them)[/]")
