"""Convert the Planetoid copy of Cora into ``src/learnloop/data/cora.npz``, once.

Run from the repository root:

    python scripts/convert_cora.py [PLANETOID_DIR] [RAW_CORA_DIR]

(defaults: ``../shared/data/planetoid`` and ``../shared/data/cora``).

Why the Planetoid files: they fix the node order and the standard split that every GCN paper reports on
(Yang et al. 2016; Kipf & Welling 2017): the first 140 nodes train, the next 500 validate, and the 1000
nodes listed in ``ind.cora.test.index`` test. The raw files (``cora.content`` / ``cora.cites``, from
LINQS) are only used to check the conversion and to name the seven classes: each Planetoid node is matched
to its raw paper by its bag-of-words row.

The Planetoid files are Python pickles. They are read here, with an unpickler that only accepts the
handful of NumPy/SciPy classes they contain, and never at run time: learnloop ships and loads the .npz.

What the .npz holds (all plain arrays, ``allow_pickle=False`` loads it):
  features_indices, features_indptr, features_shape   binary bag of words as CSR parts (2708 x 1433)
  labels        int8, class index per node
  class_names   the seven class names, in label order
  edges         int32 (E, 2), undirected citation edges, i < j, no self-loops, no duplicates
  train, val, test   int32 node indices of the standard split (140 / 500 / 1000)
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "learnloop" / "data" / "cora.npz"

ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("collections", "defaultdict"),
    ("builtins", "list"),
    ("__builtin__", "list"),
    ("copy_reg", "_reconstructor"),
    ("copyreg", "_reconstructor"),
    ("__builtin__", "object"),
}


class PlanetoidUnpickler(pickle.Unpickler):
    """Refuses every class but the arrays, sparse matrices and dicts that the Planetoid files hold."""

    def find_class(self, module: str, name: str) -> object:
        if module.startswith("scipy.sparse") and name.endswith("_matrix"):
            return getattr(sp, name)  # old pickles name private modules (scipy.sparse.csr)
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name}")


def read_pickle(path: Path) -> object:
    with path.open("rb") as handle:
        return PlanetoidUnpickler(handle, encoding="latin1").load()


def load_planetoid(folder: Path) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    part = {name: read_pickle(folder / f"ind.cora.{name}") for name in ("x", "y", "tx", "ty", "allx", "ally", "graph")}
    test_order = np.loadtxt(folder / "ind.cora.test.index", dtype=np.int64)
    test_sorted = np.sort(test_order)

    # The test rows come last in the files, in the order of test.index; put each one at its own node id.
    features = sp.vstack([part["allx"], part["tx"]]).tolil()
    features[test_order, :] = features[test_sorted, :]
    onehot = np.vstack([part["ally"], part["ty"]])
    onehot[test_order, :] = onehot[test_sorted, :]
    labels = onehot.argmax(axis=1)

    pairs = {(min(a, b), max(a, b)) for a, targets in part["graph"].items() for b in targets if a != b}
    edges = np.array(sorted(pairs), dtype=np.int32)

    n_train = part["y"].shape[0]
    split = {
        "train": np.arange(n_train, dtype=np.int32),
        "val": np.arange(n_train, n_train + 500, dtype=np.int32),
        "test": test_sorted.astype(np.int32),
    }
    return sp.csr_matrix(features, dtype=np.uint8), labels, edges, split


def name_classes(features: sp.csr_matrix, labels: np.ndarray, edges: np.ndarray, raw: Path) -> list[str]:
    """Match every node to its raw paper by word vector, check the citations agree, and name the classes."""
    rows: dict[bytes, list[tuple[str, str]]] = {}
    for line in (raw / "cora.content").read_text().splitlines():
        paper, *bits, label = line.split()
        rows.setdefault(np.array(bits, dtype=np.uint8).tobytes(), []).append((paper, label))
    dense = features.toarray()
    paper_of: dict[int, str] = {}
    names: dict[int, set[str]] = {}
    for node in range(dense.shape[0]):
        candidates = rows.get(dense[node].tobytes(), [])
        kinds = {label for _, label in candidates}
        if len(kinds) == 1:
            names.setdefault(int(labels[node]), set()).update(kinds)
        if len(candidates) == 1:
            paper_of[node] = candidates[0][0]
    for index, found in names.items():
        if len(found) != 1:
            raise SystemExit(f"class {index} matches several raw labels: {sorted(found)}")
    cited = set()
    for line in (raw / "cora.cites").read_text().splitlines():
        a, b = line.split()
        if a != b:
            cited.add(frozenset((a, b)))
    known = [(paper_of[i], paper_of[j]) for i, j in edges if i in paper_of and j in paper_of]
    agree = sum(frozenset(pair) in cited for pair in known)
    print(
        f"matched {len(paper_of)} of {dense.shape[0]} nodes to raw papers; "
        f"{agree} of {len(known)} matched edges are citations in cora.cites"
    )
    if agree < 0.99 * len(known):
        raise SystemExit("the Planetoid graph does not agree with the raw citations")
    return [next(iter(names[i])) for i in range(len(names))]


def main(argv: list[str]) -> None:
    planetoid = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data" / "planetoid"
    raw = Path(argv[2]) if len(argv) > 2 else ROOT.parent / "shared" / "data" / "cora"
    features, labels, edges, split = load_planetoid(planetoid)
    class_names = name_classes(features, labels, edges, raw)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        features_indices=features.indices.astype(np.int16),
        features_indptr=features.indptr.astype(np.int32),
        features_shape=np.array(features.shape, dtype=np.int32),
        labels=labels.astype(np.int8),
        class_names=np.array(class_names),
        edges=edges,
        **split,
    )
    print(
        f"wrote {OUT.relative_to(ROOT)}: {features.shape[0]} nodes, {features.shape[1]} words, "
        f"{len(edges)} undirected edges, classes {class_names}, "
        f"split {len(split['train'])}/{len(split['val'])}/{len(split['test'])}, {OUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main(sys.argv)
