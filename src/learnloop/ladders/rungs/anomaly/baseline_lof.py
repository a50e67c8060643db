"""Anomalies, baseline: local outlier factor (scikit-learn), another family of detector.

A case is strange when its neighbourhood is much sparser than its neighbours' neighbourhoods. Features are
scaled first, because distances are. Run it: ``python baseline_lof.py``.
"""

from __future__ import annotations

from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import anomaly_result, breast_cancer_novelty


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = breast_cancer_novelty()
    model = make_pipeline(StandardScaler(), LocalOutlierFactor(n_neighbors=20, novelty=True)).fit(data.x_train)
    report(1, 1)
    return anomaly_result(-model.score_samples(data.x_test), data.y_test)


if __name__ == "__main__":
    print(run())
