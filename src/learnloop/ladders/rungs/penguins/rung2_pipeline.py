"""Penguins, rung 2: the preprocessing and the model assembled by hand as a scikit-learn Pipeline.

What the boosted trees of rung 1 handled by themselves, you now write: fill the missing numbers with
the median and scale them, fill the missing categories with the most frequent one and one-hot encode them, then fit a
logistic regression. The Pipeline makes sure every step is learned on the training rows only.
Run it: ``python rung2_pipeline.py``.
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import penguins


def build(numeric: list[str], categorical: list[str], epochs: int) -> Pipeline:
    prepare = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "categories",
                make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
                categorical,
            ),
        ]
    )
    return Pipeline([("prepare", prepare), ("model", LogisticRegression(max_iter=epochs))])


def run(epochs: int = 1000, seed: int = 0, report: Report = quiet) -> RungResult:
    data = penguins()
    pipeline = build(data.numeric, data.categorical, epochs)
    pipeline.fit(data.x_train, data.y_train)
    report(1, 1)
    predicted = pipeline.predict(data.x_test)
    accuracy = float((predicted == data.y_test.to_numpy()).mean())
    return RungResult("accuracy", accuracy, predicted.tolist())


if __name__ == "__main__":
    print(run())
