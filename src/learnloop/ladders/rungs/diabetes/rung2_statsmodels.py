"""Diabetes, rung 2: the same model with statsmodels, the statistician's view.

Same least-squares fit, but you add the intercept column yourself, and the summary shows what
scikit-learn keeps quiet about: a standard error, a t statistic and a p-value for every weight.
Run it: ``python rung2_statsmodels.py`` (it prints the full summary table).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import statsmodels.api as sm

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import diabetes


def fit(x_train: np.ndarray, y_train: np.ndarray) -> Any:
    """Ordinary least squares; the constant column is the intercept."""
    return sm.OLS(y_train, sm.add_constant(x_train)).fit()


def run(epochs: int = 1, seed: int = 0, report: Report = quiet) -> RungResult:
    data = diabetes()
    results = fit(data.x_train, data.y_train)
    report(1, 1)
    predicted = results.predict(sm.add_constant(data.x_test))
    residual = ((data.y_test - predicted) ** 2).sum()
    total = ((data.y_test - data.y_test.mean()) ** 2).sum()
    weights = {f"w_{name}": float(w) for name, w in zip(data.feature_names, results.params[1:], strict=True)}
    return RungResult(
        "r2", float(1 - residual / total), predicted.tolist(), {"intercept": float(results.params[0]), **weights}
    )


if __name__ == "__main__":
    data = diabetes()
    print(fit(data.x_train, data.y_train).summary(xname=["const", *data.feature_names]))
    print(run())
