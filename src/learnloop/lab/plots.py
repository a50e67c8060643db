"""Pictures that show a model's idea, drawn with matplotlib's object API (no pyplot state, Agg only).

Each drawing takes a :class:`Scene` (the data, the fitted model, names) and returns a Figure; the
caller saves it. Numbers are drawn in the data's own units wherever the model allows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from learnloop.lab.baseline import Leaderboard

PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4", "#b2df8a"]


@dataclass
class Scene:
    """What a drawing needs. ``X`` is the numeric feature matrix (imputed, unscaled) with ``names``."""

    title: str
    X: Any
    names: list[str]
    y: Any = None  # labels or values, None when unknown
    task: str = "classification"
    model: Any = None  # the fitted estimator (on scaled features for unsupervised models)
    pair: tuple[int, int] = (0, 1)  # columns for 2-D drawings
    extra: dict[str, Any] = field(default_factory=dict)


def new_figure(width: float = 7.0, height: float = 5.0) -> Figure:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def save(figure: Figure, path: Path) -> Path:
    """Write the PNG all at once (temp file, fsync, rename): a kill never leaves a half picture."""
    import io

    from learnloop.files import write_atomic

    drawn = io.BytesIO()
    figure.savefig(drawn, dpi=100, format="png")
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, drawn.getvalue(), force=True)  # the front door decides about replacing


def _class_colors(y: Any) -> tuple[list[Any], Any]:
    import numpy as np

    classes = list(np.unique(y))
    index = {c: i for i, c in enumerate(classes)}
    return classes, np.array([PALETTE[index[v] % len(PALETTE)] for v in y])


def _grid(X2: Any, steps: int = 220) -> tuple[Any, Any, Any]:
    import numpy as np

    lo, hi = X2.min(axis=0), X2.max(axis=0)
    pad = (hi - lo) * 0.08 + 1e-9
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], steps)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], steps)
    gx, gy = np.meshgrid(xs, ys)
    return gx, gy, np.c_[gx.ravel(), gy.ravel()]


def _regions(ax: Any, scene: Scene, model: Any, title: str) -> None:
    """Decision regions of a classifier trained on the scene's two features, with the points on top."""
    import numpy as np
    from matplotlib.colors import ListedColormap

    i, j = scene.pair
    X2 = scene.X[:, [i, j]]
    gx, gy, grid = _grid(X2, steps=160)
    classes, colors = _class_colors(scene.y)
    code = {c: k for k, c in enumerate(classes)}
    predicted = model.predict(grid).astype(int).reshape(gx.shape)  # trained on class indices
    cmap = ListedColormap(PALETTE[: len(classes)])
    ax.contourf(gx, gy, predicted, levels=np.arange(len(classes) + 1) - 0.5, cmap=cmap, alpha=0.25)
    if hasattr(model, "predict_proba"):
        confidence = model.predict_proba(grid).max(axis=1).reshape(gx.shape)
        ax.contourf(gx, gy, confidence, levels=[0, 0.6, 0.8], colors=["white", "white"], alpha=0.45)
    ax.scatter(X2[:, 0], X2[:, 1], c=colors, s=14, edgecolors="black", linewidths=0.3)
    for c in classes:
        ax.scatter([], [], c=PALETTE[code[c] % len(PALETTE)], label=str(c), s=25)
    ax.legend(title="class", loc="best", fontsize=7)
    ax.set_xlabel(scene.names[i])
    ax.set_ylabel(scene.names[j])
    ax.set_title(title, fontsize=10)


def boundary(scene: Scene) -> Figure:
    """Decision regions of a classifier trained on two features, with the points on top."""
    fig = new_figure()
    ax = fig.add_subplot()
    score = scene.extra.get("pair_score")
    extra = f" (test score of this 2-feature model: {score:.3f})" if score is not None else ""
    _regions(ax, scene, scene.extra["pair_model"], f"{scene.title}: decision regions on two features{extra}")
    return fig


