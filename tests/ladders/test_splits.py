"""The shared splits: Cora's standard Planetoid split from the shipped npz, the others fixed and disjoint."""

from __future__ import annotations

import numpy as np

from learnloop.ladders import splits


def test_cora_is_the_standard_planetoid_graph() -> None:
    graph = splits.cora()
    assert graph.features.shape == (2708, 1433)
    assert graph.num_classes == 7 and set(graph.labels.tolist()) == set(range(7))
    assert len(graph.edges) == 5278
    assert (graph.edges[:, 0] < graph.edges[:, 1]).all()  # each undirected pair once, no self-loops
    assert (len(graph.train), len(graph.val), len(graph.test)) == (140, 500, 1000)
    assert graph.train.tolist() == list(range(140)) and graph.val.tolist() == list(range(140, 640))
    assert graph.test.min() >= 1708 and len(set(graph.test.tolist())) == 1000
    assert np.bincount(graph.labels[graph.train]).tolist() == [20] * 7  # Planetoid: 20 labelled per class
    row_sums = np.asarray(graph.features.sum(axis=1)).ravel()
    assert np.allclose(row_sums, 1.0)
    assert graph.class_names[3] == "Neural_Networks"


def test_the_npz_loads_without_pickle() -> None:
    with splits.data_file("cora.npz").open("rb") as raw, np.load(raw, allow_pickle=False) as parts:
        assert parts["features_shape"].tolist() == [2708, 1433]


def test_table_splits_are_fixed_and_disjoint() -> None:
    first, second = splits.digits(), splits.digits()
    assert np.array_equal(first.x_test, second.x_test)
    assert len(first.x_train) + len(first.x_test) == 1797
    assert first.x_train.max() <= 1.0
    diabetes = splits.diabetes()
    assert (len(diabetes.x_train), len(diabetes.x_test)) == (331, 111)
    penguins = splits.penguins()
    assert len(penguins.x_train) + len(penguins.x_test) == 344
    assert not set(penguins.x_train.index) & set(penguins.x_test.index)
    assert penguins.x_train[penguins.numeric].isna().any().any()  # the real table's gaps are kept


def test_movie_reviews_are_balanced_sentences() -> None:
    reviews = splits.movie_reviews()
    assert reviews.classes == ["fresh", "rotten"]
    assert len(reviews.x_train) + len(reviews.x_test) == 4866
    assert abs(reviews.y_test.count("fresh") - reviews.y_test.count("rotten")) < 20
    assert sorted(set(reviews.y_train)) == sorted(set(reviews.y_test)) == ["fresh", "rotten"]
    assert all(len(text.split()) >= 1 for text in reviews.x_test)
