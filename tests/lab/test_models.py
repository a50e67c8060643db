"""The registry: one entry per model topic, and every entry runs, beats its reference and draws a PNG."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.atlas.load import load_atlas
from learnloop.lab.models import REGISTRY, baseline_specs
from learnloop.lab.trial import try_model

MODEL_TOPICS = {
    "linear-regression",
    "logistic-regression",
    "decision-tree",
    "svm",
    "naive-bayes",
    "knn",
    "k-means",
    "random-forest",
    "pca",
    "xgboost",
    "neural-network",
    "ridge-regression",
    "lasso",
    "gradient-boosting",
    "extra-trees",
    "adaboost",
    "dbscan",
    "hierarchical-clustering",
    "gaussian-mixture",
    "isolation-forest",
    "t-sne",
    "linear-discriminant-analysis",
}


def test_registry_matches_the_agreed_ids_and_the_maps_model_topics() -> None:
    assert set(REGISTRY) == MODEL_TOPICS
    atlas = load_atlas()
    topics = {t.id: t for t in atlas.topics.values() if t.kind == "model"}
    assert set(topics) == set(REGISTRY)
    assert {t.model.lab for t in topics.values()} == set(REGISTRY)


def test_default_data_sets_are_map_tables() -> None:
    datasets = load_atlas().datasets
    for spec in REGISTRY.values():
        assert datasets[spec.dataset].form == "table", spec.id


def test_baseline_covers_every_classic_family() -> None:
    classify = {s.id for s in baseline_specs("classification")}
    regress = {s.id for s in baseline_specs("regression")}
    families = {
        "knn",
        "decision-tree",
        "random-forest",
        "extra-trees",
        "gradient-boosting",
        "xgboost",
        "svm",
        "neural-network",
        "ridge-regression",
    }
    assert families | {"logistic-regression", "naive-bayes"} <= classify
    assert families | {"linear-regression", "lasso"} <= regress


def read_png(path: Path) -> tuple[int, int]:
    from matplotlib.image import imread

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(path)
    return pixels.shape[0], pixels.shape[1]


@pytest.mark.parametrize("model_id", sorted(MODEL_TOPICS))
def test_every_model_runs_beats_its_reference_and_draws(model_id: str, tmp_path: Path) -> None:
    result = try_model(model_id, png=tmp_path / f"{model_id}.png")
    assert result.passed, (result.metric, result.test_score, result.reference_score)
    if result.task in ("classification", "regression"):
        assert result.test_score > result.reference_score + 0.1  # well above the dummy, not a coin flip
    elif result.task == "clustering":
        assert result.test_score > result.reference_score + 0.2
    elif result.task == "anomaly-detection":
        # the made-up outliers sit 2-4 standard deviations out, some in the real tails: a test, not a formality
        assert 0.75 < result.test_score < 0.99
    height, width = read_png(Path(result.picture))
    assert height > 200 and width > 300
    assert result.notice and result.rows >= 10
    assert result.reading  # computed from this run's numbers


def test_try_on_the_learners_own_file(tmp_path: Path) -> None:
    from learnloop.lab.datasets import load_table

    load_table("penguins").frame.to_csv(tmp_path / "mine.csv", index=False)
    result = try_model("random-forest", tmp_path / "mine.csv", "island", png=tmp_path / "rf.png")
    assert result.data == "mine" and result.target == "island"
    assert result.passed


def test_try_refuses_a_model_for_the_wrong_task() -> None:
    from learnloop.errors import UserError

    with pytest.raises(UserError, match="linear-regression does regression"):
        try_model("linear-regression", "penguins", "species")
