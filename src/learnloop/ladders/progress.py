"""Ladders and the learner's pass: which focus is pinned, which rungs were run, recording a run (step 3)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from learnloop.ladders.catalog import RungProgress
from learnloop.ladders.execution import RungRun

if TYPE_CHECKING:
    from learnloop.store.db import Store


def pinned_focus(store: Store) -> str | None:
    """The focus pinned in the pass in progress, if any."""
    from learnloop.loop.passes import current_pass

    with store.read() as session:
        current = current_pass(session)
        return current.focus_id if current is not None and current.closed_at is None else None


def rung_progress(store: Store) -> dict[tuple[str, int], RungProgress]:
    """Runs and best score per (ladder, rung) in the pass in progress."""
    from learnloop.loop.practice import practice_summary

    with store.read() as session:
        summary = practice_summary(session)
    return {(r.ladder, r.rung): RungProgress(runs=r.runs, best_score=r.best_score) for r in summary.rungs}


def record_run(store: Store, run: RungRun, now: datetime) -> bool:
    """Record a rung run in the pass in progress (one transaction); False when no pass is open."""
    from learnloop.loop.passes import current_pass
    from learnloop.loop.practice import record_rung

    with store.session() as session:
        current = current_pass(session)
        if current is None or current.closed_at is not None:
            return False
        record_rung(session, ladder=run.ladder, rung=run.level, score=run.score, now=now)
        return True
