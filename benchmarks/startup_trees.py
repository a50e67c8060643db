"""Startup before and after a change: two source trees side by side, CPU seconds against `python -c pass`.

Run: python benchmarks/startup_trees.py [--rounds 7] BEFORE_SRC [AFTER_SRC] (AFTER_SRC defaults to this
checkout's src). Every round runs every (tree, command) pair once, in a shuffled order, so load from elsewhere
falls on both trees alike; prints a Markdown table of CPU medians (getrusage of the children) and their ratios
to `python -c pass`, with the load average before and after (paste it into results/startup.md).
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
from pathlib import Path

CASES: dict[str, list[str] | None] = {
    "python -c pass": None,
    "learnloop --help": ["--help"],
    "learnloop (status)": [],
    "learnloop gap add": ["gap", "add", "what does a kernel do?"],
    "learnloop gap list": ["gap", "list"],
    "learnloop history": ["history"],
    "learnloop map": ["map"],
    "learnloop search": ["search", "graph neural"],
}


def _argv(args: list[str] | None) -> list[str]:
    return [sys.executable, "-c", "pass"] if args is None else [sys.executable, "-m", "learnloop", *args]


def _cpu(argv: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after", nargs="?", default=str(Path(__file__).resolve().parent.parent / "src"))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    trees = {"before": args.before, "after": args.after}
    base = {
        **os.environ,
        "LEARNLOOP_HOME": tempfile.mkdtemp(prefix="learnloop-trees-"),
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    envs = {name: {**base, "PYTHONPATH": src} for name, src in trees.items()}
    subprocess.run(_argv(["start"]), env=envs["before"], capture_output=True, check=True)
    for env in envs.values():  # warm the file cache, the map cache and the database
        for case in CASES.values():
            subprocess.run(_argv(case), env=env, capture_output=True, check=False)
    cpus: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in CASES}
    load_before = os.getloadavg()[0]
    rng = random.Random(1)
    for _ in range(args.rounds):
        order = list(cpus)
        rng.shuffle(order)
        for tree, case in order:
            cpus[(tree, case)].append(_cpu(_argv(CASES[case]), envs[tree]))
    load_after = os.getloadavg()[0]
    peer = {t: statistics.median(cpus[(t, "python -c pass")]) for t in trees}
    print(
        f"{args.rounds} rounds, both trees and every command shuffled in each round; {os.cpu_count()} cores; "
        f"load average {load_before:.2f} before, {load_after:.2f} after.\n"
    )
    print("| command | before CPU s | before ratio | after CPU s | after ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for case in CASES:
        b, a = statistics.median(cpus[("before", case)]), statistics.median(cpus[("after", case)])
        print(f"| {case} | {b:.3f} | {b / peer['before']:.1f}x | {a:.3f} | {a / peer['after']:.1f}x |")


if __name__ == "__main__":
    main()
