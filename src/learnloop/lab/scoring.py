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
        if self.name == "roc_auc":
            return roc_auc(estimator, X, y)
        if self.name in PLAIN:
            # The same numbers as scikit-learn's scorers, from one predict and a few numpy lines: on a small
            # table the scorer's checks cost more than the predictions (65 fits, 130 scores per baseline).
            return PLAIN[self.name](y, estimator.predict(X))
        from sklearn.metrics import get_scorer

        value = float(get_scorer(self.scorer)(estimator, X, y))
        return value if self.greater_is_better else -value


def accuracy(y: Any, predicted: Any) -> float:
    import numpy as np

    return float(np.mean(np.asarray(predicted) == np.asarray(y)))


def balanced_accuracy(y: Any, predicted: Any) -> float:
    """The mean over the classes present in ``y`` of the share of their rows predicted right."""
    import numpy as np

    y, predicted = np.asarray(y), np.asarray(predicted)
    classes = np.unique(y)
    return float(np.mean([np.mean(predicted[y == c] == c) for c in classes]))


def r2(y: Any, predicted: Any) -> float:
    import numpy as np

    y, predicted = np.asarray(y, dtype=float), np.asarray(predicted, dtype=float)
    residual = float(np.sum((y - predicted) ** 2))
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0.0:  # a constant target: scikit-learn's convention
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def rmse(y: Any, predicted: Any) -> float:
    import numpy as np

    return float(np.sqrt(np.mean((np.asarray(y, dtype=float) - np.asarray(predicted, dtype=float)) ** 2)))


def mae(y: Any, predicted: Any) -> float:
    import numpy as np

    return float(np.mean(np.abs(np.asarray(y, dtype=float) - np.asarray(predicted, dtype=float))))


PLAIN = {"accuracy": accuracy, "balanced_accuracy": balanced_accuracy, "r2": r2, "rmse": rmse, "mae": mae}


def roc_auc(estimator: Any, X: Any, y: Any) -> float:
    """ROC AUC from probabilities, or from decision scores when the model has none (ridge, SVM).

    Multiclass: the mean over classes of one class against the rest, each ranked by its own column,
    which is what one-vs-rest AUC means and needs no probabilities that sum to one.
    """
    import numpy as np
    from sklearn.metrics import roc_auc_score

    if hasattr(estimator, "predict_proba"):
        try:
            scores = estimator.predict_proba(X)
        except AttributeError:  # SVC(probability=False) has the method but refuses
            scores = estimator.decision_function(X)
    else:
        scores = estimator.decision_function(X)
    scores = np.asarray(scores, dtype=float)
    known = np.asarray(getattr(estimator, "classes_", np.arange(scores.shape[1] if scores.ndim > 1 else 2)))
    if scores.ndim == 1 or scores.shape[1] == 1:
        return float(roc_auc_score(y == known[-1], scores.ravel()))
    if scores.shape[1] == 2:
        return float(roc_auc_score(y == known[1], scores[:, 1]))
    present = [k for k, label in enumerate(known) if 0 < int(np.sum(y == label)) < len(y)]
    return float(np.mean([roc_auc_score(y == known[k], scores[:, k]) for k in present]))


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


def choose_metric(task: str, name: str | None, *, imbalanced: bool = False) -> Metric:
    """The metric asked for, or the task's default (balanced accuracy when a class is rare)."""
    if name is None:
        return METRICS["balanced_accuracy" if imbalanced and task == "classification" else DEFAULT_METRIC[task]]
    metric = METRICS.get(name)
    if metric is None:
        raise UserError(f"unknown metric {name!r}", hint="choose one of " + ", ".join(METRICS), field="metric")
    if metric.task != task:
        fits = [m for m in METRICS.values() if m.task == task]
        raise UserError(
            f"metric {name!r} is for {metric.task}, but this is {task}",
            hint="choose one of " + ", ".join(m.name for m in fits),
            field="metric",
        )
    return metric
