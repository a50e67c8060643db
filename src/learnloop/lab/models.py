"""The registry of runnable models: one entry per model topic of the map (``model.lab`` points here).

An entry says how to build the estimator for a task, which offline data set shows it best, which
picture shows its idea, and what the learner should notice. The baseline reuses the supervised
entries and adds what it needs to schedule them: how the cost grows with rows, and a row cap above
which it subsamples (models whose time or memory grows faster than n log n).

Adding a model is one entry here plus one topic in ``atlas/data/topics-models.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from learnloop.errors import NotFound

SUPERVISED = ("classification", "regression")


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str
    task: str  # what `learnloop try` shows
    dataset: str  # default data set id (the map's, offline)
    build: Callable[[str, int, int], Any]  # (task, training rows, seed) -> unfitted estimator
    picture: str  # name of the drawing in learnloop.lab.plots
    notice: str  # what to notice, in plain words
    tasks: tuple[str, ...] = ()  # tasks it can run (defaults to (task,))
    features: tuple[str, ...] = ()  # two columns for the 2-D picture of the default data set
    in_baseline: bool = False
    growth: float = 1.0  # fit cost ~ rows ** growth (for the time budget)
    row_cap: int | None = None  # the baseline subsamples training rows above this
    quadratic_memory: bool = False
    tree_rows: int | None = None  # rows each tree of a forest draws, above that many rows
    valid_cap: int | None = None  # score on at most this many validation rows (slow predictions)
    when_overfitting: str = "regularise it more or give it more data"
    when_underfitting: str = "try a more flexible model or better features"
    extra: dict[str, Any] = field(default_factory=dict)

    def title(self, task: str) -> str:
        """The name to show for a task (ridge classifies too, under another name)."""
        return str(self.extra.get(f"{task}_name", self.name))

    def supports(self, task: str) -> bool:
        return task in (self.tasks or (self.task,))


def _linear(task: str, rows: int, seed: int) -> Any:
    from sklearn.linear_model import LinearRegression, LogisticRegression

    return LogisticRegression(max_iter=1000) if task == "classification" else LinearRegression()


def _ridge(task: str, rows: int, seed: int) -> Any:
    import numpy as np
    from sklearn.linear_model import RidgeClassifierCV, RidgeCV

    alphas = np.logspace(-3, 3, 13)
    return RidgeClassifierCV(alphas=alphas) if task == "classification" else RidgeCV(alphas=alphas)


def _lasso(task: str, rows: int, seed: int) -> Any:
    import numpy as np
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import KFold

    # The inner search for alpha: shuffled 5-fold (an unshuffled 3-fold search picked too strong a penalty on
    # tables stored in some order, 0.01-0.10 R² below scikit-learn's default).
    inner = KFold(5, shuffle=True, random_state=seed) if rows >= 10 else 2
    return LassoCV(alphas=np.logspace(-4, 1, 30), cv=inner, random_state=seed, max_iter=5000)


def _tree(task: str, rows: int, seed: int) -> Any:
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    kind = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    return kind(random_state=seed)


TREE_ROWS = 10_000
SMALL_TABLE_ROWS = 2_000  # below this many training rows, forests grow fewer trees
SMALL_FOREST_TREES = 30
SMALL_BOOST_ROWS = 500  # below this many training rows, histogram boosting grows fewer, bolder rounds
SMALL_BOOST_ROUNDS = 30
CLASS_ROUNDS = 300  # boosting grows one tree per class per round: with k > 2 classes, at most 300 / k rounds (≥ 30)


def _trees(rows: int) -> int:
    # On a small table 30 trees score within the fold spread of 100 (seattle-weather's forest: 0.789 with 50,
    # the spread 0.02) at a third of the time.
    return SMALL_FOREST_TREES if rows < SMALL_TABLE_ROWS else 100


def _forest_rows(rows: int) -> int | None:
    # Each tree sees a bootstrap sample; above 10,000 rows we cap its size (the forest's own max_samples),
    # which keeps a 1,000,000-row fit linear in trees, not in rows, at a small cost in accuracy.
    return TREE_ROWS if rows > TREE_ROWS else None


def _forest(task: str, rows: int, seed: int) -> Any:
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    kind = RandomForestClassifier if task == "classification" else RandomForestRegressor
    return kind(n_estimators=_trees(rows), max_samples=_forest_rows(rows), random_state=seed, n_jobs=1)


def _extra(task: str, rows: int, seed: int) -> Any:
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    kind = ExtraTreesClassifier if task == "classification" else ExtraTreesRegressor
    capped = _forest_rows(rows)
    return kind(
        n_estimators=_trees(rows), bootstrap=capped is not None, max_samples=capped, random_state=seed, n_jobs=1
    )


def _hist_gb(task: str, rows: int, seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    kind = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    # Early stopping on 10% of the rows at every size (scikit-learn only turns it on above 10,000 rows),
    # and a bolder step with smaller trees: about half the cost, which matters most with many classes
    # (one tree per class per round).
    # Below 2,000 classification rows, 63 bins rather than 255 (about 25 rows per bin, not 6): histograms
    # cost what their bins do, and one tree per class per round multiplies it (digits: 1.9 s -> 1.3 s of
    # CPU for 5 folds at the same 0.974; seattle-weather 0.776 -> 0.771, its fold spread 0.019).
    bins = 63 if task == "classification" and rows < SMALL_TABLE_ROWS else 255
    if task == "classification" and rows < SMALL_BOOST_ROWS:
        # Below 500 rows, 30 bolder rounds on all the rows score as well as 60 (iris, wine, penguins,
        # breast cancer: within 0.005, the fold spread is 0.01-0.02) at half the time.
        return kind(
            early_stopping=False,
            learning_rate=0.3,
            max_leaf_nodes=15,
            max_iter=SMALL_BOOST_ROUNDS,
            max_bins=bins,
            random_state=seed,
        )
    return kind(
        early_stopping=rows >= 200,
        learning_rate=0.2,
        max_leaf_nodes=15,
        max_iter=60 if rows < SMALL_BOOST_ROWS else 100,
        max_bins=bins,
        random_state=seed,
    )


def _xgboost(task: str, rows: int, seed: int) -> Any:
    from xgboost import XGBClassifier, XGBRegressor

    kind = XGBClassifier if task == "classification" else XGBRegressor
    return kind(
        n_estimators=100, learning_rate=0.3, max_depth=6, tree_method="hist", n_jobs=1, random_state=seed, verbosity=0
    )


def _scaled_target(regressor: Any) -> Any:
    """Fit on a standardised target: SVR's epsilon and an MLP's step size assume values near 1."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import StandardScaler

    return TransformedTargetRegressor(regressor=regressor, transformer=StandardScaler())


