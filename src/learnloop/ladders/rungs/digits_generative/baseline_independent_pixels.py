"""Generating digits, baseline: every pixel its own independent Gaussian (mean and variance per pixel).

It knows how bright each pixel tends to be but not that neighbouring strokes go together; sampled
"digits" are blurry noise. The rungs must beat its likelihood. Run it: ``python baseline_independent_pixels.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits

FLOOR = 1e-2  # a few pixels are always blank in training: a variance floor keeps their density finite


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = digits()
    mean, variance = data.x_train.mean(axis=0), data.x_train.var(axis=0) + FLOOR
    report(1, 1)
    per_image = -0.5 * np.sum((data.x_test - mean) ** 2 / variance + np.log(2 * np.pi * variance), axis=1)
    return RungResult("log_likelihood", float(per_image.mean()), [round(float(v), 4) for v in per_image])


if __name__ == "__main__":
    print(run())
