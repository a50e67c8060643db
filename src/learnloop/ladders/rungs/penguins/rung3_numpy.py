"""Penguins, rung 3: the same steps in NumPy, and logistic regression fitted by gradient descent.

Every step of rung 2 becomes a few lines you can read: medians and most frequent values learned on the
training rows, scaling, one-hot columns, then softmax (multi-class logistic) regression with an L2
penalty, trained by full-batch gradient descent. Run it: ``python rung3_numpy.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import penguins


class Preparation:
    """Learns fill values, scaling and categories on the training rows, then turns any rows into numbers."""

    def fit(self, frame: pd.DataFrame, numeric: list[str], categorical: list[str]) -> Preparation:
        self.numeric, self.categorical = numeric, categorical
        values = frame[numeric].to_numpy(dtype=float)
        self.median = np.nanmedian(values, axis=0)
        filled = np.where(np.isnan(values), self.median, values)
        self.mean, self.std = filled.mean(axis=0), filled.std(axis=0)
        self.mode = {c: frame[c].mode()[0] for c in categorical}
        self.levels = {c: sorted(frame[c].dropna().unique()) for c in categorical}
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        values = frame[self.numeric].to_numpy(dtype=float)
        columns = [(np.where(np.isnan(values), self.median, values) - self.mean) / self.std]
        for c in self.categorical:
            filled = frame[c].fillna(self.mode[c]).to_numpy()
            columns.append(np.stack([filled == level for level in self.levels[c]], axis=1).astype(float))
        return np.hstack(columns)


def run(epochs: int = 1000, seed: int = 0, report: Report = quiet, lr: float = 0.5, l2: float = 1.0) -> RungResult:
    data = penguins()
    prep = Preparation().fit(data.x_train, data.numeric, data.categorical)
    x_train, x_test = prep.transform(data.x_train), prep.transform(data.x_test)
    classes = np.array(sorted(data.y_train.unique()))
    onehot = (data.y_train.to_numpy()[:, None] == classes).astype(float)
    n = len(x_train)

    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.01, (x_train.shape[1], len(classes)))
    b = np.zeros(len(classes))
    for epoch in range(epochs):
        logits = x_train @ w + b
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        # gradient of mean cross-entropy + (l2 / 2n) * |w|^2, the penalty scikit-learn uses with C = 1 / l2
        d_logits = (probs - onehot) / n
        w -= lr * (x_train.T @ d_logits + (l2 / n) * w)
        b -= lr * d_logits.sum(axis=0)
        if (epoch + 1) % 50 == 0 or epoch + 1 == epochs:
            report(epoch + 1, epochs)

    predicted = classes[(x_test @ w + b).argmax(axis=1)]
    accuracy = float((predicted == data.y_test.to_numpy()).mean())
    return RungResult("accuracy", accuracy, predicted.tolist())


if __name__ == "__main__":
    print(run())