def _svm(task: str, rows: int, seed: int) -> Any:
    from sklearn.svm import SVC, SVR

    return SVC(kernel="rbf", C=1.0, random_state=seed) if task == "classification" else _scaled_target(SVR(C=1.0))


def _naive_bayes(task: str, rows: int, seed: int) -> Any:
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB()


def _knn(task: str, rows: int, seed: int) -> Any:
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    return (KNeighborsClassifier if task == "classification" else KNeighborsRegressor)(n_neighbors=5)


def _mlp(task: str, rows: int, seed: int) -> Any:
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    # One hidden layer, a bold step size and early stopping on 10% of the rows: a few dozen epochs
    # instead of hundreds, at the same accuracy on the tables a baseline sees.
    settings = {
        "hidden_layer_sizes": (64,),
        "learning_rate_init": 0.01,
        "max_iter": 200,
        "early_stopping": rows >= 100,
        "n_iter_no_change": 8,
        "random_state": seed,
    }
    if task == "classification":
        return MLPClassifier(**settings)
    return _scaled_target(MLPRegressor(**settings))


def _adaboost(task: str, rows: int, seed: int) -> Any:
    from sklearn.ensemble import AdaBoostClassifier, AdaBoostRegressor

    kind = AdaBoostClassifier if task == "classification" else AdaBoostRegressor
    return kind(n_estimators=100, random_state=seed)


