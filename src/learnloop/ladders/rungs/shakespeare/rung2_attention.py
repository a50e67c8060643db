"""Tiny Shakespeare, rung 2: the same model with self-attention written out in PyTorch.

What ``TransformerEncoderLayer`` hides: queries, keys and values are three linear maps of each
position; scores q·k / sqrt(d) are masked so nothing looks ahead, soft-maxed, and used to average the
values; four heads do it side by side. Each block is  h + attention(norm(h)),  then  h + mlp(norm(h)).
Autograd still differentiates. Run it: ``python rung2_attention.py``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import shakespeare

CONTEXT, WIDTH, HEADS, LAYERS, BATCH = 64, 64, 4, 2, 32


class Block(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm1, self.norm2 = torch.nn.LayerNorm(WIDTH), torch.nn.LayerNorm(WIDTH)
        self.qkv = torch.nn.Linear(WIDTH, 3 * WIDTH)
        self.out = torch.nn.Linear(WIDTH, WIDTH)
        self.up, self.down = torch.nn.Linear(WIDTH, 4 * WIDTH), torch.nn.Linear(4 * WIDTH, WIDTH)

    def attention(self, h: torch.Tensor) -> torch.Tensor:
        b, t, _ = h.shape
        q, k, v = self.qkv(h).split(WIDTH, dim=-1)
        q, k, v = (z.view(b, t, HEADS, WIDTH // HEADS).transpose(1, 2) for z in (q, k, v))  # (b, heads, t, d)
        scores = q @ k.transpose(-2, -1) / math.sqrt(WIDTH // HEADS)
        ahead = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        weights = scores.masked_fill(ahead, float("-inf")).softmax(dim=-1)
        return self.out((weights @ v).transpose(1, 2).reshape(b, t, WIDTH))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        h = h + self.attention(self.norm1(h))
        return h + self.down(F.gelu(self.up(self.norm2(h))))


class CharModel(torch.nn.Module):
    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, WIDTH)
        self.position = torch.nn.Embedding(CONTEXT, WIDTH)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = torch.nn.LayerNorm(WIDTH)
        self.head = torch.nn.Linear(WIDTH, vocab)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        h = self.embed(codes) + self.position(torch.arange(codes.shape[1]))
        for block in self.blocks:
            h = block(h)
        return self.head(self.norm(h))


def windows(codes: torch.Tensor, starts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    rows = torch.stack([codes[s : s + CONTEXT + 1] for s in starts.tolist()])
    return rows[:, :-1], rows[:, 1:]


def train(epochs: int = 300, seed: int = 0, report: Report = quiet) -> CharModel:
    """Train from scratch; ``epochs`` counts steps of 32 random windows. Rung 3 reuses the result."""
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    text = shakespeare()
    codes = torch.tensor(text.train)
    model = CharModel(len(text.alphabet))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    for step in range(epochs):
        x, y = windows(codes, torch.randint(0, len(codes) - CONTEXT - 1, (BATCH,)))
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        report(step + 1, epochs)
    return model


def run(epochs: int = 300, seed: int = 0, report: Report = quiet) -> RungResult:
    model = train(epochs, seed, report)
    test = torch.tensor(shakespeare().test)
    x, y = windows(test, torch.arange(0, len(test) - CONTEXT - 1, CONTEXT))
    with torch.no_grad():
        logits = model(x)
    predicted = logits.argmax(dim=-1).flatten()
    accuracy = (predicted == y.flatten()).float().mean().item()
    bits = F.cross_entropy(logits.flatten(0, 1), y.flatten()).item() / math.log(2)
    return RungResult("accuracy", accuracy, predicted.tolist(), {"test bits per character": bits})


if __name__ == "__main__":
    print(run())
