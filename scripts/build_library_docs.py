"""Build ``src/learnloop/data/library_docs.jsonl.gz``: a labelled text data set that works offline.

Run from the repository root: ``python scripts/build_library_docs.py``.

Each record is the opening paragraph of the documentation of one public function, class or method of
five libraries every learner meets (NumPy, SciPy, pandas, scikit-learn, matplotlib), labelled with the
library it comes from. The task "which library documents this?" is a real text classification problem
over real prose, and it needs nothing from the network: the text is read from the installed packages once,
here, and shipped with learnloop (all five libraries are BSD-style licensed; the versions used are
written into the file's first line).

Only the summary before the first numpydoc section ("Parameters", "Returns", ...) is kept, without
doctest lines, directives or call signatures; texts under five words and duplicates are dropped; at most
PER_LIBRARY texts are kept per library, chosen at random with a fixed seed.
"""

from __future__ import annotations

import gzip
import importlib
import inspect
import json
import random
import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "learnloop" / "data" / "library_docs.jsonl.gz"
PER_LIBRARY = 700
SEED = 0

LIBRARIES: dict[str, list[str]] = {
    "numpy": ["numpy", "numpy.linalg", "numpy.fft", "numpy.random", "numpy.ma", "numpy.polynomial",
              "numpy.lib.stride_tricks", "numpy.testing", "numpy.char", "numpy.strings", "numpy.rec"],
    "scipy": ["scipy.stats", "scipy.linalg", "scipy.optimize", "scipy.signal", "scipy.sparse",
              "scipy.sparse.linalg", "scipy.sparse.csgraph", "scipy.interpolate", "scipy.integrate",
              "scipy.spatial", "scipy.special", "scipy.ndimage", "scipy.cluster.hierarchy", "scipy.cluster.vq",
              "scipy.io", "scipy.fft", "scipy.odr", "scipy.constants", "scipy.differentiate"],
    "pandas": ["pandas", "pandas.api.types", "pandas.plotting", "pandas.io.formats.style",
               "pandas.core.groupby", "pandas.core.window", "pandas.core.resample", "pandas.tseries.offsets",
               "pandas.errors", "pandas.api.extensions", "pandas.api.indexers"],
    "scikit-learn": ["sklearn", "sklearn.base", "sklearn.calibration", "sklearn.cluster", "sklearn.compose",
                     "sklearn.covariance", "sklearn.cross_decomposition", "sklearn.datasets",
                     "sklearn.decomposition", "sklearn.discriminant_analysis", "sklearn.dummy",
                     "sklearn.ensemble", "sklearn.feature_extraction", "sklearn.feature_extraction.text",
                     "sklearn.feature_selection", "sklearn.gaussian_process", "sklearn.impute",
                     "sklearn.inspection", "sklearn.isotonic", "sklearn.kernel_approximation",
                     "sklearn.kernel_ridge", "sklearn.linear_model", "sklearn.manifold", "sklearn.metrics",
                     "sklearn.mixture", "sklearn.model_selection", "sklearn.multiclass", "sklearn.multioutput",
                     "sklearn.naive_bayes", "sklearn.neighbors", "sklearn.neural_network", "sklearn.pipeline",
                     "sklearn.preprocessing", "sklearn.random_projection", "sklearn.semi_supervised",
                     "sklearn.svm", "sklearn.tree", "sklearn.utils"],
    "matplotlib": ["matplotlib", "matplotlib.pyplot", "matplotlib.axes", "matplotlib.figure",
                   "matplotlib.colors", "matplotlib.patches", "matplotlib.lines", "matplotlib.text",
                   "matplotlib.ticker", "matplotlib.dates", "matplotlib.cm", "matplotlib.collections",
                   "matplotlib.legend", "matplotlib.axis", "matplotlib.transforms", "matplotlib.path",
                   "matplotlib.image", "matplotlib.animation", "matplotlib.widgets", "matplotlib.gridspec",
                   "matplotlib.scale", "matplotlib.spines", "matplotlib.artist", "matplotlib.backend_bases",
                   "matplotlib.markers", "matplotlib.font_manager", "matplotlib.style", "matplotlib.contour",
                   "matplotlib.quiver", "matplotlib.table", "matplotlib.tri", "matplotlib.colorbar"],
}
DISTRIBUTIONS = {"numpy": "numpy", "scipy": "scipy", "pandas": "pandas", "scikit-learn": "scikit-learn",
                 "matplotlib": "matplotlib"}

SECTION = re.compile(r"^\s*(-{3,}|={3,})\s*$")
SIGNATURE = re.compile(r"^[\w.]+\(.*\)(\s*->.*)?$")


def opening(doc: str) -> str | None:
    """The prose before the first numpydoc section, on one line; None when too short to classify."""
    lines = inspect.cleandoc(doc).splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if SECTION.match(following) or line.strip().startswith(".. ") or line.strip().startswith(">>>"):
            break
        if index == 0 and SIGNATURE.match(line.strip()):
            continue
        kept.append(line.strip())
    text = " ".join(" ".join(kept).split())
    return text if len(text.split()) >= 5 else None


def public_objects(module_name: str) -> list[object]:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return []
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    found: list[object] = []
    for name in names:
        try:
            obj = getattr(module, name, None)
        except ImportError:  # experimental names that need an explicit opt-in
            continue
        if obj is None or inspect.ismodule(obj):
            continue
        found.append(obj)
        if inspect.isclass(obj):
            found.extend(member for member_name, member in vars(obj).items()
                         if not member_name.startswith("_") and callable(member))
    return found


def collect() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    seen: set[str] = set()
    for library, modules in LIBRARIES.items():
        texts[library] = []
        for module_name in modules:
            for obj in public_objects(module_name):
                doc = getattr(obj, "__doc__", None)
                if not isinstance(doc, str):
                    continue
                text = opening(doc)
                if text and text not in seen:
                    seen.add(text)
                    texts[library].append(text)
    return texts


def main() -> None:
    from importlib.metadata import version

    warnings.simplefilter("ignore")
    texts = collect()
    rng = random.Random(SEED)
    header = {"about": "opening paragraphs of library documentation, labelled by library",
              "versions": {lib: version(dist) for lib, dist in DISTRIBUTIONS.items()}}
    rows = []
    for library, items in texts.items():
        chosen = rng.sample(items, min(PER_LIBRARY, len(items)))
        rows.extend({"text": text, "label": library} for text in sorted(chosen))
        print(f"{library}: {len(items)} texts found, {len(chosen)} kept")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as raw:
        raw.write((json.dumps(header) + "\n").encode())
        for row in rows:
            raw.write((json.dumps(row, ensure_ascii=False) + "\n").encode())
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} texts, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
