"""The one split per ladder that all its rungs share, so their scores can be compared.

Every function here returns the same train/test partition on every call (fixed seeds, or the standard
published split for Cora). The data ships offline: scikit-learn's bundled sets, palmerpenguins, and
files in :mod:`learnloop.data`. Heavy libraries are imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

SPLIT_SEED = 0
TEST_SHARE = 0.25


@dataclass(frozen=True)
class Arrays:
    """A numeric table split once: ``x_*`` are float arrays, ``y_*`` labels or targets."""

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]


@dataclass(frozen=True)
class Frames:
    """A table with missing values and text columns, split once, as pandas objects."""

    x_train: pd.DataFrame
    x_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series
    numeric: list[str]
    categorical: list[str]


@dataclass(frozen=True)
class Texts:
    """Short documents and their labels, split once."""

    x_train: list[str]
    x_test: list[str]
    y_train: list[str]
    y_test: list[str]
    classes: list[str]


@dataclass(frozen=True)
class Graph:
    """Cora: node features, citation edges, and the standard Planetoid split (140 / 500 / 1000 nodes)."""

    features: sp.csr_matrix  # binary bag of words, rows scaled to sum to 1
    labels: np.ndarray
    edges: np.ndarray  # (E, 2) undirected, each pair once, no self-loops
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    class_names: list[str]

    @property
    def num_nodes(self) -> int:
        return int(self.features.shape[0])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def data_file(name: str) -> Any:
    """A file shipped in ``learnloop/data``."""
    return resources.files("learnloop.data") / name


def digits() -> Arrays:
    """scikit-learn's 8x8 digits, pixels scaled to [0, 1], a stratified 75 / 25 split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.data / 16.0).astype("float32")
    x_train, x_test, y_train, y_test = train_test_split(
        x, data.target, test_size=TEST_SHARE, random_state=SPLIT_SEED, stratify=data.target
    )
    return Arrays(x_train, x_test, y_train, y_test, feature_names=list(data.feature_names))


def diabetes() -> Arrays:
    """scikit-learn's diabetes progression data (442 patients, 10 measurements), a 75 / 25 split."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    data = load_diabetes()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=TEST_SHARE, random_state=SPLIT_SEED
    )
    return Arrays(x_train, x_test, y_train, y_test, feature_names=list(data.feature_names))


def penguins() -> Frames:
    """Palmer penguins as they come (missing values, text columns), a stratified 75 / 25 split on species."""
    from palmerpenguins import load_penguins
    from sklearn.model_selection import train_test_split

    table = load_penguins()
    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    categorical = ["island", "sex"]
    x, y = table[numeric + categorical], table["species"]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=TEST_SHARE, random_state=SPLIT_SEED, stratify=y)
    return Frames(x_train, x_test, y_train, y_test, numeric, categorical)


def movie_reviews() -> Texts:
    """One-sentence Rotten Tomatoes reviews (Pang & Lee 2004), fresh or rotten, a stratified 75 / 25 split."""
    import pandas as pd
    from sklearn.model_selection import train_test_split

    with data_file("movie_reviews.csv").open("rb") as raw:
        table = pd.read_csv(raw)
    texts, labels = table["text"].tolist(), table["sentiment"].tolist()
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=TEST_SHARE, random_state=SPLIT_SEED, stratify=labels
    )
    return Texts(x_train, x_test, y_train, y_test, classes=sorted(set(labels)))


def cora() -> Graph:
    """Cora with the Planetoid split, read from the shipped ``cora.npz`` (no pickles at run time)."""
    import numpy as np
    import scipy.sparse as sp

    with data_file("cora.npz").open("rb") as raw, np.load(raw, allow_pickle=False) as parts:
        rows, columns = (int(n) for n in parts["features_shape"])
        indices = parts["features_indices"].astype(np.int32)
        ones = np.ones(len(indices), dtype=np.float32)
        binary = sp.csr_matrix((ones, indices, parts["features_indptr"]), shape=(rows, columns))
        row_sums = np.asarray(binary.sum(axis=1)).ravel()
        scaled = sp.diags(1.0 / np.maximum(row_sums, 1.0)).astype(np.float32) @ binary
        return Graph(
            features=sp.csr_matrix(scaled, dtype=np.float32),
            labels=parts["labels"].astype(np.int64),
            edges=parts["edges"].astype(np.int64),
            train=parts["train"].astype(np.int64),
            val=parts["val"].astype(np.int64),
            test=parts["test"].astype(np.int64),
            class_names=[str(name) for name in parts["class_names"]],
        )


@dataclass(frozen=True)
class Series:
    """One series cut once in time: every training month comes before every test month (never shuffled)."""

    train: pd.Series
    test: pd.Series
    season: int  # observations per seasonal cycle (12 for monthly data)
    unit: str

    @property
    def horizon(self) -> int:
        return len(self.test)


FORECAST_MONTHS = 60


def co2_monthly() -> Series:
    """Mauna Loa CO2 (statsmodels), weekly readings averaged per month, the few empty months interpolated.

    The last five years (1997-2001) are the held-out future; everything before is training. Every rung
    forecasts each test month from the months before it (one step ahead, walking forward), with a model
    fitted on the training years only."""
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean().interpolate()
    monthly.name = "co2"
    return Series(train=monthly.iloc[:-FORECAST_MONTHS], test=monthly.iloc[-FORECAST_MONTHS:], season=12, unit="ppm")


def forecast_result(series: Series, forecast: Any, notes: list[str] | None = None) -> Any:
    """Score a forecast of the held-out future: R² as the ladder's metric, the mean absolute error beside it."""
    import numpy as np

    from learnloop.ladders.result import RungResult

    actual = series.test.to_numpy(dtype=float)
    predicted = np.asarray(forecast, dtype=float)
    if predicted.shape != actual.shape:
        raise ValueError(f"a forecast of {len(actual)} months is needed, got {predicted.shape}")
    # R² of the held-out months: the share of their variation (season and trend) the forecast explains
    r2 = 1.0 - float(np.sum((actual - predicted) ** 2) / np.sum((actual - actual.mean()) ** 2))
    mae = float(np.mean(np.abs(actual - predicted)))
    return RungResult("r2", r2, [round(float(v), 4) for v in predicted], {f"MAE ({series.unit})": mae}, notes or [])


