"""Loaders for the data sets learnloop makes itself: the supply-chain graph and the tiny Shakespeare text.

Map ids: ``supply-chain-graph`` (``supply_chain.npz``) and ``tiny-shakespeare`` (``tiny_shakespeare.txt``).
Both read files inside the installed package with ``allow_pickle=False``: nothing executes, nothing
downloads. NumPy and pandas are imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SUPPLY_CHAIN_FILE = "supply_chain.npz"
SHAKESPEARE_FILE = "tiny_shakespeare.txt"
FILES = {"supply-chain-graph": SUPPLY_CHAIN_FILE, "tiny-shakespeare": SHAKESPEARE_FILE}


def shipped_file(name: str) -> Any:
    """A file in ``learnloop/data`` as a package resource."""
    return resources.files("learnloop.data") / name


@dataclass(frozen=True)
class SupplyChain:
    """Firms (nodes) with features, buyer-supplier links (edges), and whether each firm misses deliveries."""

    features: np.ndarray  # float32 (N, F), already standardised
    feature_names: list[str]
    labels: np.ndarray  # int64 (N,): 0 delivers on time, 1 misses deliveries
    class_names: list[str]
    edges: np.ndarray  # int64 (E, 2), undirected, i < j, no self-loops
    tier: np.ndarray
    region: np.ndarray
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    about: str
    licence: str

    @property
    def num_nodes(self) -> int:
        return int(self.features.shape[0])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def load_supply_chain() -> SupplyChain:
    """The synthetic supply-chain graph (900 firms, 4 tiers, 6 regions) with its fixed 50/20/30 split."""
    import numpy as np

    with shipped_file(SUPPLY_CHAIN_FILE).open("rb") as raw, np.load(raw, allow_pickle=False) as parts:
        return SupplyChain(
            features=parts["features"].astype(np.float32),
            feature_names=[str(n) for n in parts["feature_names"]],
            labels=parts["labels"].astype(np.int64),
            class_names=[str(n) for n in parts["class_names"]],
            edges=parts["edges"].astype(np.int64),
            tier=parts["tier"].astype(np.int64),
            region=parts["region"].astype(np.int64),
            train=parts["train"].astype(np.int64),
            val=parts["val"].astype(np.int64),
            test=parts["test"].astype(np.int64),
            about=str(parts["about"][0]),
            licence=str(parts["licence"][0]),
        )


def supply_chain_table() -> pd.DataFrame:
    """The firms as a plain table (features and the label, no links): what a non-graph model sees."""
    import pandas as pd

    graph = load_supply_chain()
    frame = pd.DataFrame(graph.features, columns=graph.feature_names)
    frame["misses_deliveries"] = graph.labels
    return frame


def load_tiny_shakespeare() -> str:
    """About 300,000 characters of Shakespeare's plays (public domain)."""
    return shipped_file(SHAKESPEARE_FILE).read_text(encoding="utf-8")
