"""``learnloop try MODEL``: run one model of the map on a small offline data set and draw its idea.

Supervised models are trained on 75% of the rows and scored on the other 25%, next to a dummy that
learns nothing. Unsupervised models get a check that means something for them: clusters against the
true labels (adjusted Rand index) or against a random labelling, kept variance against an isotropic
cloud, neighbourhoods kept by an embedding against a random projection, and made-up outliers that an
anomaly detector should rank first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnloop.errors import UserError
from learnloop.lab.models import SUPERVISED, ModelSpec, build_dummy, model_spec

TSNE_ROWS = 500
PICTURE_ROWS = 5_000


@dataclass
class TryResult:
    model: str
    name: str
    task: str
    data: str
    origin: str
    rows: int
    features: list[str]
    target: str | None
    split: str
    metric: str
    test_score: float
    reference_label: str
    reference_score: float
    passed: bool
    notice: str
    picture: str
    train_score: float | None = None
    notes: list[str] = field(default_factory=list)
    reading: str = ""  # what this run's own numbers say (computed, never canned)


def try_model(
    model_id: str,
    data: str | Path | None = None,
    target: str | None = None,
    *,
    png: Path | None = None,
    picture_dir: Path | None = None,
    seed: int = 0,
) -> TryResult:
    """Fit one registered model, score it against a reference, and write its picture."""
    from learnloop.lab.datasets import load_table

    spec = model_spec(model_id)
    if data is None and target is not None:
        raise UserError(
            "a target goes with a data set of your own (the default data set has its own target)", field="target"
        )
    table = load_table(data if data is not None else spec.dataset, target)
    path = png or picture_path(picture_dir or Path.cwd(), spec.id)
    if path.suffix.lower() != ".png":
        raise UserError(f"{path.name[:80]!r}: the picture is a PNG file; give a name ending in .png", field="png")
    import warnings

    from threadpoolctl import threadpool_limits

    # Small data: one thread is as fast, and spinning OpenMP threads crawl on a busy machine.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        if spec.task in SUPERVISED:
            return _supervised(spec, table, path, seed)
        return _unsupervised(spec, table, path, seed, use_default_columns=data is None)


def picture_path(folder: Path, model_id: str, now: Any = None) -> Path:
    """A new picture name per run, by model and time (``svm-20261201-081502.png``): no run overwrites another."""
    from datetime import datetime

    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{model_id}-{stamp}.png"
    count = 2
    while path.exists():
        path = folder / f"{model_id}-{stamp}-{count}.png"
        count += 1
    return path


def reading(train: float | None, test: float, reference: float, metric: str, greater_is_better: bool = True) -> str:
    """What the scores of this run say, in words computed from them."""
    sign = 1.0 if greater_is_better else -1.0
    if sign * (test - reference) <= 0:
        return (
            f"Test {metric} {test:.3f} does not beat the dummy's {reference:.3f}: on this split the model "
            "learned nothing it can use on new rows."
        )
    if train is None:
        return f"{metric} {test:.3f} against {reference:.3f} for the reference."
    gap = sign * (train - test)
    if gap > max(0.05, 0.1 * abs(train)):
        return (
            f"Train {train:.3f} against test {test:.3f}: a gap of {gap:.3f}, the mark of a model that "
            "memorised part of its training rows (overfitting)."
        )
    if gap < -0.05:
        return (
            f"Test {test:.3f} is above train {train:.3f}: the held-out rows happen to be easier; with this few "
            "rows, one split is a noisy measure."
        )
    return (
        f"Train {train:.3f} and test {test:.3f} are close: it does about as well on rows it never saw as on "
        "the rows it learned from."
    )


def _idea(spec: ModelSpec, task: str) -> str:
    return str(spec.extra.get("regression_notice", spec.notice)) if task == "regression" else spec.notice


# ---------------------------------------------------------------- supervised


def _supervised(spec: ModelSpec, table: Any, path: Path, seed: int) -> TryResult:
    import numpy as np
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline

    from learnloop.lab.plots import Scene, draw
    from learnloop.lab.preprocess import as_model_input, build_preprocessor, split_target
    from learnloop.lab.scoring import choose_metric

    if table.target is None:
        raise UserError(f"{spec.name} learns from a target: say which column", field="target")
    prepared = split_target(table.frame, table.target)
    task = prepared.task
    if not spec.supports(task):
        other = "logistic-regression" if task == "classification" else "linear-regression"
        raise UserError(
            f"{spec.id} does {spec.task}, but {table.target!r} calls for {task}",
            hint=f"try {other}, or pick another target column",
        )
    X = as_model_input(prepared.X, prepared.plan)
    classes: list[str] = []
    y = prepared.y
    if task == "classification":
        classes = [str(c) for c in np.unique(y)]
        y = np.unique(y, return_inverse=True)[1]
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=stratify)
    plan = prepared.plan
    if spec.extra.get("numeric_only") and plan.numeric and plan.categorical:
        from learnloop.lab.preprocess import ColumnPlan

        plan = ColumnPlan(numeric=list(plan.numeric))
        prepared.notices.append(
            f"{spec.name} sees the {len(plan.numeric)} numeric columns only (its bell curves "
            "do not fit one-hot columns)"
        )
    pipe = Pipeline([("prepare", build_preprocessor(plan)), ("model", spec.build(task, len(X_train), seed))])
    pipe.fit(X_train, y_train)
    dummy = Pipeline([("prepare", build_preprocessor(prepared.plan)), ("model", build_dummy(task))])
    dummy.fit(X_train, y_train)
    metric = choose_metric(task, None)
    train_score = metric.score(pipe, X_train, y_train)
    test_score = metric.score(pipe, X_test, y_test)
    reference = metric.score(dummy, X_test, y_test)
    notes = list(prepared.notices)
    names = [str(n) for n in pipe["prepare"].get_feature_names_out()]
    numeric = _numeric_matrix(prepared)
    labels = np.array(classes)[y] if classes else y
    scene = Scene(
        spec.name,
        numeric[0],
        numeric[1],
        labels,
        task,
        pipe["model"],
        extra={"feature_names": names, "class_names": classes or None, "target": table.target},
    )
    kind = _picture_kind(spec, task, numeric[0].shape[1])
    if kind in ("boundary", "margin", "ensemble") and task == "classification" and numeric[0].shape[1] >= 2:
        scene.pair = _best_pair(spec, numeric, y)
        columns = list(scene.pair)
        pair_model = _pair_model(spec, task, numeric[0][:, columns], y, seed)
        scene.extra["pair_model"] = pair_model
        train_idx, test_idx = _split_indices(len(y), y, seed)
        held = _pair_model(spec, task, numeric[0][train_idx][:, columns], y[train_idx], seed)
        pair_score = float((held.predict(numeric[0][test_idx][:, columns]) == y[test_idx]).mean())
        scene.extra["pair_score"] = pair_score
        notes.append(
            f"the picture's model was trained on two features only: {numeric[1][scene.pair[0]]!r} "
            f"and {numeric[1][scene.pair[1]]!r}; on held-out rows it scores {pair_score:.3f} accuracy "
            f"(the full model: {test_score:.3f})"
        )
        if kind == "margin":
            from sklearn.svm import SVC

            scene.extra["linear_model"] = _fit_pair(SVC(kernel="linear", C=1.0), numeric[0][:, columns], y, seed)
        if kind == "ensemble":
            scene.extra.update(_first_member(spec, pair_model, numeric[0][:, columns], y, seed))
    if kind == "ensemble":
        scene.extra.update(_staged_errors(pipe, X_test, y_test, task))
    elif kind == "fitted_curve":
        scene.pair = (_best_single(numeric, y), 0)
        scene.extra["single_model"] = _pair_model(spec, task, numeric[0][:, [scene.pair[0]]], y, seed)
    elif kind == "coefficient_path":
        scene.names = names
        scene.extra.update(_coefficient_path(spec, pipe, X, y))
    elif kind == "importances":
        scene.extra.update(_importances(pipe, X_test, y_test, seed))
    elif kind == "projection":
        scene.extra["scaled"] = pipe["prepare"].transform(X)
    draw(kind, scene, path)
    split = f"{len(X_train)} rows to train, {len(X_test)} held out to test"
    said = reading(train_score, test_score, reference, metric.label, metric.greater_is_better)
    return TryResult(
        spec.id,
        spec.name,
        task,
        table.name,
        table.origin,
        len(X),
        list(map(str, prepared.X.columns)),
        str(table.target),
        split,
        metric.label,
        round(test_score, 4),
        "dummy (learns nothing)",
        round(reference, 4),
        _better(test_score, reference, metric.greater_is_better),
        _idea(spec, task),
        str(path),
        round(train_score, 4),
        notes,
        said,
    )


def _split_indices(n: int, y: Any, seed: int) -> tuple[Any, Any]:
    import numpy as np
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(n), test_size=0.25, random_state=seed, stratify=y)


def _fit_pair(estimator: Any, X: Any, y: Any, seed: int) -> Any:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(X) > PICTURE_ROWS:
        import numpy as np

        pick = np.random.default_rng(seed).choice(len(X), PICTURE_ROWS, replace=False)
        X, y = X[pick], y[pick]
    return make_pipeline(StandardScaler(), estimator).fit(X, y)


def _first_member(spec: ModelSpec, pair_model: Any, X: Any, y: Any, seed: int) -> dict[str, Any]:
    """One tree of a forest, or the first round of a boosting model, fitted on the picture's two features."""
    import copy

    ensemble = pair_model[-1]
    members = getattr(ensemble, "estimators_", None)
    if members is not None and len(members) and not hasattr(ensemble, "staged_predict"):  # bagging: one tree
        tree = copy.deepcopy(pair_model)
        tree.steps[-1] = ("tree", members[0])
        return {"first_model": _ClassIndex(tree, ensemble.classes_), "first_label": "one tree of the forest alone"}
    params = ensemble.get_params()
    for key in ("n_estimators", "max_iter"):
        if key in params:
            one = spec.build("classification", len(X), seed).set_params(**{key: 1})
            if "early_stopping" in params:
                one.set_params(early_stopping=False)
            return {"first_model": _fit_pair(one, X, y, seed), "first_label": "after the first round only"}
    return {}


