"""Anomalies, rung 2: a Gaussian model of "normal", with scikit-learn's EmpiricalCovariance.

You now choose the model: benign cases form one multivariate Gaussian cloud, and a case is strange when
its Mahalanobis distance from the cloud's centre is large (distance measured in the cloud's own,
correlated units). scikit-learn still estimates the mean and covariance and computes the distance.
Run it: ``python rung2_covariance.py``.
"""

from __future__ import annotations

from sklearn.covariance import EmpiricalCovariance

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import anomaly_result, breast_cancer_novelty


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = breast_cancer_novelty()
    model = EmpiricalCovariance().fit(data.x_train)
    report(1, 1)
    return anomaly_result(model.mahalanobis(data.x_test), data.y_test)  # squared distances


if __name__ == "__main__":
    print(run())
