"""A job as a row: what it was asked to do, where it stands, and the folder its results were written to.

The table lives in the learner's database (revision 0004) but outside the export: a job is a record of work
the server did, not something the learner wrote, so an export stays the learner's own data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from learnloop.store.models import Learner, Owned, UTCDateTime


class JobsBase(DeclarativeBase):
    pass


class JobRecord(Owned, JobsBase):
    """Each learner's jobs are their own (revision 0006): scoped like every :class:`Owned` record."""

    __tablename__ = "jobs"

    # The learners table is in the store's metadata, not this one: the key names its column itself.
    learner_id: Mapped[int] = mapped_column(ForeignKey(Learner.__table__.c.id), index=True)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    back: Mapped[str] = mapped_column(String(300), default="/")
    state: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed, cancelled, interrupted
    params: Mapped[str | None] = mapped_column(Text)  # JSON; None when the work cannot be rebuilt (a closure)
    folder: Mapped[str | None] = mapped_column(String(1000))
    error: Mapped[str | None] = mapped_column(Text)
    error_status: Mapped[int] = mapped_column(Integer, default=500)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