def _lda(task: str, rows: int, seed: int) -> Any:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    return LinearDiscriminantAnalysis()


def _kmeans(task: str, rows: int, seed: int) -> Any:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=3, n_init=10, random_state=seed)


def _dbscan(task: str, rows: int, seed: int) -> Any:
    from sklearn.cluster import DBSCAN

    return DBSCAN(eps=0.45, min_samples=6)


def _agglomerative(task: str, rows: int, seed: int) -> Any:
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=3, linkage="ward")


def _gmm(task: str, rows: int, seed: int) -> Any:
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(n_components=3, covariance_type="full", n_init=3, random_state=seed)


def _isolation(task: str, rows: int, seed: int) -> Any:
    from sklearn.ensemble import IsolationForest

    return IsolationForest(n_estimators=200, contamination="auto", random_state=seed)


def _pca(task: str, rows: int, seed: int) -> Any:
    from sklearn.decomposition import PCA

    return PCA(random_state=seed)


def _tsne(task: str, rows: int, seed: int) -> Any:
    from sklearn.manifold import TSNE

    return TSNE(n_components=2, perplexity=30, init="pca", max_iter=500, random_state=seed)


PENGUIN_PAIR = ("bill_length_mm", "flipper_length_mm")
CANCER_PAIR = ("worst radius", "worst concave points")
CLASSIFY_BOTH = ("classification", "regression")