def ensemble(scene: Scene) -> Figure:
    """Test error against the number of trees (or rounds), and one member's border beside the ensemble's."""
    staged = scene.extra.get("staged") or []
    pair = scene.task == "classification" and scene.extra.get("first_model") is not None
    fig = new_figure(13 if pair else 7, 4.6)
    ax = fig.add_subplot(1, 3 if pair else 1, 1)
    if staged:
        counts = [c for c, _ in staged]
        errors = [e for _, e in staged]
        ax.plot(counts, errors, color=PALETTE[1], linewidth=2, marker="o", markersize=3)
        ax.set_xlabel(scene.extra.get("members", "trees"))
        ax.set_ylabel(scene.extra.get("error_label", "test error"))
        ax.set_title("test error as members are added", fontsize=10)
    if pair:
        _regions(
            fig.add_subplot(1, 3, 2),
            scene,
            scene.extra["first_model"],
            scene.extra.get("first_label", "one tree alone"),
        )
        _regions(fig.add_subplot(1, 3, 3), scene, scene.extra["pair_model"], "the whole ensemble")
    fig.suptitle(scene.title)
    return fig


def margin(scene: Scene) -> Figure:
    """The article's SVM first: a straight border with a margin (a line with a thickness), support vectors
    circled; then the same data with the curved (RBF) kernel the baseline uses."""
    import numpy as np

    if len(np.unique(scene.y)) != 2:
        return boundary(scene)
    panels = [("linear_model", "linear kernel: a border with a margin"), ("pair_model", "RBF kernel: a curved border")]
    panels = [(key, title) for key, title in panels if scene.extra.get(key) is not None]
    fig = new_figure(6.5 * len(panels), 5.0)
    i, j = scene.pair
    X2 = scene.X[:, [i, j]]
    gx, gy, grid = _grid(X2)
    classes, colors = _class_colors(scene.y)
    for k, (key, title) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), k + 1)
        model = scene.extra[key]  # a Pipeline(scale, SVC)
        level = model.decision_function(grid).reshape(gx.shape)
        ax.contourf(gx, gy, level, levels=[-1e9, 0, 1e9], colors=[PALETTE[0], PALETTE[1]], alpha=0.15)
        ax.contour(gx, gy, level, levels=[-1, 0, 1], colors="black", linestyles=["--", "-", "--"], linewidths=1)
        ax.scatter(X2[:, 0], X2[:, 1], c=colors, s=14, edgecolors="none", alpha=0.8)
        svc = model[-1]
        support = X2[svc.support_]
        ax.scatter(
            support[:, 0],
            support[:, 1],
            s=60,
            facecolors="none",
            edgecolors="black",
            linewidths=0.8,
            label=f"{len(support)} support vectors",
        )
        for n, c in enumerate(classes):
            ax.scatter([], [], c=PALETTE[n], label=str(c), s=25)
        ax.legend(loc="best", fontsize=8)
        ax.set_xlabel(scene.names[i])
        ax.set_ylabel(scene.names[j])
        ax.set_title(title, fontsize=10)
    fig.suptitle(f"{scene.title}: border (solid), margin (dashed) and support vectors (circled)")
    return fig


def fitted_curve(scene: Scene) -> Figure:
    """The fitted line or curve of a regressor trained on the single most telling feature."""
    import numpy as np

    fig = new_figure()
    ax = fig.add_subplot()
    i = scene.pair[0]
    x = scene.X[:, i]
    model = scene.extra["single_model"]
    xs = np.linspace(x.min(), x.max(), 300)[:, None]
    ax.scatter(x, scene.y, s=12, alpha=0.55, color=PALETTE[2], label="data")
    ax.plot(xs[:, 0], model.predict(xs), color=PALETTE[1], linewidth=2.5, label="fitted")
    ax.set_xlabel(scene.names[i])
    ax.set_ylabel(str(scene.extra.get("target", "target")))
    ax.legend(loc="best")
    ax.set_title(f"{scene.title}: fitted on '{scene.names[i]}' alone")
    return fig


def coefficient_path(scene: Scene) -> Figure:
    """Each feature's weight as the penalty grows (ridge: smooth shrinkage; lasso: weights hit zero)."""
    import numpy as np

    fig = new_figure(8, 5)
    ax = fig.add_subplot()
    alphas, coefs = scene.extra["alphas"], scene.extra["coefs"]  # coefs: features x alphas
    order = np.argsort(-np.abs(coefs).max(axis=1))
    for rank, k in enumerate(order):
        ax.plot(
            alphas,
            coefs[k],
            color=PALETTE[rank % len(PALETTE)],
            linewidth=1.6,
            label=scene.names[k] if rank < 8 else None,
        )
    ax.set_xscale("log")
    ax.axhline(0, color="black", linewidth=0.6)
    chosen = scene.extra.get("chosen_alpha")
    if chosen:
        ax.axvline(chosen, color="black", linestyle="--", linewidth=1, label=f"chosen alpha {chosen:.3g}")
    ax.set_xlabel("penalty alpha (log scale)")
    ax.set_ylabel("weight of a standardised feature")
    ax.legend(fontsize=7, loc="best")
    ax.set_title(f"{scene.title}: weights as the penalty grows")
    return fig


