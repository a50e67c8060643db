"""The fuzz of every command and option: bad values never give a traceback, and a refusal changes nothing.

The commands are enumerated from the Typer app itself (every module of the command index imported, the
click tree walked), so a new command or option is fuzzed without editing this file. Each case runs in a
fresh copy of a home with two passes (the second at step 4, with an active project and gaps), inside
tmp_path: every path value points there (relative ones resolve there too: the working folder is inside it).
Devices are a node made in tmp_path (char 1:3, the null device) or a FIFO, never a real /dev entry.

The default run samples the cases (every option at least twice, then a seeded random pick) so it ends in a
couple of minutes; the slow test runs every one.
"""

from __future__ import annotations

import collections
import importlib
import json
import os
import random
import shutil
import sqlite3
import stat
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SAMPLE = Path(__file__).parent.parent / "store" / "data" / "two-passes.json"
NOW = "2026-11-25T09:00:00+00:00"
SAMPLED_CASES = int(os.environ.get("LEARNLOOP_FUZZ_SAMPLE", "400"))
SKIPPED_COMMANDS = {("serve",)}  # it would start a server on a good value; its port range is a click IntRange
HEAVY = {("baseline",), ("try",), ("ladder", "run"), ("exercises", "check"), ("study",), ("stack",)}

# Values that make the other required inputs valid, so the fuzzed one is the one that is judged.
FILL: dict[str, str] = {
    "query": "svm",
    "model": "knn",
    "data": "iris",
    "retro": "it went well",
    "source": "tkipf/pygcn",
    "text": "a note",
    "exercise": "1",
    "name": "diabetes",
    "title": "Another project",
    "days": "2",
    "reason": "more time",
    "summary": "built it",
    "learned": "how it works",
    "gap_id": "3",
    "order": "3",
}
# Options added to a command to keep it quick (left out when it is the option being fuzzed).
QUICK: dict[tuple[str, ...], list[tuple[str, str]]] = {
    ("baseline",): [("--models", "naive-bayes"), ("--cv", "2"), ("--jobs", "1")],
    ("ladder", "run"): [("--rung", "1")],
    ("exercises", "check"): [("--timeout", "5")],
}


@dataclass(frozen=True)
class Param:
    name: str
    opt: str | None  # "--days"; None for an argument
    kind: str  # the click type's name


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    params: tuple[Param, ...]
    required: tuple[Param, ...]


def enumerate_commands() -> list[Command]:
    """Every command and group callback of the Typer app, with the parameters that take a value."""
    import typer.main

    from learnloop.cli.app import app
    from learnloop.cli.commands import MODULES

    for module in MODULES:
        importlib.import_module(f"learnloop.cli.{module}")
    root = typer.main.get_command(app)
    found: list[Command] = []

    def params_of(cmd: Any) -> tuple[tuple[Param, ...], tuple[Param, ...]]:
        valued, required = [], []
        for p in cmd.params:
            if p.name == "help" or getattr(p, "is_flag", False) or getattr(p, "count", False):
                continue
            opt = None if p.param_type_name == "argument" else max(p.opts, key=len)
            param = Param(p.name, opt, type(p.type).__name__)
            valued.append(param)
            if p.required:
                required.append(param)
        return tuple(valued), tuple(required)

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)
        valued, required = params_of(cmd)
        if path and (not subs or valued):
            found.append(Command(path, valued, required))
        for name, sub in (subs or {}).items():
            walk(sub, (*path, name))

    walk(root, ())
    return [c for c in found if c.path not in SKIPPED_COMMANDS]


