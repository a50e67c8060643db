"""Steps 2 and 3: exercises checked and ladder rungs run, recorded in the pass in progress."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.loop.passes import current_pass, open_pass
from learnloop.store.models import Practice


class RungRecord(BaseModel):
    ladder: str
    rung: int
    runs: int
    best_score: float | None
    last_at: datetime


class PracticeSummary(BaseModel):
    pass_number: int | None
    exercises_passed: list[str] = []
    exercises_tried: list[str] = []
    rungs: list[RungRecord] = []


def record_rung(session: Session, *, ladder: str, rung: int, score: float | None, now: datetime) -> None:
    current = open_pass(session)
    session.add(Practice(pass_id=current.id, kind="rung", subject=f"{ladder}:{rung}", score=score, at=now))


def record_exercise(session: Session, *, exercise: str, passed: bool, now: datetime) -> None:
    current = open_pass(session)
    session.add(Practice(pass_id=current.id, kind="exercise", subject=exercise, passed=passed, at=now))


def practice_summary(session: Session) -> PracticeSummary:
    current = current_pass(session)
    if current is None:
        return PracticeSummary(pass_number=None)
    rows = session.scalars(select(Practice).where(Practice.pass_id == current.id).order_by(Practice.id)).all()
    passed = sorted({r.subject for r in rows if r.kind == "exercise" and r.passed})
    tried = sorted({r.subject for r in rows if r.kind == "exercise"})
    rungs: dict[tuple[str, int], RungRecord] = {}
    for r in rows:
        if r.kind != "rung":
            continue
        ladder, _, number = r.subject.rpartition(":")
        key = (ladder, int(number))
        seen = rungs.get(key)
        if seen is None:
            rungs[key] = RungRecord(ladder=ladder, rung=int(number), runs=1, best_score=r.score, last_at=r.at)
        else:
            scores = [s for s in (seen.best_score, r.score) if s is not None]
            rungs[key] = RungRecord(
                ladder=ladder,
                rung=int(number),
                runs=seen.runs + 1,
                best_score=max(scores) if scores else None,
                last_at=r.at,
            )
    return PracticeSummary(
        pass_number=current.number,
        exercises_passed=passed,
        exercises_tried=tried,
        rungs=sorted(rungs.values(), key=lambda x: (x.ladder, x.rung)),
    )
