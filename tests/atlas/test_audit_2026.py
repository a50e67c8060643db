"""The knowledge audit of December 2026 (shared/reviews/knowledge-audit-2026-12.md), held by the data.

One test per audit row that a test can hold (rows 1 and 2 are the ladders'), then the 2026 coverage: the
new topics, the LLM focus, the article's own supply-chain pass, and the structural checks every focus and
resource must pass. /work/notes/i14a.md keeps the row-by-row table of fixes and reasons.
"""

from __future__ import annotations

import pytest

from learnloop.atlas.load import AtlasError, build_atlas, check_references
from learnloop.atlas.schema import RESOURCE_KINDS, STATUSES


@pytest.fixture(scope="module")
def atlas():
    return build_atlas()


def _ref(atlas, focus_id: str, repo: str):
    return next(r for r in atlas.focuses[focus_id].references if r.repo == repo)


def _text(item) -> str:
    return " ".join(str(v) for v in item.model_dump().values())


# ---------------------------------------------------------------- section 1: the errors table


def test_row3_curse_of_dimensionality_no_longer_blames_knn_on_raw_images(atlas) -> None:
    card = atlas.topics["curse-of-dimensionality"]
    words = " ".join(f"{card.summary} {card.why}".split())
    assert "fails on raw images" not in words
    assert "0.97" in words  # what `learnloop try knn --data digits` measures on the 64 raw pixels


def test_row4_cora_origin_is_mccallum_not_sen(atlas) -> None:
    paper = atlas.resources["collective-classification-paper"]
    assert "introduced the Cora" not in paper.description
    assert "McCallum" in paper.description and "2000" in paper.description


def test_row5_data_leakage_points_to_intermediate_ml(atlas) -> None:
    card = atlas.topics["data-leakage"]
    assert "kaggle-learn-intermediate-ml" in card.resources and "kaggle-learn-intro-ml" not in card.resources
    course = atlas.resources["kaggle-learn-intermediate-ml"]
    assert str(course.url) == "https://www.kaggle.com/learn/intermediate-machine-learning"
    assert "data-leakage" in course.topics and "leakage" in course.description


def test_row6_hands_on_ml_is_the_3rd_edition_and_the_pytorch_book_is_in(atlas) -> None:
    book = atlas.resources["hands-on-ml"]
    assert (book.year, str(book.url)) == (2022, "https://github.com/ageron/handson-ml3")
    assert "3rd edition" in book.title and book.status == "superseded" and "PyTorch" in book.status_note
    successor = atlas.resources["hands-on-ml-pytorch"]
    assert (successor.year, str(successor.url)) == (2025, "https://github.com/ageron/handson-mlp")
    assert {"fine-tuning", "rlhf", "retrieval-augmented-generation"} <= set(successor.topics)


@pytest.mark.parametrize(
    ("focus_id", "repo", "status", "words"),
    [
        ("nlp", "karpathy/nanoGPT", "deprecated", "nanochat"),  # row 7
        ("large-language-models", "karpathy/nanoGPT", "deprecated", "8xH100"),  # row 7
        ("generative-models", "karpathy/minGPT", "superseded", "semi-archived"),  # row 8
        ("weather-climate", "pangeo-data/WeatherBench", "superseded", "WeatherBench 2"),  # row 9
        ("reinforcement-learning", "openai/spinningup", "reading-only", "tensorflow<2.0"),  # row 10
        ("graph-neural-networks", "tkipf/gcn", "reading-only", "tensorflow>=1.15.2,<2.0"),  # row 11
    ],
)
def test_rows7_to_11_old_references_carry_their_status(
    atlas, focus_id: str, repo: str, status: str, words: str
) -> None:
    ref = _ref(atlas, focus_id, repo)
    assert ref.status == status
    assert words in " ".join(ref.status_note.split())


