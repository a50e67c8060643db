"""`learnloop --help` must answer at once: no heavy library may be imported for it."""

from __future__ import annotations

import json
import subprocess
import sys

# pydantic is not on the list: Typer itself coerces parameters with it.
HEAVY = (
    "pandas",
    "sklearn",
    "matplotlib",
    "xgboost",
    "fastapi",
    "torch",
    "numpy",
    "scipy",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "starlette",
    "torch_geometric",
    "statsmodels",
    "dask",
    "nbformat",
    "icalendar",
)

PROBE = """
import json, sys
sys.argv = ["learnloop"] + sys.argv[1:]
from learnloop.cli import main
try:
    main()
except SystemExit:
    pass
wanted = set(json.loads(sys.stdin.readline()))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in wanted)
sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
"""


def _loaded(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], input=json.dumps(HEAVY) + "\n", capture_output=True, text=True, timeout=60
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("HEAVY="))
    return json.loads(line.removeprefix("HEAVY="))


def test_help_imports_no_heavy_library() -> None:
    assert _loaded("--help") == []


def test_every_group_help_imports_no_heavy_library() -> None:
    from learnloop.cli.commands import COMMANDS

    names = [entry.name for entry in COMMANDS]
    assert {"map", "start", "next", "project", "gap", "history"} <= set(names)
    for name in names:
        assert _loaded(name, "--help") == [], name


def test_installed_console_script_runs() -> None:
    """One test through the installed `learnloop` script, exactly as a user types it."""
    from pathlib import Path

    script = Path(sys.executable).parent / "learnloop"
    assert script.exists(), "pip install -e . installs the learnloop script next to python"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("learnloop ")
    result = subprocess.run([str(script), "map", "no-such-topic-here"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "error:" in result.stderr


# What the everyday commands must not import once the learner's database and the map's cache exist: the ORM
# (they read and write through plain sqlite3), the map's schema and YAML (status reads the validated cache).
HOT = {
    "status": [],
    "gap add": ["gap", "add", "what does a kernel do?"],
    "gap list": ["gap", "list"],
    "gap list --json": ["gap", "list", "--json"],
    "history": ["history"],
    "history --json": ["history", "--json"],
}
NOT_ON_THE_HOT_PATH = (
    "learnloop.store.db",
    "learnloop.store.models",
    "learnloop.atlas.schema",
    "yaml",
    "rapidfuzz",
    "learnloop.loop.passes",
    "learnloop.loop.gaps",
)


def _loaded_by(args: list[str], wanted: tuple[str, ...]) -> list[str]:
    probe = PROBE.replace('m.split(".")[0] in wanted', '(m in wanted or m.split(".")[0] in wanted)')
    result = subprocess.run(
        [sys.executable, "-c", probe, *args],
        input=json.dumps(wanted) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = next((x for x in result.stderr.splitlines() if x.startswith("HEAVY=")), None)
    assert line is not None, result.stderr
    return json.loads(line.removeprefix("HEAVY="))


def test_everyday_commands_import_neither_the_orm_nor_the_map_schema() -> None:
    from learnloop.cli import main as _  # noqa: F401  (the probe runs the same entry point)

    subprocess.run([sys.executable, "-m", "learnloop", "start"], capture_output=True, check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "learnloop", "map"], capture_output=True, check=True, timeout=120)
    for name, args in HOT.items():
        assert _loaded_by(args, HEAVY + NOT_ON_THE_HOT_PATH) == [], name
    # The map shows the validated map (its schema, no YAML: the cache) with the learner's marks read light.
    assert _loaded_by(["map"], (*HEAVY, "learnloop.store.db", "learnloop.store.models", "yaml")) == []


def test_gap_add_without_a_topic_does_not_load_the_map() -> None:
    subprocess.run([sys.executable, "-m", "learnloop", "start"], capture_output=True, check=True, timeout=120)
    assert _loaded_by(["gap", "add", "a gap"], ("learnloop.atlas.load", "learnloop.atlas.glance")) == []
