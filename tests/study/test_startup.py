"""What ``learnloop study`` must not import on its hot paths: an empty folder, and a small tree once the
caches exist. Each is a fresh interpreter; what the interpreter's own start-up imported (``site`` and
``.pth`` files) is left out, so only what learnloop itself imports is judged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Never for a study without a picture: the ORM, the web, the plotting stack, the notebook reader.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "matplotlib",
    "numpy",
    "pandas",
    "sklearn",
    "torch",
    "nbformat",
    "rapidfuzz",
)
# Never on a small tree: the report is plain dataclasses and the map's cards are read lightly (no schema, no
# validation); one process reads (no pool); nothing is unpacked.
NOT_ON_A_SMALL_TREE = (
    *HEAVY,
    "pydantic",
    "pydantic_core",
    "learnloop.atlas.schema",
    "learnloop.atlas.search",
    "learnloop.store",
    "learnloop.loop",
    "multiprocessing",
    "concurrent.futures",
    "tarfile",
)
# And once the caches exist, not even the YAML reader: the study's tables and the map's cards are JSON there.
NOT_WHEN_WARM = (*NOT_ON_A_SMALL_TREE, "yaml")

PROBE = """
import json, sys
before = set(sys.modules)
sys.argv = ["learnloop", "study", *sys.argv[1:]]
from learnloop.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("LOADED=" + json.dumps({"new": sorted(set(sys.modules) - before), "code": code}) + "\\n")
"""


def _study_imports(tmp_path: Path, *args: str) -> set[str]:
    env = {
        **os.environ,
        "LEARNLOOP_HOME": str(tmp_path / "home"),
        "LEARNLOOP_CACHE": str(tmp_path / "cache"),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    env.pop("CI", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("LOADED="))
    found = json.loads(line.removeprefix("LOADED="))
    assert found["code"] in (0, None), result.stderr
    return set(found["new"])


def _offending(loaded: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in forbidden))


def test_an_empty_folder_imports_nothing_heavy_even_the_first_time(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    first = _study_imports(tmp_path, str(empty))
    assert "learnloop.study.survey" in first  # the probe did run the study
    assert _offending(first, NOT_ON_A_SMALL_TREE) == []
    assert not any(m.startswith("learnloop.atlas") for m in first)  # no code, no libraries: no map at all
    assert _offending(_study_imports(tmp_path, str(empty)), NOT_WHEN_WARM) == []


def test_a_small_tree_reads_only_the_cards_of_the_map(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "README.md").write_text("# tiny\n\nRun `python train.py`.\n", encoding="utf-8")
    (tree / "train.py").write_text(
        "import torch\nimport numpy as np\n\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n"
        "        return x\n\n\nmodel = Net()\nloss = model(np.ones(3)).sum()\nloss.backward()\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    first = _study_imports(tmp_path, str(tree), "--out", str(out))
    assert "learnloop.atlas.cards" in first
    assert _offending(first, NOT_ON_A_SMALL_TREE) == []
    report = json.loads(out.read_text(encoding="utf-8"))
    torch = next(lib for lib in report["third_party"] if lib["import_name"] == "torch")
    assert torch["topics"], "the light reader found torch's card"
    warm = _study_imports(tmp_path, str(tree), "--out", str(out), "--force")
    assert _offending(warm, NOT_WHEN_WARM) == []
