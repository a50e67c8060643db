"""Ratings, rung 3: the same factorisation as rung 2, found by gradient descent instead of exact solves.

The loss rung 2 minimises, written out: the squared error of P[u]·Q[i] on every known rating, plus
RIDGE times the squared size of every P and Q. Its gradient is two ``np.add.at`` sums over the ratings;
each step moves every vector downhill (the step is scaled by how many ratings it has, so busy users and
rare items learn at the same pace). No linear solve at all. Run it: ``python rung3_numpy_gradient.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import ratings, ratings_result

TASTES, RIDGE, STEP = 3, 1.0, 0.5


def run(epochs: int = 400, seed: int = 0, report: Report = quiet) -> RungResult:
    rng = np.random.default_rng(seed)
    data = ratings()
    mean, user, item = data.biases()
    u, i, stars = data.train[:, 0], data.train[:, 1], data.train[:, 2]
    residual = stars - mean - user[u] - item[i]
    p = 0.1 * rng.standard_normal((data.users, TASTES))
    q = 0.1 * rng.standard_normal((data.items, TASTES))
    pace_p = STEP / (np.bincount(u, minlength=data.users) + RIDGE)[:, None]
    pace_q = STEP / (np.bincount(i, minlength=data.items) + RIDGE)[:, None]
    for step in range(epochs):
        error = np.sum(p[u] * q[i], axis=1) - residual  # one number per known rating
        grad_p, grad_q = RIDGE * p, RIDGE * q
        np.add.at(grad_p, u, error[:, None] * q[i])  # d loss / d P[u], half of it
        np.add.at(grad_q, i, error[:, None] * p[u])
        p, q = p - pace_p * grad_p, q - pace_q * grad_q
        report(step + 1, epochs)
    tu, ti = data.test[:, 0], data.test[:, 1]
    return ratings_result(data, mean + user[tu] + item[ti] + np.sum(p[tu] * q[ti], axis=1))


if __name__ == "__main__":
    print(run())
