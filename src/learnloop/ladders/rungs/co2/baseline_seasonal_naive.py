"""CO2, baseline: the seasonal-naive forecast. Each month is forecast to equal the same month a year before.

It keeps the yearly season but misses a year of the trend (about 1.5 ppm): a rung must beat both this
and the naive forecast to be worth anything.
Run it: ``python baseline_seasonal_naive.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import co2_monthly, forecast_result


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    series = co2_monthly()
    months = np.concatenate([series.train.to_numpy(), series.test.to_numpy()])
    start = len(series.train) - series.season
    forecast = months[start : start + series.horizon]  # the same month, one season earlier
    report(1, 1)
    return forecast_result(series, forecast)


if __name__ == "__main__":
    print(run())
