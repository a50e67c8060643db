"""What the front doors show: the ladder list (pinned focus first, progress, availability) and one rung."""

from __future__ import annotations

import pytest

from learnloop.ladders import registry
from learnloop.ladders.catalog import RungProgress, list_ladders, show_rung


def test_pinned_focus_ladders_come_first_keeping_file_order() -> None:
    ids = [info.id for info in list_ladders("tabular-prediction")]
    assert ids == ["penguins", "diabetes", "cora", "digits", "reviews"]
    assert [info.id for info in list_ladders(None)] == ["cora", "digits", "penguins", "reviews", "diabetes"]


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
    view = show_rung("reviews", 2)
    assert view.level == 2 and view.lowest == 2 and view.script == "rung2_numpy.py"
    assert "np.bincount" in view.code and "def run(" in view.code
    assert "NumPy" in view.hides
    assert view.install is None
