"""Measure ``learnloop study`` against pydeps, pipreqs and gitingest on scikit-learn's and pandas's trees.

Each tool runs as its own process (start-up and imports included), in turns, on the same copies of the
installed ``sklearn`` and ``pandas`` package folders. The copies (under /tmp, ``__pycache__`` left out)
keep pydeps from wandering into every other package of site-packages, which it does when pointed at
the installed folder itself (176 s on scikit-learn here). Peers live in their own virtual environments
under /tmp, installed with pip on first use:

    python benchmarks/study_vs_peers.py                     # 3 rounds of everything, then the table
    python benchmarks/study_vs_peers.py --rounds 1 --tools learnloop,pipreqs --targets sklearn

What each runs: ``learnloop study TREE --graph g.png --format json --out r.json`` (the picture included),
plus the same with ``--workers 1`` to show what parallel parsing buys; ``pipreqs --use-local --print --debug
TREE`` (``--use-local``: no PyPI look-ups; ``--debug`` prints the imports it found);
``pydeps TREE --no-output --show-deps --max-bacon 0 --include-missing`` (the whole graph as JSON, with the
modules its own venv lacks, such as numpy; no graphviz rendering, which took over 600 s);
``gitingest TREE -o digest.txt``. Wall and CPU time are medians of the rounds; peak memory is the largest sum
of resident memory over the process and its children, sampled every 10 ms. Besides speed, the table says
what each found: whether numpy is among the dependencies, whether standard-library modules are reported as
third-party, and whether entry points and a reading order come out. The table goes to
``benchmarks/results/study_vs_peers.md``, the raw runs to /tmp/study-bench. Load averages are recorded
because the machine's 2 cores may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "results" / "study_vs_peers.md"
WORK = Path(tempfile.gettempdir()) / "study-bench"
RESULTS_JSON = WORK / "study_vs_peers.json"  # every run, raw, for --table-only
OUT = WORK / "out"

PEERS = {"pydeps": "pydeps", "pipreqs": "pipreqs", "gitingest": "gitingest"}
TOOLS = ("learnloop", "learnloop-1-process", "pipreqs", "pydeps", "gitingest")
TARGETS = ("sklearn", "pandas")
TIMEOUT = 1800
STDLIB = frozenset(sys.stdlib_module_names)


def venv_bin(peer: str) -> Path:
    return Path(f"/tmp/peer-{peer}/bin")


def ensure_peer(peer: str) -> str | None:
    """Install a peer in its own venv if needed; return its version, or None if it does not install."""
    python = venv_bin(peer) / "python"
    if not (venv_bin(peer) / peer).exists():
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", PEERS[peer], "psutil"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{peer} does not install: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            return None
    shown = subprocess.run([str(python), "-m", "pip", "show", PEERS[peer]], capture_output=True, text=True)
    return next((line.split(":", 1)[1].strip() for line in shown.stdout.splitlines() if line.startswith("Version")),
                "?")


def prepare_tree(target: str) -> Path:
    """A copy of the installed package folder (without __pycache__), made once."""
    module = __import__(target)
    source = Path(module.__file__).parent
    copy = WORK / target
    if not copy.exists():
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    return copy


def command(tool: str, tree: Path, target: str) -> list[str]:
    out = OUT / f"{tool}-{target}"
    if tool.startswith("learnloop"):
        argv = [sys.executable, "-m", "learnloop", "study", str(tree), "--graph", f"{out}.png", "--format", "json",
                "--out", f"{out}.json"]
        return argv + (["--workers", "1"] if tool == "learnloop-1-process" else [])
    if tool == "pipreqs":
        return [str(venv_bin("pipreqs") / "pipreqs"), "--use-local", "--print", "--debug", str(tree)]
    if tool == "pydeps":
        return [str(venv_bin("pydeps") / "pydeps"), str(tree), "--no-output", "--show-deps", "--max-bacon", "0",
                "--include-missing", "--no-config"]
    if tool == "gitingest":
        return [str(venv_bin("gitingest") / "gitingest"), str(tree), "-o", f"{out}.txt"]
    raise ValueError(tool)


def measure(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run one command; wall time, peak resident memory of its process tree, exit code, output."""
    import resource

    import psutil

    peak = 0
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=OUT, text=True)
    watched = psutil.Process(process.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                tree = [watched, *watched.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            stop.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
        code = process.returncode
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        code = "timeout"
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mib": peak / 1024**2, "exit": code, "stdout": stdout, "stderr": stderr}


def findings(tool: str, target: str, run: dict[str, object]) -> dict[str, object]:
    """What the tool found: numpy kept? stdlib called third-party? entry points, reading order?"""
    out = OUT / f"{tool}-{target}"
    if tool.startswith("learnloop"):
        report = json.loads(Path(f"{out}.json").read_text())
        third = [lib["import_name"] for lib in report["third_party"]]
        return {"numpy": "numpy" in third, "stdlib_as_third_party": sorted(set(third) & STDLIB),
                "third_party": len(third), "entry_points": len(report["entry_points"]),
                "reading_order": len(report["reading_order"]), "picture": Path(f"{out}.png").exists(),
                "modules": len(report["graph"]["nodes"]), "edges": len(report["graph"]["edges"])}
    if tool == "pipreqs":
        line = next((ln for ln in str(run["stderr"]).splitlines() if "Found imports:" in ln), "")
        found = [n.strip() for n in line.split("Found imports:", 1)[-1].split(",") if n.strip()]
        return {"numpy": "numpy" in found, "stdlib_as_third_party": sorted(set(found) & STDLIB),
                "third_party": len(found), "entry_points": None, "reading_order": None}
    if tool == "pydeps":
        try:
            deps = json.loads(str(run["stdout"]))
        except json.JSONDecodeError:
            return {"error": "no JSON output"}
        external = sorted({name.split(".")[0] for name in deps if name.split(".")[0] != target})
        return {"numpy": "numpy" in external, "stdlib_as_third_party": sorted(set(external) & STDLIB),
                "third_party": len(set(external) - STDLIB), "entry_points": None, "reading_order": None,
                "modules": sum(1 for name in deps if name.split(".")[0] == target)}
    if tool == "gitingest":
        digest = Path(f"{out}.txt")
        return {"numpy": None, "stdlib_as_third_party": None, "digest_mib": round(digest.stat().st_size / 1024**2, 1)
                if digest.exists() else None, "entry_points": None, "reading_order": None}
    return {}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(tools: list[str], targets: list[str], rounds: int) -> dict[str, object]:
    OUT.mkdir(parents=True, exist_ok=True)
    versions = {"learnloop": _learnloop_version(), "python": sys.version.split()[0]}
    available = []
    for tool in tools:
        if tool in PEERS:
            version = ensure_peer(tool)
            if version is None:
                continue
            versions[tool] = version
        available.append(tool)
    trees = {t: prepare_tree(t) for t in targets}
    sizes = {t: _tree_size(trees[t]) for t in targets}
    env = {**os.environ, "LEARNLOOP_HOME": str(WORK / "home"), "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    runs: dict[str, list[dict[str, object]]] = {}
    for number in range(1, rounds + 1):
        for target in targets:
            for tool in available:  # in turns, so a change in the machine's load touches every tool alike
                before = load_average()
                result = measure(command(tool, trees[target], target), env)
                result["load_before"], result["load_after"] = before, load_average()
                result["findings"] = findings(tool, target, result) if result["exit"] == 0 else {}
                print(f"round {number} {target:8s} {tool:20s} {result['wall']:7.2f} s "
                      f"{result['peak_mib']:7.0f} MiB exit {result['exit']}", flush=True)
                result.pop("stdout")
                result["stderr"] = str(result["stderr"])[-400:]
                runs.setdefault(f"{tool}|{target}", []).append(result)
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(), "versions": versions,
            "sizes": sizes, "rounds": rounds, "runs": runs}


def _learnloop_version() -> str:
    from learnloop import __version__

    return __version__


def _tree_size(tree: Path) -> dict[str, int]:
    files = list(tree.rglob("*.py"))
    return {"py_files": len(files), "lines": sum(p.read_bytes().count(b"\n") for p in files)}


def table(data: dict[str, object]) -> str:
    runs: dict[str, list[dict[str, object]]] = data["runs"]  # type: ignore[assignment]
    sizes: dict[str, dict[str, int]] = data["sizes"]  # type: ignore[assignment]
    versions: dict[str, str] = data["versions"]  # type: ignore[assignment]
    lines = [
        "# learnloop study vs pydeps, pipreqs and gitingest",
        "",
        f"Measured {data['when']} on {data['cpus']} cores by `benchmarks/study_vs_peers.py`, "
        f"{data['rounds']} round(s), tools in turns; wall time is the median. Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        "ratio = the tool's median wall time / learnloop's (above 1: learnloop is faster).",
        "",
    ]
    targets = sorted({key.split("|")[1] for key in runs}, key=lambda t: TARGETS.index(t) if t in TARGETS else 9)
    for target in targets:
        size = sizes.get(target, {})
        lines += [f"## {target} ({size.get('py_files', '?')} .py files, {size.get('lines', 0):,} lines)", "",
                  "| tool | wall s (median) | min | max | CPU s (median) | peak MiB | ratio | numpy kept "
                  "| stdlib called third-party | entry points | reading order | load avg |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |"]
        base = runs.get(f"learnloop|{target}", [])
        base_wall = statistics.median(float(r["wall"]) for r in base) if base else None
        for tool in TOOLS:
            results = runs.get(f"{tool}|{target}")
            if not results:
                continue
            ok = [r for r in results if r["exit"] == 0]
            walls = [float(r["wall"]) for r in results]
            median = statistics.median(walls)
            found = (ok[-1]["findings"] if ok else {}) or {}
            stdlib = found.get("stdlib_as_third_party")
            stdlib_text = "n/a" if stdlib is None else ("none" if not stdlib else
                                                       f"{len(stdlib)}: " + ", ".join(stdlib[:6]))
            numpy = found.get("numpy")
            loads = [r["load_before"][0] for r in results]  # type: ignore[index]
            ratio = f"{median / base_wall:.2f}" if base_wall else "-"
            entries = found.get("entry_points")
            order = found.get("reading_order")
            failed = "" if len(ok) == len(results) else f" ({len(results) - len(ok)} failed: exit "\
                f"{', '.join(str(r['exit']) for r in results if r['exit'] != 0)})"
            lines.append(
                f"| {tool}{failed} | {median:.2f} | {min(walls):.2f} | {max(walls):.2f} | "
                f"{statistics.median(float(r.get('cpu', 0)) for r in results):.2f} | "
                f"{max(float(r['peak_mib']) for r in results):.0f} | {ratio} | "
                f"{'n/a' if numpy is None else ('yes' if numpy else '**no**')} | {stdlib_text} | "
                f"{'none' if entries is None else entries} | {'none' if order is None else f'{order} steps'} | "
                f"{min(loads):.1f}-{max(loads):.1f} |")
        lines.append("")
    lines += [
        "Notes:",
        "- learnloop's time includes drawing the import graph picture (`--graph`) and writing the JSON report.",
        "- pydeps runs with `--no-output` (no graphviz rendering), `--max-bacon 0` (the whole graph) and "
        "`--include-missing` (modules its venv lacks, e.g. numpy, are kept).",
        "- pipreqs runs with `--use-local` so it makes no PyPI look-ups; its import list comes from `--debug`.",
        "- gitingest does no dependency analysis: it writes the tree's text into one digest file. learnloop parses "
        "every Python file with `ast` (about half of its CPU; importing matplotlib and drawing, about a fifth), "
        "so it spends about twice gitingest's CPU; on a loaded machine its two workers cannot make that up.",
        "- CPU s: user + system time of the tool's process and all its children (learnloop's parsing workers).",
        "- gitingest tries to download a tiktoken encoding to count tokens; offline, that fails fast and it goes on.",
        "- load avg: the 1-minute load average before each run (the 2 cores are shared with other work).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--table-only", action="store_true", help="re-render the table from the saved JSON")
    args = parser.parse_args()
    if args.table_only:
        data = json.loads(RESULTS_JSON.read_text())
    else:
        data = run(args.tools.split(","), args.targets.split(","), args.rounds)
        RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_JSON.write_text(json.dumps(data, indent=1))
    RESULTS_MD.write_text(table(data))
    print(RESULTS_MD.read_text())


if __name__ == "__main__":
    main()