_SPECS = [
    ModelSpec(
        "linear-regression",
        "Linear regression",
        "regression",
        "diabetes",
        _linear,
        "fitted_curve",
        "The line is the best straight-line compromise through the cloud: each point's miss (its residual) "
        "is squared and the sum is made as small as possible. A straight line has little freedom, so it "
        "rarely memorises noise; when it scores low, the relation is not a straight line.",
        tasks=("regression",),
        in_baseline=True,
        when_underfitting="add features (interactions, polynomials) or try trees and boosting",
    ),
    ModelSpec(
        "logistic-regression",
        "Logistic regression",
        "classification",
        "penguins",
        _linear,
        "boundary",
        "The borders between classes are straight lines: logistic regression weighs the features, adds "
        "them up, and squashes the sum into a probability. Shading fades where it is unsure.",
        tasks=("classification",),
        features=PENGUIN_PAIR,
        in_baseline=True,
        when_underfitting="the classes need curved borders: try trees, boosting or an RBF SVM",
        when_overfitting="lower C (stronger regularisation)",
    ),
    ModelSpec(
        "ridge-regression",
        "Ridge regression",
        "regression",
        "diabetes",
        _ridge,
        "coefficient_path",
        "Each line is one feature's weight as the penalty alpha grows: ridge shrinks all weights smoothly "
        "toward zero but never exactly to zero. The dashed line marks the alpha chosen by "
        "cross-validation.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        extra={"classification_name": "Ridge classifier"},
        when_underfitting="alpha is too strong or the relation is not linear: try boosting",
    ),
    ModelSpec(
        "lasso",
        "Lasso",
        "regression",
        "diabetes",
        _lasso,
        "coefficient_path",
        "As the penalty grows, lasso drives weights to exactly zero one after another: it chooses "
        "features for you. At the chosen alpha (dashed) count how many features survive.",
        tasks=("regression",),
        in_baseline=True,
        when_underfitting="the penalty removed too much, or the relation is not linear: try boosting",
    ),
    ModelSpec(
        "decision-tree",
        "Decision tree",
        "classification",
        "penguins",
        _tree,
        "tree",
        "A tree asks yes/no questions about one feature at a time; each box is a question and the leaves "
        "are answers. Grown to full depth it can fit every training row; compare its train and test "
        "scores to see how much of that was memorised.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        growth=1.1,
        row_cap=200_000,
        when_overfitting="limit max_depth or raise min_samples_leaf, or average many trees (random forest)",
    ),
    ModelSpec(
        "svm",
        "Support vector machine",
        "classification",
        "breast-cancer",
        _svm,
        "margin",
        "The solid line is the border; the dashed lines are the margin, as wide as the SVM could make it. "
        "Only the circled points (support vectors) decide where the border goes; the others could move "
        "without changing anything.",
        tasks=CLASSIFY_BOTH,
        features=CANCER_PAIR,
        in_baseline=True,
        growth=2.0,
        row_cap=5_000,
        quadratic_memory=True,
        valid_cap=20_000,
        when_overfitting="lower C or gamma",
        when_underfitting="raise C or gamma",
    ),
    ModelSpec(
        "naive-bayes",
        "Naive Bayes",
        "classification",
        "penguins",
        _naive_bayes,
        "boundary",
        "Naive Bayes fits one bell curve per feature and class and pretends the features are independent; "
        "its borders are smooth curves. It is fast and a good first baseline, even when the independence "
        "assumption is plainly wrong.",
        tasks=("classification",),
        features=PENGUIN_PAIR,
        in_baseline=True,
        when_underfitting="the features are far from independent bell curves: try logistic regression or trees",
    ),
    ModelSpec(
        "knn",
        "k-nearest neighbours",
        "classification",
        "penguins",
        _knn,
        "boundary",
        "kNN learns nothing up front: to classify a point it asks its 5 nearest neighbours to vote. The "
        "borders are jagged because they follow individual training points. Scaling the features matters: "
        "distance is all it uses.",
        tasks=CLASSIFY_BOTH,
        features=PENGUIN_PAIR,
        in_baseline=True,
        growth=1.5,
        row_cap=20_000,
        valid_cap=20_000,
        when_overfitting="raise n_neighbors",
        when_underfitting="lower n_neighbors or scale features",
    ),
    ModelSpec(
        "k-means",
        "k-means",
        "clustering",
        "iris",
        _kmeans,
        "clusters",
        "k-means places 3 centres (crosses) and moves each to the middle of the points nearest to it until "
        "nothing changes. It never saw the species, yet its clusters match them largely; it draws round, "
        "equally sized groups, which is why it confuses the two touching species.",
    ),
    ModelSpec(
        "random-forest",
        "Random forest",
        "classification",
        "penguins",
        _forest,
        "ensemble",
        "A forest averages many trees, each grown on a bootstrap sample and random features; averaging "
        "cancels the trees' individual overfitting. The left panel shows the test error falling as trees are "
        "added, then flattening; the right one shows a single tree's jagged border beside the forest's.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        growth=1.15,
        tree_rows=TREE_ROWS,
        when_overfitting="raise min_samples_leaf or lower max_features",
        when_underfitting="more trees or deeper trees rarely help; try boosting",
    ),
    ModelSpec(
        "pca",
        "Principal component analysis",
        "dimensionality-reduction",
        "digits",
        _pca,
        "pca",
        "PCA rotates the data onto directions of largest spread. The bars show how much variance each "
        "direction keeps; the scatter is the data seen through the first two directions, coloured by the "
        "true digit, which PCA never saw.",
    ),
    ModelSpec(
        "xgboost",
        "XGBoost",
        "classification",
        "breast-cancer",
        _xgboost,
        "ensemble",
        "Boosting adds small trees one at a time, each one fixing what the previous ones still get wrong. "
        "The left panel shows the test error round after round; the right one shows the border after the "
        "first round beside the border after all of them.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        growth=1.1,
        row_cap=200_000,
        when_overfitting="lower learning_rate and max_depth, or add early stopping",
        when_underfitting="more trees (n_estimators) or deeper trees",
    ),
    ModelSpec(
        "neural-network",
        "Neural network (multi-layer perceptron)",
        "classification",
        "digits",
        _mlp,
        "loss_curve",
        "The curve is the training loss falling epoch by epoch as gradient descent adjusts the weights. A "
        "flat tail means it converged; a curve still falling at the end wants more iterations.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        growth=1.0,
        row_cap=20_000,
        when_overfitting="raise alpha (L2 penalty) or use early_stopping",
        when_underfitting="more hidden units, more iterations, or scale the inputs",
    ),
    ModelSpec(
        "gradient-boosting",
        "Histogram gradient boosting",
        "classification",
        "breast-cancer",
        _hist_gb,
        "ensemble",
        "Gradient boosting grows trees in sequence, each fitted to the errors left by the ones before; the "
        "histogram version bins every feature into 255 levels, which makes it fast on large tables. The "
        "left panel shows the test error round after round (early stopping ends it when it stops "
        "improving); the right one shows the border after one round beside the final border.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        growth=1.0,
        when_overfitting="lower learning_rate or max_leaf_nodes, raise l2_regularization",
        when_underfitting="raise max_iter or max_leaf_nodes",
    ),
    ModelSpec(
        "extra-trees",
        "Extra trees",
        "classification",
        "wine",
        _extra,
        "ensemble",
        "Extra trees are a forest whose split points are drawn at random instead of optimised: each tree "
        "is worse alone, but the average is smoother and faster to grow. The left panel shows the test "
        "error as trees are added; the right one shows one tree's border beside the whole forest's.",
        tasks=CLASSIFY_BOTH,
        in_baseline=True,
        growth=1.1,
        tree_rows=TREE_ROWS,
        when_overfitting="raise min_samples_leaf",
        when_underfitting="try boosting",
    ),
    ModelSpec(
        "adaboost",
        "AdaBoost",
        "classification",
        "breast-cancer",
        _adaboost,
        "ensemble",
        "AdaBoost trains stumps one after another and gives more weight to the rows the previous ones "
        "got wrong; the final vote weighs each stump by how good it was. The left panel shows the test "
        "error stump after stump; the right one shows the first stump's straight cut beside the final "
        "border.",
        tasks=CLASSIFY_BOTH,
    ),
    ModelSpec(
        "dbscan",
        "DBSCAN",
        "clustering",
        "penguins",
        _dbscan,
        "clusters",
        "DBSCAN grows clusters from dense cores and labels points in sparse regions as noise (grey). You "
        "do not give it the number of clusters; you give the density (eps, min_samples), and it finds "
        "however many groups that density implies.",
        features=("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"),
    ),
    ModelSpec(
        "hierarchical-clustering",
        "Hierarchical clustering",
        "clustering",
        "iris",
        _agglomerative,
        "dendrogram",
        "Agglomerative clustering starts with every point alone and merges the two closest groups again "
        "and again. The tree (dendrogram) records every merge; cutting it at a height gives the clusters, "
        "and long vertical lines mean well separated groups.",
    ),
    ModelSpec(
        "gaussian-mixture",
        "Gaussian mixture",
        "clustering",
        "iris",
        _gmm,
        "mixture",
        "A Gaussian mixture explains the data as a blend of bell-shaped clouds, each with its own centre "
        "and shape (the ellipses). Unlike k-means it can stretch and tilt its clusters, and it gives "
        "every point a probability of belonging to each.",
    ),
    ModelSpec(
        "isolation-forest",
        "Isolation forest",
        "anomaly-detection",
        "wine",
        _isolation,
        "anomalies",
        "We added made-up outliers (red crosses) to the data. An isolation forest cuts the space at "
        "random: odd points get isolated after few cuts, so they score as anomalies (darker shading). "
        "See how many of the added points it ranks as the most anomalous.",
    ),
    ModelSpec(
        "t-sne",
        "t-SNE",
        "dimensionality-reduction",
        "digits",
        _tsne,
        "embedding",
        "t-SNE places similar images near each other on a 2-D map; it never saw the labels, yet the digits "
        "form islands. Distances between islands and island sizes mean little: t-SNE keeps neighbours, "
        "not global geometry.",
    ),
    ModelSpec(
        "linear-discriminant-analysis",
        "Linear discriminant analysis",
        "classification",
        "wine",
        _lda,
        "projection",
        "LDA looks for the directions that push class centres apart while keeping each class tight, and "
        "classifies by those. The scatter is the data on its two discriminant directions: the classes "
        "separate far better than along any original feature.",
        tasks=("classification",),
        in_baseline=True,
        when_underfitting="classes are not separable by straight borders: try trees",
    ),
]

