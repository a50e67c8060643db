"""Measure ``learnloop study`` against gitingest, cloc, pydeps and repomix on one source tree, interleaved.

Each tool runs as its own process (start-up and imports included), in turns (A B C ... A B C ...), on the
same tree. CPU seconds (user + system of the process and all its children, from ``getrusage``) are
reported beside wall seconds, and the 1-minute load average is read before and after every run: the
machine this was written on has 2 cores shared with other work, so wall times move with the load while
CPU seconds move much less. Ratios are against gitingest (a text dump: the lower bound a study should beat).

    python benchmarks/study_vs_peers.py                       # scikit-learn's installed package, 3 rounds
    python benchmarks/study_vs_peers.py --tree /tmp/sklearn-tree/sklearn --rounds 5 --tools learnloop-cold,gitingest

The tools:
- ``learnloop-cold``: ``learnloop study TREE --format json --out r.json`` with a fresh LEARNLOOP_HOME and
  LEARNLOOP_CACHE each run (no parse cache, no parsed map: what a first study costs);
- ``learnloop-warm``: the same with a cache kept from a first, unmeasured run (nothing changed in the tree);
- ``learnloop-picture``: cold, also drawing the import graph (``--graph g.png``; matplotlib included);
- ``gitingest TREE -o digest.txt`` (it keeps no cache); ``cloc TREE --json --quiet``;
  ``pydeps TREE --no-output --show-deps --max-bacon 0 --include-missing --no-config --only NAME`` (the whole
  graph of the tree's own modules; without ``--only`` it follows every import into site-packages, 254 s on a
  7-file tree that imports torch; only ``--slow-rounds`` rounds); ``repomix TREE -o pack.xml --quiet``.
Peers are found on PATH (``pip install gitingest pydeps``, ``apt-get install -y cloc``, ``npm install -g
repomix``); a missing one is listed as missing. The start-up table compares ``learnloop study EMPTY`` with
``python -c pass`` and ``learnloop --help``. Results: ``benchmarks/results/study_vs_peers.md``.

learnloop's own modules are byte-compiled first (as ``pip install`` does for the peers): with
``PYTHONDONTWRITEBYTECODE`` set, as on the machine this was written on, every run would otherwise compile
learnloop's source again (40 modules, about 0.05 s) while the peers load their ``.pyc`` files.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
RESULTS_MD = HERE / "results" / "study_vs_peers.md"
WORK = Path(tempfile.gettempdir()) / "study-bench"
TOOLS = ("learnloop-cold", "learnloop-warm", "learnloop-picture", "gitingest", "cloc", "pydeps", "repomix")
SLOW = frozenset({"pydeps"})
TIMEOUT = 900


def default_tree() -> Path:
    """A copy of the installed scikit-learn package folder (``__pycache__`` left out), made once."""
    import sklearn

    copy = WORK / "sklearn"
    if not copy.exists():
        shutil.copytree(
            Path(sklearn.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True
        )
    return copy


def load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0]) if Path("/proc/loadavg").exists() else float("nan")


def learnloop(tree: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "learnloop",
        "study",
        str(tree),
        "--format",
        "json",
        "--out",
        str(out / "r.json"),
        "--force",  # the warm runs write the same file again
        *extra,
    ]


def command(tool: str, tree: Path, out: Path) -> list[str] | None:
    if tool in ("learnloop-cold", "learnloop-warm"):
        return learnloop(tree, out)
    if tool == "learnloop-picture":
        return learnloop(tree, out, "--graph", str(out / "g.png"))
    peer = {
        "gitingest": [str(tree), "-o", str(out / "digest.txt")],
        "cloc": [str(tree), "--json", "--quiet"],
        "pydeps": [
            str(tree),
            "--no-output",
            "--show-deps",
            "--max-bacon",
            "0",
            "--include-missing",
            "--no-config",
            "--only",
            tree.name,
        ],
        "repomix": [str(tree), "-o", str(out / "pack.xml"), "--quiet"],
    }[tool]
    found = shutil.which(tool)
    return [found, *peer] if found else None


def run(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, float | int | str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = load()
    started = time.perf_counter()
    try:
        done = subprocess.run(
            argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=TIMEOUT, check=False
        )
        code: int | str = done.returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "exit": code, "load_before": load_before, "load_after": load()}


def environment(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "LEARNLOOP_HOME": str(home / "home"),
        "LEARNLOOP_CACHE": str(home / "cache"),
        "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "NO_COLOR": "1",
        "MPLBACKEND": "Agg",
    }
    env.pop("CI", None)
    return env


def measure(tree: Path, tools: list[str], rounds: int, slow_rounds: int) -> dict[str, list[dict[str, object]]]:
    results: dict[str, list[dict[str, object]]] = {t: [] for t in tools}
    warm_home = Path(tempfile.mkdtemp(prefix="warm-", dir=WORK))
    warm_out = warm_home / "out"
    warm_out.mkdir()
    if "learnloop-warm" in tools:  # the first study fills the cache; it is not measured
        subprocess.run(
            learnloop(tree, warm_out), env=environment(warm_home), cwd=warm_out, check=True, stdout=subprocess.DEVNULL
        )
    for number in range(rounds):
        for tool in tools:
            if tool in SLOW and number >= slow_rounds:
                continue
            home = warm_home if tool == "learnloop-warm" else Path(tempfile.mkdtemp(prefix=f"{tool}-", dir=WORK))
            out = home / "out"
            out.mkdir(exist_ok=True)
            argv = command(tool, tree, out)
            if argv is None:
                results[tool].append({"missing": True})
                continue
            measured = run(argv, environment(home), out)
            results[tool].append(measured)
            print(
                f"round {number + 1} {tool:18} wall {measured['wall']:6.2f} s  cpu {measured['cpu']:6.2f} s  "
                f"load {measured['load_before']:.1f}->{measured['load_after']:.1f}  exit {measured['exit']}",
                file=sys.stderr,
            )
            if home is not warm_home:
                shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(warm_home, ignore_errors=True)
    return results


def startup(rounds: int) -> dict[str, list[dict[str, object]]]:
    empty = Path(tempfile.mkdtemp(prefix="empty-", dir=WORK))
    home = Path(tempfile.mkdtemp(prefix="startup-", dir=WORK))
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "learnloop --help": [sys.executable, "-m", "learnloop", "--help"],
        "learnloop study EMPTY": [sys.executable, "-m", "learnloop", "study", str(empty)],
    }
    found: dict[str, list[dict[str, object]]] = {name: [] for name in commands}
    subprocess.run(commands["learnloop study EMPTY"], env=environment(home), check=True, stdout=subprocess.DEVNULL)
    for _ in range(rounds):
        for name, argv in commands.items():
            found[name].append(run(argv, environment(home), home))
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(empty, ignore_errors=True)
    return found


def median(runs: list[dict[str, object]], key: str) -> float:
    values = [float(r[key]) for r in runs if not r.get("missing") and r.get("exit") == 0]  # type: ignore[arg-type]
    return statistics.median(values) if values else float("nan")


def table(
    tree: Path, results: dict[str, list[dict[str, object]]], boot: dict[str, list[dict[str, object]]], rounds: int
) -> str:
    python_files = sum(1 for _ in tree.rglob("*.py"))
    lines = [
        "# learnloop study vs gitingest, cloc, pydeps and repomix",
        "",
        f"Measured {datetime.now(UTC).isoformat(timespec='seconds')} by `benchmarks/study_vs_peers.py`, "
        f"{rounds} round(s), tools interleaved, on {os.cpu_count()} cores **shared with seven other "
        "sessions' work** (load averages below). Tree: "
        f"`{tree}` ({python_files} .py files). Medians; ratio = learnloop's / the peer's (below 1: learnloop "
        "is faster).",
        "",
        "| tool | wall s | CPU s | wall / gitingest | CPU / gitingest | runs | load before-after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    base_wall, base_cpu = median(results.get("gitingest", []), "wall"), median(results.get("gitingest", []), "cpu")
    for tool, runs in results.items():
        good = [r for r in runs if not r.get("missing") and r.get("exit") == 0]
        if not good:
            why = "missing" if runs and runs[0].get("missing") else f"failed ({runs[0].get('exit') if runs else '-'})"
            lines.append(f"| {tool} | - | - | - | - | 0 | {why} |")
            continue
        wall, cpu = median(good, "wall"), median(good, "cpu")
        loads = [float(r["load_before"]) for r in good] + [float(r["load_after"]) for r in good]  # type: ignore[arg-type]
        lines.append(
            f"| {tool} | {wall:.2f} | {cpu:.2f} | {wall / base_wall:.2f} | {cpu / base_cpu:.2f} | "
            f"{len(good)} | {min(loads):.1f}-{max(loads):.1f} |"
        )
    lines += ["", "## Start-up", "", "| command | wall s | CPU s | runs |", "| --- | ---: | ---: | ---: |"]
    for name, runs in boot.items():
        lines.append(f"| {name} | {median(runs, 'wall'):.3f} | {median(runs, 'cpu'):.3f} | {len(runs)} |")
    lines += [
        "",
        "Notes:",
        "- learnloop parses every Python file outside tests and vendored code with `ast` (tests and vendored "
        "code by a line scan), so it finds libraries, entry points, models, roles and a reading order; "
        "gitingest and repomix write the tree's text into one file, cloc counts lines, pydeps builds the "
        "import graph.",
        "- A cold learnloop run also reads the map's library cards from the YAML (topics and focuses files "
        "only; its cache is fresh too) and the study's own tables; a warm one reads both from JSON caches and "
        "takes the facts of unchanged files from the parse cache.",
        "- CPU seconds are the figure to compare on a loaded machine: wall seconds include waiting for a core.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=None, help="the source tree (default: installed sklearn)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slow-rounds", type=int, default=1, help="rounds for pydeps")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--startup-rounds", type=int, default=7)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    import compileall

    compileall.compile_dir(str(SRC / "learnloop"), quiet=1)
    tree = args.tree.resolve() if args.tree else default_tree()
    tools = [t for t in args.tools.split(",") if t]
    results = measure(tree, tools, args.rounds, args.slow_rounds)
    boot = startup(args.startup_rounds)
    text = table(tree, results, boot, args.rounds)
    RESULTS_MD.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_MD.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
