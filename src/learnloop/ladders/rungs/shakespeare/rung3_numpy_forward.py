"""Tiny Shakespeare, rung 3: the forward pass in NumPy, on the weights rung 2 trained.

Training a transformer by hand is a long file of derivatives; reading one is not. Here the trained
weights leave PyTorch as plain arrays and every step of the forward pass is NumPy: embeddings, layer
norm, the masked soft-max attention of four heads, the GELU MLP, the residual sums, the output scores.
It must predict exactly what PyTorch predicts: the largest logit difference is printed.
Run it: ``python rung3_numpy_forward.py``.
"""

from __future__ import annotations

import math

import numpy as np

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import shakespeare

CONTEXT, WIDTH, HEADS = 64, 64, 4


def layer_norm(h: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mean, var = h.mean(axis=-1, keepdims=True), h.var(axis=-1, keepdims=True)
    return (h - mean) / np.sqrt(var + 1e-5) * w + b


def gelu(z: np.ndarray) -> np.ndarray:  # the exact GELU: z times the normal CDF of z
    from scipy.special import erf

    return 0.5 * z * (1.0 + erf(z / math.sqrt(2.0)))


def linear(h: np.ndarray, p: dict[str, np.ndarray], name: str) -> np.ndarray:
    return h @ p[f"{name}.weight"].T + p[f"{name}.bias"]  # torch stores weights as (out, in)


def attention(h: np.ndarray, p: dict[str, np.ndarray], block: str) -> np.ndarray:
    b, t, _ = h.shape
    d = WIDTH // HEADS
    q, k, v = np.split(linear(h, p, f"{block}.qkv"), 3, axis=-1)
    q, k, v = (z.reshape(b, t, HEADS, d).transpose(0, 2, 1, 3) for z in (q, k, v))
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)
    scores[..., np.triu(np.ones((t, t), dtype=bool), k=1)] = -np.inf  # no looking ahead
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return linear((weights @ v).transpose(0, 2, 1, 3).reshape(b, t, WIDTH), p, f"{block}.out")


def forward(codes: np.ndarray, p: dict[str, np.ndarray], layers: int) -> np.ndarray:
    h = p["embed.weight"][codes] + p["position.weight"][: codes.shape[1]]
    for i in range(layers):
        block = f"blocks.{i}"
        h = h + attention(layer_norm(h, p[f"{block}.norm1.weight"], p[f"{block}.norm1.bias"]), p, block)
        mlp_in = layer_norm(h, p[f"{block}.norm2.weight"], p[f"{block}.norm2.bias"])
        h = h + linear(gelu(linear(mlp_in, p, f"{block}.up")), p, f"{block}.down")
    return linear(layer_norm(h, p["norm.weight"], p["norm.bias"]), p, "head")


def run(epochs: int = 300, seed: int = 0, report: Report = quiet) -> RungResult:
    import torch

    from learnloop.ladders.rungs.shakespeare import rung2_attention

    model = rung2_attention.train(epochs, seed, report)  # PyTorch trains; NumPy only reads the weights
    p = {name: t.detach().numpy().astype(np.float64) for name, t in model.state_dict().items()}
    test = shakespeare().test
    starts = np.arange(0, len(test) - CONTEXT - 1, CONTEXT)
    rows = np.stack([test[s : s + CONTEXT + 1] for s in starts])
    x, y = rows[:, :-1], rows[:, 1:]
    logits = forward(x, p, len(model.blocks))
    with torch.no_grad():
        reference = model(torch.tensor(x)).numpy()
    predicted = logits.argmax(axis=-1).ravel()
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    bits = -np.take_along_axis(log_probs, y[..., None], axis=-1).mean() / math.log(2)
    return RungResult(
        "accuracy",
        float(np.mean(predicted == y.ravel())),
        predicted.tolist(),
        {
            "test bits per character": float(bits),
            "largest logit difference from PyTorch": float(np.abs(logits - reference).max()),
        },
    )


if __name__ == "__main__":
    print(run())