def test_row9_weatherbench2_is_referenced(atlas) -> None:
    assert _ref(atlas, "weather-climate", "google-research/weatherbench2").status == "active"


def test_row10_spinning_up_resource_is_reading_only(atlas) -> None:
    guide = atlas.resources["spinning-up"]
    assert guide.status == "reading-only" and "Gymnasium" in guide.status_note


def test_row12_deep_learning_with_python_is_the_3rd_edition(atlas) -> None:
    book = atlas.resources["deep-learning-with-python"]
    assert "3rd edition" in book.title and "Matthew Watson" in book.authors
    assert "third-edition" in str(book.url)


def test_row13_python_data_science_handbook_names_its_ml_chapter_and_2nd_edition(atlas) -> None:
    book = atlas.resources["python-data-science-handbook"]
    assert book.year == 2016  # the edition the free site carries
    text = " ".join(book.description.split())
    assert "2nd edition" in text and "first look" not in text
    assert {"naive-bayes", "pca", "k-means", "gaussian-mixture"} <= set(book.topics)


def test_row14_hugging_face_course_is_the_llm_course(atlas) -> None:
    course = atlas.resources["hugging-face-course"]
    assert course.title == "Hugging Face LLM Course"
    assert str(course.url) == "https://huggingface.co/learn/llm-course"
    assert "2025" in course.description and "large-language-model" in course.topics


def test_row15_andrew_ng_is_the_machine_learning_specialization(atlas) -> None:
    course = atlas.resources["andrew-ng-ml"]
    assert "Machine Learning Specialization" in course.title
    assert "retired" in course.description and "Supervised Machine Learning" in course.description


def test_row16_fpp_has_its_python_edition(atlas) -> None:
    book = atlas.resources["fpppy"]
    assert (book.year, str(book.url)) == (2025, "https://otexts.com/fpppy/")
    assert {"Rob J Hyndman", "Azul Garza", "Kin G. Olivares"} <= set(book.authors)
    assert "fpppy" in atlas.focuses["time-series"].resources
    assert "Pythonic Way" in atlas.resources["fpp3"].description


def test_row17_the_article_label_is_not_confused_with_d2l(atlas) -> None:
    fcc = atlas.resources["fcc-dive-into-deep-learning"]
    assert fcc.title != atlas.resources["d2l-book"].title
    assert "fast.ai" in fcc.title and "d2l.ai" in fcc.description


def test_row18_main_links_where_the_talks_are(atlas) -> None:
    main = atlas.resources["main-conference"]
    assert "youtube.com" in str(main.url)
    assert "main2020.org" in main.description and "main-training.github.io" in main.description


def test_row19_in_article_only_marks_what_the_article_names_or_links(atlas) -> None:
    ours = [
        "python-tutorial",
        "pandas-docs",
        "numpy-docs",
        "scikit-learn-user-guide",
        "tensorflow-tutorials",
        "pytorch-tutorials",
        "keras-guides",
        "fastai-docs",
        "pyg-docs",
        "pro-git",
        "jupyter-docs",
        "colab-welcome",
    ]
    assert not [i for i in ours if atlas.resources[i].in_article]
    for tool in ("python", "pandas", "numpy", "keras", "pytorch-geometric", "git", "jupyter"):
        assert atlas.topics[tool].in_article, tool  # the article names the tools; the topics carry the mark


def test_row20_a_free_copy_is_linked_where_one_was_found(atlas) -> None:
    paper = atlas.resources["isolation-forest-paper"]
    assert paper.free and "cs.nju.edu.cn" in str(paper.url) and "10.1109/ICDM.2008.17" in paper.description
    assert "stat.berkeley.edu" in atlas.resources["random-forests-paper"].description


def test_row21_alexnet_and_dbscan_have_links(atlas) -> None:
    assert "papers.nips.cc" in str(atlas.resources["alexnet-paper"].url)
    assert "aaai.org" in str(atlas.resources["dbscan-paper"].url)


