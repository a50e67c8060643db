"""Generating digits, rung 1: probabilistic PCA with scikit-learn, scored by likelihood on unseen digits.

A generative model gives every possible image a probability density; a good one gives high density to
real digits it never saw. Probabilistic PCA says: an image is the average digit, plus 20 directions
(the principal components) mixed by 20 random numbers, plus a little pixel noise. ``PCA.score`` is the
mean log-likelihood of the test images under that model. Run it: ``python rung1_sklearn_pca.py``.
"""

from __future__ import annotations

from sklearn.decomposition import PCA

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits

COMPONENTS = 20


def run(seed: int = 0, report: Report = quiet) -> RungResult:
    data = digits()
    model = PCA(n_components=COMPONENTS).fit(data.x_train)
    report(1, 1)
    per_image = model.score_samples(data.x_test)
    return RungResult(
        "log_likelihood",
        float(per_image.mean()),
        [round(float(v), 4) for v in per_image],
        {"pixel noise variance": float(model.noise_variance_)},
    )


if __name__ == "__main__":
    print(run())
