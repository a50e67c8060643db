"""benchmarks/class_load.py run tiny (5 students, 3 s), so the harness does not rot between the real runs.

It starts its own PostgreSQL (initdb + pg_ctl from Debian's postgresql package), seeds through the classroom
functions, serves `learnloop serve --class` and drives the whole mix. Times are printed, never asserted: what this
checks is that every part of the mix ran, answered without an error, and that the cluster is gone afterwards.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "class_load.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("class_load", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["class_load"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_the_class_load_harness_runs_tiny_with_no_error(tmp_path: Path, require_system) -> None:  # type: ignore[no-untyped-def]
    class_load = load_script()
    require_system(
        "PostgreSQL's server programs (initdb, pg_ctl)",
        class_load.postgres_bin() is not None,
        "apt-get install -y postgresql",
    )
    before = set(Path("/tmp").glob("learnloop-class-load-*"))
    code = class_load.main(
        ["--students", "5", "--duration", "3", "--think", "0.3", "--refresh", "0.5", "--laptops", "0.4",
         "--workers", "1,2", "--warmup", "1", "--out", str(tmp_path)]
    )  # fmt: skip
    result = json.loads((tmp_path / "class_load.json").read_text())
    assert code == 0, result
    assert result["errors"] == 0
    assert result["notices"] == []  # every part of the mix exists: nothing was skipped
    assert [run["workers"] for run in result["runs"]] == [1, 2]  # one window each, the server restarted between
    for run in result["runs"]:
        routes = {r["route"] for r in run["routes"]}
        assert {"GET /", "POST /gaps", "POST /notes", "GET /classes/{id}", "PUT /api/v1/progress"} <= routes, run
        assert all(r["requests"] > 0 for r in run["routes"])
    assert {"POST /login", "POST /api/v1/join"} <= {r["route"] for r in result["setup_routes"]}
    assert "| route | requests |" in (tmp_path / "class_load.md").read_text()
    assert set(Path("/tmp").glob("learnloop-class-load-*")) <= before  # its PostgreSQL folder is removed
