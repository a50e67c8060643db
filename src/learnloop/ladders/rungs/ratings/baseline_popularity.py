"""Ratings, baseline: popularity. Predict every item's average rating (shrunk towards the overall mean).

What a shop shows before it knows you: the same list for everybody. Run it: ``python baseline_popularity.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import ratings, ratings_result


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = ratings()
    i, stars = data.train[:, 1], data.train[:, 2].astype(float)
    mean = stars.mean()
    item_mean = (np.bincount(i, stars, data.items) + 5 * mean) / (np.bincount(i, minlength=data.items) + 5)
    report(1, 1)
    return ratings_result(data, item_mean[data.test[:, 1]])


if __name__ == "__main__":
    print(run())
