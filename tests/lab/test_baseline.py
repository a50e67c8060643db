"""The baseline: a ranked leaderboard with verdicts, and rows kept when models fail, hang or the run stops."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from learnloop.errors import UserError
from learnloop.lab import models
from learnloop.lab.baseline import Leaderboard, ModelRow, _fit_budget, run_baseline


class SleepyClassifier:
    """Takes far too long to fit."""

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}

    def fit(self, X: Any, y: Any) -> SleepyClassifier:
        time.sleep(60)
        return self


class BrokenClassifier(SleepyClassifier):
    def fit(self, X: Any, y: Any) -> BrokenClassifier:
        raise ValueError("boom: this model cannot handle the data")


def add_model(monkeypatch: pytest.MonkeyPatch, model_id: str, estimator: type) -> None:
    base = models.REGISTRY["naive-bayes"]
    spec = dataclasses.replace(base, id=model_id, name=model_id.title(), build=lambda task, rows, seed: estimator())
    monkeypatch.setitem(models.REGISTRY, model_id, spec)
    monkeypatch.setattr(models, "BASELINE_ORDER", (*models.BASELINE_ORDER, model_id))


def test_leaderboard_ranks_models_with_verdicts(tmp_path: Path) -> None:
    board = run_baseline(
        "iris", models=["logistic-regression", "decision-tree", "naive-bayes"], cv=3, picture_dir=tmp_path
    )
    assert [r.model for r in board.results][-1] == "dummy"
    scores = [r.score_mean for r in board.results]
    assert scores == sorted(scores, reverse=True)
    assert board.best in {"logistic-regression", "decision-tree", "naive-bayes"}
    best = board.best_row()
    assert best is not None and best.score_mean > 0.9 and best.folds == 3
    dummy = board.results[-1]
    assert dummy.verdict == "reference" and dummy.score_mean == pytest.approx(1 / 3, abs=0.03)
    assert all(r.verdict in {"fine", "overfitting", "underfitting"} for r in board.results[:-1])
    tree = next(r for r in board.results if r.model == "decision-tree")
    assert tree.train_score == 1.0  # a full-depth tree memorises its training rows
    # 100 training rows: a learning curve would be noise, so none is computed or drawn
    assert board.learning_curve == [] and board.learning_curve_png is None


def test_regression_with_an_error_metric_ranks_lowest_first() -> None:
    board = run_baseline("diabetes", models=["ridge-regression", "decision-tree"], metric="rmse", cv=3)
    assert board.task == "regression" and not board.greater_is_better
    errors = [r.score_mean for r in board.results]
    assert errors == sorted(errors)
    assert board.best == "ridge-regression"
    assert next(r for r in board.results if r.model == "decision-tree").verdict == "overfitting"


def test_a_failing_model_is_listed_with_its_error_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    add_model(monkeypatch, "broken", BrokenClassifier)
    board = run_baseline("iris", models=["naive-bayes", "broken"], cv=3)
    broken = next(r for r in board.results if r.model == "broken")
    assert broken.status == "failed" and broken.score_mean is None
    assert broken.note == "ValueError: boom: this model cannot handle the data"
    assert board.best == "naive-bayes"


def test_a_hanging_model_is_stopped_by_the_fit_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    add_model(monkeypatch, "sleepy", SleepyClassifier)
    started = time.monotonic()
    board = run_baseline("iris", models=["naive-bayes", "sleepy"], cv=3, fit_timeout=1.0)
    assert time.monotonic() - started < 30
    sleepy = next(r for r in board.results if r.model == "sleepy")
    assert sleepy.status == "timed out"
    assert board.best == "naive-bayes"


def test_time_budget_keeps_the_rows_finished_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    add_model(monkeypatch, "sleepy", SleepyClassifier)
    board = run_baseline("iris", models=["naive-bayes", "sleepy"], cv=3, time_budget=6.0)
    assert board.stopped == "time budget"
    assert board.elapsed_seconds < 30
    nb = next(r for r in board.results if r.model == "naive-bayes")
    assert nb.status == "ok" and nb.folds == 3 and nb.score_mean > 0.9
    sleepy = next(r for r in board.results if r.model == "sleepy")
    assert sleepy.status == "stopped" and "budget" in sleepy.note


def test_ctrl_c_returns_the_rows_already_computed() -> None:
    seen: list[str] = []

    def press_ctrl_c(event: Any) -> None:
        if event.finished:
            seen.append(event.finished)
        if len(seen) == 7:
            raise KeyboardInterrupt

    board = run_baseline("iris", models=["naive-bayes", "decision-tree", "knn"], cv=3, jobs=1, progress=press_ctrl_c)
    assert board.stopped == "interrupted"
    done = [r for r in board.results if r.score_mean is not None]
    assert {r.model for r in done if r.folds == 3} >= {"knn", "decision-tree"}  # longest first, then the rest
    assert any(r.status == "stopped" for r in board.results)


def test_budget_planning_skips_what_will_not_fit() -> None:
    rows = {m: ModelRow(m, m) for m in ("cheap", "mid", "huge", "endless")}
    board = Leaderboard("d", "o", 10, 2, 2, "t", "classification", "accuracy", "accuracy", True, 5, 2)
    predicted = {"cheap": 1.0, "mid": 4.0, "huge": 100.0, "endless": 5000.0}
    kept = _fit_budget(["endless", "huge", "mid", "cheap"], predicted, rows, board, time.monotonic() + 30, 5, 2, 600.0)
    assert kept == ["mid", "cheap"]
    assert rows["huge"].status == "skipped" and "left" in rows["huge"].note
    assert rows["endless"].status == "skipped" and "timeout" in rows["endless"].note
    assert any("huge" in n for n in board.notices)


def test_models_over_their_row_cap_train_on_a_sample_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(models.REGISTRY, "knn", dataclasses.replace(models.REGISTRY["knn"], row_cap=60))
    board = run_baseline("iris", models=["knn"], cv=3)
    knn = next(r for r in board.results if r.model == "knn")
    assert knn.rows_used == 60
    assert any("random 60 of the 100" in n for n in board.notices)


def test_large_tables_are_sized_by_a_small_fit_first_and_get_a_learning_curve(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 4))
    frame = pd.DataFrame(X, columns=list("abcd")).assign(y=(X[:, 0] + X[:, 1] > 0).astype(int))
    board = run_baseline(
        frame_file(frame), "y", models=["logistic-regression", "naive-bayes"], cv=2, picture_dir=tmp_path
    )
    assert all(r.predicted_seconds is not None for r in board.results if r.model != "dummy")
    assert board.best_row().score_mean > 0.95
    assert len(board.learning_curve) >= 3
    assert Path(board.learning_curve_png).read_bytes()[:4] == b"\x89PNG"


def frame_file(frame: pd.DataFrame) -> str:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "table.parquet"
    frame.to_parquet(path)
    return str(path)


def test_unknown_model_and_wrong_metric_are_user_errors() -> None:
    with pytest.raises(UserError, match="not part of the classification baseline"):
        run_baseline("iris", models=["k-means"])
    with pytest.raises(UserError, match="metric 'r2' is for regression"):
        run_baseline("iris", metric="r2")
    with pytest.raises(UserError, match="folds"):
        run_baseline("iris", cv=1)


def test_spawned_workers_give_the_forked_leaderboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """What macOS, Windows and a web server's thread get: the same board, started with `spawn`."""
    chosen = ["logistic-regression", "decision-tree", "random-forest"]
    monkeypatch.setenv("LEARNLOOP_START_METHOD", "fork")
    forked = run_baseline("penguins", models=chosen, cv=3, jobs=2)
    monkeypatch.setenv("LEARNLOOP_START_METHOD", "spawn")
    spawned = run_baseline("penguins", models=chosen, cv=3, jobs=2)
    board = [(r.model, r.score_mean, r.score_std, r.train_score, r.verdict) for r in forked.results]
    assert [(r.model, r.score_mean, r.score_std, r.train_score, r.verdict) for r in spawned.results] == board


