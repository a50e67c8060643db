"""Cora, rung 1: a two-layer graph convolutional network (Kipf & Welling 2017) with PyTorch Geometric.

Each paper is a node with a bag of words; citations are edges. ``GCNConv`` mixes every node's features
with its neighbours'; two such layers look two citations away. Trained on 140 labelled papers,
scored on the standard 1000 test papers. Run it: ``python rung1_geometric.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch_geometric.nn import GCNConv

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import cora


class GCN(torch.nn.Module):
    def __init__(self, n_features: int, n_hidden: int, n_classes: int) -> None:
        super().__init__()
        self.conv1 = GCNConv(n_features, n_hidden)
        self.conv2 = GCNConv(n_hidden, n_classes)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        if self.training:  # dropout on the words each paper has (x is sparse: about 1% of it is non-zero)
            x = torch.sparse_coo_tensor(x.indices(), F.dropout(x.values(), p=0.5), x.shape, check_invariants=False)
        x = F.relu(self.conv1(x, edge_index))
        x = F.dropout(x, p=0.5, training=self.training)
        return self.conv2(x, edge_index)


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # a model this small is fastest on one core: more threads wait on each other
    graph = cora()
    x = torch.tensor(graph.features.toarray()).to_sparse()  # 2708 papers x 1433 words
    y = torch.tensor(graph.labels)
    pairs = torch.tensor(graph.edges).t()
    edge_index = torch.cat([pairs, pairs.flip(0)], dim=1)  # PyG wants both directions of each citation
    train, test = torch.tensor(graph.train), torch.tensor(graph.test)

    model = GCN(x.shape[1], 16, graph.num_classes)
    optimizer = torch.optim.Adam(
        [
            {"params": model.conv1.parameters(), "weight_decay": 5e-4},  # the paper decays the first layer only
            {"params": model.conv2.parameters(), "weight_decay": 0.0},
        ],
        lr=0.01,
    )

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
