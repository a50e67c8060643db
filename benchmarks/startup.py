"""How fast do everyday commands answer? Each against `python -c pass`, interleaved, CPU seconds beside wall.

Run: python benchmarks/startup.py [--rounds 15]. Writes benchmarks/results/startup.md.

Every round runs every case once, in a shuffled order (A B C ... then again), so a burst of load from elsewhere
falls on all cases alike; the table gives medians over the rounds. CPU is user + system time of the child
process (``resource.getrusage(RUSAGE_CHILDREN)`` deltas): what a loaded or one-core machine pays.
Goals (issue 18): status, `gap add`, `gap list`, `history`, `map`, `search` <= 8x the CPU of `python -c pass`;
`--help` and `--version` <= 7x.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "startup.md"
GOALS = {"--help": 7.0, "--version": 7.0}
DEFAULT_GOAL = 8.0


def _learnloop() -> list[str]:
    script = Path(sys.executable).parent / "learnloop"
    return [str(script)] if script.exists() else [sys.executable, "-m", "learnloop"]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="learnloop-bench-")
    env = {**os.environ, "LEARNLOOP_HOME": home, "NO_COLOR": "1", "COLUMNS": "100"}
    ll = _learnloop()
    subprocess.run([*ll, "start"], env=env, stdout=subprocess.DEVNULL, check=True)
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "learnloop --help": [*ll, "--help"],
        "learnloop --version": [*ll, "--version"],
        "learnloop (status)": ll,
        "learnloop gap add": [*ll, "gap", "add", "what does a kernel do?"],
        "learnloop gap list": [*ll, "gap", "list"],
        "learnloop history": [*ll, "history"],
        "learnloop map": [*ll, "map"],
        "learnloop search": [*ll, "search", "graph neural"],
    }
    for argv in cases.values():  # warm the file cache, the map cache and the database
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    load_before = os.getloadavg()
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    rng = random.Random(0)
    for _ in range(args.rounds):
        order = list(cases)
        rng.shuffle(order)
        for name in order:
            wall, cpu = run_once(cases[name], env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    load_after = os.getloadavg()
    peer_wall = statistics.median(walls["python -c pass"])
    peer_cpu = statistics.median(cpus["python -c pass"])
    lines = [
        "# Startup: everyday commands against `python -c pass`",
        "",
        f"{args.rounds} rounds, every case once per round in a shuffled order; {os.cpu_count()} cores; "
        f"Python {sys.version.split()[0]}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after.",
        "",
        "| command | wall median s | CPU median s | wall ratio | CPU ratio | goal (CPU ratio) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in cases:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        if name.startswith("python"):
            goal = ""
        else:
            limit = next((g for flag, g in GOALS.items() if name.endswith(flag)), DEFAULT_GOAL)
            goal = f"{'met' if cpu / peer_cpu <= limit else 'MISSED'} (<= {limit:g}x)"
        lines.append(f"| {name} | {wall:.3f} | {cpu:.3f} | {wall / peer_wall:.1f}x | {cpu / peer_cpu:.1f}x | {goal} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