def bad_values(tmp: Path) -> dict[str, str]:
    return {
        "empty": "",
        "10000 chars": "x" * 10_000,
        "unicode rtl emoji": "مرحبا\u202e🧠\u0301 ok",
        "negative": "-1",
        "huge": str(10**23),
        "zero": "0",
        "nan": "nan",
        "inf": "inf",
        "old date": "0001-01-01T00:00:00",
        "missing file": str(tmp / "missing" / "file.csv"),
        "folder": str(tmp / "a-folder"),
        "device": str(tmp / "null-device"),
        "fifo": str(tmp / "a-fifo"),
        "newline": "line one\nline two",
        "dot-dot": "../escape.json",
        "option-like": "--json",
        "file exists": str(tmp / "exists.json"),
        "symlink": str(tmp / "a-symlink"),
    }


def _unblock_fifo(fifo: Path, stop: threading.Event) -> None:
    """Open the FIFO for writing whenever a reader waits on it, then close it: a reader sees EOF, never hangs."""
    while not stop.is_set():
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            time.sleep(0.02)
            continue
        os.close(fd)
        time.sleep(0.01)


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from learnloop.cli import app

    home = tmp_path_factory.mktemp("fuzz-template")
    run = CliRunner().invoke(
        app, ["--home", str(home), "import", str(SAMPLE)], env={"LEARNLOOP_NOW": NOW}, catch_exceptions=False
    )
    assert run.exit_code == 0, run.output
    assert not (home / "learnloop.db-wal").exists() or (home / "learnloop.db-wal").stat().st_size == 0
    return home / "learnloop.db"