def tree(scene: Scene) -> Figure:
    from sklearn.tree import plot_tree

    fig = new_figure(14, 7)
    ax = fig.add_subplot()
    model = scene.model
    names = scene.extra.get("class_names")
    plot_tree(
        model,
        max_depth=3,
        feature_names=scene.extra.get("feature_names", scene.names),
        class_names=names,
        filled=True,
        rounded=True,
        impurity=False,
        fontsize=7,
        ax=ax,
    )
    ax.set_title(
        f"{scene.title}: the first three levels of questions (depth {model.get_depth()} in all; "
        "numeric features are standardised, 0 = their mean)"
    )
    return fig


def importances(scene: Scene) -> Figure:
    import numpy as np

    values = np.asarray(scene.extra["importances"], dtype=float)
    names = scene.extra.get("feature_names", scene.names)
    order = np.argsort(values)[-15:]
    fig = new_figure(8, max(3.0, 0.35 * len(order) + 1.2))
    ax = fig.add_subplot()
    ax.barh([names[k] for k in order], values[order], color=PALETTE[0])
    ax.set_xlabel(scene.extra.get("importance_label", "importance"))
    ax.set_title(f"{scene.title}: which features it relied on")
    return fig


def loss_curve(scene: Scene) -> Figure:
    fig = new_figure()
    ax = fig.add_subplot()
    model = getattr(scene.model, "regressor_", scene.model)  # unwrap a scaled-target regressor
    ax.plot(
        range(1, len(model.loss_curve_) + 1), model.loss_curve_, color=PALETTE[1], linewidth=2, label="training loss"
    )
    ax.set_xlabel("epoch (one pass over the training rows)")
    ax.set_ylabel("loss")
    if getattr(model, "validation_scores_", None):
        other = ax.twinx()
        other.plot(
            range(1, len(model.validation_scores_) + 1),
            model.validation_scores_,
            color=PALETTE[0],
            linewidth=1.5,
            linestyle="--",
            label="validation score",
        )
        other.set_ylabel("validation score")
    ax.legend(loc="upper right")
    ax.set_title(f"{scene.title}: loss falling as gradient descent learns")
    return fig


def _view(scene: Scene) -> tuple[Any, list[str]]:
    """A 2-D view of the (scaled) data: the data itself if it has two columns, else its first two PCs."""
    Xs = scene.extra["scaled"]
    if Xs.shape[1] == 2:
        return Xs, [f"{n} (scaled)" for n in scene.names]
    projection = scene.extra["projection"]
    return projection.transform(Xs), ["first principal component", "second principal component"]


def clusters(scene: Scene) -> Figure:
    """The groups found; beside them, when the data has labels, the true groups (never shown to the model)."""
    import numpy as np

    labels = np.asarray(scene.extra["labels"])
    view, axes = _view(scene)
    truth = scene.y is not None and len(np.unique(scene.y)) <= 12
    fig = new_figure(12 if truth else 7, 5.0)
    ax = fig.add_subplot(1, 2 if truth else 1, 1)
    if truth:
        other = fig.add_subplot(1, 2, 2)
        _scatter_by_label(other, view, scene.y)
        other.set_xlabel(axes[0])
        other.set_ylabel(axes[1])
        other.set_title("the true labels (the model never saw them)", fontsize=10)
    for k in sorted(set(labels.tolist())):
        mask = labels == k
        color = "#bbbbbb" if k == -1 else PALETTE[k % len(PALETTE)]
        ax.scatter(
            view[mask, 0],
            view[mask, 1],
            s=16,
            color=color,
            edgecolors="black",
            linewidths=0.2,
            label="noise" if k == -1 else f"cluster {k}",
        )
    centres = getattr(scene.model, "cluster_centers_", None)
    if centres is not None:
        shown = centres if scene.extra["scaled"].shape[1] == 2 else scene.extra["projection"].transform(centres)
        ax.scatter(shown[:, 0], shown[:, 1], marker="X", s=220, color="black", label="centres")
    ax.set_xlabel(axes[0])
    ax.set_ylabel(axes[1])
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"{scene.title}: the groups it found")
    return fig


