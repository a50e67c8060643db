"""Ratings, baseline: the mean plus each user's generosity and each item's quality (no tastes).

The part of a rating that is not personal taste. Every rung starts from it and adds taste on top.
Run it: ``python baseline_biases.py``.
"""

from __future__ import annotations

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import ratings, ratings_result


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = ratings()
    mean, user, item = data.biases()
    report(1, 1)
    return ratings_result(data, mean + user[data.test[:, 0]] + item[data.test[:, 1]])


if __name__ == "__main__":
    print(run())
