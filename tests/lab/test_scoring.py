"""The lab's own metric arithmetic gives scikit-learn's numbers (it skips the scorers' checks for speed)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import get_scorer

from learnloop.lab.scoring import METRICS, PLAIN


@pytest.mark.parametrize("name", ["accuracy", "balanced_accuracy"])
def test_classification_scores_match_scikit_learn(name: str) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = np.where(X[:, 0] + rng.normal(scale=1.5, size=300) > 1.2, "rare", np.where(X[:, 1] > 0, "a", "b"))
    model = LogisticRegression(max_iter=500).fit(X[:200], y[:200])
    metric = METRICS[name]
    assert metric.score(model, X[200:], y[200:]) == pytest.approx(get_scorer(metric.scorer)(model, X[200:], y[200:]))


def test_a_class_never_predicted_counts_in_balanced_accuracy() -> None:
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    y, predicted = np.array([0, 0, 1, 2]), np.array([0, 0, 0, 0])
    assert PLAIN["balanced_accuracy"](y, predicted) == pytest.approx(balanced_accuracy_score(y, predicted)) == 1 / 3
    assert PLAIN["accuracy"](y, predicted) == accuracy_score(y, predicted) == 0.5


@pytest.mark.parametrize("name", ["r2", "rmse", "mae"])
def test_regression_scores_match_scikit_learn(name: str) -> None:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.standard_t(3, size=200)
    metric = METRICS[name]
    for model in (LinearRegression().fit(X[:150], y[:150]), DummyRegressor().fit(X[:150], y[:150])):
        ours = metric.score(model, X[150:], y[150:])
        theirs = get_scorer(metric.scorer)(model, X[150:], y[150:])
        assert ours == pytest.approx(theirs if metric.greater_is_better else -theirs)  # errors shown positive


def test_r2_of_a_constant_target_follows_scikit_learn() -> None:
    from sklearn.metrics import r2_score

    y = np.full(5, 2.0)
    assert PLAIN["r2"](y, y) == r2_score(y, y) == 1.0
    assert PLAIN["r2"](y, y + 1) == r2_score(y, y + 1) == 0.0
