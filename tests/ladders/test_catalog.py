"""What the front doors show: the ladder list (pinned focus first, progress, availability) and one rung."""

from __future__ import annotations

import pytest

from learnloop.ladders import registry
from learnloop.ladders.catalog import RungProgress, list_ladders, show_rung


def test_pinned_focus_ladders_come_first_keeping_file_order() -> None:
    ids = [info.id for info in list_ladders("tabular-prediction")]
    assert ids[:2] == ["penguins", "diabetes"]
    assert ids[2:] == [i for i in ALL if i not in ("penguins", "diabetes")]
    assert [info.id for info in list_ladders(None)] == ALL
    assert next(info.id for info in list_ladders("time-series")) == "co2"
    assert [info.id for info in list_ladders("supply-chain")][:2] == ["cora", "supply_chain"]


ALL = [
    "cora",
    "digits",
    "penguins",
    "reviews",
    "diabetes",
    "co2",
    "supply_chain",
    "shakespeare",
    "frozen_lake",
    "anomaly",
    "digits_generative",
    "ratings",
]


def test_baselines_and_simulated_worlds_are_listed() -> None:
    infos = {i.id: i for i in list_ladders(None)}
    assert [b.id for b in infos["supply_chain"].baselines] == ["features-only", "mlp"]
    assert infos["frozen_lake"].dataset is None and infos["ratings"].dataset is None
    assert infos["cora"].baselines == []


def test_progress_is_attached_to_its_rung() -> None:
    infos = {i.id: i for i in list_ladders(None, {("digits", 2): RungProgress(runs=3, best_score=0.97)})}
    assert infos["digits"].rungs[1].runs == 3 and infos["digits"].rungs[1].best_score == 0.97
    assert infos["digits"].rungs[0].runs == 0 and infos["cora"].rungs[1].runs == 0


def test_a_rung_whose_extra_is_missing_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "find_spec", lambda name: None if name.startswith("torch") else object())
    view = show_rung("cora", 2)
    assert view.missing == ["torch"] and view.install == "pip install 'learnloop[deep]'"
    cora = next(i for i in list_ladders() if i.id == "cora")
    assert [r.available for r in cora.rungs] == [False, False, True]


def test_show_rung_carries_the_code_and_the_lesson() -> None:
    view = show_rung("reviews", 3)
    assert view.level == 3 and view.lowest == 3 and view.script == "rung3_numpy.py"
    assert "np.bincount" in view.code and "def run(" in view.code
    assert "NumPy" in view.hides
    assert view.install is None