def mixture(scene: Scene) -> Figure:
    """Clusters with each Gaussian drawn as an ellipse (a mixture refitted on the 2-D view)."""
    import numpy as np
    from matplotlib.patches import Ellipse

    fig = clusters(scene)
    ax = fig.axes[0]
    flat = scene.extra["view_mixture"]
    for k, (mean, cov) in enumerate(zip(flat.means_, flat.covariances_, strict=True)):
        values, vectors = np.linalg.eigh(cov)
        angle = float(np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1])))
        for scale in (1.0, 2.0):
            w, h = 2 * scale * np.sqrt(values[-1]), 2 * scale * np.sqrt(values[0])
            ax.add_patch(
                Ellipse(
                    mean,
                    w,
                    h,
                    angle=angle,
                    fill=False,
                    color=PALETTE[k % len(PALETTE)],
                    linewidth=1.5 if scale == 1 else 0.8,
                )
            )
    ax.set_title(f"{scene.title}: clusters and their bell-shaped clouds (1 and 2 std)")
    return fig


def dendrogram(scene: Scene) -> Figure:
    from scipy.cluster.hierarchy import dendrogram as draw
    from scipy.cluster.hierarchy import linkage

    fig = new_figure(10, 5)
    ax = fig.add_subplot()
    merges = linkage(scene.extra["scaled"], method="ward")
    k = int(getattr(scene.model, "n_clusters", 3))
    cut = (merges[-k, 2] + merges[-k + 1, 2]) / 2 if k > 1 else merges[-1, 2]
    draw(merges, truncate_mode="lastp", p=30, ax=ax, color_threshold=cut, no_labels=False, leaf_font_size=7)
    ax.axhline(cut, color="black", linestyle="--", linewidth=1, label=f"cut into {k} clusters")
    ax.set_ylabel("distance at which groups merge (Ward)")
    ax.set_xlabel("groups of points (size in brackets)")
    ax.legend(loc="upper right")
    ax.set_title(f"{scene.title}: every merge, from single points to one group")
    return fig


def pca(scene: Scene) -> Figure:
    import numpy as np

    model = scene.model
    fig = new_figure(12, 5)
    left, right = fig.subplots(1, 2)
    ratios = model.explained_variance_ratio_[:15]
    left.bar(range(1, len(ratios) + 1), ratios, color=PALETTE[2], label="each component")
    left.plot(range(1, len(ratios) + 1), np.cumsum(ratios), color=PALETTE[1], marker="o", label="running total")
    left.set_xlabel("component")
    left.set_ylabel("share of the variance")
    left.set_ylim(0, 1.02)
    left.legend(loc="center right")
    left.set_title("variance kept by each direction")
    points = model.transform(scene.extra["scaled"])[:, :2]
    _scatter_by_label(right, points, scene.y)
    right.set_xlabel("first component")
    right.set_ylabel("second component")
    right.set_title("the data seen through the first two")
    fig.suptitle(scene.title)
    return fig


def _scatter_by_label(ax: Any, points: Any, y: Any) -> None:
    import numpy as np

    if y is None:
        ax.scatter(points[:, 0], points[:, 1], s=10, color=PALETTE[2])
        return
    classes = list(np.unique(y))
    if len(classes) > 12:
        shown = ax.scatter(points[:, 0], points[:, 1], s=10, c=y, cmap="viridis")
        ax.figure.colorbar(shown, ax=ax)
        return
    for k, c in enumerate(classes):
        mask = np.asarray(y) == c
        ax.scatter(points[mask, 0], points[mask, 1], s=10, color=PALETTE[k % len(PALETTE)], label=str(c))
    ax.legend(fontsize=7, markerscale=1.5, loc="best")


def embedding(scene: Scene) -> Figure:
    fig = new_figure(7, 6)
    ax = fig.add_subplot()
    _scatter_by_label(ax, scene.extra["embedding"], scene.y)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{scene.title}: a 2-D map where neighbours stay neighbours")
    return fig


