"""Search, catalog filters and the stack check over the real map."""

from __future__ import annotations

import pytest

from learnloop.atlas.catalog import filter_resources
from learnloop.atlas.load import load_atlas
from learnloop.atlas.search import search
from learnloop.atlas.stack import stack
from learnloop.errors import NotFound, UserError


def test_exact_names_and_aliases_come_first() -> None:
    atlas = load_atlas()
    assert search(atlas, "xgboost")[0].id == "xgboost"
    assert search(atlas, "k-means")[0].id == "k-means"
    assert search(atlas, "knn")[0].id == "knn"


def test_typos_still_find_the_topic() -> None:
    assert "logistic-regression" in [h.id for h in search(load_atlas(), "logistik regresion")[:3]]


def test_summary_words_find_topics_whose_names_do_not_match() -> None:
    hits = search(load_atlas(), "margin between classes", kinds={"topic"})
    assert "svm" in [h.id for h in hits[:5]]


def test_kinds_filter_and_scores_are_sorted() -> None:
    hits = search(load_atlas(), "learning", limit=30)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.kind == "resource" for h in search(load_atlas(), "book", kinds={"resource"}))


def test_empty_query_is_refused() -> None:
    with pytest.raises(UserError):
        search(load_atlas(), "  ?! ")


def test_catalog_filters_combine() -> None:
    atlas = load_atlas()
    found = filter_resources(atlas, kind="course", free_only=True)
    assert found and all(r.kind == "course" and r.free for r in found)
    with pytest.raises(NotFound):
        filter_resources(atlas, topic="no-such-topic")


def test_stack_check_never_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    atlas = load_atlas()
    focus = next(f for f in atlas.focuses.values() if any(p.import_name == "torch_geometric" for p in f.stack))
    before = set(sys.modules)
    report = stack(atlas, focus.id, check=True)
    assert "torch_geometric" not in set(sys.modules) - before
    assert all(p.installed is not None for p in report.packages)
    missing = [p for p in report.packages if not p.installed]
    assert (report.install_command is None) == (not missing)


def test_the_json_cache_gives_the_same_map(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from learnloop.atlas.load import build_atlas

    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    direct = build_atlas()
    first = build_atlas(use_cache=True)  # writes the cache
    assert len(list((tmp_path / "cache").glob("atlas-*.json"))) == 1
    second = build_atlas(use_cache=True)  # reads it
    assert direct == first == second
    cache = next((tmp_path / "cache").glob("atlas-*.json"))
    cache.write_text("{broken", encoding="utf-8")
    assert build_atlas(use_cache=True) == direct  # a damaged cache is ignored and rewritten
