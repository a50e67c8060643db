"""The saved report: Markdown, JSON and PNGs, also for a run that stopped early."""

from __future__ import annotations

import json
from pathlib import Path

from learnloop.lab.baseline import run_baseline
from learnloop.lab.report import write_report


def test_report_holds_markdown_json_and_pictures(tmp_path: Path) -> None:
    board = run_baseline("penguins", models=["logistic-regression", "naive-bayes"], cv=3, picture_dir=tmp_path)
    written = write_report(board, tmp_path / "report")
    names = {p.name for p in written}
    assert {"baseline.md", "baseline.json", "leaderboard.png", "penguins-learning-curve.png"} <= names
    text = (tmp_path / "report" / "baseline.md").read_text()
    assert "| 1 | Logistic regression |" in text
    assert "![learning curve](penguins-learning-curve.png)" in text
    saved = json.loads((tmp_path / "report" / "baseline.json").read_text())
    assert saved["best"] == board.best and len(saved["results"]) == 3
    for picture in ("leaderboard.png", "penguins-learning-curve.png"):
        assert (tmp_path / "report" / picture).read_bytes()[:4] == b"\x89PNG"


def test_a_stopped_run_still_writes_its_rows(tmp_path: Path) -> None:
    def stop(event: object) -> None:
        if getattr(event, "done", 0) >= 4:
            raise KeyboardInterrupt

    board = run_baseline("iris", models=["naive-bayes", "knn"], cv=3, jobs=1, progress=stop)
    write_report(board, tmp_path)
    text = (tmp_path / "baseline.md").read_text()
    assert "Stopped early (interrupted)" in text
    assert "Dummy" in text
