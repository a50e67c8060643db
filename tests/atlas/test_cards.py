"""The light reader of the map's library cards agrees with the validated map: one source of truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.atlas import cards, load


def test_the_cards_read_from_yaml_are_the_validated_maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    light = cards.read_cards(use_cache=False)
    full = cards.cards_of(load.build_atlas())
    assert light == full
    assert len(full.tools) >= 20 and len(full.stacks) >= 20
    assert any(tool.aliases for tool in full.tools)


def test_the_cards_read_from_the_current_cache_are_the_validated_maps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    atlas = load.build_atlas(use_cache=True)  # validates, then writes the cache
    assert list((tmp_path / "cache").glob("atlas-*.json"))
    monkeypatch.setattr(cards, "_needed_yaml", lambda files: pytest.fail("the YAML was parsed despite a cache"))
    assert cards.read_cards() == cards.cards_of(atlas)


def test_only_the_files_holding_topics_or_focuses_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    parsed: list[str] = []
    real = yaml.load

    def counting(text: str, Loader: object) -> object:
        found = real(text, Loader=Loader)
        parsed.append(next(iter(found)))
        return found

    monkeypatch.setattr(yaml, "load", counting)
    cards._needed_yaml(load._data_files(None))
    assert parsed and set(parsed) <= {"topics", "focuses"}
    assert "focuses" in parsed


def test_data_not_shaped_like_a_valid_map_takes_the_full_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "topics-broken.yaml"
    broken.write_text("topics:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    missing = tmp_path / "focuses.yaml"
    missing.write_text("focuses:\n  - id: f\n    name: F\n", encoding="utf-8")  # no stack: not a valid focus
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    for files in ([broken], [missing]):
        monkeypatch.setattr(load, "_data_files", lambda directory, files=files: files)
        assert cards.read_cards() is None


def test_the_cards_are_kept_for_the_next_study_and_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    first = cards.read_cards()
    kept = list((tmp_path / "cache").glob("cards-*.json"))
    assert first is not None and len(kept) == 1
    assert not list((tmp_path / "cache").glob("atlas-*.json"))  # the map's validated cache is not faked
    monkeypatch.setattr(cards, "_needed_yaml", lambda files: pytest.fail("the YAML was parsed again"))
    assert cards.read_cards() == first == cards.cards_of(load.build_atlas())
    kept[0].write_text("{not json", encoding="utf-8")  # a damaged cache is read again from the YAML
    monkeypatch.undo()
    monkeypatch.setenv("LEARNLOOP_CACHE", str(tmp_path / "cache"))
    assert cards.read_cards() == first
