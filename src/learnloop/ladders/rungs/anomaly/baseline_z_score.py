"""Anomalies, baseline: the largest z-score. How many standard deviations is the strangest feature?

Each feature on its own, correlations ignored: the simplest detector a rung must beat.
Run it: ``python baseline_z_score.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import anomaly_result, breast_cancer_novelty


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = breast_cancer_novelty()
    mean, spread = data.x_train.mean(axis=0), data.x_train.std(axis=0)
    report(1, 1)
    return anomaly_result(np.abs((data.x_test - mean) / spread).max(axis=1), data.y_test)


if __name__ == "__main__":
    print(run())
