"""Movie reviews, rung 2: scikit-learn's TF-IDF features, the logistic regression written in PyTorch.

The text side stays in scikit-learn (``TfidfVectorizer``); the model is yours: one weight per word and
a bias, the probability of "fresh" is sigmoid(x · w + b), and the loss is the one scikit-learn minimises,
C times the summed log-loss plus half the squared weights. PyTorch's autograd gives the gradient and its
L-BFGS optimiser walks down it. The same loss gives (almost) the same weights as rung 1.
Run it: ``python rung2_torch.py``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import movie_reviews

C = 1.0  # as rung 1's LogisticRegression(C=1.0)


def sparse_tensor(matrix: object) -> torch.Tensor:
    coo = matrix.tocoo()  # type: ignore[attr-defined]
    index = torch.tensor(np.vstack([coo.row, coo.col]), dtype=torch.long)
    return torch.sparse_coo_tensor(index, torch.tensor(coo.data, dtype=torch.float64), coo.shape).coalesce()


def run(epochs: int = 10, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` counts L-BFGS steps (up to 20 iterations each)."""
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    data = movie_reviews()
    vectorizer = TfidfVectorizer(min_df=2)
    x_train = sparse_tensor(vectorizer.fit_transform(data.x_train))
    x_test = sparse_tensor(vectorizer.transform(data.x_test))
    positive = data.classes[1]  # the second class in sorted order, the one scikit-learn codes as 1
    y = torch.tensor([label == positive for label in data.y_train], dtype=torch.float64)

    w = torch.zeros(x_train.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([w, b], lr=1.0, max_iter=20, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimizer.zero_grad()
        logits = torch.sparse.mm(x_train, w[:, None]).squeeze(1) + b
        value = C * F.binary_cross_entropy_with_logits(logits, y, reduction="sum") + 0.5 * w @ w
        value.backward()
        return value

    for step in range(epochs):
        optimizer.step(loss)
        report(step + 1, epochs)
    with torch.no_grad():
        scores = torch.sparse.mm(x_test, w[:, None]).squeeze(1) + b
    predicted: list[float | int | str] = [positive if s > 0 else data.classes[0] for s in scores.tolist()]
    accuracy = sum(p == t for p, t in zip(predicted, data.y_test, strict=True)) / len(data.y_test)
    return RungResult("accuracy", float(accuracy), predicted, {"words": float(x_train.shape[1])})


if __name__ == "__main__":
    print(run())
