"""Measure ``learnloop baseline`` against LazyPredict and PyCaret, side by side, on the same files.

Each tool runs as its own process (imports included in the wall time), one after the other, on the
same CSV files. Peers live in their own virtual environments under /tmp so they never touch ours:

    python benchmarks/baseline_vs_peers.py                       # everything, then write the table
    python benchmarks/baseline_vs_peers.py --tools lazypredict --sets synth100k   # one cell
    python benchmarks/baseline_vs_peers.py --table-only          # re-render the table from saved runs
    python benchmarks/baseline_vs_peers.py --rounds 3 --tools lazypredict,learnloop --sets wine,iris
                                               # interleaved: A B A B A B per set, medians in the table

Every finished run is saved to ``benchmarks/results/baseline_vs_peers.json`` (keyed by tool and set, with
the load average seen before and after it, since the 2 cores may be shared), and the Markdown table in
``benchmarks/results/baseline_vs_peers.md`` is written from that file. A run past the timeout (default
30 minutes) is killed and recorded as such.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results" / "baseline_vs_peers.json"
RESULTS_MD = HERE / "results" / "baseline_vs_peers.md"
WORK = Path(tempfile.gettempdir()) / "learnloop-bench"

PEERS = {
    "lazypredict": {"venv": Path("/tmp/peer-lazypredict"), "pip": ["lazypredict==0.3.0", "psutil"]},
    "pycaret": {"venv": Path("/tmp/peer-pycaret"), "pip": ["pycaret", "six", "psutil"]},
}
TOOLS = ("lazypredict", "pycaret", "learnloop")

# name -> (target column, task)
SETS = {
    "wine": ("target", "classification"),
    "iris": ("target", "classification"),
    "seattle_weather": ("weather", "classification"),
    "anes96": ("vote", "classification"),
    "breast_cancer": ("target", "classification"),
    "digits": ("target", "classification"),
    "penguins": ("species", "classification"),
    "diabetes": ("target", "regression"),
    "synth100k": ("target", "classification"),
    "synth1m": ("target", "classification"),
}
DEFAULT_SETS = ("breast_cancer", "digits", "penguins", "diabetes", "synth100k")
SMALL_SETS = ("wine", "iris", "seattle_weather", "anes96", "breast_cancer", "digits", "penguins", "diabetes")
ROUNDS_JSON = HERE / "results" / "baseline_vs_peers_rounds.json"

# LazyPredict's winner, re-scored with the 5-fold CV learnloop uses (same seeds as learnloop's folds), so the
# best scores compare like with like; runs in the peer's venv, outside the timed run.
RESCORE_RUNNER = textwrap.dedent("""
    import json, sys, warnings
    warnings.filterwarnings("ignore")
    import numpy as np, pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    import lazypredict.Supervised as lp
    path, target, task, name = sys.argv[1:5]
    frame = pd.read_csv(path)
    y = frame.pop(target)
    models = dict(lp.CLASSIFIERS if task == "classification" else lp.REGRESSORS)
    numeric = frame.select_dtypes(include=[np.number]).columns
    categorical = frame.select_dtypes(exclude=[np.number]).columns
    pre = ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numeric),
        ("categorical", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                                      OneHotEncoder(handle_unknown="ignore")), categorical)])
    kind = models[name]
    params = {"random_state": 42} if "random_state" in kind().get_params() else {}
    pipe = Pipeline([("pre", pre), ("model", kind(**params))])
    if task == "classification":
        cv, scoring = StratifiedKFold(5, shuffle=True, random_state=0), "accuracy"
    else:
        cv, scoring = KFold(5, shuffle=True, random_state=0), "r2"
    scores = cross_val_score(pipe, frame, y, cv=cv, scoring=scoring)
    print("RESULT " + json.dumps({"cv_best_score": float(scores.mean()), "cv_best_std": float(scores.std())}))
