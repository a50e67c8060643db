"""Supply chain, rung 1: PyTorch Geometric's ready-made GCN model, in a few lines.

Which firms will miss deliveries after two regions' ports close? Each firm is a node with 19 features
(tier, region, size, stock, lead time, early-warning signals); links join buyers and suppliers. The
model ``torch_geometric.nn.models.GCN`` stacks two graph convolutions: each firm pools the features
of its partners, who tend to share its fate. Run it: ``python rung1_geometric.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch_geometric.nn.models import GCN
from torch_geometric.utils import to_undirected

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # a model this small is fastest on one core
    graph = supply_chain()
    x, y = torch.tensor(graph.features), torch.tensor(graph.labels)
    edge_index = to_undirected(torch.tensor(graph.edges).t())  # each link both ways
    train, test = torch.tensor(graph.train), torch.tensor(graph.test)

    model = GCN(in_channels=x.shape[1], hidden_channels=16, num_layers=2, out_channels=graph.num_classes, dropout=0.5)
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