# What the baseline needs to know beyond the estimator: Gaussian naive Bayes fits bell curves, which one-hot
# columns are not (0.72 instead of 0.97 on penguins); forests grow fewer trees on small tables; and the rough
# cost of one fit on a small table, relative to a linear model, orders the work longest first.
_BASELINE_EXTRA: dict[str, dict[str, Any]] = {
    "naive-bayes": {"numeric_only": True, "small_cost": 0.5},
    "random-forest": {"small_trees": True, "small_cost": 8.0},
    "extra-trees": {"small_trees": True, "small_cost": 5.0},
    "xgboost": {"small_cost": 7.0, "class_rounds": CLASS_ROUNDS},
    "gradient-boosting": {"small_cost": 7.5, "class_rounds": CLASS_ROUNDS},
    "neural-network": {"small_cost": 6.0},
    "svm": {"small_cost": 2.0},
    "lasso": {"small_cost": 2.5},
    "knn": {"small_cost": 1.5},
    "ridge-regression": {"small_cost": 1.2},
    "logistic-regression": {"small_cost": 1.5},
    "decision-tree": {"small_cost": 1.0},
}
# What `try` says on a regression, for the models whose idea is worded for classes.
_REGRESSION_NOTICE = {
    "knn": "kNN learns nothing up front: to predict a value it averages the targets of its 5 nearest neighbours, "
    "so its curve is a staircase that follows individual training points. Scaling the features matters: "
    "distance is all it uses.",
    "svm": "Support vector regression fits a tube around the data: points inside the tube cost nothing, and only "
    "those on or outside it (the support vectors) pull the curve. The kernel lets the curve bend.",
    "decision-tree": "A tree asks yes/no questions about one feature at a time and answers with the mean of the "
    "training rows in each leaf, so its curve is a staircase. Grown to full depth it can fit "
    "every training row; compare its train and test scores to see how much was memorised.",
    "naive-bayes": "",
}
_SPECS = [
    replace(
        spec,
        extra={
            **spec.extra,
            **_BASELINE_EXTRA.get(spec.id, {}),
            **({"regression_notice": _REGRESSION_NOTICE[spec.id]} if _REGRESSION_NOTICE.get(spec.id) else {}),
        },
    )
    for spec in _SPECS
]

REGISTRY: dict[str, ModelSpec] = {spec.id: spec for spec in _SPECS}

DUMMY_ID = "dummy"

# The baseline's order: the dummy reference first, then simple to complex.
BASELINE_ORDER = (
    "logistic-regression",
    "linear-regression",
    "ridge-regression",
    "lasso",
    "linear-discriminant-analysis",
    "naive-bayes",
    "knn",
    "decision-tree",
    "random-forest",
    "extra-trees",
    "gradient-boosting",
    "xgboost",
    "svm",
    "neural-network",
)


def model_spec(model_id: str) -> ModelSpec:
    """The registry entry for an id, or NotFound with close matches."""
    try:
        return REGISTRY[model_id]
    except KeyError:
        from learnloop.atlas.load import close_ids

        raise NotFound("model", model_id, close_ids(model_id, REGISTRY)) from None


def baseline_specs(task: str) -> list[ModelSpec]:
    return [REGISTRY[i] for i in BASELINE_ORDER if REGISTRY[i].in_baseline and REGISTRY[i].supports(task)]


def build_dummy(task: str) -> Any:
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return DummyClassifier(strategy="most_frequent") if task == "classification" else DummyRegressor()
