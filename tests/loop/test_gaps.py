"""Step 5 in detail: capture any time, rank, keep one, the rest out of sight but kept, the guide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from learnloop.atlas.load import load_atlas
from learnloop.config import Settings
from learnloop.errors import UserError
from learnloop.loop import gaps
from learnloop.loop.passes import start_pass
from learnloop.store.db import open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(Settings(home=tmp_path))
    with store.session() as s:
        start_pass(s, NOW)
    yield store
    store.dispose()


def _to_step_five(store) -> None:
    with store.session() as s:
        s.execute(text("UPDATE passes SET step = 5"))


def test_gaps_can_be_added_at_any_step_but_kept_only_at_step_five(store) -> None:
    atlas = load_atlas()
    with store.session() as s:
        first = gaps.add_gap(s, atlas, "why does scaling help kNN?", None, NOW)
    with pytest.raises(UserError, match="step 5"), store.session() as s:
        gaps.keep_gap(s, first.id, 3, NOW)
    with pytest.raises(UserError, match="describe"), store.session() as s:
        gaps.add_gap(s, atlas, "   ", None, NOW)
    with pytest.raises(UserError, match="did you mean"), store.session() as s:
        gaps.add_gap(s, atlas, "x", "regularisaton", NOW)


def test_rank_keep_and_the_rest_set_aside_but_kept_in_history(store) -> None:
    atlas = load_atlas()
    with store.session() as s:
        ids = [gaps.add_gap(s, atlas, t, None, NOW).id for t in ("a", "b", "c", "d")]
    _to_step_five(store)
    with store.session() as s:
        ranked = gaps.rank_gaps(s, [ids[2], ids[0]], NOW)
    assert [g.id for g in ranked] == [ids[2], ids[0], ids[1], ids[3]]
    assert [g.rank for g in ranked] == [1, 2, 3, 4]
    with store.session() as s:
        kept = gaps.keep_gap(s, ids[2], 3, NOW)
    assert kept.deadline == (NOW + timedelta(days=3)).date()
    with store.read() as s:
        assert [g.id for g in gaps.list_gaps(s, NOW)] == [ids[2]]
        everything = gaps.list_gaps(s, NOW, include_all=True)
    assert sorted(g.status for g in everything) == ["kept", "set_aside", "set_aside", "set_aside"]
    with pytest.raises(UserError, match="only open gaps"), store.session() as s:
        gaps.rank_gaps(s, [ids[1]], NOW)


def test_drop_then_keep_another_from_the_set_aside(store) -> None:
    atlas = load_atlas()
    with store.session() as s:
        a = gaps.add_gap(s, atlas, "first", None, NOW).id
        b = gaps.add_gap(s, atlas, "second", None, NOW).id
    _to_step_five(store)
    with store.session() as s:
        gaps.keep_gap(s, a, 2, NOW)
    with store.session() as s:
        gaps.drop_gap(s, "turned out not to matter", NOW)
    with store.session() as s:
        again = gaps.keep_gap(s, b, 4, NOW)
    assert again.status == "kept"


def test_gap_time_box_and_extension(store) -> None:
    atlas = load_atlas()
    with store.session() as s:
        gap_id = gaps.add_gap(s, atlas, "attention", None, NOW).id
    _to_step_five(store)
    with pytest.raises(UserError, match="1-7 days"), store.session() as s:
        gaps.keep_gap(s, gap_id, 8, NOW)
    with store.session() as s:
        gaps.keep_gap(s, gap_id, 5, NOW)
    with store.session() as s:
        view = gaps.extend_gap(s, 2, "the paper is dense", NOW + timedelta(days=4))
    assert view.days == 7 and view.deadline == (NOW + timedelta(days=7)).date()
    with pytest.raises(UserError, match="7 days at most"), store.session() as s:
        gaps.extend_gap(s, 1, "more", NOW)
    with store.read() as s:
        late = gaps.list_gaps(s, NOW + timedelta(days=8))[0]
    assert late.overdue


def test_guide_matches_free_text_to_the_map(store) -> None:
    atlas = load_atlas()
    with store.session() as s:
        gap_id = gaps.add_gap(s, atlas, "cross validation", None, NOW).id
        tagged = gaps.add_gap(s, atlas, "the maths behind it", "gradient-descent", NOW).id
    with store.read() as s:
        matched = gaps.guide(s, atlas, NOW, gap_id)
        given = gaps.guide(s, atlas, NOW, tagged)
    assert matched.matched and matched.topic is not None and matched.topic.id == "cross-validation"
    assert matched.resources and matched.neighbours
    assert not given.matched and given.topic is not None and given.topic.id == "gradient-descent"


def test_moving_a_gap_swaps_it_with_its_neighbour() -> None:
    assert gaps.order_after_move([1, 2, 3], 3, "up") == [1, 3, 2]
    assert gaps.order_after_move([1, 2, 3], 1, "down") == [2, 1, 3]
    assert gaps.order_after_move([1, 2, 3], 1, "up") == [1, 2, 3]
    assert gaps.order_after_move([1, 2, 3], 3, "down") == [1, 2, 3]
    with pytest.raises(UserError, match="not among the open gaps"):
        gaps.order_after_move([1, 2], 7, "up")
    with pytest.raises(UserError, match="up or down"):
        gaps.order_after_move([1, 2], 1, "left")
