"""Classes: a teacher makes one, hands out invite codes that expire, students join with a code, the teacher
removes a student.

An invite code reads like ``K7QD-M2XP``: eight characters from an alphabet without look-alikes (no 0/O, 1/I/L,
U), about 39 bits, typed in any case, with or without the dash. It is shown once, when it is made; the
database keeps only its SHA-256 digest.

A rostered student (see :mod:`learnloop.classroom.roster`) has an account with no password and is already a
member: :func:`enrol_with_code` is how they, or a student not on the roster, come in with the code and a
password. A signed-in learner joins another class with :func:`join_with_code`.

Every function takes an open session not scoped to a learner (``Store.across_learners()``) and, where time
matters, ``now``. A class that is not the teacher's is :class:`NotFound`, like one that does not exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.classroom.accounts import (
    AccountTaken,
    check_name,
    create_learner,
    digest,
    normalise_email,
    set_first_password,
)
from learnloop.errors import NotFound, UserError
from learnloop.store.models import Classroom, Invite, Learner, Membership

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud and typed without doubt
CODE_LENGTH = 8
INVITE_DAYS = (1, 90)
INACTIVE_DAYS = (1, 90)
TEACHING_ROLES = ("teacher", "admin")


class InviteExpired(UserError):
    http_status = 410

    def __init__(self, expired_at: datetime) -> None:
        self.expired_at = expired_at
        super().__init__(
            f"this invite code expired on {expired_at.date().isoformat()}; ask your teacher for a new one", field="code"
        )


class UnknownInvite(UserError):
    http_status = 404

    def __init__(self) -> None:
        super().__init__("no class has this invite code; check it with your teacher", field="code")


@dataclass(frozen=True)
class NewInvite:
    """A code as it is shown once: the database keeps only its digest."""

    code: str
    classroom_id: int
    classroom_name: str
    expires_at: datetime


@dataclass(frozen=True)
class Joined:
    """The outcome of a join: ``already`` is True when the learner was a member before (not an error)."""

    classroom_id: int
    classroom_name: str
    learner_id: int
    already: bool


@dataclass(frozen=True)
class Enrolment:
    """A student who came in with a code: a new account, or a rostered one that now has its password."""

    learner: Learner
    joined: Joined
    claimed: bool  # True: a rostered account got its first password; False: a new account


@dataclass(frozen=True)
class ClassSummary:
    id: int
    name: str
    teacher_id: int
    inactive_days: int
    students: int
    created_at: datetime


@dataclass(frozen=True)
class Student:
    id: int
    login: str
    name: str
    email: str | None
    origin: str
    joined_at: datetime
    has_password: bool
    last_seen_at: datetime | None
    last_synced_at: datetime | None


def require_teacher(learner: Learner) -> Learner:
    if learner.role not in TEACHING_ROLES:
        raise UserError("only a teacher or an admin can do this", field="role")
    return learner


def teacher_class(session: Session, teacher: Learner, classroom_id: int) -> Classroom:
    """``teacher``'s class ``classroom_id``; :class:`NotFound` when it does not exist or is someone else's."""
    found = session.get(Classroom, classroom_id) if isinstance(classroom_id, int) else None
    if found is None or found.teacher_id != teacher.id:
        raise NotFound("class", str(classroom_id))
    return found


def _check_days(days: int, limits: tuple[int, int], what: str, field: str) -> int:
    if not isinstance(days, int) or not limits[0] <= days <= limits[1]:
        raise UserError(f"{what} is {limits[0]} to {limits[1]} days", field=field)
    return days


def create_class(session: Session, teacher: Learner, name: str, now: datetime, *, inactive_days: int = 7) -> Classroom:
    require_teacher(teacher)
    classroom = Classroom(
        name=check_name(name),
        teacher_id=teacher.id,
        inactive_days=_check_days(inactive_days, INACTIVE_DAYS, "the inactivity setting", "inactive_days"),
        created_at=now,
    )
    session.add(classroom)
    session.flush()
    return classroom


def set_inactive_days(session: Session, teacher: Learner, classroom_id: int, days: int) -> Classroom:
    """After how many days without activity the class view shows a student as stuck."""
    classroom = teacher_class(session, teacher, classroom_id)
    classroom.inactive_days = _check_days(days, INACTIVE_DAYS, "the inactivity setting", "inactive_days")
    return classroom


def format_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    """What a person typed, as the code was made: upper case, no dashes or spaces."""
    return "".join(ch for ch in (code or "").upper() if ch not in "- \t")[:64]


def make_invite(
    session: Session, classroom: Classroom, days: int, now: datetime, *, created_by: int | None = None
) -> NewInvite:
    """A new invite code for ``classroom`` (check it is the teacher's with :func:`teacher_class` first), valid
    for ``days`` days. The code is in the returned value only."""
    _check_days(days, INVITE_DAYS, "an invite code lasts", "days")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + timedelta(days=days)
    session.add(
        Invite(
            classroom_id=classroom.id,
            digest=digest(raw),
            created_by=created_by if created_by is not None else classroom.teacher_id,
            created_at=now,
            expires_at=expires,
            uses=0,
        )
    )
    session.flush()
    return NewInvite(
        code=format_code(raw), classroom_id=classroom.id, classroom_name=classroom.name, expires_at=expires
    )


def invite_for(session: Session, code: str, now: datetime) -> Invite:
    """The live invite of ``code``: :class:`UnknownInvite` or :class:`InviteExpired` otherwise."""
    raw = normalise_code(code)
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        raise UnknownInvite()
    invite = session.scalars(select(Invite).where(Invite.digest == digest(raw))).first()
    if invite is None:
        raise UnknownInvite()
    if invite.expires_at <= now:
        raise InviteExpired(invite.expires_at)
    return invite


def _member(session: Session, classroom_id: int, learner_id: int) -> Membership | None:
    return session.get(Membership, (classroom_id, learner_id))


def add_member(session: Session, classroom: Classroom, learner: Learner, now: datetime) -> Joined:
    if learner.id == classroom.teacher_id:
        raise UserError("you teach this class; a teacher does not join it as a student", field="code")
    if learner.origin == "local":
        raise UserError("the laptop's own learner cannot join a class on a server", field="code")
    already = _member(session, classroom.id, learner.id) is not None
    if not already:
        session.add(Membership(classroom_id=classroom.id, learner_id=learner.id, joined_at=now))
        session.flush()
    return Joined(classroom_id=classroom.id, classroom_name=classroom.name, learner_id=learner.id, already=already)


def join_with_code(session: Session, learner: Learner, code: str, now: datetime) -> Joined:
    """A signed-in learner joins the class of ``code``. Joining a class one is in already is not an error:
    the value says ``already``."""
    invite = invite_for(session, code, now)
    classroom = session.get(Classroom, invite.classroom_id)
    assert classroom is not None  # invites cascade with their class
    joined = add_member(session, classroom, learner, now)
    if not joined.already:
        invite.uses += 1
    return joined


def enrol_with_code(
    session: Session, code: str, *, name: str, email: str, password: str, now: datetime, login: str | None = None
) -> Enrolment:
    """A student who has no password yet comes in with the class's code.

    * On the class's roster (an account with this email, no password, already a member): the account gets
      its password (``claimed``), its name stays as the teacher wrote it.
    * Not known: a new student account (login = ``login`` or the email), member of the class.
    * An account with this email that has a password already: :class:`AccountTaken` (sign in, then join).
    """
    invite = invite_for(session, code, now)
    classroom = session.get(Classroom, invite.classroom_id)
    assert classroom is not None
    address = normalise_email(email)
    if address is None:
        raise UserError("give your email address", field="email")
    existing = session.scalars(select(Learner).where(Learner.email == address)).first()
    if existing is not None:
        if existing.password_hash or _member(session, classroom.id, existing.id) is None:
            raise AccountTaken(
                f"{address} already has an account: sign in with it, then join with the code", field="email"
            )
        set_first_password(session, existing, password)
        existing.last_seen_at = now
        invite.uses += 1
        joined = Joined(classroom_id=classroom.id, classroom_name=classroom.name, learner_id=existing.id, already=True)
        return Enrolment(learner=existing, joined=joined, claimed=True)
    learner = create_learner(
        session,
        login=login or address,
        name=check_name(name),
        email=address,
        role="student",
        password=password,
        origin="server",
        now=now,
    )
    learner.last_seen_at = now
    joined = add_member(session, classroom, learner, now)
    invite.uses += 1
    return Enrolment(learner=learner, joined=joined, claimed=False)


def remove_student(session: Session, teacher: Learner, classroom_id: int, student_id: int) -> Student:
    """Take a student out of the teacher's class (their account and records stay theirs)."""
    classroom = teacher_class(session, teacher, classroom_id)
    membership = _member(session, classroom.id, student_id)
    learner = session.get(Learner, student_id)
    if membership is None or learner is None:
        raise NotFound("student", str(student_id))
    removed = _student(learner, membership)
    session.delete(membership)
    session.flush()
    return removed


def _student(learner: Learner, membership: Membership) -> Student:
    return Student(
        id=learner.id,
        login=learner.login,
        name=learner.name,
        email=learner.email,
        origin=learner.origin,
        joined_at=membership.joined_at,
        has_password=bool(learner.password_hash),
        last_seen_at=learner.last_seen_at,
        last_synced_at=learner.last_synced_at,
    )


def classes_of(session: Session, teacher: Learner) -> list[ClassSummary]:
    """The classes ``teacher`` teaches, oldest first, with how many students each has."""
    counts = select(Membership.classroom_id, func.count().label("n")).group_by(Membership.classroom_id).subquery()
    rows = session.execute(
        select(Classroom, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.classroom_id == Classroom.id)
        .where(Classroom.teacher_id == teacher.id)
        .order_by(Classroom.id)
    ).all()
    return [
        ClassSummary(
            id=c.id,
            name=c.name,
            teacher_id=c.teacher_id,
            inactive_days=c.inactive_days,
            students=n,
            created_at=c.created_at,
        )
        for c, n in rows
    ]


def classes_joined(session: Session, learner: Learner) -> list[ClassSummary]:
    """The classes ``learner`` is a student of."""
    rows = session.scalars(
        select(Classroom)
        .join(Membership, Membership.classroom_id == Classroom.id)
        .where(Membership.learner_id == learner.id)
        .order_by(Classroom.id)
    ).all()
    return [
        ClassSummary(
            id=c.id,
            name=c.name,
            teacher_id=c.teacher_id,
            inactive_days=c.inactive_days,
            students=0,
            created_at=c.created_at,
        )
        for c in rows
    ]


def students_of(session: Session, teacher: Learner, classroom_id: int) -> list[Student]:
    """The students of the teacher's class, by name."""
    classroom = teacher_class(session, teacher, classroom_id)
    rows = session.execute(
        select(Learner, Membership)
        .join(Membership, Membership.learner_id == Learner.id)
        .where(Membership.classroom_id == classroom.id)
        .order_by(Learner.name, Learner.id)
    ).all()
    return [_student(learner, membership) for learner, membership in rows]
