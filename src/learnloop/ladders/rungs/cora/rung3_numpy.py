"""Cora, rung 3: the same GCN with NumPy and SciPy only, gradients and Adam written by hand.

Nothing computes derivatives for us here: ``forward`` keeps what ``backward`` needs, ``backward`` applies
the chain rule layer by layer, and ``Adam`` is a dozen lines. The sparse products are SciPy's.
Run it: ``python rung3_numpy.py``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import cora


def normalised_adjacency(edges: np.ndarray, n: int) -> sp.csr_matrix:
    """Â = D^-1/2 (A + I) D^-1/2; ``edges`` lists each undirected pair once."""
    a = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    a = a + a.T + sp.eye(n)
    d = sp.diags(1.0 / np.sqrt(np.asarray(a.sum(axis=1)).ravel()))
    return sp.csr_matrix(d @ a @ d, dtype=np.float32)


def glorot(rng: np.random.Generator, n_in: int, n_out: int) -> np.ndarray:
    bound = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-bound, bound, size=(n_in, n_out)).astype(np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Adam:
    def __init__(self, params: dict[str, np.ndarray], lr: float = 0.01, b1: float = 0.9, b2: float = 0.999) -> None:
        self.params, self.lr, self.b1, self.b2, self.t = params, lr, b1, b2, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for k, g in grads.items():
            self.m[k] = self.b1 * self.m[k] + (1 - self.b1) * g
            self.v[k] = self.b2 * self.v[k] + (1 - self.b2) * g * g
            m_hat = self.m[k] / (1 - self.b1**self.t)
            v_hat = self.v[k] / (1 - self.b2**self.t)
            self.params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)


class GCN:
    def __init__(self, n_features: int, n_hidden: int, n_classes: int, rng: np.random.Generator) -> None:
        self.rng = rng
        self.p = {
            "W1": glorot(rng, n_features, n_hidden),
            "b1": np.zeros(n_hidden, np.float32),
            "W2": glorot(rng, n_hidden, n_classes),
            "b2": np.zeros(n_classes, np.float32),
        }

    def dropout_mask(self, shape: tuple[int, ...] | int, rate: float) -> np.ndarray:
        return (self.rng.random(shape) >= rate).astype(np.float32) / (1 - rate)

    def forward(self, x: sp.csr_matrix, a: sp.csr_matrix, rate: float = 0.0) -> np.ndarray:
        p = self.p
        if rate:  # dropout on the non-zero words, then on the hidden units
            x = sp.csr_matrix((x.data * self.dropout_mask(x.nnz, rate), x.indices, x.indptr), shape=x.shape)
        z1 = a @ (x @ p["W1"]) + p["b1"]
        h1 = np.maximum(z1, 0)
        mask1 = self.dropout_mask(h1.shape, rate) if rate else np.ones_like(h1)
        h1_dropped = h1 * mask1
        self.saved = (x, a, z1, mask1, h1_dropped)
        return a @ (h1_dropped @ p["W2"]) + p["b2"]

    def backward(self, d_z2: np.ndarray, weight_decay: float) -> dict[str, np.ndarray]:
        """Gradients of the loss given d_z2 = dLoss/dlogits; Â is symmetric, so Âᵀ = Â."""
        x, a, z1, mask1, h1_dropped = self.saved
        d_s2 = a @ d_z2  # z2 = Â s2 + b2, with s2 = h1_dropped W2
        d_h1 = (d_s2 @ self.p["W2"].T) * mask1
        d_z1 = d_h1 * (z1 > 0)  # ReLU lets the gradient through where it was active
        d_s1 = a @ d_z1  # z1 = Â s1 + b1, with s1 = x W1
        return {
            "W2": h1_dropped.T @ d_s2,
            "b2": d_z2.sum(axis=0),
            "W1": np.asarray(x.T @ d_s1) + weight_decay * self.p["W1"],
            "b1": d_z1.sum(axis=0),
        }


def run(epochs: int = 200, seed: int = 0, report: Report = quiet) -> RungResult:
    rng = np.random.default_rng(seed)
    graph = cora()
    x, y, train, test = graph.features, graph.labels, graph.train, graph.test
    a = normalised_adjacency(graph.edges, graph.num_nodes)
    onehot = np.eye(graph.num_classes, dtype=np.float32)[y[train]]

    model = GCN(x.shape[1], 16, graph.num_classes, rng)
    optimizer = Adam(model.p, lr=0.01)
    for epoch in range(epochs):
        logits = model.forward(x, a, rate=0.5)
        probs = softmax(logits[train])
        loss = -np.mean(np.log(probs[np.arange(len(train)), y[train]] + 1e-12))
        d_logits = np.zeros_like(logits)
        d_logits[train] = (probs - onehot) / len(train)  # softmax + cross-entropy, differentiated
        optimizer.step(model.backward(d_logits, weight_decay=5e-4))
        report(epoch + 1, epochs)

    predicted = model.forward(x, a).argmax(axis=1)
    accuracy = float(np.mean(predicted[test] == y[test]))
    return RungResult("accuracy", accuracy, predicted[test].tolist(), {"final training loss": float(loss)})


if __name__ == "__main__":
    print(run())