def projection(scene: Scene) -> Figure:
    import numpy as np

    fig = new_figure()
    ax = fig.add_subplot()
    points = scene.model.transform(scene.extra["scaled"])
    if points.shape[1] == 1:
        for k, c in enumerate(np.unique(scene.y)):
            ax.hist(points[np.asarray(scene.y) == c, 0], bins=30, alpha=0.6, color=PALETTE[k], label=str(c))
        ax.set_xlabel("discriminant direction")
        ax.legend()
    else:
        _scatter_by_label(ax, points[:, :2], scene.y)
        ax.set_xlabel("first discriminant direction")
        ax.set_ylabel("second discriminant direction")
    ax.set_title(f"{scene.title}: the data on the directions that best separate the classes")
    return fig


def anomalies(scene: Scene) -> Figure:
    import numpy as np

    view, axes = _view(scene)
    scores = np.asarray(scene.extra["anomaly"])
    injected = np.asarray(scene.extra["injected"], dtype=bool)
    fig = new_figure()
    ax = fig.add_subplot()
    shown = ax.scatter(
        view[~injected, 0],
        view[~injected, 1],
        c=scores[~injected],
        cmap="Greys",
        s=22,
        edgecolors="black",
        linewidths=0.2,
        vmin=scores.min(),
        vmax=scores.max(),
    )
    ax.scatter(
        view[injected, 0],
        view[injected, 1],
        c=scores[injected],
        cmap="Greys",
        marker="X",
        s=70,
        edgecolors="red",
        linewidths=1.0,
        vmin=scores.min(),
        vmax=scores.max(),
        label="added outliers",
    )
    fig.colorbar(shown, ax=ax, label="anomaly score (darker = odder)")
    ax.set_xlabel(axes[0])
    ax.set_ylabel(axes[1])
    ax.legend(loc="best")
    ax.set_title(f"{scene.title}: anomaly scores, with made-up outliers added")
    return fig


DRAWINGS = {
    "boundary": boundary,
    "margin": margin,
    "fitted_curve": fitted_curve,
    "coefficient_path": coefficient_path,
    "tree": tree,
    "importances": importances,
    "loss_curve": loss_curve,
    "clusters": clusters,
    "mixture": mixture,
    "dendrogram": dendrogram,
    "pca": pca,
    "embedding": embedding,
    "projection": projection,
    "anomalies": anomalies,
    "ensemble": ensemble,
}


def draw(kind: str, scene: Scene, path: Path) -> Path:
    return save(DRAWINGS[kind](scene), path)


# ---------------------------------------------------------------- the baseline's pictures


def save_learning_curve(board: Leaderboard, path: Path) -> Path:
    import numpy as np

    points = board.learning_curve
    fig = new_figure()
    ax = fig.add_subplot()
    sizes = np.array([p.rows for p in points])
    for label, mean, std, color in (
        ("train", [p.train_mean for p in points], [p.train_std for p in points], PALETTE[1]),
        ("validation", [p.valid_mean for p in points], [p.valid_std for p in points], PALETTE[0]),
    ):
        mean_a, std_a = np.array(mean), np.array(std)
        ax.plot(sizes, mean_a, marker="o", color=color, label=label)
        ax.fill_between(sizes, mean_a - std_a, mean_a + std_a, color=color, alpha=0.15)
    best = board.best_row()
    ax.set_xlabel("training rows")
    ax.set_ylabel(board.metric_label)
    ax.legend(loc="best")
    ax.set_title(f"Learning curve of {best.name if best else board.best} on {board.data}")
    return save(fig, path)


def save_leaderboard(board: Leaderboard, path: Path) -> Path:
    rows = [r for r in board.results if r.score_mean is not None][::-1]
    fig = new_figure(8, max(3.0, 0.4 * len(rows) + 1.2))
    ax = fig.add_subplot()
    ax.barh(
        [r.name for r in rows],
        [r.score_mean or 0.0 for r in rows],
        xerr=[r.score_std or 0 for r in rows],
        color=[PALETTE[1] if r.model == board.best else PALETTE[2] for r in rows],
        alpha=0.85,
    )
    ax.scatter(
        [r.train_score or 0.0 for r in rows],
        [r.name for r in rows],
        marker="|",
        s=120,
        color="black",
        label="train score",
        zorder=3,
    )
    ax.set_xlabel(f"{board.metric_label} ({board.cv}-fold cross-validation, mean ± std)")
    ax.legend(loc="lower right")
    ax.set_title(f"Baseline leaderboard on {board.data}")
    return save(fig, path)
