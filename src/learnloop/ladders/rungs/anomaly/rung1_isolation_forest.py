"""Anomalies, rung 1: scikit-learn's IsolationForest, fitted on benign cases only.

Novelty detection: the model learns what normal (benign) looks like and scores how strange each new case
is. An isolation forest cuts the data at random; strange points are isolated in few cuts. One call, no
assumption about the shape of the data. Run it: ``python rung1_isolation_forest.py``.
"""

from __future__ import annotations

from sklearn.ensemble import IsolationForest

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import anomaly_result, breast_cancer_novelty


def run(epochs: int = 300, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` is the number of trees."""
    data = breast_cancer_novelty()
    model = IsolationForest(n_estimators=epochs, random_state=seed).fit(data.x_train)
    report(1, 1)
    return anomaly_result(-model.score_samples(data.x_test), data.y_test)  # score_samples: high = normal


if __name__ == "__main__":
    print(run())
