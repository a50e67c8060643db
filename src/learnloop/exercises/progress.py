"""The self-check and the learner's pass: which exercises passed, recording a check (step 2)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from learnloop.exercises.grader import CheckResult

if TYPE_CHECKING:
    from learnloop.store.db import Store


def passed_exercises(store: Store) -> set[str]:
    """Ids of the exercises checked and passed in the pass in progress."""
    from learnloop.loop.practice import practice_summary

    with store.read() as session:
        return set(practice_summary(session).exercises_passed)


def ever_passed_exercises(store: Store) -> set[str]:
    """Ids of the exercises checked and passed in any pass (their solutions may be shown)."""
    from sqlalchemy import select

    from learnloop.store.models import Practice

    with store.read() as session:
        rows = session.scalars(
            select(Practice.subject).where(Practice.kind == "exercise", Practice.passed.is_(True))
        ).all()
    return set(rows)


def record_checks(store: Store, results: list[CheckResult], now: datetime) -> bool:
    """Record every check in the pass in progress (one transaction); False when no pass is open."""
    from learnloop.loop.passes import current_pass
    from learnloop.loop.practice import record_exercise

    with store.session() as session:
        current = current_pass(session)
        if current is None or current.closed_at is not None:
            return False
        for result in results:
            record_exercise(session, exercise=result.exercise, passed=result.passed, now=now)
        return True
