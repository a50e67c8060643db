"""The saved report: Markdown, JSON and PNGs, also for a run that stopped early."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from learnloop.lab.baseline import run_baseline
from learnloop.lab.report import write_report


def test_report_holds_markdown_json_and_pictures(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4400, 3))
    data = tmp_path / "points.csv"
    pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=np.where(X[:, 0] + X[:, 1] > 0, "up", "down")).to_csv(
        data, index=False
    )  # 2,200 training rows per fold: enough for a learning curve
    board = run_baseline(data, "y", models=["logistic-regression", "naive-bayes"], cv=2, picture_dir=tmp_path)
    written = write_report(board, tmp_path / "report")
    names = {p.name for p in written}
    curve = "points-learning-curve.png"
    assert {"baseline.md", "baseline.json", "leaderboard.png", curve} <= names
    text = (tmp_path / "report" / "baseline.md").read_text()
    assert "| 1 | Logistic regression |" in text
    assert f"![learning curve]({curve})" in text
    saved = json.loads((tmp_path / "report" / "baseline.json").read_text())
    assert saved["best"] == board.best and len(saved["results"]) == 3
    for picture in ("leaderboard.png", curve):
        assert (tmp_path / "report" / picture).read_bytes()[:4] == b"\x89PNG"


def test_a_report_without_pictures_draws_nothing(tmp_path: Path) -> None:
    board = run_baseline("penguins", models=["logistic-regression"], cv=3)
    written = write_report(board, tmp_path, pictures=False)
    assert {p.name for p in written} == {"baseline.md", "baseline.json"}
    assert "leaderboard.png" not in (tmp_path / "baseline.md").read_text()


def test_a_stopped_run_still_writes_its_rows(tmp_path: Path) -> None:
    def stop(event: object) -> None:
        if getattr(event, "done", 0) >= 4:
            raise KeyboardInterrupt

    board = run_baseline("iris", models=["naive-bayes", "knn"], cv=3, jobs=1, progress=stop)
    write_report(board, tmp_path)
    text = (tmp_path / "baseline.md").read_text()
    assert "Stopped early (interrupted)" in text
    assert "Dummy" in text
