"""The Dask path gives the same scores as the local workers (a small LocalCluster)."""

from __future__ import annotations

from learnloop.lab.baseline import run_baseline


def test_local_dask_cluster_matches_local_workers() -> None:
    chosen = ["logistic-regression", "decision-tree"]
    local = run_baseline("iris", models=chosen, cv=3, jobs=1)
    dask = run_baseline("iris", models=chosen, cv=3, jobs=1, cluster="local")
    assert {r.model: r.score_mean for r in dask.results} == {r.model: r.score_mean for r in local.results}
    assert any("Dask" in n for n in dask.notices)
    assert dask.learning_curve
