"""Diabetes, rung 4: the same least-squares weights found by gradient descent in NumPy.

Instead of solving the equations, start from zero and walk downhill on the mean squared error. The
features are standardised first (gradient descent crawls when columns have very different scales) and
the weights are mapped back to the original units at the end, so they can be compared with rung 3.
Run it: ``python rung4_gradient_descent.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import diabetes


def run(epochs: int = 20000, seed: int = 0, report: Report = quiet) -> RungResult:
    data = diabetes()
    mean, std = data.x_train.mean(axis=0), data.x_train.std(axis=0)
    x = (data.x_train - mean) / std
    y = data.y_train
    n = len(x)

    # The step that is safe for this problem: 1 / L, where L is the largest eigenvalue of XᵀX / n.
    lr = 1.0 / np.linalg.eigvalsh(x.T @ x / n).max()
    w, b = np.zeros(x.shape[1]), y.mean()
    for epoch in range(epochs):
        error = x @ w + b - y
        w -= lr * (x.T @ error) / n  # gradient of (1/2n) * sum(error²) with respect to w
        b -= lr * error.mean()
        if (epoch + 1) % 1000 == 0 or epoch + 1 == epochs:
            report(epoch + 1, epochs)

    weights, intercept = w / std, b - (w / std) @ mean  # back to the original units
    predicted = intercept + data.x_test @ weights
    r2 = 1 - ((data.y_test - predicted) ** 2).sum() / ((data.y_test - data.y_test.mean()) ** 2).sum()
    named = {f"w_{name}": float(v) for name, v in zip(data.feature_names, weights, strict=True)}
    return RungResult("r2", float(r2), predicted.tolist(), {"intercept": float(intercept), **named})


if __name__ == "__main__":
    print(run())