def test_a_baseline_run_from_a_side_thread_works() -> None:
    """The web server runs the baseline in a worker thread: the pool must not fork unsafely from there."""
    import threading

    boards: list[Leaderboard] = []
    thread = threading.Thread(target=lambda: boards.append(run_baseline("iris", models=["naive-bayes"], cv=3)))
    thread.start()
    thread.join(120)
    assert boards and boards[0].best == "naive-bayes"


def test_options_are_validated_once_with_the_field_named() -> None:
    from learnloop.lab.options import BaselineOptions

    with pytest.raises(UserError) as caught:
        BaselineOptions.parse(data="iris", fit_timeout=-1)
    assert caught.value.field == "fit_timeout" and "more than 0" in str(caught.value)
    with pytest.raises(UserError) as caught:
        BaselineOptions.parse(data="iris", jobs=10**23)
    assert caught.value.field == "jobs"
    with pytest.raises(UserError) as caught:
        BaselineOptions.parse(data="iris", split="sideways")
    assert caught.value.field == "split" and "time" in str(caught.value)
    options = BaselineOptions.parse(data="iris", cv=3, models=["naive-bayes"])
    assert run_baseline(options).cv == 3


def test_on_large_tables_models_far_behind_on_fold_one_stop_there(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from learnloop.lab import baseline

    monkeypatch.setattr(baseline, "RACE_ROWS", 100)  # a large table, as far as the race is concerned
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, 600), rng.uniform(-1, 1, 600)
    frame = pd.DataFrame({"a": a, "b": b, "y": np.where(a * b > 0, "same", "apart")})  # straight lines fail
    path = tmp_path / "xor.csv"
    frame.to_csv(path, index=False)
    board = run_baseline(path, "y", models=["logistic-regression", "decision-tree", "knn", "random-forest"], cv=5)
    logistic = next(r for r in board.results if r.model == "logistic-regression")
    assert logistic.folds == 1 and logistic.note.startswith("raced out after fold 1")
    assert logistic.score_std is None  # one fold has no spread to show
    assert board.best in {"decision-tree", "knn", "random-forest"} and board.best_row().folds == 5
    assert any("far behind on the first fold" in n for n in board.notices)
