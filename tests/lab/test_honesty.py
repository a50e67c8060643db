"""Honesty checks before the board, verdicts that hold on small data, and the fixes of issue 12.

The leakage, time-order and imbalance tests each failed on release 0.1.0 (R² 1.0000 called "fine" with
shuffled folds; accuracy kept at 99:1 with no word).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from learnloop.lab import models
from learnloop.lab.baseline import _splitter, run_baseline
from learnloop.lab.diagnose import FINE, NO_BETTER, OVER, TOO_GOOD, UNDER, diagnose


def save(tmp_path: Path, name: str, frame: pd.DataFrame) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


# ---------------------------------------------------------------- leakage


def test_a_target_that_is_a_sum_of_columns_is_called_out_and_never_fine() -> None:
    board = run_baseline(
        "us-employment", target="nonfarm", models=["linear-regression", "ridge-regression", "decision-tree"], cv=3
    )
    leak = next(w for w in board.warnings if "reproduced by" in w)
    assert "'private'" in leak and "'government'" in leak
    assert any(f.kind == "leak" and set(f.columns) == {"private", "government"} for f in board.findings)
    verdicts = {r.model: r.verdict for r in board.results}
    assert FINE not in verdicts.values()
    assert verdicts["linear-regression"] == TOO_GOOD  # R² 1.0000


def test_a_single_column_that_gives_the_class_away(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    label = rng.choice(["a", "b", "c"], 300)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=300),
            "z": rng.normal(size=300),
            "code": pd.Series(label).map({"a": 10.0, "b": 20.0, "c": 30.0}) + rng.normal(0, 0.1, 300),
            "label": label,
        }
    )
    board = run_baseline(
        save(tmp_path, "leaky.csv", frame), "label", models=["logistic-regression", "decision-tree"], cv=3
    )
    assert any("'code' alone predicts" in w for w in board.warnings)
    assert all(r.verdict != FINE for r in board.results)


def test_an_id_that_predicts_the_target_is_named(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"row_id": np.arange(200), "x": rng.normal(size=200), "label": ["early"] * 120 + ["late"] * 80}
    )  # rows sorted by the target
    board = run_baseline(save(tmp_path, "sorted.csv", frame), "label", models=["logistic-regression"], cv=3)
    assert any("'row_id' looks like an id" in w and "blocks" in w for w in board.warnings)


def test_copies_of_rows_across_folds_are_counted(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    base = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100)})
    base["label"] = np.where(base["a"] > 0, "p", "n")
    frame = pd.concat([base] * 3, ignore_index=True)  # every row three times
    board = run_baseline(save(tmp_path, "copies.csv", frame), "label", models=["knn"], cv=3)
    assert any("exact copy among their fold's training rows" in w for w in board.warnings)
    assert any(s.field == "groups" for s in board.suggestions)


def test_perfect_scores_warn_even_when_no_single_column_explains_them(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    a = rng.choice([-1, 1], 300) * rng.uniform(1, 3, 300)
    b = rng.choice([-1, 1], 300) * rng.uniform(1, 3, 300)
    frame = pd.DataFrame({"a": a, "b": b, "label": np.where(a * b > 0, "same", "apart")})  # a clean XOR
    board = run_baseline(save(tmp_path, "xor.csv", frame), "label", models=["decision-tree"], cv=3)
    warning = next(w for w in board.warnings if "too good to be true" in w)
    assert "no single column explains it" in warning
    assert next(r for r in board.results if r.model == "decision-tree").verdict == TOO_GOOD


# ---------------------------------------------------------------- time order


def test_rows_with_dates_get_time_ordered_folds_with_the_reason() -> None:
    board = run_baseline("us-employment", target="nonfarm", models=["ridge-regression"], cv=3)
    assert board.split == "time"
    assert any("folds follow time" in n and "'month'" in n for n in board.notices)
    shuffled = run_baseline("us-employment", target="nonfarm", models=["ridge-regression"], cv=3, split="random")
    assert shuffled.split == "random"
    assert any("shuffled although the rows carry dates" in n for n in shuffled.notices)


def test_time_folds_train_on_the_past_only(tmp_path: Path) -> None:
    days = pd.date_range("2020-01-01", periods=120, freq="D")
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {"day": days.astype(str), "x": rng.normal(size=120), "y": np.arange(120) + rng.normal(size=120)}
    ).sample(frac=1, random_state=0)  # the file is not in date order
    board = run_baseline(save(tmp_path, "days.csv", frame), "y", models=["linear-regression"], cv=3)
    assert board.split == "time" and any("sorted by 'day'" in n for n in board.notices)
    splitter = _splitter("regression", 3, 0, "time")
    for train, valid in splitter.split(np.zeros((120, 1))):
        assert train.max() < valid.min()


# ---------------------------------------------------------------- imbalance


def test_a_rare_class_switches_to_balanced_accuracy_and_says_why(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(1500, 4))
    label = np.where(np.arange(1500) % 100 == 0, "fraud", "ok")  # 1%
    X[label == "fraud", 0] += 2.5
    frame = pd.DataFrame(X, columns=list("abcd")).assign(label=label)
    board = run_baseline(
        save(tmp_path, "fraud.csv", frame), "label", models=["logistic-regression", "decision-tree"], cv=5
    )
    assert board.metric == "balanced_accuracy"
    note = next(n for n in board.notices if "rarest class 'fraud'" in n)
    assert "1.0% of the rows" in note and "0.990 accuracy" in note and "balanced accuracy" in note
    assert "stratified" in note
    dummy = next(r for r in board.results if r.model == "dummy")
    assert dummy.score_mean == pytest.approx(0.5)
    kept = run_baseline(
        save(tmp_path, "fraud.csv", frame), "label", models=["logistic-regression"], cv=5, metric="accuracy"
    )
    assert kept.metric == "accuracy" and any("stays accuracy, as asked" in n for n in kept.notices)


# ---------------------------------------------------------------- guesses, outliers, groups


def test_fifty_class_codes_guessed_as_regression_say_so(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    code = np.repeat(np.arange(50), 6)
    frame = pd.DataFrame({"x": code + rng.normal(0, 0.3, 300), "code": code})
    board = run_baseline(save(tmp_path, "codes.csv", frame), "code", models=["ridge-regression"], cv=3)
    assert board.task == "regression"
    assert any("50 whole numbers" in n and "classification" in n for n in board.notices)
    assert any(s.field == "task" and s.value == "classification" for s in board.suggestions)


def test_far_outliers_in_the_target_suggest_mae(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=400)
    y = 3 * x + rng.normal(size=400)
    y[:4] = 1e6  # 1% of the rows
    board = run_baseline(
        save(tmp_path, "spiky.csv", pd.DataFrame({"x": x, "y": y})), "y", models=["linear-regression"], cv=3
    )
    assert any("4 target values (1.0%) lie far from the rest" in n for n in board.notices)
    assert any(s.field == "metric" and s.value == "mae" for s in board.suggestions)


def test_groups_keep_each_group_in_one_fold(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    person = np.repeat([f"p{i}" for i in range(40)], 4)  # repeated measures: 4 rows per person
    level = np.repeat(rng.normal(size=40), 4)
    frame = pd.DataFrame(
        {"person": person, "x": level + rng.normal(0, 0.1, 160), "y": level * 2 + rng.normal(0, 0.1, 160)}
    )
    board = run_baseline(save(tmp_path, "people.csv", frame), "y", models=["ridge-regression"], cv=4, groups="person")
    assert board.split == "groups" and any("40 groups" in n for n in board.notices)
    splitter = _splitter("regression", 4, 0, "groups")
    for train, valid in splitter.split(frame[["x"]], frame["y"], frame["person"]):
        assert not set(person[train]) & set(person[valid])


# ---------------------------------------------------------------- verdicts


def test_verdicts_follow_one_fold_spread() -> None:
    # a 72-row table: a memorising tree far below a dummy is overfitting, not "fine"
    assert diagnose(1.0, -1.71, 0.9, best=0.3, dummy=-0.02).verdict == OVER
    # below (or within one spread of) the dummy: no better than the dummy
    assert diagnose(0.40, 0.05, 0.10, best=0.30, dummy=0.0).verdict == NO_BETTER
    assert diagnose(0.50, 0.46, 0.03, best=0.80, dummy=0.50).verdict == NO_BETTER
    # same numbers, same verdict, whatever the row
    first = diagnose(0.90, 0.80, 0.02, best=0.85, dummy=0.5)
    assert all(diagnose(0.90, 0.80, 0.02, best=0.85, dummy=0.5) == first for _ in range(3))
    assert diagnose(0.96, 0.95, 0.01, best=0.95, dummy=0.5).verdict == FINE
    assert diagnose(0.72, 0.71, 0.01, best=0.95, dummy=0.5).verdict == UNDER


def test_a_run_where_nothing_beats_the_dummy_says_so(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    frame = pd.DataFrame(rng.normal(size=(72, 3)), columns=["a", "b", "c"]).assign(y=rng.normal(size=72))
    board = run_baseline(save(tmp_path, "noise.csv", frame), "y", models=["decision-tree", "ridge-regression"], cv=3)
    assert any("no model beats the dummy" in n for n in board.notices)
    tree = next(r for r in board.results if r.model == "decision-tree")
    assert tree.train_score == 1.0 and tree.verdict == OVER
    assert all(r.verdict != FINE for r in board.results)


# ---------------------------------------------------------------- fixes


@pytest.mark.parametrize("data", ["breast-cancer", "iris"], ids=["binary", "multiclass"])
def test_roc_auc_works_for_models_without_probabilities(data: str) -> None:
    board = run_baseline(data, metric="roc_auc", models=["ridge-regression", "svm"], cv=3)
    for row in board.results:
        assert row.status == "ok", row.note
        if row.model != "dummy":
            assert row.score_mean > 0.9


def test_naive_bayes_sees_the_numeric_columns_only() -> None:
    board = run_baseline("penguins", models=["naive-bayes"], cv=5)
    assert next(r for r in board.results if r.model == "naive-bayes").score_mean > 0.9  # 0.718 on one-hot
    assert any("Naive Bayes sees the 5 numeric columns only" in n for n in board.notices)


def test_lasso_searches_alpha_with_shuffled_five_fold() -> None:
    lasso = models.model_spec("lasso").build("regression", 300, 0)
    assert lasso.cv.get_n_splits() == 5 and lasso.cv.shuffle
