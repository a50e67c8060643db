"""Every rung runs through the same front door the CLI uses, and the rungs of a ladder agree on the
shared split: their test scores within the ladder's stated tolerance, and mostly the same predictions.

Deep rungs (torch, torch-geometric) are marked `deep`; the Cora accuracy goal (>= 79% test accuracy,
mean of 5 seeds, every rung) is the `slow` test at the end.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from learnloop.errors import UserError
from learnloop.ladders import registry
from learnloop.ladders.execution import agreement, copy_rung, run_rung
from learnloop.ladders.registry import load_ladders
from learnloop.ladders.result import RungResult

LADDERS = load_ladders()
# Few epochs: enough to show each rung runs end to end, not to train it well.
QUICK_EPOCHS = {"cora": 5, "digits": 2, "penguins": 50, "reviews": 100, "diabetes": 300}
TEST_SIZES = {"cora": 1000, "digits": 450, "penguins": 86, "reviews": 1217, "diabetes": 111}
CHANCE = {"cora": 1 / 7, "digits": 0.1, "penguins": 0.45, "reviews": 0.5}


# The penguins baseline (rung 1) has no epochs to cut: the agreement test below runs it once.
COVERED_ELSEWHERE = {("penguins", 1)}


def rung_params(deep: bool) -> list[object]:
    params = []
    for ladder in LADDERS.values():
        for rung in ladder.rungs:
            if bool(rung.needs) == deep and (ladder.id, rung.level) not in COVERED_ELSEWHERE:
                params.append(pytest.param(ladder.id, rung.level, id=f"{ladder.id}-{rung.level}"))
    return params


def check_quick_run(ladder: str, level: int) -> None:
    progress: list[tuple[int, int]] = []
    run, result = run_rung(ladder, level, epochs=QUICK_EPOCHS[ladder], seed=1,
                           report=lambda done, total: progress.append((done, total)))
    assert run.ladder == ladder and run.level == level and run.seconds > 0
    assert len(result.predictions) == TEST_SIZES[ladder]
    assert progress and progress[-1][0] == progress[-1][1], "the last report says the work is done"
    if LADDERS[ladder].metric == "accuracy":
        assert CHANCE[ladder] <= run.score <= 1.0
    else:
        assert 0.0 < run.score <= 1.0


@pytest.mark.parametrize(("ladder", "level"), rung_params(deep=False))
def test_every_plain_rung_runs(ladder: str, level: int) -> None:
    check_quick_run(ladder, level)


@pytest.mark.deep
@pytest.mark.parametrize(("ladder", "level"), rung_params(deep=True))
def test_every_deep_rung_runs(ladder: str, level: int) -> None:
    check_quick_run(ladder, level)


def full_runs(ladder: str, seed: int = 0) -> list[RungResult]:
    return [run_rung(ladder, rung.level, seed=seed)[1] for rung in LADDERS[ladder].rungs]


def assert_agree(ladder: str, results: list[RungResult], min_same_predictions: float) -> None:
    scores = [r.score for r in results]
    tolerance = LADDERS[ladder].tolerance
    assert max(scores) - min(scores) <= tolerance, f"{ladder} rungs disagree: {scores} (tolerance {tolerance})"
    if LADDERS[ladder].metric == "accuracy":
        for other in results[1:]:
            assert agreement(results[0], other) >= min_same_predictions


def test_diabetes_rungs_find_the_same_weights() -> None:
    results = full_runs("diabetes")
    assert_agree("diabetes", results, 0)
    reference = results[0].details
    for other in results[1:]:
        assert other.details.keys() == reference.keys()
        for name, value in reference.items():
            assert other.details[name] == pytest.approx(value, rel=1e-4, abs=1e-3), name
    assert results[0].score == pytest.approx(0.3594, abs=1e-3)


def test_penguins_rungs_agree() -> None:
    results = full_runs("penguins")
    assert_agree("penguins", results, 0.95)
    assert min(r.score for r in results) >= 0.95


def test_reviews_rungs_agree() -> None:
    results = full_runs("reviews")
    assert_agree("reviews", results, 0.95)
    assert min(r.score for r in results) >= 0.68


@pytest.mark.deep
def test_digits_rungs_agree() -> None:
    results = full_runs("digits")
    assert_agree("digits", results, 0.93)
    assert min(r.score for r in results) >= 0.94


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "find_spec", lambda name: None if name.startswith("torch") else object())
    with pytest.raises(UserError) as caught:
        run_rung("cora", 2)
    assert "needs torch" in str(caught.value)
    assert "pip install 'learnloop[deep]'" in str(caught.value)


def test_bad_epochs_are_refused() -> None:
    with pytest.raises(UserError, match="at least 1"):
        run_rung("diabetes", 4, epochs=0)


def test_a_copied_rung_runs_on_its_own(tmp_path: Path) -> None:
    copied = copy_rung("diabetes", 3, tmp_path / "mine")
    assert copied.path == tmp_path / "mine" / "rung3_normal_equations.py"
    done = subprocess.run([sys.executable, str(copied.path)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "test r2: 0.3594" in done.stdout


def test_copy_refuses_to_overwrite_and_to_write_into_a_file(tmp_path: Path) -> None:
    copy_rung("digits", 4, tmp_path)
    (tmp_path / "rung4_numpy.py").write_text("# my edits")
    with pytest.raises(UserError, match="already exists"):
        copy_rung("digits", 4, tmp_path)
    assert (tmp_path / "rung4_numpy.py").read_text() == "# my edits"
    copy_rung("digits", 4, tmp_path, force=True)
    assert "def run(" in (tmp_path / "rung4_numpy.py").read_text()
    with pytest.raises(UserError, match="is a file"):
        copy_rung("digits", 4, tmp_path / "rung4_numpy.py")


@pytest.mark.slow
@pytest.mark.deep
def test_cora_rungs_reach_kipf_and_wellings_accuracy_and_agree() -> None:
    """Every rung >= 79% test accuracy as the mean of 5 seeds (the paper: 81.5%); means within tolerance."""
    means = {}
    for rung in LADDERS["cora"].rungs:
        scores = [run_rung("cora", rung.level, seed=seed)[0].score for seed in range(5)]
        means[rung.level] = statistics.mean(scores)
        assert means[rung.level] >= 0.79, f"rung {rung.level}: {scores}"
    assert max(means.values()) - min(means.values()) <= LADDERS["cora"].tolerance, means
    first = [run_rung("cora", r.level, seed=0)[1] for r in LADDERS["cora"].rungs]
    assert_agree("cora", first, 0.85)