""")

LAZYPREDICT_RUNNER = textwrap.dedent("""
    import json, sys, warnings
    warnings.filterwarnings("ignore")
    import pandas as pd
    from sklearn.model_selection import train_test_split
    path, target, task = sys.argv[1:4]
    frame = pd.read_csv(path)
    y = frame.pop(target)
    X_train, X_test, y_train, y_test = train_test_split(frame, y, test_size=0.2, random_state=42)
    if task == "classification":
        from lazypredict.Supervised import LazyClassifier as Lazy
        column = "Accuracy"
    else:
        from lazypredict.Supervised import LazyRegressor as Lazy
        column = "R-Squared"
    table = Lazy(verbose=0, ignore_warnings=True).fit(X_train, X_test, y_train, y_test)
    if isinstance(table, tuple):
        table = table[0]
    best = table[column].astype(float).idxmax()
    print("RESULT " + json.dumps({"models": int(len(table)), "best_model": str(best),
                                  "best_score": float(table.loc[best, column]),
                                  "protocol": "single 80/20 split"}))
""")

PYCARET_RUNNER = textwrap.dedent("""
    import json, sys, warnings
    warnings.filterwarnings("ignore")
    import pandas as pd
    path, target, task = sys.argv[1:4]
    frame = pd.read_csv(path)
    if task == "classification":
        from pycaret.classification import compare_models, pull, setup
        column = "Accuracy"
    else:
        from pycaret.regression import compare_models, pull, setup
        column = "R2"
    setup(frame, target=target, session_id=0, verbose=False, html=False)
    compare_models(verbose=False)
    table = pull()
    best = table[column].astype(float).idxmax()
    print("RESULT " + json.dumps({"models": int(len(table)), "best_model": str(table.loc[best, "Model"]),
                                  "best_score": float(table.loc[best, column]),
                                  "protocol": "70/30 split, 10-fold CV on the 70%"}))
""")


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def prepare_data(name: str) -> Path:
    """Write one data set to a CSV file that every tool reads (reading is part of everyone's time)."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{name}.csv"
    if path.exists():
        return path
    import pandas as pd

    if name in ("breast_cancer", "digits", "diabetes", "wine", "iris"):
        from sklearn import datasets

        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        frame = bunch.frame
    elif name == "seattle_weather":
        from vega_datasets import local_data

        frame = local_data("seattle-weather")
    elif name == "anes96":
        from statsmodels.datasets import anes96

        frame = anes96.load_pandas().data
    elif name == "penguins":
        from palmerpenguins import load_penguins

        frame = load_penguins()
    else:
        from sklearn.datasets import make_classification

        rows = 100_000 if name == "synth100k" else 1_000_000
        X, y = make_classification(n_samples=rows, n_features=20, random_state=0)
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        frame["target"] = y
    frame.to_csv(path, index=False)
    return path


# ---------------------------------------------------------------- running


def ensure_venv(tool: str) -> Path:
    spec = PEERS[tool]
    python = spec["venv"] / "bin" / "python"
    if not python.exists():
        log(f"creating {spec['venv']} and installing {' '.join(spec['pip'])}")
        subprocess.run([sys.executable, "-m", "venv", str(spec["venv"])], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *spec["pip"]], check=True)
    return python


