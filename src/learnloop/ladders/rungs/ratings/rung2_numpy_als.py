"""Ratings, rung 2: alternating least squares (ALS) in NumPy, on the known ratings only.

Each user gets 3 taste numbers P[u], each item 3 trait numbers Q[i], and a rating's personal part is
their dot product. Fix Q and every user's P is a small ridge regression on the items they rated; fix P
and do the same for each item; alternate. No matrix is ever filled in. This is the method of the
``implicit`` library and of Spark's recommender. Run it: ``python rung2_numpy_als.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import ratings, ratings_result

TASTES, RIDGE = 3, 1.0


def solve_side(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, other: np.ndarray, n: int) -> np.ndarray:
    """For each of n rows, the ridge regression of its known values on the other side's vectors."""
    out = np.zeros((n, other.shape[1]))
    for row in range(n):
        mine = rows == row
        x = other[cols[mine]]
        out[row] = np.linalg.solve(x.T @ x + RIDGE * np.eye(other.shape[1]), x.T @ values[mine])
    return out


def run(epochs: int = 20, seed: int = 0, report: Report = quiet) -> RungResult:
    rng = np.random.default_rng(seed)
    data = ratings()
    mean, user, item = data.biases()
    u, i, stars = data.train[:, 0], data.train[:, 1], data.train[:, 2]
    residual = stars - mean - user[u] - item[i]
    p = 0.1 * rng.standard_normal((data.users, TASTES))
    q = 0.1 * rng.standard_normal((data.items, TASTES))
    for sweep in range(epochs):
        p = solve_side(u, i, residual, q, data.users)  # users, items fixed
        q = solve_side(i, u, residual, p, data.items)  # items, users fixed
        report(sweep + 1, epochs)
    tu, ti = data.test[:, 0], data.test[:, 1]
    return ratings_result(data, mean + user[tu] + item[ti] + np.sum(p[tu] * q[ti], axis=1))


if __name__ == "__main__":
    print(run())
