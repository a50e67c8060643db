"""`learnloop --help` must answer at once: no heavy library may be imported for it."""

from __future__ import annotations

import json
import subprocess
import sys

# pydantic is not on the list: Typer itself coerces parameters with it.
HEAVY = ("pandas", "sklearn", "matplotlib", "xgboost", "fastapi", "torch", "numpy", "scipy", "sqlalchemy",
         "alembic", "uvicorn", "starlette", "torch_geometric", "statsmodels", "dask", "nbformat", "icalendar")

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
    result = subprocess.run([sys.executable, "-c", PROBE, *args], input=json.dumps(HEAVY) + "\n",
                            capture_output=True, text=True, timeout=60)
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