def command_for(tool: str, data: Path, target: str, task: str) -> list[str]:
    if tool == "learnloop":
        # The peers' protocol: shuffled folds and plain accuracy / R², whatever the data would ask for
        # (learnloop would switch seattle_weather to time-ordered folds and balanced accuracy).
        metric = "accuracy" if task == "classification" else "r2"
        return [
            sys.executable,
            "-m",
            "learnloop",
            "baseline",
            str(data),
            "--target",
            target,
            "--task",
            task,
            "--metric",
            metric,
            "--split",
            "random",
            "--json",
        ]
    runner = LAZYPREDICT_RUNNER if tool == "lazypredict" else PYCARET_RUNNER
    return [str(ensure_venv(tool)), "-c", runner, str(data), target, task]


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children (an upper bound: shared pages count twice)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def run_one(tool: str, name: str, timeout: float) -> dict:
    target, task = SETS[name]
    data = prepare_data(name)
    command = command_for(tool, data, target, task)
    env = dict(os.environ, LEARNLOOP_HOME=str(WORK / "home"), NO_COLOR="1", PYTHONWARNINGS="ignore")
    load_before = os.getloadavg()
    peak = [0]
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    status = "ok"
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
        status = f"past {timeout / 60:.0f} min (killed)"
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    done.set()
    watcher.join()
    record = {
        "tool": tool,
        "set": name,
        "status": status,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(peak[0] / 2**20),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if tool == "learnloop":
        (WORK / f"learnloop-{name}.json").write_text(stdout)  # the whole leaderboard, for a closer look
    if status == "ok":
        try:
            record.update(parse_result(tool, stdout))
        except (ValueError, KeyError, IndexError) as exc:
            record["status"] = f"failed (exit {proc.returncode}): {last_line(stderr) or exc}"
    return record


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def parse_result(tool: str, stdout: str) -> dict:
    if tool != "learnloop":
        line = next(line for line in stdout.splitlines() if line.startswith("RESULT "))
        return json.loads(line[len("RESULT ") :])
    board = json.loads(stdout)
    rows = [r for r in board["results"] if r["score_mean"] is not None and r["model"] != "dummy"]
    best = max(rows, key=lambda r: r["score_mean"])
    return {
        "models": len([r for r in board["results"] if r["status"] == "ok"]),
        "best_model": best["name"],
        "best_score": round(best["score_mean"], 4),
        "protocol": f"{board['cv']}-fold CV"
        + (" + notices: " + "; ".join(board["notices"]) if board.get("notices") else ""),
    }


# ---------------------------------------------------------------- results


def load_results() -> dict:
    if RESULTS_JSON.exists():
        return json.loads(RESULTS_JSON.read_text())
    return {}


def save_result(results: dict, record: dict) -> None:
    results.update(load_results())  # another invocation may have saved meanwhile
    results[f"{record['tool']}/{record['set']}"] = record
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def fmt_time(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def render_table(results: dict) -> str:
    lines = [
        "# learnloop baseline vs LazyPredict and PyCaret",
        "",
        "Written by `benchmarks/baseline_vs_peers.py`. Wall time is the whole process (interpreter start and",
        "imports included); peak memory is the summed RSS of the process and its children, sampled every 50 ms",
        "(an upper bound for learnloop, whose forked workers share pages with the parent). learnloop runs",
        "5-fold CV; LazyPredict scores one 80/20 split; PyCaret runs 10-fold CV on a 70% split. Scores are",
        "accuracy (classification) or R² (regression). 'speed-up' is peer wall time / learnloop wall time.",
        "The machine has 2 cores shared with other work; the last column gives the 1-minute load average before",
        "and after each run, so compare rows measured under similar load. Each tool's venv: LazyPredict 0.3.0",
        "and PyCaret 3.3 (scikit-learn 1.4) in /tmp; learnloop with scikit-learn 1.9 and XGBoost 3.2.",
        "",
        "| set | tool | status | wall | peak RSS | models | best model | best score | speed-up vs it "
        "| load 1-min before/after |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for name in SETS:
        ours = results.get(f"learnloop/{name}")
        for tool in TOOLS:
            rec = results.get(f"{tool}/{name}")
            if rec is None:
                continue
            ratio = ""
            if tool != "learnloop" and ours and ours["status"] == "ok":
                ratio = f"{rec['wall_s'] / ours['wall_s']:.2f}x"
                if rec["status"] != "ok":
                    ratio = "≥ " + ratio
            score = f"{rec['best_score']:.4f}" if "best_score" in rec else "—"
            lines.append(
                f"| {name} | {tool} | {rec['status']} | {fmt_time(rec['wall_s'])} | {rec['peak_rss_mb']} MB | "
                f"{rec.get('models', '—')} | {rec.get('best_model', '—')} | {score} | {ratio} | "
                f"{rec['load_before'][0]} / {rec['load_after'][0]} |"
            )
    lines += ["", "## Goals", ""]
    lines += goal_lines(results)
    return "\n".join(lines) + "\n"


def goal_lines(results: dict) -> list[str]:
    out = []
    for name in ("breast_cancer", "digits", "penguins", "diabetes"):
        ours, lazy = results.get(f"learnloop/{name}"), results.get(f"lazypredict/{name}")
        if not (ours and lazy and ours["status"] == lazy["status"] == "ok"):
            continue
        ratio = ours["wall_s"] / lazy["wall_s"]
        gap = lazy["best_score"] - ours["best_score"]
        out.append(
            f"- {name}: time ratio learnloop/LazyPredict = {ratio:.2f} (goal ≤ 1.0: "
            f"{'met' if ratio <= 1.0 else 'missed'}); best score gap {gap:+.4f} (goal ≤ 0.01: "
            f"{'met' if gap <= 0.01 else 'missed'})"
        )
    ours = results.get("learnloop/synth100k")
    peers = [results.get(f"{t}/synth100k") for t in ("lazypredict", "pycaret")]
    peers = [p for p in peers if p]
    if ours and ours["status"] == "ok" and peers:
        fastest = min(peers, key=lambda p: p["wall_s"])
        speedup = fastest["wall_s"] / ours["wall_s"]
        scored = [p["best_score"] for p in peers if "best_score" in p]
        line = (
            f"- synth100k: {speedup:.1f}x faster than the faster peer ({fastest['tool']}, "
            f"{fastest['status']}) (goal ≥ 5x: {'met' if speedup >= 5 else 'missed'})"
        )
        if scored:
            gap = max(scored) - ours["best_score"]
            line += f"; best score {ours['best_score']:.4f} vs peers' best {max(scored):.4f} (goal gap ≤ 0.005: "
            line += f"{'met' if gap <= 0.005 else 'missed'})"
        out.append(line)
    big = results.get("learnloop/synth1m")
    if big:
        ok = big["status"] == "ok" and big["wall_s"] < 600 and big["peak_rss_mb"] < 4096
        out.append(
            f"- synth1m: {big['status']}, {fmt_time(big['wall_s'])}, peak {big['peak_rss_mb']} MB "
            f"(goal < 10 min and < 4 GiB: {'met' if ok else 'missed'})"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS), help=f"any of {', '.join(SETS)}")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    parser.add_argument("--table-only", action="store_true")
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="interleaved rounds per set (A B A B ...); the "
        "runs go to baseline_vs_peers_rounds.json and the 'Interleaved' table",
    )
    parser.add_argument("--label", default="", help="a name for this series of rounds (e.g. after-change)")
    args = parser.parse_args()
    if args.rounds:
        run_rounds(args.sets.split(","), args.tools.split(","), args.rounds, args.timeout, args.label)
        RESULTS_MD.write_text(render_table(load_results()) + render_rounds())
        print(render_rounds())
        return
    results = load_results()
    if not args.table_only:
        for name in args.sets.split(","):
            for tool in args.tools.split(","):
                log(f"{tool} on {name} ...")
                record = run_one(tool, name, args.timeout)
                log(
                    f"  {record['status']} in {fmt_time(record['wall_s'])}, peak {record['peak_rss_mb']} MB, "
                    f"best {record.get('best_model')} {record.get('best_score')}"
                )
                save_result(results, record)
    RESULTS_MD.write_text(render_table(results) + render_rounds())
    print(RESULTS_MD.read_text())


# ---------------------------------------------------------------- interleaved rounds


def rescore(name: str, best_model: str) -> dict:
    target, task = SETS[name]
    data = prepare_data(name)
    proc = subprocess.run(
        [str(ensure_venv("lazypredict")), "-c", RESCORE_RUNNER, str(data), target, task, best_model],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    try:
        return parse_result("lazypredict", proc.stdout)
    except (StopIteration, ValueError):
        return {"cv_best_error": last_line(proc.stderr)}


def run_rounds(sets: list[str], tools: list[str], rounds: int, timeout: float, label: str) -> None:
    runs = json.loads(ROUNDS_JSON.read_text()) if ROUNDS_JSON.exists() else []
    for name in sets:
        for round_index in range(rounds):
            for tool in tools:
                log(f"round {round_index + 1}/{rounds}: {tool} on {name} ...")
                record = run_one(tool, name, timeout)
                record.update(round=round_index + 1, label=label)
                if tool == "lazypredict" and record["status"] == "ok" and round_index == 0:
                    record.update(rescore(name, record["best_model"]))
                log(
                    f"  {record['status']} in {fmt_time(record['wall_s'])} (cpu {record['cpu_s']} s), load "
                    f"{record['load_before'][0]} -> {record['load_after'][0]}, best {record.get('best_model')} "
                    f"{record.get('best_score')}"
                )
                runs.append(record)
                ROUNDS_JSON.parent.mkdir(parents=True, exist_ok=True)
                ROUNDS_JSON.write_text(json.dumps(runs, indent=1) + "\n")


def render_rounds() -> str:
    if not ROUNDS_JSON.exists():
        return ""
    import statistics

    runs = json.loads(ROUNDS_JSON.read_text())
    labels = list(dict.fromkeys(r.get("label", "") for r in runs))
    out = [
        "",
        "## Interleaved rounds (learnloop and LazyPredict one after the other, A B A B)",
        "",
        "Median of the rounds; CPU is user+sys of the process and its children; load is the 1-minute",
        "average before the first and after the last run. The 2 cores are shared with other work (colleagues'",
        "test suites), so read the ratio of runs made side by side, not the seconds. LazyPredict's best is",
        "on its single 80/20 split, and re-scored with learnloop's 5-fold CV (same seed) in brackets.",
        "",
    ]
    for label in labels:
        chosen = [r for r in runs if r.get("label", "") == label]
        out += [
            f"### {label or 'rounds'}",
            "",
            "| set | rounds | learnloop wall | cpu | LazyPredict wall | cpu | ratio LL/LP | load | learnloop best "
            "| LazyPredict best (5-fold CV) | gap |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |",
        ]
        for name in dict.fromkeys(r["set"] for r in chosen):
            ours = [r for r in chosen if r["set"] == name and r["tool"] == "learnloop" and r["status"] == "ok"]
            lazy = [r for r in chosen if r["set"] == name and r["tool"] == "lazypredict" and r["status"] == "ok"]
            if not ours or not lazy:
                continue
            wall_o = statistics.median(r["wall_s"] for r in ours)
            wall_l = statistics.median(r["wall_s"] for r in lazy)
            cpu_o = statistics.median(r.get("cpu_s", 0) for r in ours)
            cpu_l = statistics.median(r.get("cpu_s", 0) for r in lazy)
            both = [r for r in chosen if r["set"] == name]
            load = f"{both[0]['load_before'][0]} → {both[-1]['load_after'][0]}"
            rescored = next((r for r in lazy if "cv_best_score" in r), None)
            cv_text = f" ({rescored['cv_best_score']:.4f})" if rescored else ""
            gap = f"{rescored['cv_best_score'] - ours[0]['best_score']:+.4f}" if rescored else ""
            out.append(
                f"| {name} | {len(ours)} | {wall_o:.2f} s | {cpu_o:.2f} s | {wall_l:.2f} s | {cpu_l:.2f} s | "
                f"{wall_o / wall_l:.2f} | {load} | {ours[0]['best_model']} {ours[0]['best_score']:.4f} | "
                f"{lazy[0]['best_model']} {lazy[0]['best_score']:.4f}{cv_text} | {gap} |"
            )
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
