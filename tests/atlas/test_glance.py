"""The quick look at the map: its cache holds only a validated map, and gives the facts the validated map gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.atlas import glance, load


def test_the_cache_is_written_only_after_the_map_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "refused"))
    monkeypatch.setattr(load, "check_references", lambda atlas: ["topic x refers to unknown 'y'"])
    with pytest.raises(load.AtlasError):
        load.build_atlas(use_cache=True)
    assert not list((tmp_path / "refused").glob("atlas-*.json"))
    assert glance.cached_facts() is None
    monkeypatch.undo()
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "kept"))
    atlas = load.build_atlas(use_cache=True)
    assert len(list((tmp_path / "kept").glob("atlas-*.json"))) == 1
    assert glance.cached_facts() == glance.facts_of(atlas)
    assert glance.map_facts() == glance.facts_of(atlas)


def test_without_a_cache_the_facts_come_from_the_validated_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "empty"))
    assert glance.cached_facts() is None
    facts = glance.map_facts()
    assert facts == glance.facts_of(load.load_atlas())
    assert facts.focus_names and facts.topics and facts.dataset_forms
