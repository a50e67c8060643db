"""Diabetes, rung 3: least squares in NumPy by the normal equations.

The best weights w solve  (XᵀX) w = Xᵀy,  with a column of ones in X for the intercept. Solving that
system is one call, ``np.linalg.solve``, which hands the work to LAPACK: the bottom of this ladder.
Run it: ``python rung3_normal_equations.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import diabetes


def r2(y: np.ndarray, predicted: np.ndarray) -> float:
    return float(1 - ((y - predicted) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def run(epochs: int = 1, seed: int = 0, report: Report = quiet) -> RungResult:
    data = diabetes()
    x = np.column_stack([np.ones(len(data.x_train)), data.x_train])
    w = np.linalg.solve(x.T @ x, x.T @ data.y_train)
    report(1, 1)
    predicted = w[0] + data.x_test @ w[1:]
    weights = {f"w_{name}": float(v) for name, v in zip(data.feature_names, w[1:], strict=True)}
    return RungResult("r2", r2(data.y_test, predicted), predicted.tolist(), {"intercept": float(w[0]), **weights})


if __name__ == "__main__":
    print(run())
