"""CO2, rung 3: NumPy least squares on lags (an autoregressive model written by hand).

The same lag table as rung 2, but the next change is a weighted sum of the last 24 changes plus a
constant, and the weights come from ``np.linalg.lstsq`` on the training rows. This is an AR(24) model
of the differenced series, the "I" and "AR" of ARIMA, with nothing hidden.
Run it: ``python rung3_numpy.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import co2_monthly, forecast_result

LAGS = 24


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    series = co2_monthly()
    months = np.concatenate([series.train.to_numpy(), series.test.to_numpy()])
    n_train = len(series.train)
    rows = np.lib.stride_tricks.sliding_window_view(np.diff(months), LAGS + 1)
    x = np.column_stack([np.ones(len(rows)), rows[:, :-1]])  # a constant, then 24 changes, oldest first
    y = rows[:, -1]
    train_rows = n_train - 1 - LAGS  # rows whose target month is in the training years
    weights, *_ = np.linalg.lstsq(x[:train_rows], y[:train_rows], rcond=None)
    report(1, 1)
    forecast = months[n_train - 1 : -1] + x[train_rows:] @ weights
    notes = [f"weight of last month's change: {weights[-1]:.3f}, of the change 12 months ago: {weights[-12]:.3f}"]
    return forecast_result(series, forecast, notes)


if __name__ == "__main__":
    print(run())
