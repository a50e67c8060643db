"""The text signals of a source file: the first training, evaluation and data calls, with their lines."""

from __future__ import annotations

import pytest

from learnloop.study import signals
from learnloop.study.signals import DATA, EVALUATION, MAX_HITS, TRAINING, read_signals


@pytest.mark.parametrize("words", [TRAINING, EVALUATION, DATA], ids=["training", "evaluation", "data"])
def test_no_word_begins_another_so_one_match_per_position_loses_nothing(words: tuple[str, ...]) -> None:
    assert len(set(words)) == len(words)
    for word in words:
        assert not any(other != word and other.startswith(word) for other in words), word


def test_the_first_occurrence_of_each_word_in_the_order_they_occur() -> None:
    text = "import torch\n\nfor epoch in range(3):\n    loss.backward()\n    optimizer.step()\n    loss.backward()\n"
    assert read_signals(text).training == [(3, "for epoch"), (4, ".backward("), (5, "optimizer.step(")]


def test_step_and_fit_count_only_on_an_optimiser_a_model_or_a_trainer() -> None:
    text = "self.fit(X)\nwalker.step(1)\nclf.fit(X, y)\nmy_model.fit(X)\n"
    assert read_signals(text).training == [(3, "clf.fit(")]
    eight = "self.fit(X)\n" * 8 + "model.fit(X)\n"
    assert read_signals(eight).training == []  # only the first eight ``x.fit(`` are looked at
    seven = "self.fit(X)\n" * 7 + "model.fit(X)\n"
    assert read_signals(seven).training == [(8, "model.fit(")]


def test_overlapping_words_are_both_seen() -> None:
    text = "from huggingface_hub import snapshot_download\n\npath = snapshot_download(repo_id='x')\n"
    assert read_signals(text).data == [(3, "snapshot_download("), (3, "download(")]


def test_at_most_a_few_hits_of_each_kind() -> None:
    calls = ("read_csv(a)", "np.load(b)", "DataLoader(c)", "urlopen(d)", "tf.data.x")
    text = "".join(f"x = {call}\n" for call in calls)
    found = read_signals(text).data
    assert len(found) == MAX_HITS and [line for line, _ in found] == [1, 2, 3, 4]


def test_a_module_that_does_not_run_is_not_read_for_evaluation_or_loaders() -> None:
    text = "def score(model, X):\n    return model.predict(X)\n\n\nloader = DataLoader(ds)\n"
    quiet = read_signals(text, runs=False)
    assert quiet.evaluation == [] and quiet.data == []
    assert read_signals(text).evaluation == [(2, ".predict(")] and read_signals(text).data == [(5, "DataLoader(")]


def test_every_word_of_a_kind_is_found_alone() -> None:
    for words in (TRAINING, EVALUATION, DATA):
        for word in words:
            owners = signals.OWNERS.get(word)
            text = f"\n\n{owners[0] if owners else ''}{word}x"
            assert signals._found(words, text)[0] == (3, (owners[0] if owners else "") + word), word
