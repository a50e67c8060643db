"""Metrics the lab reports, shown the way people read them (errors as positive numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from learnloop.errors import UserError


@dataclass(frozen=True)
class Metric:
    name: str
    scorer: str  # scikit-learn scorer name
    task: str
    greater_is_better: bool
    label: str

    def score(self, estimator: Any, X: Any, y: Any) -> float:
        from sklearn.metrics import get_scorer

        value = float(get_scorer(self.scorer)(estimator, X, y))
        return value if self.greater_is_better else -value


METRICS = {
    m.name: m
    for m in (
        Metric("accuracy", "accuracy", "classification", True, "accuracy"),
        Metric("balanced_accuracy", "balanced_accuracy", "classification", True, "balanced accuracy"),
        Metric("f1_macro", "f1_macro", "classification", True, "F1 (macro)"),
        Metric("roc_auc", "roc_auc_ovr", "classification", True, "ROC AUC"),
        Metric("r2", "r2", "regression", True, "R²"),
        Metric("rmse", "neg_root_mean_squared_error", "regression", False, "RMSE"),
        Metric("mae", "neg_mean_absolute_error", "regression", False, "MAE"),
    )
}
DEFAULT_METRIC = {"classification": "accuracy", "regression": "r2"}


def choose_metric(task: str, name: str | None) -> Metric:
    if name is None:
        return METRICS[DEFAULT_METRIC[task]]
    metric = METRICS.get(name)
    if metric is None:
        raise UserError(f"unknown metric {name!r}", hint="choose one of " + ", ".join(METRICS))
    if metric.task != task:
        fits = [m for m in METRICS.values() if m.task == task]
        raise UserError(f"metric {name!r} is for {metric.task}, but this is {task}",
                        hint="choose one of " + ", ".join(m.name for m in fits))
    return metric