def test_row22_cs231n_says_when_karpathy_taught(atlas) -> None:
    course = atlas.resources["cs231n"]
    assert "2015" in course.description and "Serena Yeung" in course.authors


def test_row23_gradient_boosting_bins_rather_than_sorts(atlas) -> None:
    summary = " ".join(atlas.topics["gradient-boosting"].summary.split())
    assert "sorts every feature" not in summary and "255 quantile bins" in summary


def test_row24_the_employment_idea_trains_on_enough_months(atlas) -> None:
    idea = next(i for i in atlas.focuses["supply-chain"].ideas if i.id == "employment-shock-forecast")
    text = " ".join(idea.summary.split())
    assert "up to 2007" not in text and "2006-2011" in text and "2012-2015" in text


def test_pygcn_reference_says_it_row_normalises(atlas) -> None:
    """Row 1's fact, on the reference side: a learner who opens pygcn is told what they will find."""
    why = " ".join(_ref(atlas, "graph-neural-networks", "tkipf/pygcn").why.split())
    assert "D^-1 (A + I)" in why and "0-139" in why


def test_aima_says_the_4th_edition_is_current(atlas) -> None:
    aima = atlas.resources["ai-modern-approach"]
    assert aima.in_article and aima.status == "superseded" and "4th edition" in aima.status_note


def test_distill_is_marked_archived(atlas) -> None:
    distill = atlas.resources["distill"]
    assert distill.status == "archived" and "hiatus" in distill.status_note


# ---------------------------------------------------------------- statuses are known to the schema


def test_a_status_other_than_active_needs_a_note(tmp_path) -> None:
    (tmp_path / "resources.yaml").write_text(
        "resources:\n  - id: old\n    title: Old\n    kind: book\n    level: beginner\n    free: true\n"
        "    topics: [alpha]\n    description: An old book.\n    status: deprecated\n",
        encoding="utf-8",
    )
    (tmp_path / "topics.yaml").write_text(
        "topics:\n  - id: alpha\n    name: Alpha\n    kind: concept\n    summary: One. Two.\n    why: Because.\n",
        encoding="utf-8",
    )
    with pytest.raises(AtlasError) as caught:
        build_atlas(tmp_path)
    assert "status_note" in str(caught.value)


def test_statuses_in_use_are_the_schema_s(atlas) -> None:
    used = {r.status for r in atlas.resources.values()}
    used |= {ref.status for f in atlas.focuses.values() for ref in f.references}
    assert used <= set(STATUSES) and {"active", "deprecated", "reading-only", "superseded", "archived"} == used


# ---------------------------------------------------------------- structure every item must have


def test_every_related_id_exists_and_every_focus_has_a_stack(atlas) -> None:
    assert check_references(atlas) == []
    for topic in atlas.topics.values():
        for other in (*topic.related, *topic.prerequisites):
            assert other in atlas.topics, (topic.id, other)
    for focus in atlas.focuses.values():
        assert focus.stack, focus.id
        assert len(focus.references) >= 3, focus.id  # the audit found four focuses with only two
        assert len(focus.ideas) >= 2, focus.id


def test_every_resource_has_a_kind_and_a_link_or_a_reason(atlas) -> None:
    for resource in atlas.resources.values():
        assert resource.kind in RESOURCE_KINDS, resource.id
        if resource.kind in ("paper", "dataset", "course", "documentation"):
            assert resource.url is not None, resource.id


def test_practice_links_point_at_real_things(atlas) -> None:
    from learnloop.lab.models import model_spec

    for topic in atlas.topics.values():
        for practice in topic.practice:
            if practice.kind == "lab":
                assert model_spec(practice.id).id == practice.id
            elif practice.kind == "dataset":
                assert practice.id in atlas.datasets
            else:
                assert practice.id in atlas.focuses


# ---------------------------------------------------------------- section 5: 2026 coverage

