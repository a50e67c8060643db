"""Generating digits, rung 3: probabilistic PCA in NumPy, the closed form, and new digits sampled from it.

Tipping and Bishop (1999) showed the best W and σ² follow from the covariance's eigenvectors: σ² is the
mean of the eigenvalues left out, W = U (Λ - σ² I)^½. The log-density of an image is the Gaussian
formula with C = W Wᵀ + σ² I. Sampling a new digit: μ + W z + σ ε with z and ε standard normal.
Run it: ``python rung3_numpy.py`` (it also prints a sampled digit).
"""

from __future__ import annotations

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits

COMPONENTS = 20


def fit(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, float]:
    mean = x.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(x - mean, rowvar=False, bias=True))
    values, vectors = values[::-1], vectors[:, ::-1]  # largest first
    noise = float(values[k:].mean())
    w = vectors[:, :k] * np.sqrt(np.maximum(values[:k] - noise, 0.0))
    return mean, w, noise


def log_density(x: np.ndarray, mean: np.ndarray, w: np.ndarray, noise: float) -> np.ndarray:
    c = w @ w.T + noise * np.eye(len(mean))
    _sign, logdet = np.linalg.slogdet(c)  # C is positive definite, so the sign is +1
    offsets = x - mean
    quad = np.einsum("ij,ij->i", offsets, np.linalg.solve(c, offsets.T).T)
    return -0.5 * (len(mean) * np.log(2 * np.pi) + logdet + quad)


def sample(mean: np.ndarray, w: np.ndarray, noise: float, rng: np.random.Generator, n: int) -> np.ndarray:
    z = rng.standard_normal((n, w.shape[1]))
    return mean + z @ w.T + np.sqrt(noise) * rng.standard_normal((n, len(mean)))


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = digits()
    mean, w, noise = fit(data.x_train.astype(np.float64), COMPONENTS)
    report(1, 1)
    per_image = log_density(data.x_test, mean, w, noise)
    return RungResult(
        "log_likelihood",
        float(per_image.mean()),
        [round(float(v), 4) for v in per_image],
        {"pixel noise variance": noise},
    )


if __name__ == "__main__":
    print(run())
    data = digits()
    new = sample(*fit(data.x_train.astype(np.float64), COMPONENTS), np.random.default_rng(0), 1)[0]
    print("\n".join("".join(" .:-=+*#%@"[int(np.clip(v, 0, 0.99) * 10)] for v in row) for row in new.reshape(8, 8)))
