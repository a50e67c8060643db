"""Progress on the map: marks by hand, a closed gap marks its topic, counts per branch, through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable

from learnloop.atlas.load import load_atlas
from learnloop.loop.marks import progress


def test_marks_show_on_the_map_with_a_count_per_branch(cli: Callable[..., object]) -> None:
    assert cli("map svm --mark done").exit_code == 0  # type: ignore[attr-defined]
    assert cli("map xgboost --mark in-progress").exit_code == 0  # type: ignore[attr-defined]
    assert cli("map pca --mark skipped").exit_code == 0  # type: ignore[attr-defined]
    tree = cli("map --kind model").stdout  # type: ignore[attr-defined]
    models = sum(1 for t in load_atlas().topics.values() if t.kind == "model")
    assert f"models (1/{models} done, 1 in progress, 1 skipped)" in tree
    assert "✔ Support vector machine" in tree
    data = json.loads(cli("map --kind model --json").stdout)  # type: ignore[attr-defined]
    assert {t["id"]: t["mark"] for t in data["model"]}["svm"] == "done"
    assert cli("map svm --mark none").exit_code == 0  # type: ignore[attr-defined]
    assert "✔ Support" not in cli("map --kind model").stdout  # type: ignore[attr-defined]


def test_bad_marks_and_topics_are_one_line_exit_2(cli: Callable[..., object]) -> None:
    bad = cli("map svmm --mark done")
    assert bad.exit_code == 2 and "did you mean 'svm'" in bad.stderr  # type: ignore[attr-defined]
    wrong = cli("map svm --mark finished")
    assert wrong.exit_code == 2 and "--mark" in wrong.stderr  # type: ignore[attr-defined]
    assert cli("map --mark done").exit_code == 2  # type: ignore[attr-defined]


def test_closing_a_gap_on_a_topic_marks_it_done(cli: Callable[..., object]) -> None:
    from sqlalchemy import text

    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    assert cli("start").exit_code == 0  # type: ignore[attr-defined]
    assert cli("gap add what-is-a-kernel --topic svm").exit_code == 0  # type: ignore[attr-defined]
    store = open_store(resolve_settings())
    with store.session() as s:
        s.execute(text("UPDATE passes SET step = 5"))
    store.dispose()
    assert cli("gap keep 1 --days 2").exit_code == 0  # type: ignore[attr-defined]
    assert cli(["gap", "done", "--learned", "a similarity in a feature space"]).exit_code == 0  # type: ignore[attr-defined]
    assert "✔ Support vector machine" in cli("map --kind model").stdout  # type: ignore[attr-defined]


def test_progress_counts_each_branch() -> None:
    atlas = load_atlas()
    rows = {p.kind: p for p in progress(atlas, {"svm": "done", "knn": "skipped"})}
    assert rows["model"].done == 1 and rows["model"].skipped == 1 and rows["paradigm"].done == 0
    assert sum(p.topics for p in rows.values()) == len(atlas.topics)
