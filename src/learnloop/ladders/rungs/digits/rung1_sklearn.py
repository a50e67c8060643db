"""Digits, rung 1: a small neural network on 8x8 handwritten digits with scikit-learn.

``MLPClassifier`` hides the whole network: layers, activations, the loss, mini-batches, the optimiser.
You choose the hidden layer size and how long to train. Run it: ``python rung1_sklearn.py``.
"""

from __future__ import annotations

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits


def run(epochs: int = 30, seed: int = 0, report: Report = quiet) -> RungResult:
    data = digits()
    model = MLPClassifier(
        hidden_layer_sizes=(64,), batch_size=32, learning_rate_init=1e-3, max_iter=epochs, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # we stop after `epochs` passes on purpose
        model.fit(data.x_train, data.y_train)
    report(epochs, epochs)
    predicted = model.predict(data.x_test)
    accuracy = float((predicted == data.y_test).mean())
    return RungResult("accuracy", accuracy, predicted.tolist(), {"final training loss": model.loss_})


if __name__ == "__main__":
    print(run())
