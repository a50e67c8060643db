"""Data sets that ship inside learnloop (no download, ever), and the loaders of the newer ones.

Files: ``cora.npz`` and ``movie_reviews.csv`` (converted from public releases, see ``scripts/``),
``supply_chain.npz`` (a synthetic supply-chain graph made by ``scripts/build_supply_chain.py``) and
``tiny_shakespeare.txt`` (public-domain text, cut by ``scripts/build_tiny_shakespeare.py``). The loaders
are in :mod:`learnloop.data.shipped`.
"""
