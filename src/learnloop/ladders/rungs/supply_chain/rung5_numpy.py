"""Supply chain, rung 5: the same GCN in NumPy and SciPy, forward pass, chain rule and Adam by hand.

Nothing computes a derivative for us: ``forward`` keeps what ``backward`` needs, and ``backward`` walks
the chain rule back through both graph convolutions (Â is symmetric, so Âᵀ = Â).
Run it: ``python rung5_numpy.py``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import supply_chain


def normalised_adjacency(edges: np.ndarray, n: int) -> sp.csr_matrix:
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


def run(epochs: int = 200, seed: int = 0, report: Report = quiet, lr: float = 0.01) -> RungResult:
    rng = np.random.default_rng(seed)
    graph = supply_chain()
    x, y, train, test = graph.features, graph.labels, graph.train, graph.test
    a = normalised_adjacency(graph.edges, graph.num_nodes)
    p = {
        "W1": glorot(rng, x.shape[1], 16),
        "b1": np.zeros(16, np.float32),
        "W2": glorot(rng, 16, graph.num_classes),
        "b2": np.zeros(graph.num_classes, np.float32),
    }
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    onehot = np.eye(graph.num_classes, dtype=np.float32)[y[train]]

    def mask(shape: tuple[int, ...]) -> np.ndarray:  # inverted dropout, rate 0.5
        return (rng.random(shape) >= 0.5).astype(np.float32) * 2.0

    for epoch in range(epochs):
        mx = mask(x.shape)
        x_d = x * mx
        z1 = a @ (x_d @ p["W1"]) + p["b1"]
        m1 = mask(z1.shape)
        h1 = np.maximum(z1, 0) * m1
        z2 = a @ (h1 @ p["W2"]) + p["b2"]
        probs = softmax(z2[train])
        loss = -np.mean(np.log(probs[np.arange(len(train)), y[train]] + 1e-12))
        d_z2 = np.zeros_like(z2)
        d_z2[train] = (probs - onehot) / len(train)  # softmax + cross-entropy, differentiated
        d_s2 = a @ d_z2  # z2 = Â s2 + b2, s2 = h1 W2
        d_z1 = (d_s2 @ p["W2"].T) * m1 * (z1 > 0)  # back through dropout and ReLU
        d_s1 = a @ d_z1  # z1 = Â s1 + b1, s1 = x_d W1
        grads = {"W1": x_d.T @ d_s1, "b1": d_z1.sum(axis=0), "W2": h1.T @ d_s2, "b2": d_z2.sum(axis=0)}
        for k, g in grads.items():  # Adam with L2 weight decay, as torch.optim.Adam
            g = g + 5e-4 * p[k]
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            t = epoch + 1
            p[k] -= lr * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
        report(epoch + 1, epochs)

    logits = a @ (np.maximum(a @ (x @ p["W1"]) + p["b1"], 0) @ p["W2"]) + p["b2"]
    predicted = logits.argmax(axis=1)
    accuracy = float(np.mean(predicted[test] == y[test]))
    return RungResult("accuracy", accuracy, predicted[test].tolist(), {"final training loss": float(loss)})


if __name__ == "__main__":
    print(run())
