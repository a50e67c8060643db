"""Step 3: learn the libraries top-down.

A ladder is one task solved at three or four levels of abstraction. Each rung is a short script under
``rungs/<ladder>/`` that runs on its own (``python rung1_....py``) and exposes ``run(epochs=..., seed=...)``;
all rungs of a ladder read the same split from :mod:`learnloop.ladders.splits`, so their scores can be
compared. :mod:`learnloop.ladders.registry` holds what each rung hides and why the ladder stops where it does.
"""
