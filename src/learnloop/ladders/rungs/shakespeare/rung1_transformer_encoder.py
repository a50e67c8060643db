"""Tiny Shakespeare, rung 1: a character-level language model from ``torch.nn.TransformerEncoder``.

A GPT in miniature, trained from scratch in seconds, no downloaded weights: each character becomes a
64-number embedding plus a position embedding; two transformer layers with a causal mask (a character
may only look back) mix them; a linear layer scores the next character. Scored by how often the most
likely next character is right on the held-out end of the text. Run it: ``python rung1_transformer_encoder.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from learnloop.ladders.result import Report, RungResult, quiet
from learnloop.ladders.splits import shakespeare

CONTEXT, WIDTH, HEADS, LAYERS, BATCH = 64, 64, 4, 2, 32


class CharModel(torch.nn.Module):
    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, WIDTH)
        self.position = torch.nn.Embedding(CONTEXT, WIDTH)
        layer = torch.nn.TransformerEncoderLayer(
            WIDTH, HEADS, dim_feedforward=4 * WIDTH, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
        )
        self.blocks = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(WIDTH)
        self.head = torch.nn.Linear(WIDTH, vocab)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        t = codes.shape[1]
        h = self.embed(codes) + self.position(torch.arange(t))
        causal = torch.nn.Transformer.generate_square_subsequent_mask(t)
        return self.head(self.norm(self.blocks(h, mask=causal, is_causal=True)))


def windows(codes: torch.Tensor, starts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs of CONTEXT characters and, for each position, the character that follows."""
    rows = torch.stack([codes[s : s + CONTEXT + 1] for s in starts.tolist()])
    return rows[:, :-1], rows[:, 1:]


def run(epochs: int = 300, seed: int = 0, report: Report = quiet) -> RungResult:
    """``epochs`` counts training steps of 32 random windows each."""
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    text = shakespeare()
    train, test = torch.tensor(text.train), torch.tensor(text.test)
    model = CharModel(len(text.alphabet))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    for step in range(epochs):
        x, y = windows(train, torch.randint(0, len(train) - CONTEXT - 1, (BATCH,)))
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        report(step + 1, epochs)

    x, y = windows(test, torch.arange(0, len(test) - CONTEXT - 1, CONTEXT))  # the unseen end, in order
    with torch.no_grad():
        logits = model(x)
    predicted = logits.argmax(dim=-1).flatten()
    accuracy = (predicted == y.flatten()).float().mean().item()
    bits = F.cross_entropy(logits.flatten(0, 1), y.flatten()).item() / 0.6931
    return RungResult("accuracy", accuracy, predicted.tolist(), {"test bits per character": bits})


if __name__ == "__main__":
    print(run())
