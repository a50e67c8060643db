"""Movie reviews, rung 3: the bag of words, TF-IDF and logistic regression written with Python and NumPy.

Split reviews into lower-case words, keep the words seen in at least two training reviews, count them,
weigh each count by how rare the word is (inverse document frequency) and scale each review to length 1.
A review uses a dozen of the thousands of words, so we keep only the non-zero entries, as three arrays
(review, word, weight), and write the two matrix products a linear model needs with ``np.bincount``.
Logistic regression is then fitted by gradient descent. Run it: ``python rung3_numpy.py``.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import movie_reviews

WORD = re.compile(r"(?u)\b\w\w+\b")  # words of two or more letters or digits, as scikit-learn's default


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def vocabulary(texts: list[str], min_count: int = 2) -> dict[str, int]:
    document_frequency = Counter(word for text in texts for word in set(tokens(text)))
    kept = sorted(word for word, count in document_frequency.items() if count >= min_count)
    return {word: index for index, word in enumerate(kept)}


class BagOfWords:
    """A sparse (texts x words) matrix kept as its non-zero entries: row, column, value."""

    def __init__(self, texts: list[str], vocab: dict[str, int]) -> None:
        entries = [
            (row, vocab[word], count)
            for row, text in enumerate(texts)
            for word, count in Counter(tokens(text)).items()
            if word in vocab
        ]
        self.rows, self.cols, values = (np.array(column) for column in zip(*entries, strict=True))
        self.values = values.astype(float)
        self.shape = (len(texts), len(vocab))

    def weigh(self, idf: np.ndarray) -> BagOfWords:
        """Multiply counts by idf, then scale every row to unit length (TF-IDF)."""
        self.values = self.values * idf[self.cols]
        norms = np.sqrt(np.bincount(self.rows, self.values**2, minlength=self.shape[0]))
        self.values = self.values / norms[self.rows]
        return self

    def times(self, w: np.ndarray) -> np.ndarray:  # X @ w
        return np.bincount(self.rows, self.values * w[self.cols], minlength=self.shape[0])

    def transposed_times(self, d: np.ndarray) -> np.ndarray:  # X.T @ d
        return np.bincount(self.cols, self.values * d[self.rows], minlength=self.shape[1])


def run(epochs: int = 3000, seed: int = 0, report: Report = quiet, lr: float = 4.0, l2: float = 1.0) -> RungResult:
    data = movie_reviews()
    vocab = vocabulary(data.x_train)
    train = BagOfWords(data.x_train, vocab)
    n = train.shape[0]
    document_frequency = np.bincount(train.cols, minlength=len(vocab))
    idf = np.log((1 + n) / (1 + document_frequency)) + 1  # smoothed, as scikit-learn does
    train.weigh(idf)
    test = BagOfWords(data.x_test, vocab).weigh(idf)

    positive = data.classes[1]  # "rotten" is 1, "fresh" is 0
    y = (np.array(data.y_train) == positive).astype(float)
    rng = np.random.default_rng(seed)
    w, b = rng.normal(0, 0.01, len(vocab)), 0.0
    for epoch in range(epochs):
        p = 1 / (1 + np.exp(-(train.times(w) + b)))  # predicted probability of `positive`
        error = (p - y) / n  # gradient of the mean log-loss
        w -= lr * (train.transposed_times(error) + (l2 / n) * w)  # l2 / n: scikit-learn's C = 1 / l2
        b -= lr * error.sum()
        if (epoch + 1) % 100 == 0 or epoch + 1 == epochs:
            report(epoch + 1, epochs)

    predicted = np.where(test.times(w) + b > 0, positive, data.classes[0])
    accuracy = float((predicted == np.array(data.y_test)).mean())
    return RungResult("accuracy", accuracy, predicted.tolist(), {"words": len(vocab)})


if __name__ == "__main__":
    print(run())
