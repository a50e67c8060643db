"""`learnloop demo`: replay the article author's first pass, command by command, in a throwaway home.

The article's author learned graph neural networks for supply chains. The demo walks the same loop with the
real commands, exactly as a learner types them, under a moving clock (``LEARNLOOP_NOW``): pin the focus,
study a pygcn-like repository (shipped inside learnloop, parsed, never run), take notes, pass one exercise,
run one ladder rung, start a project on the supply-chain data with a baseline, rank three gaps and keep one,
close the pass. Each command is printed with what it showed. Nothing outside the throwaway folder is touched.
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from learnloop.cli.app import app
from learnloop.cli.render import console, print_json

START = datetime(2026, 1, 5, 9, 0)  # a Monday: the pass begins
SHOWN_LINES = 14  # long outputs (tables, reports) are cut here in the replay; --json keeps all of it

# The author's fizzbuzz, as typed in step 2 (a learner's answer, not the catalog's solution).
FIZZBUZZ = """def fizzbuzz(n):
    result = []
    for i in range(1, n + 1):
        word = ("Fizz" if i % 3 == 0 else "") + ("Buzz" if i % 5 == 0 else "")
        result.append(word or str(i))
    return result
"""


@dataclass
class Place:
    """Where the replay happens: a learnloop home, a repository to study, and a project folder."""

    root: Path
    home: Path = field(init=False)
    repo: Path = field(init=False)
    project: Path = field(init=False)
    data: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = self.root / "home"
        self.repo = self.root / "repos" / "pygcn-mini"
        self.project = self.root / "port-closure-project"
        self.data = self.root / "downloads" / "supply_chain_firms.csv"


@dataclass(frozen=True)
class Step:
    """One command of the replay: when (hours after the start), why the author types it, and its arguments."""

    hours: float
    why: str
    argv: Callable[[Place], list[str]]
    before: Callable[[Place, str], None] | None = None  # what the learner does by hand first (given the last output)
    may_fail: bool = False  # the replay goes on if it fails here (reported), e.g. no sandbox for the grader


class StepRun(BaseModel):
    when: str
    why: str
    command: str
    exit_code: int
    output: str


class DemoRun(BaseModel):
    home: str
    kept: bool
    seconds: float
    steps: list[StepRun]

    @property
    def failed(self) -> list[StepRun]:
        return [s for s in self.steps if s.exit_code != 0]


def copy_mini_repository(place: Place, _last: str) -> None:
    """The learner clones the reference project: here, pygcn-mini shipped as package data (``.txt`` files)."""
    source = resources.files("learnloop.data") / "pygcn_mini"

    def copy(folder: object, target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for entry in folder.iterdir():  # type: ignore[attr-defined]
            if entry.is_dir():
                copy(entry, target / entry.name)
            else:
                name = entry.name.removesuffix(".txt") if entry.name.endswith((".py.txt", ".md.txt")) else entry.name
                (target / name).write_bytes(entry.read_bytes())

    copy(source, place.repo)


def write_supply_chain_table(place: Place, _last: str) -> None:
    """The learner's data: the shipped supply-chain graph's firms as a table (features and label, no links)."""
    from learnloop.data.shipped import supply_chain_table

    place.data.parent.mkdir(parents=True, exist_ok=True)
    supply_chain_table().to_csv(place.data, index=False)


def answer_fizzbuzz(place: Place, last: str) -> None:
    """The learner edits the starter file that `exercises start` wrote (its path is in the JSON it printed)."""
    import json

    try:
        path = Path(json.loads(last)["path"])
    except (ValueError, KeyError, TypeError):
        found = sorted((place.home / "workspace").rglob("*fizzbuzz*.py"))
        if not found:
            return
        path = found[0]
    path.write_text(FIZZBUZZ, encoding="utf-8")


def top_rung() -> int:
    """Rung 1 (PyTorch Geometric) when it is installed, else the NumPy rung that needs nothing."""
    from learnloop.ladders.registry import find_ladder, missing_packages

    ladder = find_ladder("supply_chain")
    return next((r.level for r in ladder.rungs if not missing_packages(r)), ladder.lowest)


STEPS: tuple[Step, ...] = (
    Step(0, "Step 0: begin a pass.", lambda p: ["start"]),
    Step(0.2, "See the field: what is on the map.", lambda p: ["map"]),
    Step(
        0.5,
        "Rank what draws the author: graphs and supply chains first.",
        lambda p: ["interests", "rank", "--order", "supply-chain,graph-neural-networks,time-series"],
    ),
    Step(0.6, "Pin ONE focus for the pass.", lambda p: ["focus", "supply-chain"]),
    Step(0.7, "What practitioners of this focus use, checked against this machine.", lambda p: ["stack", "--check"]),
    Step(1, "Step 0 done.", lambda p: ["next"]),
    Step(
        24,
        "Step 1: study a project like the endgame (a pygcn-like GCN), without running it.",
        lambda p: [
            "study",
            str(p.repo),
            "--reference",
            "--why",
            "a GCN small enough to read in an evening",
            "--notes",
            str(p.root / "study-notes.md"),
        ],
        before=copy_mini_repository,
    ),
    Step(
        26,
        "Notes while reading: a pattern that repeats...",
        lambda p: [
            "notes",
            "add",
            "every layer is A_hat (H W) + b: a sparse product after a dense one",
            "--kind",
            "pattern",
        ],
    ),
    Step(
        26.5,
        "...and what is not clear yet.",
        lambda p: ["notes", "add", "why utils.normalize divides each row by its sum", "--kind", "unclear"],
    ),
    Step(27, "Step 1 done.", lambda p: ["next"]),
    Step(
        48, "Step 2: enough Python to read pygcn; one exercise.", lambda p: ["exercises", "start", "fizzbuzz", "--json"]
    ),
    Step(
        48.5,
        "The answer is written; grade it against hidden cases.",
        lambda p: ["exercises", "check", "fizzbuzz"],
        before=answer_fizzbuzz,
        may_fail=True,
    ),
    Step(49, "Step 2 done.", lambda p: ["next"]),
    Step(72, "Step 3: the ladders of the focus, top rung first.", lambda p: ["ladder"]),
    Step(
        72.5,
        "Run one rung of the supply-chain GNN ladder on its shared split.",
        lambda p: ["ladder", "run", "supply_chain", "--rung", str(top_rung())],
    ),
    Step(73, "Step 3 done.", lambda p: ["next"]),
    Step(
        96,
        "Step 4: one project, time-boxed to two weeks, with the supply-chain data (no data, no project).",
        lambda p: [
            "project",
            "new",
            "Which firms will a port closure hit",
            "--days",
            "14",
            "--data",
            str(p.data),
            "--dir",
            str(p.project),
        ],
        before=write_supply_chain_table,
    ),
    Step(
        97,
        "A quick baseline of the classic models on the firms' own features (no links).",
        lambda p: ["baseline", str(p.project / "data" / p.data.name), "--target", "misses_deliveries", "--cv", "3"],
    ),
    Step(
        120,
        "Gaps found on the way, captured at once.",
        lambda p: ["gap", "add", "why GCNs normalise the adjacency", "--topic", "graph-neural-network"],
    ),
    Step(120.2, "", lambda p: ["gap", "add", "how message passing is batched over many graphs"]),
    Step(120.4, "", lambda p: ["gap", "add", "how to read a demand time series"]),
    Step(
        121,
        "Rank the three gaps: the one that blocks the project first.",
        lambda p: ["gap", "rank", "--order", "1,2,3"],
    ),
    Step(
        144,
        "A check-in: where the project stands.",
        lambda p: ["project", "checkin", "the GCN rung beats the features-only baseline on the same test firms"],
    ),
    Step(
        260,
        "The project is done before its deadline.",
        lambda p: [
            "project",
            "done",
            "--summary",
            "a GCN finds the firms a port closure hits better than a features-only model",
        ],
    ),
    Step(260.5, "Step 4 done.", lambda p: ["next"]),
    Step(
        261,
        "Step 5: keep ONE gap for three days; the others are set aside.",
        lambda p: ["gap", "keep", "1", "--days", "3"],
    ),
    Step(
        300,
        "The kept gap is learned.",
        lambda p: [
            "gap",
            "done",
            "--learned",
            "self-loops keep a node's own features; normalising keeps the scale of a sum over neighbours",
        ],
    ),
    Step(300.5, "Step 5 done.", lambda p: ["next"]),
    Step(301, "Step 6: where the loop stands.", lambda p: []),
    Step(
        302,
        "Close the pass with a short retrospective; the next one starts at step 0.",
        lambda p: ["pass", "close", "--retro", "reading pygcn first made the ladder easy; next pass: real data"],
    ),
    Step(302.5, "The history of passes.", lambda p: ["history"]),
)


def replay(place: Place, *, show: Callable[[StepRun, int], None] | None = None) -> list[StepRun]:
    """Run every step through the real command line, in order, each under its own clock and the demo's home."""
    from typer.testing import CliRunner

    from learnloop.cli import app as root_app

    runner = CliRunner()
    runs: list[StepRun] = []
    last = ""
    for number, step in enumerate(STEPS, start=1):
        if step.before is not None:
            step.before(place, last)
        argv = step.argv(place)
        when = START + timedelta(hours=step.hours)
        env: dict[str, str | None] = {
            "LEARNLOOP_HOME": str(place.home),
            "LEARNLOOP_NOW": when.isoformat(),
            "COLUMNS": "110",
            "LEARNLOOP_DATABASE_URL": None,
        }
        result = runner.invoke(root_app, argv, env=env, catch_exceptions=True, prog_name="learnloop")
        output = (result.stdout + (result.stderr if result.stderr else "")).rstrip()
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            output += f"\n(the command raised {type(result.exception).__name__}: {result.exception})"
        run = StepRun(
            when=when.strftime("%a %d %b %H:%M"),
            why=step.why,
            command=shlex.join(["learnloop", *argv]),
            exit_code=result.exit_code,
            output=output,
        )
        runs.append(run)
        if show is not None:
            show(run, number)
        if result.exit_code != 0 and not step.may_fail:
            break
        last = result.stdout
    return runs


