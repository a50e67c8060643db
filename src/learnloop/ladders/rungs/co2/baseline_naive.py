"""CO2, baseline: the naive forecast. Each month is forecast to equal the month before it.

It ignores the trend and the season, so any model worth its name should beat it.
Run it: ``python baseline_naive.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import co2_monthly, forecast_result


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    series = co2_monthly()
    months = np.concatenate([series.train.to_numpy(), series.test.to_numpy()])
    forecast = months[len(series.train) - 1 : -1]  # for each test month, the month just before it
    report(1, 1)
    return forecast_result(series, forecast)


if __name__ == "__main__":
    print(run())
