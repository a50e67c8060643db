"""Digits, rung 2: the same network as a PyTorch ``nn.Module``, fed by a ``DataLoader``.

Now you write the layers, the training loop and the mini-batches yourself; PyTorch still computes the
gradients (autograd) and updates the weights (``torch.optim.Adam``). Run it: ``python rung2_torch_module.py``.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import digits


class MLP(nn.Module):
    def __init__(self, n_in: int, n_hidden: int, n_out: int) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


def run(epochs: int = 30, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # a model this small is fastest on one core: more threads wait on each other
    data = digits()
    train = TensorDataset(torch.tensor(data.x_train), torch.tensor(data.y_train))
    loader = DataLoader(train, batch_size=32, shuffle=True)

    model = MLP(64, 64, 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        report(epoch + 1, epochs)

    model.eval()
    with torch.no_grad():
        predicted = model(torch.tensor(data.x_test)).argmax(dim=1).numpy()
    accuracy = float((predicted == data.y_test).mean())
    return RungResult("accuracy", accuracy, predicted.tolist(), {"final training loss": loss.item()})


if __name__ == "__main__":
    print(run())
