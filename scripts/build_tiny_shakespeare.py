"""Build ``src/learnloop/data/tiny_shakespeare.txt``: the first ~300 KB of "tiny Shakespeare", once.

Run from the repository root with the original file (``data/tinyshakespeare/input.txt`` of Andrej
Karpathy's char-rnn repository, 1,115,394 characters, 2015):

    python scripts/build_tiny_shakespeare.py PATH/TO/input.txt

The text is William Shakespeare's (speeches from his plays, starting with Coriolanus), which is in the
public domain; char-rnn's selection is the usual small corpus for character-level language models. We keep
the first 300,000 characters, cut at the end of a speech, so the file stays small and a tiny transformer
trains on it in seconds. Licence line: public domain (Shakespeare's text); selection from karpathy/char-rnn.
"""

from __future__ import annotations

import sys
from pathlib import Path

KEEP = 300_000
OUT = Path(__file__).resolve().parent.parent / "src" / "learnloop" / "data" / "tiny_shakespeare.txt"


def cut(text: str, keep: int = KEEP) -> str:
    """The first ``keep`` characters, shortened to the last blank line so no speech is cut in half."""
    head = text[:keep]
    end = head.rfind("\n\n")
    return head[: end + 1] if end > 0 else head


def main(source: Path, out: Path = OUT) -> None:
    text = cut(source.read_text(encoding="utf-8"))
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(text):,} characters, {len(set(text))} distinct, {text.count(chr(10)):,} lines")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_tiny_shakespeare.py PATH/TO/input.txt")
    main(Path(sys.argv[1]))
