"""Ratings, rung 1: matrix factorisation with scikit-learn's TruncatedSVD.

Put what the biases leave unexplained in a users x items matrix and approximate it by a product of
two thin matrices (3 hidden taste dimensions). TruncatedSVD needs a full matrix, so the unknown cells
start at 0 and are refilled with the model's own guesses, again and again ("hard impute"); the known
cells always keep their true values. Run it: ``python rung1_sklearn_svd.py``.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import TruncatedSVD

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import ratings, ratings_result

TASTES = 3


def run(epochs: int = 50, seed: int = 0, report: Report = quiet) -> RungResult:
    data = ratings()
    mean, user, item = data.biases()
    u, i, stars = data.train[:, 0], data.train[:, 1], data.train[:, 2]
    known = np.zeros((data.users, data.items), dtype=bool)
    known[u, i] = True
    residual = np.zeros((data.users, data.items))
    residual[u, i] = stars - mean - user[u] - item[i]
    filled = residual.copy()
    for sweep in range(epochs):
        svd = TruncatedSVD(n_components=TASTES, algorithm="arpack", random_state=seed)
        low_rank = svd.fit_transform(filled) @ svd.components_
        filled = np.where(known, residual, low_rank)
        report(sweep + 1, epochs)
    tu, ti = data.test[:, 0], data.test[:, 1]
    return ratings_result(data, mean + user[tu] + item[ti] + low_rank[tu, ti])


if __name__ == "__main__":
    print(run())
