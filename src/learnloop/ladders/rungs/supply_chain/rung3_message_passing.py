"""Supply chain, rung 3: a graph convolution of your own, as a ``MessagePassing`` subclass.

This is what ``GCNConv`` does inside: add a self-loop to every firm, weight each link by
1 / sqrt(deg(i) deg(j)), let every firm send its transformed features along its links (``message``)
and sum what arrives (``aggr="add"``). PyTorch Geometric still routes the messages (scatter/gather).
Run it: ``python rung3_message_passing.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch_geometric.nn import MessagePassing
from torch_geometric.utils import add_self_loops, degree, to_undirected

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


class GraphConv(MessagePassing):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__(aggr="add")
        self.linear = torch.nn.Linear(n_in, n_out, bias=False)
        torch.nn.init.xavier_uniform_(self.linear.weight)
        self.bias = torch.nn.Parameter(torch.zeros(n_out))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        edge_index, _ = add_self_loops(edge_index, num_nodes=x.size(0))
        source, target = edge_index
        deg = degree(target, x.size(0), dtype=x.dtype)
        norm = deg[source].rsqrt() * deg[target].rsqrt()
        return self.propagate(edge_index, x=self.linear(x), norm=norm) + self.bias

    def message(self, x_j: torch.Tensor, norm: torch.Tensor) -> torch.Tensor:
        return norm.view(-1, 1) * x_j  # what firm j sends to firm i, weighted by the link's norm


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    graph = supply_chain()
    x, y = torch.tensor(graph.features), torch.tensor(graph.labels)
    edge_index = to_undirected(torch.tensor(graph.edges).t())
    train, test = torch.tensor(graph.train), torch.tensor(graph.test)

    conv1, conv2 = GraphConv(x.shape[1], 16), GraphConv(16, graph.num_classes)
    optimizer = torch.optim.Adam([*conv1.parameters(), *conv2.parameters()], lr=0.01, weight_decay=5e-4)

    def forward(training: bool) -> torch.Tensor:
        h = F.relu(conv1(F.dropout(x, p=0.5, training=training), edge_index))
        return conv2(F.dropout(h, p=0.5, training=training), edge_index)

    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(forward(True)[train], y[train])
        loss.backward()
        optimizer.step()
        report(epoch + 1, epochs)

    with torch.no_grad():
        predicted = forward(False).argmax(dim=1)
    accuracy = (predicted[test] == y[test]).float().mean().item()
    return RungResult("accuracy", accuracy, predicted[test].tolist(), {"final training loss": loss.item()})


if __name__ == "__main__":
    print(run())