class _ClassIndex:
    """A forest member predicts the forest's class positions; map them back to the labels it was trained on."""

    def __init__(self, pipe: Any, classes: Any) -> None:
        self.pipe, self.classes = pipe, classes

    def predict(self, X: Any) -> Any:
        import numpy as np

        return np.asarray(self.classes)[self.pipe.predict(X).astype(int)]


def _staged_errors(pipe: Any, X_test: Any, y_test: Any, task: str) -> dict[str, Any]:
    """Test error after each member (a sample of counts): the curve that shows averaging or boosting work."""
    import numpy as np

    model = pipe["model"]
    Xt = pipe["prepare"].transform(X_test)
    y_true = np.asarray(y_test)
    regression = task == "regression"

    def error(predicted: Any) -> float:
        if regression:
            return float(np.sqrt(np.mean((np.asarray(predicted, dtype=float) - y_true) ** 2)))
        return float(np.mean(np.asarray(predicted) != y_true))

    label = "test RMSE" if regression else "test error (share misclassified)"
    members = getattr(model, "estimators_", None)
    staged: list[tuple[int, float]] = []
    if members is not None and len(members) and hasattr(members[0], "predict") and not hasattr(model, "staged_predict"):
        total = None
        for k, tree in enumerate(members, 1):
            part = tree.predict(Xt) if regression else tree.predict_proba(Xt)
            total = part if total is None else total + part
            if k in _counts(len(members)):
                mean = total / k
                staged.append((k, error(mean if regression else model.classes_[mean.argmax(axis=1)])))
        return {"staged": staged, "members": "trees averaged", "error_label": label}
    if hasattr(model, "staged_predict"):
        predictions = list(model.staged_predict(Xt))
        for k in _counts(len(predictions)):
            staged.append((k, error(predictions[k - 1])))
        return {"staged": staged, "members": "boosting rounds", "error_label": label}
    booster_rounds = getattr(model, "n_estimators", None)
    if booster_rounds and hasattr(model, "get_booster"):  # XGBoost
        for k in _counts(int(booster_rounds)):
            staged.append((k, error(model.predict(Xt, iteration_range=(0, k)))))
        return {"staged": staged, "members": "boosting rounds", "error_label": label}
    return {}


