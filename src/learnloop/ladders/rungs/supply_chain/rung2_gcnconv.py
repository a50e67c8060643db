"""Supply chain, rung 2: the same two-layer GCN, written as your own module from ``GCNConv`` layers.

You now decide the architecture: layer sizes, where the ReLU and the dropout go. ``GCNConv`` still
adds the self-loops, normalises by degree (D^-1/2 (A + I) D^-1/2) and passes the messages.
Run it: ``python rung2_gcnconv.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch_geometric.nn import GCNConv
from torch_geometric.utils import to_undirected

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


class GCN(torch.nn.Module):
    def __init__(self, n_features: int, n_hidden: int, n_classes: int) -> None:
        super().__init__()
        self.conv1 = GCNConv(n_features, n_hidden)
        self.conv2 = GCNConv(n_hidden, n_classes)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        x = F.dropout(x, p=0.5, training=self.training)
        h = F.relu(self.conv1(x, edge_index))
        h = F.dropout(h, p=0.5, training=self.training)
        return self.conv2(h, edge_index)


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    graph = supply_chain()
    x, y = torch.tensor(graph.features), torch.tensor(graph.labels)
    edge_index = to_undirected(torch.tensor(graph.edges).t())
    train, test = torch.tensor(graph.train), torch.tensor(graph.test)

    model = GCN(x.shape[1], 16, graph.num_classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x, edge_index)[train], y[train])
        loss.backward()
        optimizer.step()
        report(epoch + 1, epochs)

    model.eval()
    with torch.no_grad():
        predicted = model(x, edge_index).argmax(dim=1)
    accuracy = (predicted[test] == y[test]).float().mean().item()
    return RungResult("accuracy", accuracy, predicted[test].tolist(), {"final training loss": loss.item()})


if __name__ == "__main__":
    print(run())
