"""Digits, rung 4: the same network in NumPy, forward and backward passes written by hand.

No autograd: the gradient of the cross-entropy with respect to every weight is derived with the chain
rule and computed with matrix products. Same initialisation and plain mini-batch SGD as rung 3.
Run it: ``python rung4_numpy.py``.
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits


def run(epochs: int = 30, seed: int = 0, report: Report = quiet, lr: float = 0.1) -> RungResult:
    rng = np.random.default_rng(seed)
    data = digits()
    x, y = data.x_train, data.y_train
    w1 = rng.normal(0, np.sqrt(2 / 64), (64, 64)).astype(np.float32)
    b1 = np.zeros(64, np.float32)
    w2 = rng.normal(0, np.sqrt(1 / 64), (64, 10)).astype(np.float32)
    b2 = np.zeros(10, np.float32)

    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 32):
            batch = order[start : start + 32]
            xb, yb = x[batch], y[batch]
            # forward
            z1 = xb @ w1 + b1
            h1 = np.maximum(z1, 0)
            logits = h1 @ w2 + b2
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
            loss = -np.mean(np.log(probs[np.arange(len(yb)), yb] + 1e-12))
            # backward: d loss / d logits of softmax + cross-entropy is (probs - onehot) / batch size
            d_logits = probs.copy()
            d_logits[np.arange(len(yb)), yb] -= 1
            d_logits /= len(yb)
            d_w2, d_b2 = h1.T @ d_logits, d_logits.sum(axis=0)
            d_z1 = (d_logits @ w2.T) * (z1 > 0)
            d_w1, d_b1 = xb.T @ d_z1, d_z1.sum(axis=0)
            # plain gradient step
            w1 -= lr * d_w1
            b1 -= lr * d_b1
            w2 -= lr * d_w2
            b2 -= lr * d_b2
        report(epoch + 1, epochs)

    predicted = (np.maximum(data.x_test @ w1 + b1, 0) @ w2 + b2).argmax(axis=1)
    accuracy = float((predicted == data.y_test).mean())
    return RungResult("accuracy", accuracy, predicted.tolist(), {"final training loss": float(loss)})


if __name__ == "__main__":
    print(run())
