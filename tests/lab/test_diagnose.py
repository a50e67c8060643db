"""Verdicts from train and validation scores."""

from __future__ import annotations

from learnloop.lab.diagnose import FINE, OVER, UNDER, diagnose


def test_overfitting_when_train_is_far_above_validation() -> None:
    found = diagnose(1.0, 0.86, 0.01, best=0.95, dummy=0.5)
    assert found.verdict == OVER
    assert "0.140" in found.reason


def test_underfitting_when_both_scores_are_low() -> None:
    assert diagnose(0.72, 0.71, 0.01, best=0.95, dummy=0.5).verdict == UNDER


def test_fine_when_close_to_the_best_and_small_gap() -> None:
    assert diagnose(0.96, 0.95, 0.01, best=0.95, dummy=0.5).verdict == FINE


def test_error_metrics_are_read_the_other_way_round() -> None:
    # RMSE: lower is better; a train error far below the validation error is overfitting.
    assert diagnose(1.0, 10.0, 0.2, best=9.5, dummy=20.0, greater_is_better=False).verdict == OVER
    assert diagnose(18.0, 18.5, 0.2, best=9.5, dummy=20.0, greater_is_better=False).verdict == UNDER
