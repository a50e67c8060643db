"""Penguins, rung 1: scikit-learn's HistGradientBoostingClassifier, straight on the raw table.

Gradient-boosted trees are the workhorse of tabular data (LightGBM and XGBoost are the same idea), and
this one takes the table as it comes: missing numbers are sent down whichever branch fits them best,
and text columns, declared as pandas categories, are split on natively. No imputing, no scaling, no
one-hot encoding. Run it: ``python rung1_boosting.py``.
"""

from __future__ import annotations

from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import penguins


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` is the number of boosting rounds (trees per class)."""
    data = penguins()
    as_categories = {name: "category" for name in data.categorical}
    x_train, x_test = data.x_train.astype(as_categories), data.x_test.astype(as_categories)
    model = HistGradientBoostingClassifier(
        max_iter=epochs, learning_rate=0.1, categorical_features="from_dtype", random_state=seed
    )
    with threadpool_limits(limits=1):  # small data: one core is fastest (the trees' OpenMP threads only wait)
        model.fit(x_train, data.y_train)
    report(1, 1)
    predicted = model.predict(x_test)
    accuracy = float((predicted == data.y_test.to_numpy()).mean())
    return RungResult("accuracy", accuracy, predicted.tolist(), {"trees per class": float(model.n_iter_)})


if __name__ == "__main__":
    print(run())
