"""Anomalies, rung 3: the Mahalanobis distance in NumPy.

Mean and covariance of the benign cases, then for each test case d² = (x - μ)ᵀ Σ⁻¹ (x - μ). We solve
Σ z = (x - μ) instead of inverting Σ (the features are strongly correlated, which makes Σ nearly
singular, and a solve is more accurate than an inverse). Run it: ``python rung3_numpy.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import anomaly_result, breast_cancer_novelty


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = breast_cancer_novelty()
    mean = data.x_train.mean(axis=0)
    centred = data.x_train - mean
    covariance = centred.T @ centred / len(centred)  # the maximum-likelihood estimate, as rung 2
    offsets = data.x_test - mean
    solved = np.linalg.solve(covariance, offsets.T).T  # Σ⁻¹ (x - μ) for every test case
    distances = np.einsum("ij,ij->i", offsets, solved)  # (x - μ)ᵀ Σ⁻¹ (x - μ), row by row
    report(1, 1)
    return anomaly_result(distances, data.y_test)


if __name__ == "__main__":
    print(run())
