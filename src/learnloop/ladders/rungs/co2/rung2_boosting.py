"""CO2, rung 2: lag features and gradient boosting (scikit-learn's HistGradientBoostingRegressor).

A forecasting problem becomes a table: each row holds the last 24 monthly *changes* and the target is
the next change. (Trees cannot predict values above those they were trained on, and CO2 keeps rising,
so we model the month-to-month change and add it to last month's value.) Rows whose target lies in the
test years are never used for training.
Run it: ``python rung2_boosting.py``.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import co2_monthly, forecast_result

LAGS = 24


def lag_table(changes: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``lags`` consecutive changes (oldest first), each followed by the change to predict."""
    rows = np.lib.stride_tricks.sliding_window_view(changes, lags + 1)
    return rows[:, :-1], rows[:, -1]


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    series = co2_monthly()
    months = np.concatenate([series.train.to_numpy(), series.test.to_numpy()])
    n_train = len(series.train)
    x, y = lag_table(np.diff(months), LAGS)  # row i predicts the change into month i + LAGS + 1
    train_rows = n_train - 1 - LAGS  # ... so these rows have targets in the training years
    model = HistGradientBoostingRegressor(max_iter=epochs, learning_rate=0.05, random_state=seed)
    with threadpool_limits(limits=1):  # small data: one core is fastest (the trees' OpenMP threads only wait)
        model.fit(x[:train_rows], y[:train_rows])
    report(1, 1)
    forecast = months[n_train - 1 : -1] + model.predict(x[train_rows:])  # last month + predicted change
    return forecast_result(series, forecast)


if __name__ == "__main__":
    print(run())
