"""Cora, rung 2: the same GCN in plain PyTorch, the way Kipf's pygcn writes it.

No graph library: like pygcn (``adj = normalize(adj + sp.eye(n))`` in its ``utils.py``) we build the
row-normalised adjacency  Â = D^-1 (A + I)  ourselves: each node averages itself and its neighbours. The
paper and rungs 1 and 3 use the symmetric D^-1/2 (A + I) D^-1/2 instead; both land near 81% on Cora.
We keep Â as a sparse tensor, and a graph convolution layer is just  Â · (H · W) + b.  Autograd still
computes the gradients and ``torch.optim.Adam`` still updates the weights.
One difference from pygcn: it trains on nodes 0-139 and tests on 500-1499 of its own ordering; this
ladder uses the standard Planetoid split on every rung so that the rungs can be compared.
Run it: ``python rung2_pytorch.py``.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import cora


def sparse_tensor(matrix: sp.csr_matrix) -> torch.Tensor:
    """A SciPy sparse matrix as a torch sparse tensor."""
    coo = matrix.tocoo()
    index = torch.tensor(np.vstack([coo.row, coo.col]), dtype=torch.long)
    return torch.sparse_coo_tensor(index, torch.tensor(coo.data), coo.shape, check_invariants=True).coalesce()


def sparse_dropout(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """Dropout on the non-zero entries of a sparse tensor (the zeros would stay zero anyway)."""
    if not training:
        return x
    return torch.sparse_coo_tensor(x.indices(), F.dropout(x.values(), p=p), x.shape, check_invariants=False)


def normalised_adjacency(edges: torch.Tensor, n: int) -> torch.Tensor:
    """Â = D^-1 (A + I), pygcn's row normalisation, as a sparse n x n tensor: every row sums to 1.

    ``edges`` lists each undirected pair once."""
    loops = torch.arange(n).repeat(2, 1)
    index = torch.cat([edges.t(), edges.t().flip(0), loops], dim=1)
    degree = torch.zeros(n).index_add_(0, index[0], torch.ones(index.shape[1]))
    weight = 1.0 / degree[index[0]]
    return torch.sparse_coo_tensor(index, weight, (n, n), check_invariants=True).coalesce()


class GraphConvolution(torch.nn.Module):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        bound = math.sqrt(6.0 / (n_in + n_out))  # Glorot, as in the paper
        self.weight = torch.nn.Parameter(torch.empty(n_in, n_out).uniform_(-bound, bound))
        self.bias = torch.nn.Parameter(torch.zeros(n_out))

    def forward(self, h: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        return torch.sparse.mm(adjacency, torch.mm(h, self.weight)) + self.bias  # h may be sparse


class GCN(torch.nn.Module):
    def __init__(self, n_features: int, n_hidden: int, n_classes: int) -> None:
        super().__init__()
        self.layer1 = GraphConvolution(n_features, n_hidden)
        self.layer2 = GraphConvolution(n_hidden, n_classes)

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        x = sparse_dropout(x, p=0.5, training=self.training)
        h = F.relu(self.layer1(x, adjacency))
        h = F.dropout(h, p=0.5, training=self.training)
        return self.layer2(h, adjacency)


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # a model this small is fastest on one core: more threads wait on each other
    graph = cora()
    x = sparse_tensor(graph.features)  # 2708 x 1433, about 1% non-zero
    y = torch.tensor(graph.labels)
    adjacency = normalised_adjacency(torch.tensor(graph.edges), graph.num_nodes)
    train, test = torch.tensor(graph.train), torch.tensor(graph.test)

    model = GCN(x.shape[1], 16, graph.num_classes)
    optimizer = torch.optim.Adam(
        [
            {"params": model.layer1.parameters(), "weight_decay": 5e-4},
            {"params": model.layer2.parameters(), "weight_decay": 0.0},
        ],
        lr=0.01,
    )

    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x, adjacency)[train], y[train])
        loss.backward()
        optimizer.step()
        report(epoch + 1, epochs)

    model.eval()
    with torch.no_grad():
        predicted = model(x, adjacency).argmax(dim=1)
    accuracy = (predicted[test] == y[test]).float().mean().item()
    return RungResult("accuracy", accuracy, predicted[test].tolist(), {"final training loss": loss.item()})


if __name__ == "__main__":
    print(run())
