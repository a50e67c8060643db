"""Progress on the map: topics marked done, in progress or skipped, and a count per branch (like roadmap.sh)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.atlas.load import Atlas
from learnloop.errors import UserError
from learnloop.loop.values import BranchProgress, progress  # noqa: F401 (moved for the CLI's light path)
from learnloop.store.models import TopicMark

MARKS = ("done", "in-progress", "skipped")
CLEAR = "none"


class MarkView(BaseModel):
    topic_id: str
    mark: str | None  # None once cleared
    marked_at: datetime
    source: str | None = None


def check_mark(mark: str) -> str:
    if mark not in (*MARKS, CLEAR):
        raise UserError(f"a mark is one of {', '.join(MARKS)} (or {CLEAR} to clear it); not {mark!r}", field="mark")
    return mark


def mark_topic(
    session: Session, atlas: Atlas, topic_id: str, mark: str, now: datetime, source: str | None = None
) -> MarkView:
    """Mark one topic of the map (an unknown id says "did you mean"); ``none`` clears its mark."""
    check_mark(mark)
    atlas.topic(topic_id)
    row = session.scalars(select(TopicMark).where(TopicMark.topic_id == topic_id)).first()  # the learner's own
    if mark == CLEAR:
        if row is not None:
            session.delete(row)
        return MarkView(topic_id=topic_id, mark=None, marked_at=now, source=source)
    if row is None:
        row = TopicMark(topic_id=topic_id, mark=mark, marked_at=now, source=source)
        session.add(row)
    else:
        row.mark, row.marked_at, row.source = mark, now, source
    session.flush()
    return MarkView(topic_id=topic_id, mark=mark, marked_at=now, source=source)


def marks(session: Session) -> dict[str, str]:
    """topic id → its mark."""
    return {m.topic_id: m.mark for m in session.scalars(select(TopicMark))}