def _counts(total: int) -> list[int]:
    import numpy as np

    return sorted({int(c) for c in np.unique(np.geomspace(1, max(total, 1), num=min(total, 25)).round())})


def _better(score: float, reference: float, greater_is_better: bool) -> bool:
    return score > reference if greater_is_better else score < reference


def _picture_kind(spec: ModelSpec, task: str, numeric_columns: int) -> str:
    kind = spec.picture
    if task == "classification" and kind in ("coefficient_path", "fitted_curve"):
        kind = "boundary"
    if task == "regression" and kind in ("boundary", "margin", "projection"):
        kind = "fitted_curve"
    if kind in ("boundary", "margin") and numeric_columns < 2:
        kind = "importances"
    if kind == "fitted_curve" and numeric_columns < 1:
        kind = "importances"
    return kind


def _numeric_matrix(prepared: Any) -> tuple[Any, list[str]]:
    """The numeric feature columns with missing values filled by the median, in the data's units."""
    import numpy as np

    columns = list(prepared.plan.numeric)
    if not columns:
        return np.zeros((len(prepared.X), 0)), []
    values = prepared.X[columns].to_numpy(dtype=float, copy=True)
    medians = np.nanmedian(values, axis=0)
    rows, cols = np.where(np.isnan(values))
    values[rows, cols] = medians[cols]
    return values, [str(c) for c in columns]


