"""Digits, rung 3: tensors and autograd by hand, no ``nn.Module``, no optimiser, no ``DataLoader``.

The weights are plain tensors with ``requires_grad=True``; the forward pass is two matrix products;
we shuffle the mini-batches and take the gradient step ourselves. Autograd is the one thing PyTorch
still does for us: ``loss.backward()`` fills ``w.grad``. Run it: ``python rung3_autograd.py``.
"""

from __future__ import annotations

import torch

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits


def run(epochs: int = 30, seed: int = 0, report: Report = quiet, lr: float = 0.1) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # a model this small is fastest on one core: more threads wait on each other
    data = digits()
    x, y = torch.tensor(data.x_train), torch.tensor(data.y_train)

    w1 = (torch.randn(64, 64) * (2 / 64) ** 0.5).requires_grad_()  # He initialisation for ReLU
    b1 = torch.zeros(64, requires_grad=True)
    w2 = (torch.randn(64, 10) * (1 / 64) ** 0.5).requires_grad_()
    b2 = torch.zeros(10, requires_grad=True)
    params = [w1, b1, w2, b2]

    def forward(inputs: torch.Tensor) -> torch.Tensor:
        return torch.relu(inputs @ w1 + b1) @ w2 + b2

    for epoch in range(epochs):
        order = torch.randperm(len(x))
        for start in range(0, len(x), 32):
            batch = order[start : start + 32]
            logits = forward(x[batch])
            # cross-entropy written out: minus the mean log-probability of the right class
            log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
            loss = -log_probs[torch.arange(len(batch)), y[batch]].mean()
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad.zero_()
        report(epoch + 1, epochs)

    with torch.no_grad():
        predicted = forward(torch.tensor(data.x_test)).argmax(dim=1).numpy()
    accuracy = float((predicted == data.y_test).mean())
    return RungResult("accuracy", accuracy, predicted.tolist(), {"final training loss": loss.item()})


if __name__ == "__main__":
    print(run())
