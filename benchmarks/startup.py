"""How fast does the CLI answer? `learnloop --help` and `learnloop map` against `python -c pass`, same run.

Run: python benchmarks/startup.py [--runs 21]. Writes benchmarks/results/startup.md.
Goal (issue 3): median under 0.3 s for both commands here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "startup.md"


def _learnloop() -> list[str]:
    script = Path(sys.executable).parent / "learnloop"
    return [str(script)] if script.exists() else [sys.executable, "-m", "learnloop"]


def measure(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="learnloop-bench-")
    env = {**os.environ, "LEARNLOOP_HOME": home, "NO_COLOR": "1", "COLUMNS": "100"}
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "learnloop --help": [*_learnloop(), "--help"],
        "learnloop map": [*_learnloop(), "map"],
        "learnloop (status)": _learnloop(),
    }
    for argv in cases.values():  # warm the file cache and the first-run database creation
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    results = {name: measure(argv, args.runs, env) for name, argv in cases.items()}
    peer = statistics.median(results["python -c pass"])
    lines = [
        "# Startup: learnloop against `python -c pass`",
        "",
        f"{args.runs} runs each, interleaved warm-up first; {os.cpu_count()} cores; Python {sys.version.split()[0]}.",
        "",
        "| command | median s | p90 s | ratio to python -c pass | goal |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, times in results.items():
        median = statistics.median(times)
        p90 = sorted(times)[int(0.9 * (len(times) - 1))]
        goal = "" if name.startswith("python") or "status" in name else ("met" if median < 0.3 else "MISSED (< 0.3 s)")
        lines.append(f"| {name} | {median:.3f} | {p90:.3f} | {median / peer:.2f} | {goal} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