def _best_pair(spec: ModelSpec, numeric: tuple[Any, list[str]], y: Any) -> tuple[int, int]:
    values, names = numeric
    if spec.features and all(f in names for f in spec.features[:2]):
        return names.index(spec.features[0]), names.index(spec.features[1])
    import numpy as np
    from sklearn.feature_selection import f_classif

    scores = np.nan_to_num(f_classif(values, y)[0])
    top = np.argsort(-scores)[:2]
    return int(top[0]), int(top[1])


def _best_single(numeric: tuple[Any, list[str]], y: Any) -> int:
    import numpy as np

    values = numeric[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = [abs(np.nan_to_num(np.corrcoef(values[:, k], y)[0, 1])) for k in range(values.shape[1])]
    return int(np.argmax(corr))


def _pair_model(spec: ModelSpec, task: str, X: Any, y: Any, seed: int) -> Any:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(X) > PICTURE_ROWS:
        import numpy as np

        pick = np.random.default_rng(seed).choice(len(X), PICTURE_ROWS, replace=False)
        X, y = X[pick], y[pick]
    return make_pipeline(StandardScaler(), spec.build(task, len(X), seed)).fit(X, y)


def _coefficient_path(spec: ModelSpec, pipe: Any, X: Any, y: Any) -> dict[str, Any]:
    import numpy as np
    from sklearn.linear_model import Ridge, lasso_path

    Xt = pipe["prepare"].transform(X)
    centred = y - y.mean()
    if spec.id == "lasso":
        top = float(np.abs(Xt.T @ centred).max() / len(Xt))
        alphas, coefs, _ = lasso_path(Xt, centred, alphas=top * np.logspace(0, -3, 60), max_iter=5000)
    else:
        alphas = np.logspace(-3, 5, 60)
        coefs = np.array([Ridge(alpha=a).fit(Xt, centred).coef_ for a in alphas]).T
    return {"alphas": alphas, "coefs": coefs, "chosen_alpha": float(getattr(pipe["model"], "alpha_", 0.0))}


def _importances(pipe: Any, X_test: Any, y_test: Any, seed: int) -> dict[str, Any]:
    model = pipe["model"]
    values = getattr(model, "feature_importances_", None)
    if values is not None:
        return {"importances": values, "importance_label": "share of the splits' improvement"}
    from sklearn.inspection import permutation_importance

    Xt = pipe["prepare"].transform(X_test)
    found = permutation_importance(model, Xt, y_test, n_repeats=5, random_state=seed)
    return {"importances": found.importances_mean, "importance_label": "drop in test score when shuffled"}


# ---------------------------------------------------------------- unsupervised


def _unsupervised(spec: ModelSpec, table: Any, path: Path, seed: int, *, use_default_columns: bool) -> TryResult:
    import numpy as np

    from learnloop.lab.plots import Scene, draw
    from learnloop.lab.preprocess import as_model_input, build_preprocessor, plan_columns

    frame = table.frame
    target = table.target
    if target is not None and target not in frame.columns:
        from learnloop.atlas.load import close_ids
        from learnloop.errors import NotFound

        raise NotFound("column", target, close_ids(target, [str(c) for c in frame.columns]))
    notes: list[str] = []
    y = None
    if target is not None:
        keep = frame[target].notna()
        frame = frame.loc[keep]
        y = frame[target].astype(str).to_numpy() if frame[target].nunique() <= 30 else frame[target].to_numpy()
    features = frame.drop(columns=[target]) if target is not None else frame
    if use_default_columns and spec.features:
        features = features[list(spec.features)]
    plan = plan_columns(features)
    if not plan.numeric and not plan.categorical:
        raise UserError("no usable feature columns: " + "; ".join(plan.notices))
    notes += plan.notices
    features = features[plan.numeric + plan.categorical]
    if spec.id == "t-sne" and len(features) > TSNE_ROWS:
        pick = np.sort(np.random.default_rng(seed).choice(len(features), TSNE_ROWS, replace=False))
        features = features.iloc[pick]
        y = None if y is None else y[pick]
        notes.append(f"t-SNE ran on a random {TSNE_ROWS:,} of the rows (its cost grows fast with rows)")
    if len(features) < 10:
        raise UserError(f"only {len(features)} rows; {spec.name} needs at least 10")
    scaled = np.asarray(build_preprocessor(plan).fit_transform(as_model_input(features, plan)), dtype=float)
    model = spec.build(spec.task, len(scaled), seed)
    groups = len(np.unique(y)) if y is not None and len(np.unique(y)) <= 12 else 3
    if "n_clusters" in model.get_params():
        model.set_params(n_clusters=groups)
    if "n_components" in model.get_params() and spec.task == "clustering":
        model.set_params(n_components=groups)
    if "eps" in model.get_params():
        eps = elbow_eps(scaled, int(model.get_params().get("min_samples", 5)))
        model.set_params(eps=eps)
        notes.append(
            f"eps = {eps:.2f}, read from the elbow of the sorted distances to each point's "
            f"{model.get_params()['min_samples']}th neighbour (where they start to climb fast)"
        )
    scene = Scene(
        spec.name,
        scaled,
        [str(c) for c in features.columns][: scaled.shape[1]],
        y,
        spec.task,
        model,
        extra={"scaled": scaled},
    )
    if scaled.shape[1] > 2:
        from sklearn.decomposition import PCA

        scene.extra["projection"] = PCA(2, random_state=seed).fit(scaled)
    rng = np.random.default_rng(seed)
    if spec.task == "clustering":
        outcome = _clusters(model, scaled, y, rng, scene, seed)
    elif spec.id == "pca":
        outcome = _pca(model, scaled)
    elif spec.task == "dimensionality-reduction":
        outcome = _embedding(model, scaled, rng, scene, seed)
    else:
        outcome = _anomalies(model, scaled, rng, scene, seed, notes)
    draw(spec.picture, scene, path)
    metric, score, reference_label, reference = outcome
    passed = score > reference
    said = f"{metric[:1].upper()}{metric[1:]}: {score:.3f}, against {reference:.3f} for {reference_label}: " + (
        "clearly better."
        if score > reference + 0.1
        else "better, but not by much."
        if passed
        else "no better: the structure it looks for is not there, or its settings do not suit this data."
    )
    if spec.task == "clustering" and "labels" in scene.extra:
        found = scene.extra["labels"]
        noise = float(np.mean(found == -1))
        groups_found = len(set(found.tolist()) - {-1})
        said += f" It found {groups_found} group(s)" + (
            f" and marked {noise:.0%} of the rows as noise." if noise else "."
        )
    return TryResult(
        spec.id,
        spec.name,
        spec.task,
        table.name,
        table.origin,
        len(scaled),
        [str(c) for c in features.columns],
        target,
        "all rows (the labels, if any, are only used to check the result)",
        metric,
        round(score, 4),
        reference_label,
        round(reference, 4),
        passed,
        _unsupervised_idea(spec, y is not None),
        str(path),
        None,
        notes,
        said,
    )


def _unsupervised_idea(spec: ModelSpec, labelled: bool) -> str:
    if spec.id == "k-means" and not labelled:
        return (
            "k-means places centres (crosses) and moves each to the middle of the points nearest to it until "
            "nothing changes. It draws round, equally sized groups; with no labels here, the silhouette says "
            "how well separated they are."
        )
    return spec.notice


def elbow_eps(scaled: Any, k: int) -> float:
    """DBSCAN's density radius from the k-distance curve: the point farthest below the straight line joining
    its ends (the elbow), where the distances start to climb fast."""
    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    k = max(2, min(k, len(scaled) - 1))
    distances = NearestNeighbors(n_neighbors=k).fit(scaled).kneighbors(scaled)[0][:, -1]
    curve = np.sort(distances)
    xs = np.linspace(0.0, 1.0, len(curve))
    span = curve[-1] - curve[0]
    if span <= 0:
        return float(curve[-1] or 0.5)
    ys = (curve - curve[0]) / span
    below = xs - ys  # distance under the chord from (0, 0) to (1, 1)
    return float(curve[int(np.argmax(below))])


def _clusters(model: Any, scaled: Any, y: Any, rng: Any, scene: Any, seed: int) -> tuple[str, float, str, float]:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    labels = model.fit_predict(scaled)
    scene.extra["labels"] = labels
    if scene.extra.get("projection") is not None or scaled.shape[1] == 2:
        from sklearn.mixture import GaussianMixture

        view = scene.extra["projection"].transform(scaled) if scaled.shape[1] > 2 else scaled
        k = max(1, len(set(labels.tolist()) - {-1}))
        scene.extra["view_mixture"] = GaussianMixture(k, random_state=seed).fit(view)
    found = len(set(labels.tolist()) - {-1})
    shuffled = [rng.integers(0, max(found, 2), len(labels)) for _ in range(5)]
    if y is not None:
        score = adjusted_rand_score(y, labels)
        reference = float(np.mean([adjusted_rand_score(y, s) for s in shuffled]))
        return "adjusted Rand index against the true labels", score, "a random labelling", reference
    if found < 2:
        return "silhouette", -1.0, "a random labelling", 0.0
    score = silhouette_score(scaled, labels)
    reference = float(np.mean([silhouette_score(scaled, s) for s in shuffled]))
    return "silhouette (how well separated the clusters are)", score, "a random labelling", reference


def _pca(model: Any, scaled: Any) -> tuple[str, float, str, float]:
    model.fit(scaled)
    kept = float(model.explained_variance_ratio_[:2].sum())
    return ("share of variance kept by 2 components", kept, "a cloud with no structure", min(1.0, 2 / scaled.shape[1]))


def _embedding(model: Any, scaled: Any, rng: Any, scene: Any, seed: int) -> tuple[str, float, str, float]:
    from sklearn.manifold import trustworthiness

    points = model.fit_transform(scaled)
    scene.extra["embedding"] = points
    random_view = scaled @ rng.normal(size=(scaled.shape[1], 2))
    return (
        "trustworthiness (neighbours kept, 0 to 1)",
        float(trustworthiness(scaled, points, n_neighbors=10)),
        "a random 2-D projection",
        float(trustworthiness(scaled, random_view, n_neighbors=10)),
    )


def _anomalies(
    model: Any, scaled: Any, rng: Any, scene: Any, seed: int, notes: list[str]
) -> tuple[str, float, str, float]:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    count = max(5, len(scaled) // 20)
    # Outliers that are not trivially far: real rows pushed 2 to 4 standard deviations in a random direction,
    # so some land in the tails of the real cloud and the ranking is a test, not a formality.
    base = scaled[rng.choice(len(scaled), count)]
    direction = rng.normal(size=(count, scaled.shape[1]))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    outliers = base + direction * rng.uniform(2.0, 4.0, size=(count, 1)) * scaled.std(axis=0).clip(min=1e-9)
    mixed = np.vstack([scaled, outliers])
    injected = np.r_[np.zeros(len(scaled)), np.ones(count)]
    model.fit(mixed)
    odd = -model.score_samples(mixed)
    scene.X = mixed
    scene.extra.update({"scaled": mixed, "anomaly": odd, "injected": injected})
    notes.append(
        f"{count} made-up outliers were added to the {len(scaled)} real rows: real rows pushed 2 to 4 "
        "standard deviations away, some into the tails of the real data"
    )
    return (
        "ROC AUC: added outliers ranked above real rows",
        float(roc_auc_score(injected, odd)),
        "a random ranking",
        0.5,
    )