NEW_TOPICS = {
    # id: words the card must hold (facts a learner relies on), and neighbours it must link
    "large-language-model": ({"next token", "instruction"}, {"transformer", "fine-tuning", "tokenization"}),
    "fine-tuning": ({"LoRA", "low-rank", "QLoRA"}, {"transfer-learning", "large-language-model"}),
    "retrieval-augmented-generation": ({"retrieve", "chunks", "BM25"}, {"embeddings", "large-language-model"}),
    "llm-evaluation": ({"contamination", "judges"}, {"evaluation-metrics", "data-leakage"}),
    "calibration": ({"reliability diagram", "isotonic", "temperature scaling"}, {"evaluation-metrics"}),
    "mlops": (
        {"experiments", "serving"},
        {"experiment-tracking", "model-persistence", "model-serving", "model-monitoring"},
    ),
    "experiment-tracking": ({"MLflow"}, {"mlops"}),
    "model-persistence": ({"pickle", "state_dict"}, {"mlops"}),
    "model-serving": ({"FastAPI"}, {"mlops"}),
    "model-monitoring": ({"concept drift"}, {"mlops"}),
    "diffusion-model": ({"noise", "latent diffusion"}, {"generative-adversarial-network", "variational-autoencoder"}),
    "interpretability": ({"Permutation importance", "SHAP", "partial dependence"}, {"fairness"}),
    "fairness": ({"per group"}, {"interpretability", "class-imbalance"}),
    "rlhf": ({"reward model", "DPO"}, {"reinforcement-learning", "policy-gradient", "fine-tuning"}),
    "scikit-learn-pipelines": ({"Pipeline", "ColumnTransformer"}, {"data-leakage", "cross-validation"}),
}


@pytest.mark.parametrize("topic_id", sorted(NEW_TOPICS))
def test_the_2026_topic_is_on_the_map_and_linked(atlas, topic_id: str) -> None:
    topic = atlas.topics[topic_id]
    words, neighbours = NEW_TOPICS[topic_id]
    card = " ".join(f"{topic.summary} {topic.why}".split())
    for word in words:
        assert word in card, (topic_id, word)
    assert neighbours <= set(topic.related), topic_id
    assert len(topic.related) >= 3 and atlas.resources_for(topic_id), topic_id
    back = [t.id for t in atlas.topics.values() if topic_id in t.related]
    assert back, f"no other topic links to {topic_id}"


def test_the_pipeline_card_is_what_the_leakage_card_and_tabular_focus_link(atlas) -> None:
    assert "scikit-learn-pipelines" in atlas.topics["data-leakage"].related
    assert "scikit-learn-pipelines" in atlas.focuses["tabular-prediction"].topics


def test_the_llm_focus(atlas) -> None:
    focus = atlas.focuses["large-language-models"]
    stack = {p.import_name: p for p in focus.stack}
    assert {"torch", "transformers", "peft", "trl", "numpy"} <= set(stack)
    assert stack["torch"].extra == "deep"
    repos = {r.repo for r in focus.references}
    assert {"karpathy/ng-video-lecture", "karpathy/minbpe", "rasbt/LLMs-from-scratch", "karpathy/nanoGPT"} <= repos
    # the references that are not reading-only run on a laptop: none needs more than a CPU and torch
    assert {r.repo for r in focus.references if r.status == "active"} >= {"karpathy/ng-video-lecture"}
    assert {"large-language-model", "fine-tuning", "retrieval-augmented-generation", "rlhf", "llm-evaluation"} <= set(
        focus.topics
    )
    data = {i.dataset for i in focus.ideas}
    assert "tiny-shakespeare" in data
    for idea in focus.ideas:
        assert atlas.datasets[idea.dataset].source == "repo"  # ships offline, no downloaded weights
    assert {"llms-from-scratch-book", "lora-paper"} <= set(focus.resources)
    assert any(p.kind == "focus" and p.id == focus.id for p in atlas.topics["large-language-model"].practice)


