"""CO2, rung 1: a forecasting library. statsmodels' seasonal ARIMA, the "airline model".

SARIMAX(1,1,1)(0,1,1,12) differences the series once and once per year, then models what is left.
It is fitted on the training years only; ``append`` hands it the test months one by one without
refitting, so ``predict`` gives each month's forecast made from the months before it.
Run it: ``python rung1_statsmodels.py``.
"""

from __future__ import annotations

from statsmodels.tsa.statespace.sarimax import SARIMAX

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import co2_monthly, forecast_result


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    series = co2_monthly()
    model = SARIMAX(series.train, order=(1, 1, 1), seasonal_order=(0, 1, 1, series.season))
    fitted = model.fit(disp=False)
    report(1, 2)
    walked = fitted.append(series.test, refit=False)  # same parameters, now filtering through the test months
    forecast = walked.predict(start=len(series.train)).to_numpy()
    report(2, 2)
    return forecast_result(series, forecast)


if __name__ == "__main__":
    print(run())
