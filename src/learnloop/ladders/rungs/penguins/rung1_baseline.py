"""Penguins, rung 1: one command, ``learnloop baseline``, picks the preprocessing and the model for you.

This script does what ``learnloop baseline penguins_train.csv --target species`` does: it cross-validates
every classic model family on the training rows, with automatic preprocessing, and ranks them. Then it
refits the winner on all training rows and scores it on the test rows the other rungs use.
Run it: ``python rung1_baseline.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from sklearn.pipeline import make_pipeline

from learnloop.lab.baseline import run_baseline
from learnloop.lab.models import model_spec
from learnloop.lab.preprocess import as_model_input, build_preprocessor, plan_columns
from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import penguins


def run(epochs: int = 1, seed: int = 0, report: Report = quiet) -> RungResult:
    data = penguins()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "penguins_train.csv"
        pd.concat([data.x_train, data.y_train], axis=1).to_csv(path, index=False)
        board = run_baseline(path, "species", cv=5, seed=seed)
    report(1, 2)
    ranking = [f"{row.score_mean:.3f}  {row.name}" for row in board.results if row.score_mean is not None]

    # refit the winner, with the same automatic preprocessing, on every training row
    plan = plan_columns(data.x_train)
    winner = model_spec(board.best).build("classification", len(data.x_train), seed)
    model = make_pipeline(build_preprocessor(plan), winner)
    model.fit(as_model_input(data.x_train, plan), data.y_train)
    report(2, 2)
    predicted = model.predict(as_model_input(data.x_test, plan))
    accuracy = float((predicted == data.y_test.to_numpy()).mean())
    cv_score = {f"cross-validated {board.metric}": board.best_row().score_mean}
    return RungResult("accuracy", accuracy, predicted.tolist(), cv_score,
                      notes=[f"the baseline's ranking ({board.cv}-fold {board.metric} on the training rows):",
                             *ranking])


if __name__ == "__main__":
    print(run())
