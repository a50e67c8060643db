"""The scaffold runs: its notebook executes top to bottom on its own data, and every command its README
suggests works there. And it is atomic: a kill at any moment leaves no orphan, and a retry works."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from learnloop.atlas.load import load_atlas
from learnloop.config import Settings
from learnloop.loop import projects, scaffold
from learnloop.loop.passes import start_pass
from learnloop.store.db import open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _at_step_four(home: Path, focus: str = "tabular-prediction") -> object:
    store = open_store(Settings(home=home))
    with store.session() as s:
        start_pass(s, NOW)
    with store.session() as s:
        s.execute(text(f"UPDATE passes SET step = 4, focus_id = '{focus}'"))
    return store


def _scaffold(tmp_path: Path, data: str, focus: str = "tabular-prediction") -> Path:
    store = _at_step_four(tmp_path / "home", focus)
    with store.session() as s:  # type: ignore[attr-defined]
        view = projects.new_project(
            s,
            load_atlas(),
            title=f"On {data}",
            days=14,
            now=NOW,
            workspace=tmp_path / "ws",
            data=data,
            directory=tmp_path / data,
        )
    store.dispose()  # type: ignore[attr-defined]
    return Path(view.directory or "")


@pytest.mark.parametrize(
    ("data", "focus"),
    [
        ("penguins", "tabular-prediction"),
        pytest.param("cars", "tabular-prediction", marks=pytest.mark.slow),
        pytest.param("cora", "graph-neural-networks", marks=pytest.mark.slow),
    ],
)
def test_the_notebook_runs_top_to_bottom_on_its_data(tmp_path: Path, data: str, focus: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    folder = _scaffold(tmp_path, data, focus)
    path = folder / "notebooks" / "01-explore.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert re.search(r"(first model|features only:) 0\.\d+", printed), printed
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").split()
    assert "scikit-learn" in requirements and "jupyterlab" in requirements
    assert ("numpy" if data == "cora" else "pandas") in requirements
    if focus == "tabular-prediction":
        assert "xgboost" in requirements  # the focus's stack


def _readme_commands(folder: Path) -> list[str]:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    return [c for c in re.findall(r"`(learnloop [^`]+)`", readme)]


@pytest.mark.slow
def test_every_command_the_readme_suggests_runs_on_its_own_data(
    tmp_path: Path, cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    folder = _scaffold(tmp_path, "penguins")
    commands = _readme_commands(folder)
    assert any(c.startswith("learnloop baseline data/penguins.csv --target species") for c in commands)
    assert commands[-1].startswith("learnloop project done")
    monkeypatch.chdir(folder)
    env = {"LEARNLOOP_HOME": str(tmp_path / "home"), "LEARNLOOP_NOW": NOW.isoformat()}
    for command in commands:
        result = cli(shlex.split(command)[1:], env=env)
        assert result.exit_code == 0, (command, result.output)  # type: ignore[attr-defined]
        if command.startswith("learnloop baseline"):
            assert any((folder / "reports").rglob("*.md"))  # the report the loop then sees as "baseline run"
    assert "graph" not in " ".join(_readme_commands(_scaffold(tmp_path / "g", "cora", "graph-neural-networks")))


def test_a_graph_scaffold_suggests_no_baseline_that_fails(tmp_path: Path) -> None:
    folder = _scaffold(tmp_path, "cora", "graph-neural-networks")
    assert not any("baseline" in c for c in _readme_commands(folder))
    assert "baseline on this data" in (folder / "README.md").read_text(encoding="utf-8")


def test_recovery_finishes_a_committed_scaffold_and_removes_an_orphan(tmp_path: Path) -> None:
    target = tmp_path / "p"
    orphan = tmp_path / ".q.learnloop-scaffold-999999-ab12"  # a process long gone, no record names q
    orphan.mkdir()
    (orphan / "README.md").write_text("half", encoding="utf-8")
    pending = tmp_path / ".p.learnloop-scaffold-999999-cd34"
    pending.mkdir()
    (pending / "README.md").write_text("whole", encoding="utf-8")
    done = scaffold.recover(tmp_path, lambda t: t == target)
    assert len(done) == 2 and not orphan.exists() and not pending.exists()
    assert (target / "README.md").read_text(encoding="utf-8") == "whole"


KILL_RUN = """
import sys
from datetime import datetime, UTC
from pathlib import Path
from learnloop.atlas.load import load_atlas
from learnloop.config import Settings
from learnloop.loop import projects
from learnloop.store.db import open_store

home, target = Path(sys.argv[1]), Path(sys.argv[2])
store = open_store(Settings(home=home))
atlas = load_atlas()
print("ready", flush=True)
sys.stdin.readline()
with store.session() as s:
    projects.new_project(s, atlas, title="Killed", days=7, now=datetime(2026, 11, 25, 9, tzinfo=UTC),
                         workspace=home / "ws", data="penguins", directory=target)
print("done", flush=True)
"""


@pytest.mark.slow
def test_killed_at_random_points_leaves_no_orphan_and_a_retry_works(tmp_path: Path) -> None:
    """SIGKILL `project new` at random moments of its work: after the recovery step there is either a whole
    project (record and complete folder) or nothing, never a temporary folder; and a retry succeeds."""
    rng = random.Random(11)
    script = tmp_path / "run.py"
    script.write_text(KILL_RUN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    outcomes: dict[str, int] = {"killed before the record": 0, "killed after the record": 0, "finished": 0}
    full = None
    for attempt in range(24):
        home = tmp_path / f"h{attempt}"
        target = tmp_path / f"w{attempt}" / "project"
        _at_step_four(home).dispose()  # type: ignore[attr-defined]
        child = subprocess.Popen(
            [sys.executable, str(script), str(home), str(target)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"  # imports done: the kill lands in the work itself
        began = time.monotonic()
        child.stdin.write("go\n")
        child.stdin.flush()
        if full is None:  # the first run measures how long the work takes
            assert child.stdout.readline().strip() == "done"
            full = time.monotonic() - began
            child.wait(timeout=60)
        else:
            time.sleep(rng.uniform(0, full * 1.1))
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=60)
        store = open_store(Settings(home=home))
        try:
            with store.read() as s:
                status = projects.project_status(s, NOW, home / "ws")  # the recovery step runs here
            leftovers = (
                [p.name for p in target.parent.iterdir() if scaffold.PARTIAL in p.name]
                if target.parent.exists()
                else []
            )
            assert leftovers == [], leftovers
            if status is None:
                assert not target.exists() or not any(target.iterdir())
                outcomes["killed before the record"] += 1
                with store.session() as s:  # the retry works
                    projects.new_project(
                        s,
                        load_atlas(),
                        title="Retry",
                        days=7,
                        now=NOW,
                        workspace=home / "ws",
                        data="penguins",
                        directory=target,
                    )
            else:
                outcomes["killed after the record" if child.returncode else "finished"] += 1
            assert (target / "README.md").exists() and (target / "notebooks" / "01-explore.ipynb").exists()
            assert (target / "data" / "penguins.csv").exists() and (target / "deadline.ics").exists()
            with store.read() as s:
                assert projects.project_status(s, NOW) is not None
        finally:
            store.dispose()
    print(json.dumps(outcomes))
    assert outcomes["killed before the record"] >= 3
