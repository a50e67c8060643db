"""The values the loop's reads return (where you are, a gap, a pass's history), and the pure facts behind them.

They live apart from the modules that read them through the ORM so that the CLI's light path
(:mod:`learnloop.loop.reads`, plain SQL through ``sqlite3``) returns the very same values without importing
SQLAlchemy: one value, whichever way it was read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from learnloop.loop import rules


def local_day(moment: datetime, now: datetime) -> date:
    """The date of a stored moment on the learner's calendar (``now`` carries the learner's time zone)."""
    return moment.astimezone(now.tzinfo).date() if now.tzinfo else moment.date()


class Deadline(BaseModel):
    what: str
    title: str
    deadline: date
    days_left: int
    overdue: bool


class Today(BaseModel):
    """The line for today, under the next action: the running box, the last check-in, the streak."""

    box: str | None = None  # "project" or "gap": the time box running now
    box_title: str | None = None
    box_days_left: int | None = None
    last_checkin_days_ago: int | None = None
    checkin_due: date | None = None  # the half-way check-in, when it has come and none was made
    days_active: int = 0  # days of this pass with something recorded
    streak: int = 0  # days in a row, up to today or yesterday, with something recorded


class Status(BaseModel):
    """Where the learner is: shown by `learnloop` and the web home page."""

    started: bool
    pass_number: int | None = None
    closed: bool = False
    step: int | None = None
    step_name: str | None = None
    step_title: str | None = None
    step_goal: str | None = None
    focus_id: str | None = None
    focus_name: str | None = None
    days_in_step: int | None = None
    deadlines: list[Deadline] = []
    needs: list[rules.Action] = []
    exercises_passed: int = 0
    rungs_run: int = 0
    next: rules.Action
    today: Today = Today()

    @property
    def urgent(self) -> bool:
        return self.next.urgent

    @property
    def missing(self) -> list[str]:
        return [a.why for a in self.needs]


def streak(days: set[date], today: date) -> int:
    """Days in a row with activity, ending today (or yesterday, so the morning run does not break it)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


class GapView(BaseModel):
    id: int
    pass_number: int
    text: str
    topic_id: str | None
    rank: int | None
    status: str
    created_at: datetime
    days: int | None = None
    deadline: date | None = None
    days_left: int | None = None
    overdue: bool = False
    learned: str | None = None


class Change(BaseModel):
    kind: str  # skip, early, extend, drop
    step: int | None
    subject: str | None
    reason: str | None
    at: datetime


class PassHistory(BaseModel):
    number: int
    focus_id: str | None
    started_at: datetime
    closed_at: datetime | None
    days: float
    step: int
    days_per_step: dict[str, float]
    project: str | None
    project_status: str | None
    gap: str | None
    gap_status: str | None
    gaps_captured: int
    gaps_open_after: int  # distinct gaps you know of and have not closed, at the end of the pass (the loss)
    gaps_closed_total: int = 0  # distinct gaps closed so far, this pass included
    speed_ups: list[Change]
    slow_downs: list[Change]
    retro: str | None


def span_days(a: datetime, b: datetime) -> float:
    """Days from ``a`` to ``b``, to two places."""
    return round((b - a).total_seconds() / 86400, 2)


def gap_key(g: Any) -> str:
    """One gap, however often it was written down: its map topic, or its words."""
    return f"topic:{g.topic_id}" if g.topic_id else "text:" + " ".join(g.text.lower().split())


def carried(gaps: list[Any], end: datetime) -> tuple[int, int]:
    """(gaps still carried, gaps closed) at ``end``: a gap set aside is still carried; written down again, it
    counts once; closed once, it is closed (a dropped one is let go)."""
    known: set[str] = set()
    closed: set[str] = set()
    dropped: set[str] = set()
    for g in gaps:
        if g.created_at > end:
            continue
        key = gap_key(g)
        known.add(key)
        if g.status == "done" and g.closed_at and g.closed_at <= end:
            closed.add(key)
        elif g.status == "dropped" and g.closed_at and g.closed_at <= end:
            dropped.add(key)
    return len(known - closed - dropped), len(closed)


class BranchProgress(BaseModel):
    kind: str
    topics: int
    done: int
    in_progress: int
    skipped: int


def progress(atlas: Any, marked: dict[str, str], kinds: list[str] | None = None) -> list[BranchProgress]:
    """Per branch of the map (a kind of topic): how many topics, how many done, in progress, skipped."""
    rows: list[BranchProgress] = []
    for kind in kinds or sorted({t.kind for t in atlas.topics.values()}):
        members = [t.id for t in atlas.topics.values() if t.kind == kind]
        states = [marked.get(i) for i in members]
        rows.append(
            BranchProgress(
                kind=kind,
                topics=len(members),
                done=states.count("done"),
                in_progress=states.count("in-progress"),
                skipped=states.count("skipped"),
            )
        )
    return rows
