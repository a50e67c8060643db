"""`learnloop try` and `learnloop baseline` as a learner types them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def test_try_prints_what_it_did_and_writes_the_picture(cli: Callable, home: Path) -> None:
    run = cli("try knn")
    assert run.exit_code == 0, run.output
    assert "k-nearest neighbours" in run.stdout and "What to notice" in run.stdout
    assert "This run" in run.stdout
    pictures = sorted((home / "workspace" / "lab").glob("knn-*.png"))
    assert len(pictures) == 1 and pictures[0].read_bytes()[:4] == b"\x89PNG"
    again = cli("try knn")
    assert again.exit_code == 0, again.output
    assert len(list((home / "workspace" / "lab").glob("knn-*.png"))) == 2  # one picture per run, none overwritten


def test_try_json_and_png_option(cli: Callable, tmp_path: Path) -> None:
    run = cli(f"try k-means --png {tmp_path / 'km.png'} --json")
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert result["model"] == "k-means" and result["passed"] is True
    assert Path(result["picture"]).exists()


def test_try_unknown_model_suggests(cli: Callable) -> None:
    run = cli("try random-forrest")
    assert run.exit_code == 2
    assert "did you mean 'random-forest'" in run.stderr


def test_baseline_json_and_report(cli: Callable, tmp_path: Path) -> None:
    run = cli(
        f"baseline iris --target target --models naive-bayes,decision-tree --cv 3 --json --report {tmp_path / 'rep'}"
    )
    assert run.exit_code == 0, run.output
    board = json.loads(run.stdout)
    assert board["best"] in {"naive-bayes", "decision-tree"}
    assert [r["model"] for r in board["results"]][-1] == "dummy"
    assert (tmp_path / "rep" / "baseline.md").exists()
    assert (tmp_path / "rep" / "leaderboard.png").read_bytes()[:4] == b"\x89PNG"


def test_baseline_table_in_words(cli: Callable, home: Path) -> None:
    run = cli("baseline penguins --target species --models logistic-regression,decision-tree --cv 3")
    assert run.exit_code == 0, run.output
    assert "Baseline on penguins" in run.stdout and "Logistic regression" in run.stdout
    assert "overfitting" in run.stdout or "fine" in run.stdout
    assert (home / "workspace" / "lab" / "baseline-penguins" / "baseline.md").exists()


def write(tmp_path: Path, name: str, frame: pd.DataFrame) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Each bad input: (arguments, the words its one-line error must contain)."""
    rng = np.random.default_rng(0)
    base = pd.DataFrame({"x": rng.normal(size=30), "z": rng.normal(size=30), "label": ["a", "b", "c"] * 10})
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    (tmp_path / "latin.csv").write_bytes("x,label\n1,caf\xe9\n2,th\xe9\n".encode("latin-1") * 10)
    return {
        "missing file": (f"{tmp_path / 'nope.csv'} --target label", "no such file"),
        "not a table": (f"{tmp_path / 'photo.csv'} --target label", "not"),
        "target absent": (f"{write(tmp_path, 'ok.csv', base)} --target lable", "did you mean 'label'"),
        "one class": (f"{write(tmp_path, 'one.csv', base.assign(label='a'))} --target label", "only one class"),
        "all-NaN target": (f"{write(tmp_path, 'nan.csv', base.assign(label=np.nan))} --target label", "empty"),
        "fewer than 10 rows": (f"{write(tmp_path, 'few.csv', base.head(8))} --target label", "at least 10"),
        "a pipe": (f"{fifo(tmp_path)} --target label", "not a regular file"),
        "regression on text": (
            f"{tmp_path / 'ok.csv'} --target label --task regression",
            "cannot be a regression target",
        ),
        "no target given": (f"{tmp_path / 'ok.csv'}", "--target"),
    }


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.csv"
    if not path.exists():
        os.mkfifo(path)
    return path


CASES = [
    "missing file",
    "not a table",
    "target absent",
    "one class",
    "all-NaN target",
    "fewer than 10 rows",
    "a pipe",
    "regression on text",
    "no target given",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_clear_line_and_exit_2(cli: Callable, tmp_path: Path, case: str) -> None:
    args, words = bad_inputs(tmp_path)[case]
    run = cli(f"baseline {args}")
    assert run.exit_code == 2, run.output
    assert words in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "Traceback" not in run.output


def test_ctrl_c_in_the_installed_command_saves_the_rows_so_far(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6000, 8))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)]).assign(y=(X[:, 0] * X[:, 1] > 0).astype(int))
    data = write(tmp_path, "big.csv", frame)
    report = tmp_path / "report"
    env = dict(os.environ, LEARNLOOP_HOME=str(tmp_path / "home"), NO_COLOR="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "learnloop",
            "baseline",
            str(data),
            "--target",
            "y",
            "--jobs",
            "1",
            "--report",
            str(report),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        if time.monotonic() > deadline - 110:  # give it time to finish a few fits first
            break
    assert proc.poll() is None, "the run ended before Ctrl-C could be pressed"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    saved = json.loads((report / "baseline.json").read_text())
    assert saved["stopped"] == "interrupted"
    assert {r["model"] for r in saved["results"]} >= {"dummy", "logistic-regression", "random-forest"}
    assert "Stopped early (interrupted)" in stdout
    assert "Traceback" not in stderr


def test_try_refuses_a_pipe_or_device_in_one_line(cli: Callable, tmp_path: Path) -> None:
    for data in (fifo(tmp_path), Path("/dev/zero")):  # /dev/zero is only stat()ed, never opened
        run = cli(f"try knn --data {data} --target label")
        assert run.exit_code == 2, run.output
        assert "not a regular file" in run.stderr and len(run.stderr.strip().splitlines()) == 1
