"""Search, catalog filters and the stack check over the real map."""

from __future__ import annotations

import pytest

from learnloop.atlas.catalog import filter_resources
from learnloop.atlas.load import load_atlas
from learnloop.atlas.search import HIT_SCORE, look_up, search
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


# ---------------------------------------------------------------- honest search: on the map or not

# Terms a 2026 learner may type that the map does not cover (checked by hand: no topic, alias or summary).
ABSENT = [
    "blockchain",
    "quantum annealing",
    "kubernetes",
    "homomorphic encryption",
    "crypto",
    "stock market",
    "zzzzqqqxxx",
]


@pytest.mark.parametrize("term", ABSENT)
def test_a_term_the_map_does_not_hold_is_not_on_the_map(term: str) -> None:
    result = look_up(load_atlas(), term)
    assert not result.on_map and result.hits == []
    assert all(h.kind == "topic" and h.score < HIT_SCORE for h in result.nearest)
    assert search(load_atlas(), term) == []  # the plain list never passes nearest topics off as hits


def test_nearest_topics_are_offered_when_something_comes_close() -> None:
    result = look_up(load_atlas(), "blockchain")
    assert 1 <= len(result.nearest) <= 5
    assert [h.score for h in result.nearest] == sorted((h.score for h in result.nearest), reverse=True)


@pytest.mark.parametrize(
    ("term", "topic"),
    [
        ("LoRA", "fine-tuning"),
        ("QLoRA", "fine-tuning"),
        ("RAG", "retrieval-augmented-generation"),
        ("vector database", "retrieval-augmented-generation"),
        ("RLHF", "rlhf"),
        ("DPO", "rlhf"),
        ("MLOps", "mlops"),
        ("MLflow", "experiment-tracking"),
        ("data drift", "model-monitoring"),
        ("fairness", "fairness"),
        ("SHAP", "interpretability"),
        ("permutation importance", "interpretability"),
        ("diffusion", "diffusion-model"),
        ("LLM", "large-language-model"),
        ("calibration", "calibration"),
        ("ColumnTransformer", "scikit-learn-pipelines"),
        ("tokenizer", "tokenization"),
        ("in-context learning", "prompting"),
        ("LLM-as-a-judge", "llm-evaluation"),
    ],
)
def test_the_2026_terms_find_their_topic_first(term: str, topic: str) -> None:
    result = look_up(load_atlas(), term, kinds={"topic"})
    assert result.on_map and result.hits[0].id == topic, [h.id for h in result.hits[:3]]


@pytest.mark.parametrize(
    ("term", "topic"),
    [
        ("logistik regresion", "logistic-regression"),  # typos
        ("grph neural", "graph-neural-network"),
        ("how do transformers work", "transformer"),  # filler words and plurals
        ("I don't understand backpropagation", "backpropagation"),
        ("margin between classes", "svm"),  # every word in a summary
        ("dropout on sparse inputs", "dropout"),  # a whole name inside a longer question
        ("I want to learn gradient descent for GNNs", "gradient-descent"),
    ],
)
def test_near_names_and_questions_are_still_hits(term: str, topic: str) -> None:
    result = look_up(load_atlas(), term, kinds={"topic"})
    assert result.on_map and topic in [h.id for h in result.hits[:3]]


def test_lora_no_longer_finds_exploratory_data_analysis() -> None:
    ids = [h.id for h in look_up(load_atlas(), "LoRA").hits]
    assert "exploratory-data-analysis" not in ids and ids[0] == "fine-tuning"


def test_a_pasted_paragraph_is_cut_to_the_first_words() -> None:
    from learnloop.atlas.search import MAX_WORDS

    atlas = load_atlas()
    assert look_up(atlas, "xgboost " + "zzz " * 500).hits[0].id == "xgboost"  # a name among the first words
    tail = " ".join(["zzz"] * MAX_WORDS + ["xgboost"])
    assert look_up(atlas, tail).nearest == look_up(atlas, " ".join(["zzz"] * MAX_WORDS)).nearest
    assert look_up(atlas, tail).query == tail  # the answer still names what was asked


def test_data_sets_are_found_by_look_up_but_not_by_the_page_list() -> None:
    atlas = load_atlas()
    found = look_up(atlas, "tiny shakespeare")
    assert found.on_map and (found.hits[0].kind, found.hits[0].id) == ("dataset", "tiny-shakespeare")
    assert look_up(atlas, "excavator").hits[0].id == "mining-excavator-supply-chain"  # the catalog's link
    assert all(h.kind != "dataset" for h in search(atlas, "supply chain graph", limit=50))
