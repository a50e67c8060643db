"""pyproject's classifiers name exactly the Pythons `.ci/run` tests: the floor of ``requires-python`` (the main run)
and each version of the loop that runs the fast subset in its own venv."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_classifiers_name_exactly_the_tested_pythons() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floor = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"])
    assert floor, project["requires-python"]
    named = {
        c.rsplit("::", 1)[1].strip()
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    loops = re.findall(r"^for version in ([0-9. ]+); do", (ROOT / ".ci" / "run").read_text(), flags=re.MULTILINE)
    assert len(loops) == 1, "one loop in .ci/run runs the fast subset on the other Pythons"
    tested = {floor.group(1), *loops[0].split()}
    assert named == tested