def show_step(run: StepRun, number: int) -> None:
    from rich.markup import escape

    if run.why:
        console.print(f"\n[dim]{run.when} · {number}/{len(STEPS)}[/] [italic]{escape(run.why)}[/]")
    console.print(f"[bold cyan]$ {escape(run.command)}[/]")
    lines = run.output.splitlines()
    for line in lines[:SHOWN_LINES]:
        console.print(f"  {escape(line)}", soft_wrap=True)
    if len(lines) > SHOWN_LINES:
        console.print(f"  [dim]… {len(lines) - SHOWN_LINES} more lines[/]")
    if run.exit_code != 0:
        console.print(f"  [yellow]exit {run.exit_code}[/]")


@app.command()
def demo(
    web: Annotated[
        bool,
        typer.Option(
            "--web", help="Then open the demo's home in the web dashboard (Ctrl-C ends it and deletes the home)."
        ),
    ] = False,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Replay in this new or empty folder and keep it (default: a temporary folder, deleted at the end).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port for --web.")] = 8000,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every step's command, exit code and full output as JSON.")
    ] = False,
) -> None:
    """Replay the article author's first pass (GNN for a supply chain) in a throwaway home, command by command."""
    from learnloop.errors import UserError

    if folder is not None:
        folder = folder.expanduser().absolute()
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise UserError(f"{folder} is not a new or empty folder; the demo only writes into one", field="dir")
        folder.mkdir(parents=True, exist_ok=True)
    root = folder or Path(tempfile.mkdtemp(prefix="learnloop-demo-"))
    place = Place(root)
    started = time.perf_counter()
    try:
        if not as_json:
            console.print(
                f"[bold]The article author's first pass[/], replayed in {root} (a throwaway home; "
                "your own learnloop data is not touched)."
            )
        runs = replay(place, show=None if as_json else show_step)
        result = DemoRun(
            home=str(place.home),
            kept=folder is not None or web,
            seconds=round(time.perf_counter() - started, 1),
            steps=runs,
        )
        if as_json:
            print_json(result)
        else:
            note = f" [yellow]{len(result.failed)} did not succeed: see above.[/]" if result.failed else ""
            console.print(f"\n[bold]{len(runs)} of {len(STEPS)} commands replayed in {result.seconds:.0f} s.[/]{note}")
        if len(runs) < len(STEPS):
            raise typer.Exit(1)
        if web:
            serve_home(place.home, port)
        elif folder is not None and not as_json:
            console.print(f"[dim]kept: learnloop --home {place.home} · or browse a fresh one: learnloop demo --web[/]")
    finally:
        if folder is None:
            shutil.rmtree(root, ignore_errors=True)


def serve_home(home: Path, port: int) -> None:
    """Open the dashboard on the demo's home (the same server as `learnloop serve --open`)."""
    from learnloop.cli.app import begin
    from learnloop.cli.web import serve
    from learnloop.config import resolve_settings

    begin(resolve_settings(home))
    console.print("[dim]the dashboard shows the demo's home; Ctrl-C stops it[/]")
    serve(host="127.0.0.1", port=port, open_browser=True, allow_remote=None)