@pytest.fixture
def arena(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """tmp_path with the hostile files in place, the working folder two levels inside it."""
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "exists.json").write_text("{}")
    (tmp_path / "a-symlink").symlink_to(tmp_path / "exists.json")
    os.mkfifo(tmp_path / "a-fifo")
    try:
        os.mknod(tmp_path / "null-device", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        os.mkfifo(tmp_path / "null-device")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text("import numpy as np\n\nprint(np.zeros(2))\n")
    cwd = tmp_path / "cwd" / "deep"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setenv("VISUAL", "true")
    stop = threading.Event()
    unblockers = [
        threading.Thread(target=_unblock_fifo, args=(p, stop), daemon=True)
        for p in (tmp_path / "a-fifo", tmp_path / "null-device")
        if stat.S_ISFIFO(p.lstat().st_mode)
    ]
    for t in unblockers:
        t.start()
    yield tmp_path
    stop.set()


def all_cases(commands: list[Command], values: dict[str, str]) -> list[tuple[Command, Param | None, str, str]]:
    cases: list[tuple[Command, Param | None, str, str]] = []
    for command in commands:
        for param in command.params:
            for label, value in values.items():
                cases.append((command, param, label, value))
    for label, value in values.items():  # the root option, before two everyday commands
        cases.append((Command(("--home",), (), ()), None, label, value))
    return cases


def sampled(cases: list[tuple[Command, Param | None, str, str]], n: int) -> list[Any]:
    rng = random.Random(13)
    by_param: dict[tuple[Any, ...], list[Any]] = collections.defaultdict(list)
    for case in cases:
        by_param[(case[0].path, case[1])].append(case)
    chosen = []
    for group in by_param.values():
        chosen += rng.sample(group, min(2, len(group)))
    rest = [c for c in cases if c not in chosen and c[0].path not in HEAVY]
    chosen += rng.sample(rest, max(0, min(len(rest), n - len(chosen))))
    return chosen


def argv_for(command: Command, target: Param | None, value: str, home: Path, tmp: Path, index: int) -> list[str]:
    if command.path == ("--home",):
        return ["--home", value, "history"] if index % 2 else ["--home", value, "gap", "add", "a gap"]
    args: list[str] = []
    options: list[str] = []
    for param in command.required:
        if param == target:
            continue
        fill = FILL.get(param.name)
        if fill is None and param.kind == "TyperPath":
            fill = str(tmp / f"fill-{index}")
        if fill is None:
            fill = "x"
        (args.append(fill) if param.opt is None else options.extend([param.opt, fill]))
    if target is not None:
        if target.opt is None:
            position = [p for p in command.params if p.opt is None].index(target)
            args.insert(min(position, len(args)), value)
        else:
            options.extend([target.opt, value])
    if command.path == ("study",) and (target is None or target.name != "path"):
        args.insert(0, str(tmp / "repo"))
    quick = [
        part for opt, fill in QUICK.get(command.path, []) if target is None or opt != target.opt for part in (opt, fill)
    ]
    return ["--home", str(home), *command.path, *args, *options, *quick]


def run_fuzz(template: Path, arena: Path, which: str) -> dict[str, Any]:
    from typer.testing import CliRunner

    from learnloop.cli import app

    commands = enumerate_commands()
    values = bad_values(arena)
    cases = all_cases(commands, values)
    chosen = cases if which == "all" else sampled(cases, SAMPLED_CASES)
    before = _rows(template)
    runner = CliRunner()
    problems: list[str] = []
    codes: collections.Counter[int] = collections.Counter()
    refused_changed = 0
    for index, (command, target, label, value) in enumerate(chosen):
        home = arena / "homes" / f"h{index}"
        home.mkdir(parents=True)
        shutil.copyfile(template, home / "learnloop.db")
        argv = argv_for(command, target, value, home, arena, index)
        shown = f"{' '.join(command.path)} {target.opt or target.name if target else ''} = {label}"
        try:
            result = runner.invoke(app, argv, env={"LEARNLOOP_NOW": NOW}, catch_exceptions=False, prog_name="learnloop")
        except BaseException as exc:
            problems.append(
                f"{shown}: {type(exc).__name__}: {str(exc)[:200]} "
                f"at {traceback.extract_tb(exc.__traceback__)[-1].filename.split('src/')[-1]}:"
                f"{traceback.extract_tb(exc.__traceback__)[-1].lineno}"
            )
            continue
        codes[result.exit_code] += 1
        output = result.stdout + result.stderr
        if "Traceback" in output:
            problems.append(f"{shown}: a traceback was printed")
        if result.exit_code not in (0, 1, 2):
            problems.append(f"{shown}: exit code {result.exit_code}")
        if result.exit_code == 2:
            errors = [line for line in result.stderr.splitlines() if not line.startswith("note:")]
            if len(errors) != 1 or not errors[0].startswith("error:"):
                problems.append(f"{shown}: the refusal is not one 'error:' line: {result.stderr[:300]!r}")
        if result.exit_code != 0 and (home / "learnloop.db").exists() and _rows(home / "learnloop.db") != before:
            refused_changed += 1
            problems.append(f"{shown}: refused (exit {result.exit_code}) but the records changed")
        leftovers = [p.name for p in arena.rglob("*.tmp") if p.is_file()]
        if leftovers:
            problems.append(f"{shown}: left temporary files {leftovers[:3]}")
        shutil.rmtree(home, ignore_errors=True)
    return {
        "commands": len(commands),
        "options": sum(len(c.params) for c in commands),
        "cases": len(chosen),
        "all_cases": len(cases),
        "exit_codes": dict(codes),
        "problems": problems,
        "refused_changed": refused_changed,
    }


def _report(summary: dict[str, Any], arena: Path) -> None:
    (arena / "fuzz-summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: v for k, v in summary.items() if k != "problems"}))
    assert not summary["problems"], "\n".join(summary["problems"][:40])


def test_every_command_is_enumerated_from_the_app() -> None:
    paths = {c.path for c in enumerate_commands()}
    assert {
        ("export",),
        ("import",),
        ("gap", "keep"),
        ("project", "ics"),
        ("history",),
        ("baseline",),
        ("study",),
        ("ladder", "run"),
        ("doctor",),
    } <= paths
    assert len(paths) >= 40


def test_fuzz_sampled(template: Path, arena: Path) -> None:
    _report(run_fuzz(template, arena, "sample"), arena)


@pytest.mark.slow
def test_fuzz_every_case(template: Path, arena: Path) -> None:
    _report(run_fuzz(template, arena, "all"), arena)