def supply_chain() -> Any:
    """The shipped synthetic supply-chain graph with its fixed stratified 50 / 20 / 30 node split."""
    from learnloop.data.shipped import load_supply_chain

    return load_supply_chain()


@dataclass(frozen=True)
class Characters:
    """A text as integer character codes, cut once: the first 90% trains, the last 10% tests."""

    train: np.ndarray
    test: np.ndarray
    alphabet: list[str]

    def decode(self, codes: Any) -> str:
        return "".join(self.alphabet[int(c)] for c in codes)


def shakespeare() -> Characters:
    """tiny Shakespeare as character codes; the test part is the text's end, never seen in training."""
    import numpy as np

    from learnloop.data.shipped import load_tiny_shakespeare

    text = load_tiny_shakespeare()
    alphabet = sorted(set(text))
    lookup = {c: i for i, c in enumerate(alphabet)}
    codes = np.fromiter((lookup[c] for c in text), dtype=np.int64, count=len(text))
    cut = int(0.9 * len(codes))
    return Characters(train=codes[:cut], test=codes[cut:], alphabet=alphabet)


LAKE = ("SFFF", "FHFH", "FFFH", "HFFG")  # gymnasium's FrozenLake 4x4: Start, Frozen, Hole, Goal
MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))  # (row, column) steps of actions 0-3: left, down, right, up


@dataclass(frozen=True)
class Lake:
    """The slippery 4x4 frozen lake as a table: ``transitions[s, a]`` lists (probability, next state).

    The ice is slippery: an intended move happens with probability 1/3, and each of the two moves at
    right angles with 1/3. Falling in a hole or reaching the goal ends the episode (reward 1 at the goal).
    """

    transitions: np.ndarray  # (16, 4, 16) probabilities
    terminal: np.ndarray  # (16,) bool
    goal: int
    max_steps: int = 100  # gymnasium's time limit for this map

    def success_rate(self, policy: Any) -> float:
        """Exact probability that the greedy ``policy`` (an action per state) reaches the goal in time."""
        import numpy as np

        dist = np.zeros(len(self.terminal))
        dist[0] = 1.0
        chosen = self.transitions[np.arange(len(policy)), np.asarray(policy)]  # (16, 16)
        reached = 0.0
        for _ in range(self.max_steps):
            dist = dist @ chosen
            reached += dist[self.goal]
            dist[self.terminal] = 0.0  # episodes that ended stop moving
        return float(reached)


def frozen_lake() -> Lake:
    import numpy as np

    cells = "".join(LAKE)
    n = len(cells)
    transitions = np.zeros((n, 4, n))
    for s in range(n):
        if cells[s] in "HG":
            transitions[s, :, s] = 1.0
            continue
        row, col = divmod(s, 4)
        for a in range(4):
            for slip in (a - 1, a, a + 1):
                dr, dc = MOVES[slip % 4]
                r, c = min(max(row + dr, 0), 3), min(max(col + dc, 0), 3)
                transitions[s, a, r * 4 + c] += 1 / 3
    terminal = np.array([c in "HG" for c in cells])
    return Lake(transitions=transitions, terminal=terminal, goal=cells.index("G"))


