"""Diabetes, rung 1: a straight-line (linear) model of diabetes progression with scikit-learn.

``LinearRegression().fit(X, y)`` finds the weights; ``.predict`` uses them; R² on the test patients says
how much of the spread the model explains (1 is perfect, 0 is no better than the mean).
Run it: ``python rung1_sklearn.py``.
"""

from __future__ import annotations

from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import diabetes


def run(epochs: int = 1, seed: int = 0, report: Report = quiet) -> RungResult:
    data = diabetes()
    model = LinearRegression().fit(data.x_train, data.y_train)
    report(1, 1)
    predicted = model.predict(data.x_test)
    weights = {f"w_{name}": float(w) for name, w in zip(data.feature_names, model.coef_, strict=True)}
    return RungResult(
        "r2",
        float(r2_score(data.y_test, predicted)),
        predicted.tolist(),
        {"intercept": float(model.intercept_), **weights},
    )


if __name__ == "__main__":
    print(run())
