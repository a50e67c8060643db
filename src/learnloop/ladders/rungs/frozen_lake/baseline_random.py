"""Frozen lake, baseline: a fixed random policy (one random action per cell), scored exactly.

How often does blind luck cross the lake? Any learned policy must do far better.
Run it: ``python baseline_random.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import frozen_lake


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    rng = np.random.default_rng(seed)
    lake = frozen_lake()
    rates = [lake.success_rate(rng.integers(4, size=len(lake.terminal))) for _ in range(200)]
    report(1, 1)
    return RungResult("success_rate", float(np.mean(rates)), [], {"best of 200 random policies": float(np.max(rates))})


if __name__ == "__main__":
    print(run())
