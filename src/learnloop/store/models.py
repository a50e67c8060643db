"""The learner's records, as SQLAlchemy 2 typed models.

Every change here comes with an Alembic revision in ``migrations/versions``; the test suite builds
a database at the first revision, fills it, and upgrades it with the data intact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("learnloop stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


LOCAL_LEARNER_ID = 1  # the laptop's one learner (made by revision 0005); store.light.LOCAL_LEARNER agrees


class Owned:
    """A learner's own record: it has an owner (``learner_id``, revision 0006), and a session opened for one
    learner sees, writes and deletes only that learner's rows. :mod:`learnloop.store.scoping` makes it so, for
    every query of every session, in one place; a model only inherits this mixin."""

    @declared_attr
    def learner_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("learners.id"), index=True)


class Pass(Owned, Base):
    """One trip round the loop. Its number counts the learner's own passes (1, 2, ...)."""

    __tablename__ = "passes"
    __table_args__ = (UniqueConstraint("learner_id", "number", name="uq_passes_learner_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    step: Mapped[int] = mapped_column(Integer, default=0)
    step_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    focus_id: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retro: Mapped[str | None] = mapped_column(Text)
    # When the learner shared this pass's notes and retrospective with their classes' teachers (None: private).
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    events: Mapped[list[Event]] = relationship(back_populates="pass_", order_by="Event.id")


class Interest(Owned, Base):
    """The learner's ranking of focuses (1 = most wanted)."""

    __tablename__ = "interests"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    focus_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    ranked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Event(Owned, Base):
    """What happened in a pass, in order: steps entered, skips, extensions, early finishes, with reasons."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    step: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)

    pass_: Mapped[Pass] = relationship(back_populates="events")


class Reference(Owned, Base):
    """Step 1: the project like the learner's endgame that they study."""

    __tablename__ = "reference_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    why: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Note(Owned, Base):
    """Step 1: the article's three lists (repeated patterns, understood, unclear)."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Project(Owned, Base):
    """Step 4: one time-boxed project."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    idea_id: Mapped[str | None] = mapped_column(String(80))
    data_source: Mapped[str | None] = mapped_column(String(500))
    no_data_reason: Mapped[str | None] = mapped_column(Text)
    directory: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    days: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str | None] = mapped_column(Text)

    checkins: Mapped[list[Checkin]] = relationship(back_populates="project", order_by="Checkin.id")


class Checkin(Owned, Base):
    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="checkins")


class Gap(Owned, Base):
    """Step 5: something the learner found they do not know."""

    __tablename__ = "gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    topic_id: Mapped[str | None] = mapped_column(String(80))
    rank: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    days: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    learned: Mapped[str | None] = mapped_column(Text)


class Practice(Owned, Base):
    """Steps 2 and 3: an exercise checked or a ladder rung run."""

    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(120))
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class TopicMark(Owned, Base):
    """Progress on the map: a topic the learner marked done, in progress or skipped (one mark per topic)."""

    __tablename__ = "topic_marks"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    mark: Mapped[str] = mapped_column(String(20))  # done, in-progress, skipped
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str | None] = mapped_column(String(40))  # "gap:12" when closing a gap marked it


# --- The class server (revision 0005): who learns, who teaches, and how they sign in -----------------------
#
# A laptop has exactly one learner, the local one (id 1, made by the migration); a class server has many. The
# learner records above (every :class:`Owned` model, and the jobs) have an owner since revision 0006.

ROLES = ("student", "teacher", "admin")
ORIGINS = ("local", "server", "laptop")  # the laptop's own learner; signed up on the server; synced from a laptop
# The tables about people rather than a learner's own records: outside a learner's export and import.
PEOPLE_TABLES = frozenset(
    {"learners", "classrooms", "memberships", "invites", "access_tokens", "web_sessions", "login_attempts"}
)


class Learner(Base):
    """A person with records: the laptop's one local learner, or an account on a class server."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="student")
    origin: Mapped[str] = mapped_column(String(20), default="server")
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None: cannot sign in (local)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Classroom(Base):
    """A teacher's class. ``inactive_days``: a student with no activity for that long is shown as stuck."""

    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    inactive_days: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Membership(Base):
    """A student in a class (a student may be in several)."""

    __tablename__ = "memberships"

    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Invite(Base):
    """A code that lets students join a class until it expires. Only its SHA-256 digest is kept."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class AccessToken(Base):
    """A laptop's right to sync one learner's progress to the server. Only its SHA-256 digest is kept."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; the row holds its digest, so a logout (or a
    password reset) ends it in every server process at once."""

    __tablename__ = "web_sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """A failed sign-in, by account (``account:LOGIN``) and by address (``address:IP``), for rate limiting
    that holds across server processes."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
