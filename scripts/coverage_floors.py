"""Fail when branch coverage falls below its floors: the whole package, and the loop's rules and records.

Run by `.ci/run` after the test suite: ``python scripts/coverage_floors.py coverage.json``. The floors and why:

- the loop package (``learnloop/loop/``) >= 90%: it decides what a learner is told to do next, and every state of the
  loop is reachable in a test, so an untested branch there is a missing test, not a hard-to-reach case;
- the whole package >= FLOOR_TOTAL: the rest includes worker-pool, signal and platform branches that only run under
  faults; the floor is set a little under what the suite measures today, so it catches tests being removed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FLOOR_TOTAL = 80.0
FLOOR_LOOP = 90.0


def branch_percent(files: dict[str, dict], prefix: str) -> tuple[float, int]:
    covered = total = 0
    count = 0
    for name, data in files.items():
        if prefix not in name.replace("\\", "/"):
            continue
        summary = data["summary"]
        covered += summary["covered_lines"] + summary.get("covered_branches", 0)
        total += summary["num_statements"] + summary.get("num_branches", 0)
        count += 1
    return (100.0 * covered / total if total else 100.0), count


def main(path: str) -> int:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    files = report["files"]
    total, _ = branch_percent(files, "learnloop/")
    loop, n_loop = branch_percent(files, "learnloop/loop/")
    failed = False
    for label, value, floor in (("whole package", total, FLOOR_TOTAL), (f"loop/ ({n_loop} files)", loop, FLOOR_LOOP)):
        status = "ok" if value >= floor else "BELOW THE FLOOR"
        print(f"coverage (lines + branches) of {label}: {value:.1f}% (floor {floor:.0f}%): {status}")
        failed |= value < floor
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
