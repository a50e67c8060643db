"""The descent: closing one gap per pass makes the curve fall; the picture is drawn from the same numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from learnloop.atlas.load import load_atlas
from learnloop.config import Settings
from learnloop.loop import gaps, passes, projects
from learnloop.loop.history import descent_plot, history
from learnloop.store.db import open_store

DAY0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
BACKLOG = ["attention", "tokenisers", "beam search", "layer norm"]


def _goto(s: object, step: int, at: datetime) -> None:
    """Jump the pass in progress to ``step`` at ``at`` (recorded as entering it, as the loop does)."""
    current = passes.open_pass(s)  # type: ignore[arg-type]
    current.step, current.step_started_at = step, at
    passes.record(s, current, "enter", at)  # type: ignore[arg-type]


def three_passes(home: Path, workspace: Path) -> object:
    """A learner lists four gaps, and in each pass writes down again those still open and closes the top one."""
    store = open_store(Settings(home=home))
    atlas = load_atlas()
    day = DAY0
    with store.session() as s:
        passes.start_pass(s, day)
    for number in (1, 2, 3):
        left = BACKLOG[number - 1 :]
        with store.session() as s:
            s.execute(text("UPDATE passes SET focus_id = 'nlp' WHERE closed_at IS NULL"))
            _goto(s, 1, day + timedelta(hours=12))
            _goto(s, 4, day + timedelta(days=1))
            projects.new_project(
                s,
                atlas,
                title=f"Project {number}",
                days=7,
                now=day,
                workspace=workspace,
                data="penguins",
                directory=workspace / f"p{number}",
            )
            if number == 2:
                projects.extend(s, 3, "exams", day + timedelta(days=2))  # a slow-down
            projects.finish(s, "done", day + timedelta(days=5))
            ids = [gaps.add_gap(s, atlas, gap, None, day + timedelta(days=1)).id for gap in left]
            _goto(s, 5, day + timedelta(days=5))
            gaps.keep_gap(s, ids[0], 2, day + timedelta(days=6))
            gaps.close_gap(s, "learned it", day + timedelta(days=7 if number != 3 else 6))
            _goto(s, 6, day + timedelta(days=7 if number != 3 else 6))
            passes.close_pass(s, day + timedelta(days=8), "ok")
        day += timedelta(days=10)
    return store


def test_closing_one_gap_per_pass_makes_the_descent_fall(tmp_path: Path) -> None:
    store = three_passes(tmp_path / "home", tmp_path / "ws")
    with store.read() as s:  # type: ignore[attr-defined]
        rows = history(s, DAY0 + timedelta(days=40))
    store.dispose()  # type: ignore[attr-defined]
    closed = [r for r in rows if r.closed_at]
    assert [r.gaps_open_after for r in closed] == [3, 2, 1]  # the set-aside gaps still count, once each
    assert [r.gaps_closed_total for r in closed] == [1, 2, 3]
    assert [len(r.slow_downs) for r in closed] == [0, 1, 0]
    assert closed[2].speed_ups  # the third gap closed a day early
    picture = descent_plot(rows, tmp_path / "descent.png")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