def test_the_shared_data_set_ids(atlas) -> None:
    text = atlas.datasets["tiny-shakespeare"]
    assert (text.source, text.loader, text.form, text.task) == ("repo", "tiny_shakespeare.txt", "text", "generation")
    assert "public domain" in text.licence
    graph = atlas.datasets["supply-chain-graph"]
    assert (graph.source, graph.loader, graph.form, graph.target) == ("repo", "supply_chain.npz", "graph", "labels")
    assert (graph.rows, graph.columns) == (900, 19)
    assert "Synthetic" in graph.summary and graph.licence.startswith("CC0")


def test_the_article_s_supply_chain_pass(atlas) -> None:
    excavator = atlas.resources["mining-excavator-supply-chain"]
    assert excavator.kind == "dataset" and excavator.in_article
    assert "figshare.com" in str(excavator.url) and "2749120" in str(excavator.url)
    assert "Excavator" in excavator.title
    focus = atlas.focuses["supply-chain"]
    assert "mining-excavator-supply-chain" in focus.resources
    gnn = next(i for i in focus.ideas if i.id == "supply-chain-gnn")
    assert gnn.dataset == "supply-chain-graph" and gnn.next_step == "mining-excavator-supply-chain"
    assert "baseline" in gnn.summary and "GCN" in gnn.summary


def test_a_next_step_must_be_a_dataset_resource(tmp_path) -> None:
    from importlib import resources

    data = resources.files("learnloop.atlas") / "data"
    for item in data.iterdir():
        if item.name.endswith(".yaml"):
            (tmp_path / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    focuses = tmp_path / "focuses.yaml"
    focuses.write_text(
        focuses.read_text(encoding="utf-8").replace("next_step: mining-excavator-supply-chain", "next_step: fpp3", 1),
        encoding="utf-8",
    )
    with pytest.raises(AtlasError) as caught:
        build_atlas(tmp_path)
    assert "not a dataset" in str(caught.value)


@pytest.mark.parametrize(
    "topic_id",
    [
        # section 5, items 11 and 12: the data-scientist basics and the smaller model gaps
        "hypothesis-testing",
        "feature-selection",
        "data-cleaning",
        "sql",
        "seaborn",
        "lightgbm",
        "density-estimation",
        "gaussian-process",
        "umap",
        "variational-autoencoder",
        "normalization-layers",
        "vision-transformer",
        "ai-agents",
        "tokenization",
        "prompting",
    ],
)
def test_the_smaller_2026_gaps_have_cards(atlas, topic_id: str) -> None:
    topic = atlas.topics[topic_id]
    assert topic.related and atlas.resources_for(topic_id), topic_id
    assert any(topic_id in t.related for t in atlas.topics.values()), f"no other topic links to {topic_id}"


def test_a_repository_has_one_status_wherever_it_is_referenced(atlas) -> None:
    seen: dict[str, tuple[str, str | None]] = {}
    for focus in atlas.focuses.values():
        for ref in focus.references:
            status = (ref.status, ref.status_note)
            assert seen.setdefault(ref.repo, status)[0] == ref.status, (focus.id, ref.repo)


@pytest.mark.parametrize(("kind", "missing"), [("dataset", "no-such-data"), ("focus", "no-such-focus")])
def test_a_practice_link_to_nothing_is_refused(tmp_path, kind: str, missing: str) -> None:
    (tmp_path / "topics.yaml").write_text(
        "topics:\n  - id: alpha\n    name: Alpha\n    kind: concept\n    summary: One. Two.\n    why: Because.\n"
        f"    practice:\n      - kind: {kind}\n        id: {missing}\n        why: to try it\n",
        encoding="utf-8",
    )
    with pytest.raises(AtlasError) as caught:
        build_atlas(tmp_path)
    assert missing in str(caught.value) and "practice" in str(caught.value)
