"""Generating digits, rung 2: the same probabilistic PCA, fitted by gradient ascent on the likelihood.

The model written as a distribution: x ~ Normal(μ, W Wᵀ + σ² I) with W of 64 x 20. PyTorch's
``LowRankMultivariateNormal`` computes the log-density; autograd and Adam climb it. No formula for the
answer is used: this is how you would fit a model that has none (a VAE, a flow).
Run it: ``python rung2_torch_likelihood.py``.
"""

from __future__ import annotations

import torch
from torch.distributions import LowRankMultivariateNormal

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits

COMPONENTS = 20


def run(epochs: int = 400, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` counts full-batch Adam steps."""
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    data = digits()
    x = torch.tensor(data.x_train, dtype=torch.float64)
    mean = x.mean(dim=0)  # the likelihood's best mean is the data mean
    w = torch.nn.Parameter(0.1 * torch.randn(x.shape[1], COMPONENTS, dtype=torch.float64))
    log_noise = torch.nn.Parameter(torch.tensor(-3.0, dtype=torch.float64))
    optimizer = torch.optim.Adam([w, log_noise], lr=0.02)

    def model() -> LowRankMultivariateNormal:
        return LowRankMultivariateNormal(mean, w, log_noise.exp().expand(x.shape[1]))

    for step in range(epochs):
        optimizer.zero_grad()
        loss = -model().log_prob(x).mean()
        loss.backward()
        optimizer.step()
        report(step + 1, epochs)
    with torch.no_grad():
        per_image = model().log_prob(torch.tensor(data.x_test, dtype=torch.float64))
    return RungResult(
        "log_likelihood",
        float(per_image.mean()),
        [round(float(v), 4) for v in per_image],
        {"pixel noise variance": float(log_noise.exp())},
    )


if __name__ == "__main__":
    print(run())
