"""ladders.yaml: valid, every rung's script exists and is named for its level, and every id it mentions
exists in the map; rung lookups explain the floor (LAPACK) and missing extras."""

from __future__ import annotations

import ast

import pytest

from learnloop.atlas.load import load_atlas
from learnloop.errors import NotFound, UserError
from learnloop.ladders import registry
from learnloop.ladders.registry import BelowFloor, find_ladder, find_rung, load_ladders, script_resource

LADDERS = load_ladders()


def test_twelve_ladders_of_three_to_five_rungs() -> None:
    assert {k: v.lowest for k, v in LADDERS.items()} == {
        "cora": 3,
        "digits": 4,
        "penguins": 3,
        "reviews": 3,
        "diabetes": 4,
        "co2": 3,
        "supply_chain": 5,
        "shakespeare": 3,
        "frozen_lake": 3,
        "anomaly": 3,
        "digits_generative": 3,
        "ratings": 3,
    }


def test_every_focus_of_the_map_has_a_ladder() -> None:
    served = {focus for ladder in LADDERS.values() for focus in ladder.focuses}
    assert set(load_atlas().focuses) <= served, set(load_atlas().focuses) - served


def test_the_top_rungs_are_libraries_learners_use_elsewhere() -> None:
    assert all(ladder.rungs[0].library != "learnloop" for ladder in LADDERS.values())


def test_every_rung_script_exists_and_defines_run() -> None:
    for ladder in LADDERS.values():
        for rung in [*ladder.rungs, *ladder.baselines]:
            source = script_resource(ladder, rung).read_text(encoding="utf-8")  # type: ignore[attr-defined]
            tree = ast.parse(source)
            functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
            assert "run" in functions, f"{ladder.id}/{rung.script} has no run()"
            assert ast.get_docstring(tree), f"{ladder.id}/{rung.script} says nothing about itself"
            assert 'if __name__ == "__main__":' in source, f"{ladder.id}/{rung.script} cannot run on its own"
            assert len(source.splitlines()) <= 130, f"{ladder.id}/{rung.script} is not short any more"


def test_every_focus_and_dataset_exists_in_the_map() -> None:
    atlas = load_atlas()
    for ladder in LADDERS.values():
        assert ladder.dataset is None or ladder.dataset in atlas.datasets, ladder.id
        for focus in ladder.focuses:
            assert focus in atlas.focuses, (ladder.id, focus)


def test_the_authors_focus_has_its_ladder() -> None:
    assert "graph-neural-networks" in LADDERS["cora"].focuses
    assert [r.library for r in LADDERS["cora"].rungs] == ["torch_geometric", "torch", "numpy"]


def test_rungs_needing_torch_name_the_deep_extra() -> None:
    for ladder in LADDERS.values():
        for rung in ladder.rungs:
            if "torch" in rung.needs:
                assert rung.extra == "deep"
            if rung.library in ("torch", "torch_geometric"):
                assert rung.library in rung.needs


def test_below_the_lowest_rung_says_why_it_stops() -> None:
    with pytest.raises(BelowFloor) as caught:
        find_rung(find_ladder("diabetes"), 5)
    assert "stops at rung 4" in caught.value.message
    assert "LAPACK" in caught.value.message or "Fortran" in caught.value.message
    for ladder in LADDERS.values():
        with pytest.raises(BelowFloor, match="too far"):
            find_rung(ladder, ladder.lowest + 1)


def test_rung_zero_and_unknown_ladders() -> None:
    with pytest.raises(UserError, match="numbered from 1"):
        find_rung(find_ladder("cora"), 0)
    with pytest.raises(NotFound, match="did you mean 'digits'"):
        find_ladder("digit")


def test_missing_packages_are_found_without_importing(monkeypatch: pytest.MonkeyPatch) -> None:
    rung = find_rung(find_ladder("cora"), 1)
    monkeypatch.setattr(registry, "find_spec", lambda name: None)
    assert registry.missing_packages(rung) == ["torch", "torch_geometric"]
    assert registry.install_hint(rung) == "pip install 'learnloop[deep]'"


def test_a_malformed_ladder_is_refused() -> None:
    good = LADDERS["diabetes"].model_dump()
    bad_levels = {**good, "rungs": [good["rungs"][1], good["rungs"][0]]}
    with pytest.raises(ValueError, match="rung levels must be 1, 2, 3"):
        registry.Ladder.model_validate(bad_levels)
    misnamed = {**good, "rungs": [{**good["rungs"][0], "script": "rung2_sklearn.py"}, good["rungs"][1]]}
    with pytest.raises(ValueError, match="must be named rung1_"):
        registry.Ladder.model_validate(misnamed)
    torch_without_extra = {**good, "rungs": [{**good["rungs"][0], "needs": ["torch"]}, good["rungs"][1]]}
    with pytest.raises(ValueError, match="names no extra"):
        registry.Ladder.model_validate(torch_without_extra)
