"""Step 0: rank interests and pin ONE focus for this pass (the article: pin one, leave the rest)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.atlas.load import Atlas
from learnloop.errors import UserError
from learnloop.loop.passes import open_pass, record
from learnloop.store.models import Interest


class RankedInterest(BaseModel):
    rank: int
    focus_id: str
    name: str
    pinned: bool = False


def parse_order(text: str) -> list[str]:
    """``"nlp, computer-vision"`` → ``["nlp", "computer-vision"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def rank_interests(session: Session, atlas: Atlas, order: list[str], now: datetime) -> list[RankedInterest]:
    """Replace the learner's ranking with ``order`` (most wanted first)."""
    if not order:
        raise UserError("give at least one focus id, most wanted first", field="order")
    seen: set[str] = set()
    for focus_id in order:
        atlas.focus(focus_id)  # unknown id → NotFound with "did you mean"
        if focus_id in seen:
            raise UserError(f"{focus_id!r} appears twice in the ranking", field="order")
        seen.add(focus_id)
    session.execute(delete(Interest))
    for rank, focus_id in enumerate(order, start=1):
        session.add(Interest(focus_id=focus_id, rank=rank, ranked_at=now))
    from learnloop.loop.passes import current_pass

    current = current_pass(session)
    if current is not None and current.closed_at is None:
        record(session, current, "interests", now, subject=",".join(order))
    session.flush()
    return interests(session, atlas)


def interests(session: Session, atlas: Atlas) -> list[RankedInterest]:
    from learnloop.loop.passes import current_pass

    current = current_pass(session)
    pinned = current.focus_id if current and current.closed_at is None else None
    rows = session.scalars(select(Interest).order_by(Interest.rank)).all()
    return [
        RankedInterest(
            rank=r.rank,
            focus_id=r.focus_id,
            name=atlas.focuses[r.focus_id].name if r.focus_id in atlas.focuses else r.focus_id,
            pinned=r.focus_id == pinned,
        )
        for r in rows
    ]


def top_interest(session: Session) -> str | None:
    return session.scalars(select(Interest.focus_id).order_by(Interest.rank).limit(1)).first()


def pin_focus(session: Session, atlas: Atlas, focus_id: str | None, now: datetime) -> str:
    """Pin a focus for the pass in progress; without an id, the top-ranked interest."""
    current = open_pass(session)
    if focus_id is None:
        focus_id = top_interest(session)
        if focus_id is None:
            raise UserError("name the focus to pin, or rank your interests first", field="focus_id")
    atlas.focus(focus_id)
    if current.step > 0 and current.focus_id and current.focus_id != focus_id:
        raise UserError(
            f"pass {current.number} is at step {current.step} with focus {current.focus_id!r}; "
            "a focus is kept for the whole pass (change it when the next pass starts)"
        )
    current.focus_id = focus_id
    record(session, current, "focus", now, subject=focus_id)
    return focus_id