def breast_cancer_novelty() -> Arrays:
    """Breast cancer (scikit-learn) as novelty detection: fit on the benign training cases only, then flag
    the test cases; ``y_test`` is 1 for malignant (the anomaly) and 0 for benign. Stratified 75 / 25."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    malignant = (data.target == 0).astype(int)  # scikit-learn codes malignant as 0
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, malignant, test_size=TEST_SHARE, random_state=SPLIT_SEED, stratify=malignant
    )
    benign = y_train == 0
    return Arrays(x_train[benign], x_test, y_train[benign], y_test, feature_names=list(data.feature_names))


def anomaly_result(scores: Any, y_test: Any) -> Any:
    """ROC AUC of anomaly scores (higher = stranger): the chance that a random malignant case scores
    above a random benign one. Computed from ranks, so any monotone rescaling of the scores gives the same."""
    import numpy as np
    from scipy.stats import rankdata

    from learnloop.ladders.result import RungResult

    scores, y = np.asarray(scores, dtype=float), np.asarray(y_test)
    ranks = rankdata(scores)
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    auc = (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    share = n_pos / len(y)
    flagged = scores >= np.quantile(scores, 1 - share)  # flag as many cases as there are anomalies
    return RungResult(
        "roc_auc",
        float(auc),
        [round(float(s), 6) for s in scores],
        {f"recall when flagging the strangest {share:.0%}": float(flagged[y == 1].mean())},
    )


@dataclass(frozen=True)
class Ratings:
    """Star ratings (1-5) of items by users as (user, item, stars) triples; 80% train, 20% held out."""

    users: int
    items: int
    train: np.ndarray  # (n, 3) int: user, item, stars
    test: np.ndarray

    def biases(self, shrink: float = 5.0, sweeps: int = 10) -> tuple[float, np.ndarray, np.ndarray]:
        """The mean rating and each user's and item's offset from it (shrunk towards 0 when few ratings).

        Every rung starts from this: generous raters and well-liked items explain much of a rating."""
        import numpy as np

        u, i, r = self.train[:, 0], self.train[:, 1], self.train[:, 2].astype(float)
        mean = float(r.mean())
        user, item = np.zeros(self.users), np.zeros(self.items)
        for _ in range(sweeps):
            item = np.bincount(i, r - mean - user[u], self.items) / (np.bincount(i, minlength=self.items) + shrink)
            user = np.bincount(u, r - mean - item[i], self.users) / (np.bincount(u, minlength=self.users) + shrink)
        return mean, user, item


def ratings() -> Ratings:
    """A synthetic ratings table, generated from a fixed seed (no file, nothing real): 300 users, 200 items,
    about 4,800 ratings. Each user has a taste and each item traits in 3 hidden dimensions; the stars are
    their agreement plus the user's generosity and the item's quality plus noise, rounded to 1-5. Active
    users and popular items have many ratings, most have few: the long tail of real recommenders."""
    import numpy as np

    rng = np.random.default_rng(7)
    users, items, k = 300, 200, 3
    taste, traits = rng.normal(size=(users, k)), rng.normal(size=(items, k))
    truth = (
        3.4
        + rng.normal(0, 0.4, users)[:, None]
        + rng.normal(0, 0.6, items)[None, :]
        + 0.6 * taste @ traits.T / np.sqrt(k)
    )
    chance = np.outer(rng.gamma(1.5, 1, users), rng.gamma(1.0, 1, items))
    rated = rng.random((users, items)) < np.clip(chance / chance.mean() * 0.08, 0, 1)
    stars = np.clip(np.rint(truth + rng.normal(0, 0.5, (users, items))), 1, 5).astype(int)
    u, i = np.nonzero(rated)
    table = np.column_stack([u, i, stars[u, i]])
    order = rng.permutation(len(table))
    cut = len(table) // 5
    return Ratings(users=users, items=items, train=table[order[cut:]], test=table[order[:cut]])


def ratings_result(ratings: Ratings, predicted: Any) -> Any:
    """R² of the held-out stars (the share of their variance the predictions explain); RMSE beside it."""
    import numpy as np

    from learnloop.ladders.result import RungResult

    actual = ratings.test[:, 2].astype(float)
    predicted = np.clip(np.asarray(predicted, dtype=float), 1, 5)
    r2 = 1.0 - float(np.sum((actual - predicted) ** 2) / np.sum((actual - actual.mean()) ** 2))
    rmse = float(np.sqrt(np.mean((actual - predicted) ** 2)))
    return RungResult("r2", r2, [round(float(p), 4) for p in predicted], {"RMSE (stars)": rmse})
