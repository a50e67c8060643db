"""Supply chain, rung 4: plain PyTorch, the normalised adjacency as a sparse matrix, no graph library.

Message passing with a sum and fixed weights is a matrix product: Â = D^-1/2 (A + I) D^-1/2 holds
every link's weight, and a layer is Â · (H · W) + b. Autograd and Adam are still PyTorch's.
Run it: ``python rung4_torch_sparse.py``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


def normalised_adjacency(edges: torch.Tensor, n: int) -> torch.Tensor:
    """Â = D^-1/2 (A + I) D^-1/2 as a sparse n x n tensor; ``edges`` lists each link once."""
    loops = torch.arange(n).repeat(2, 1)
    index = torch.cat([edges.t(), edges.t().flip(0), loops], dim=1)
    deg = torch.zeros(n).index_add_(0, index[0], torch.ones(index.shape[1]))
    weight = deg[index[0]].rsqrt() * deg[index[1]].rsqrt()
    return torch.sparse_coo_tensor(index, weight, (n, n)).coalesce()


def glorot(n_in: int, n_out: int) -> torch.nn.Parameter:
    bound = math.sqrt(6.0 / (n_in + n_out))
    return torch.nn.Parameter(torch.empty(n_in, n_out).uniform_(-bound, bound))


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    graph = supply_chain()
    x, y = torch.tensor(graph.features), torch.tensor(graph.labels)
    a = normalised_adjacency(torch.tensor(graph.edges), graph.num_nodes)
    train, test = torch.tensor(graph.train), torch.tensor(graph.test)

    w1, w2 = glorot(x.shape[1], 16), glorot(16, graph.num_classes)
    b1, b2 = torch.nn.Parameter(torch.zeros(16)), torch.nn.Parameter(torch.zeros(graph.num_classes))
    optimizer = torch.optim.Adam([w1, b1, w2, b2], lr=0.01, weight_decay=5e-4)

    def forward(training: bool) -> torch.Tensor:
        h = F.relu(torch.sparse.mm(a, F.dropout(x, 0.5, training) @ w1) + b1)
        return torch.sparse.mm(a, F.dropout(h, 0.5, training) @ w2) + b2

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
