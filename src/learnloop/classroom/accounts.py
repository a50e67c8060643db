"""Accounts on a class server: who may sign in, with what password, how often they may get it wrong, and the
browser sessions that follow a sign-in.

* Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, with OWASP's parameters: 19 MiB, two
  passes, one lane) and re-hashed at sign-in when the parameters change.
* Failed sign-ins are rows of ``login_attempts``, keyed by account and by address, so the limits hold across
  every server process: :data:`ACCOUNT_LIMIT` failures per account and :data:`ADDRESS_LIMIT` per address within
  :data:`WINDOW`. A refused sign-in is committed before its error is raised (the caller's transaction ends in
  the error, the failure must still count): call :func:`authenticate` alone in its transaction.
* A browser session is a random token in the cookie and its SHA-256 digest in ``web_sessions``, with an
  expiry; signing out, changing or resetting a password deletes rows, which ends sessions in every process.

Every function takes an open session (``Store.across_learners()``: these are the server's own tables) and,
where time matters, ``now``. Nothing here names a URL or a command; errors carry the field they concern.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learnloop.errors import NotFound, UserError
from learnloop.store.models import ORIGINS, ROLES, Classroom, Learner, LoginAttempt, Membership, WebSession

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ACCOUNT_LIMIT = 5  # failed sign-ins per account...
ADDRESS_LIMIT = 30  # ...and per address...
WINDOW = timedelta(minutes=15)  # ...within this long
SESSION_DAYS = 14  # a browser stays signed in this long
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # hashing is the expensive part of a sign-in: no megabyte passwords
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,119}$")
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")

_hasher: PasswordHasher | None = None


def hasher() -> PasswordHasher:
    """The one password hasher (imported on first use: the laptop's CLI never needs argon2)."""
    global _hasher
    if _hasher is None:
        try:
            from argon2 import PasswordHasher
        except ImportError:
            from learnloop.errors import MissingExtra

            raise MissingExtra("a class server's accounts", "server", "argon2-cffi") from None
        _hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    return _hasher


class SignInRefused(UserError):
    """Wrong password, unknown login, or an account that cannot sign in: worded the same, so logins do not leak."""

    http_status = 401

    def __init__(self) -> None:
        super().__init__("the login or the password is wrong", field="password")


class TooManyAttempts(UserError):
    """Too many failed sign-ins for this account or from this address; ``retry_after`` is in seconds."""

    http_status = 429

    def __init__(self, retry_after: int, scope: str) -> None:
        self.retry_after = retry_after
        self.scope = scope  # "account" or "address"
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"too many failed sign-ins {'for this account' if scope == 'account' else 'from this address'}; "
            f"try again in {minutes} minute{'s' if minutes > 1 else ''}",
            field="password",
        )


class AccountTaken(UserError):
    """The login or email is already someone's."""

    http_status = 409


def digest(token: str) -> str:
    """The SHA-256 hex digest kept in place of a token or a code."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- checking what people type ----------------------------------------------------------------------------


def normalise_login(login: str) -> str:
    value = (login or "").strip().lower()
    if not LOGIN_PATTERN.match(value):
        raise UserError(
            "a login is 1 to 120 letters, digits or . _ @ + - (starting with a letter or digit)", field="login"
        )
    return value


def normalise_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    value = email.strip().lower()
    if len(value) > 320 or not EMAIL_PATTERN.match(value):
        raise UserError(f"{email.strip()!r} is not an email address", field="email")
    return value


def check_name(name: str) -> str:
    value = " ".join((name or "").split())
    if not value:
        raise UserError("give a name", field="name")
    if len(value) > 200:
        raise UserError("a name is 200 characters at most", field="name")
    return value


def check_password(password: str, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise UserError(f"a password is at least {PASSWORD_MIN} characters", field=field)
    if len(password) > PASSWORD_MAX:
        raise UserError(f"a password is {PASSWORD_MAX} characters at most", field=field)
    if not password.strip():
        raise UserError("a password cannot be only spaces", field=field)
    return password


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (checked first: length and not blank)."""
    return hasher().hash(check_password(password))


# --- accounts ---------------------------------------------------------------------------------------------


def create_learner(
    session: Session,
    *,
    login: str,
    name: str,
    email: str | None,
    role: str = "student",
    password: str | None,
    origin: str = "server",
    now: datetime,
) -> Learner:
    """A new account. ``password`` None: it cannot sign in until one is set (a rostered student, a laptop)."""
    if role not in ROLES:
        raise UserError(f"a role is one of {', '.join(ROLES)}", field="role")
    if origin not in ORIGINS or origin == "local":
        raise UserError("an account comes from the server or from a laptop", field="origin")
    login = normalise_login(login)
    address = normalise_email(email)
    name = check_name(name)
    password_hash = hash_password(password) if password is not None else None
    if session.scalar(select(Learner.id).where(Learner.login == login)) is not None:
        raise AccountTaken(f"the login {login!r} is taken", field="login")
    if address is not None and session.scalar(select(Learner.id).where(Learner.email == address)) is not None:
        raise AccountTaken(f"{address} already has an account", field="email")
    learner = Learner(
        login=login,
        name=name,
        email=address,
        role=role,
        origin=origin,
        password_hash=password_hash,
        created_at=now,
    )
    session.add(learner)
    session.flush()
    return learner


def learner_by_login(session: Session, login: str) -> Learner | None:
    value = (login or "").strip().lower()
    return session.scalars(select(Learner).where(Learner.login == value)).first() if value else None


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Learner).where(Learner.role == "admin")) or 0


# --- signing in -------------------------------------------------------------------------------------------


def _window_failures(session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(LoginAttempt.key == key, LoginAttempt.at > since)
    ).one()
    return int(count or 0), oldest


def _refuse_if_limited(session: Session, keys: dict[str, tuple[str, int]], now: datetime) -> None:
    since = now - WINDOW
    for scope, (key, limit) in keys.items():
        count, oldest = _window_failures(session, key, since)
        if count >= limit and oldest is not None:
            retry = -int(-(oldest + WINDOW - now).total_seconds() // 1)  # whole seconds, rounded up
            raise TooManyAttempts(max(1, retry), scope)


def _keys(login: str, address: str | None) -> dict[str, tuple[str, int]]:
    keys = {"account": (f"account:{login}"[:200], ACCOUNT_LIMIT)}
    if address:
        keys["address"] = (f"address:{address}"[:200], ADDRESS_LIMIT)
    return keys


def authenticate(session: Session, login: str, password: str, address: str | None, now: datetime) -> Learner:
    """The learner whose login and password these are, or :class:`SignInRefused` / :class:`TooManyAttempts`.

    A refused sign-in is recorded and COMMITTED on ``session`` before the error is raised, so that it counts
    although the caller's transaction ends in the error; nothing may follow it in that transaction. A
    success clears the account's failures and re-hashes a password stored with older parameters.
    """
    name = (login or "").strip().lower()
    keys = _keys(name, address)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))  # keep the table small
    _refuse_if_limited(session, keys, now)
    learner = learner_by_login(session, name) if name else None
    ok = False
    if isinstance(password, str) and 0 < len(password) <= PASSWORD_MAX:
        if learner is not None and learner.password_hash and learner.origin != "local":
            ok = _verify(learner.password_hash, password)
        else:
            _verify(_decoy_hash(), password)  # the same work for an unknown login, so timing does not tell
    if not ok or learner is None:
        for key, _limit in keys.values():
            session.add(LoginAttempt(key=key, at=now))
        session.commit()
        raise SignInRefused()
    assert learner.password_hash is not None
    if hasher().check_needs_rehash(learner.password_hash):
        learner.password_hash = hasher().hash(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys["account"][0]))
    learner.last_seen_at = now
    return learner


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_decoy: str | None = None


def _decoy_hash() -> str:
    global _decoy
    if _decoy is None:
        _decoy = hasher().hash(secrets.token_urlsafe(16))
    return _decoy


# --- browser sessions -------------------------------------------------------------------------------------


def open_web_session(session: Session, learner_id: int, now: datetime, days: int = SESSION_DAYS) -> str:
    """A new signed-in browser for ``learner_id``: returns the token for the cookie (only its digest is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(digest=digest(token), learner_id=learner_id, created_at=now, expires_at=now + timedelta(days=days))
    )
    session.flush()
    return token


def learner_of_session(session: Session, token: str | None, now: datetime) -> Learner | None:
    """The learner signed in with this cookie token, or None (no token, unknown, expired, or ended)."""
    if not token or len(token) > 200:
        return None
    row = session.get(WebSession, digest(token))
    if row is None or row.expires_at <= now:
        return None
    return session.get(Learner, row.learner_id)


def close_web_session(session: Session, token: str | None) -> None:
    """Sign out this browser (nothing happens for an unknown token)."""
    if token:
        session.execute(delete(WebSession).where(WebSession.digest == digest(token)))


def end_sessions(session: Session, learner_id: int, *, keep: str | None = None) -> int:
    """End every browser session of ``learner_id`` except the one of token ``keep``; how many ended."""
    where = [WebSession.learner_id == learner_id]
    if keep:
        where.append(WebSession.digest != digest(keep))
    result = session.execute(delete(WebSession).where(*where))
    return int(getattr(result, "rowcount", 0) or 0)


def forget_expired_sessions(session: Session, now: datetime) -> int:
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


# --- passwords --------------------------------------------------------------------------------------------


def change_password(session: Session, learner: Learner, old: str, new: str, *, keep_token: str | None = None) -> int:
    """The learner changes their own password (the old one proves it is them); every other browser session
    ends (``keep_token``: the one they are using stays). Returns how many sessions ended."""
    if not learner.password_hash or not isinstance(old, str) or not _verify(learner.password_hash, old):
        raise UserError("the current password is wrong", field="old_password")
    if new == old:
        raise UserError("choose a password different from the current one", field="new_password")
    learner.password_hash = hasher().hash(check_password(new, field="new_password"))
    return end_sessions(session, learner.id, keep=keep_token)


@dataclass(frozen=True)
class PasswordReset:
    learner_id: int
    login: str
    sessions_ended: int


def teaches(session: Session, teacher: Learner, student_id: int) -> bool:
    """Whether ``student_id`` is in one of ``teacher``'s classes."""
    found = session.scalar(
        select(Membership.learner_id)
        .join(Classroom, Classroom.id == Membership.classroom_id)
        .where(Classroom.teacher_id == teacher.id, Membership.learner_id == student_id)
        .limit(1)
    )
    return found is not None


def reset_password(session: Session, teacher: Learner, student_id: int, new: str) -> PasswordReset:
    """A teacher sets a new password for a student of one of their classes (an admin: for any account but
    another admin's); the student's browser sessions end. Anyone else: :class:`NotFound` (ids do not leak)."""
    student = session.get(Learner, student_id)
    allowed = student is not None and student.id != teacher.id and student.origin != "local"
    if allowed and teacher.role == "admin":
        allowed = student is not None and student.role != "admin"
    elif allowed:
        allowed = teacher.role == "teacher" and teaches(session, teacher, student_id)
    if not allowed or student is None:
        raise NotFound("student", str(student_id))
    student.password_hash = hasher().hash(check_password(new))
    ended = end_sessions(session, student.id)
    return PasswordReset(learner_id=student.id, login=student.login, sessions_ended=ended)


def set_first_password(session: Session, learner: Learner, password: str) -> Learner:
    """Give a password to an account that has none yet (a rostered student joining with the class code)."""
    if learner.password_hash:
        raise AccountTaken("this account has a password already: sign in with it", field="email")
    learner.password_hash = hash_password(password)
    return learner


# --- a student's own data: take it, or delete it ----------------------------------------------------------


def export_own_data(session: Session, learner: Learner) -> dict[str, Any]:
    """Everything the server holds of ``learner``: their records, as an export that ``import`` loads into a
    laptop's home, and their account (``account``: login, name, email, role, classes). ``session`` is the
    learner's own (``Store.read(learner_id=...)``)."""
    from learnloop.store.transfer import export_data

    if session.info.get("learner_id") != learner.id:
        raise RuntimeError("a learner's export reads through that learner's own session")
    data = export_data(session)
    classes = session.execute(
        select(Classroom.name, Membership.joined_at)
        .join(Membership, Membership.classroom_id == Classroom.id)
        .where(Membership.learner_id == learner.id)
        .order_by(Classroom.id)
    ).all()
    data["account"] = {
        "login": learner.login,
        "name": learner.name,
        "email": learner.email,
        "role": learner.role,
        "origin": learner.origin,
        "created_at": learner.created_at.isoformat(),
        "classes": [{"name": name, "joined_at": joined.isoformat()} for name, joined in classes],
    }
    return data


@dataclass(frozen=True)
class DeletedAccount:
    login: str
    records: dict[str, int]  # rows deleted, table by table
    classes_left: int


def delete_own_account(session: Session, learner: Learner, password: str | None) -> DeletedAccount:
    """The learner deletes their account and every record of theirs, for good (``session`` across learners).

    The password confirms it (an account synced from a laptop has none: its sync token vouches, ``None``).
    A teacher who still has classes, and the last admin, cannot: their classes would be left without one.
    """
    from learnloop.store.transfer import delete_learner_records

    if session.info.get("learner_id") is not None:
        raise RuntimeError("deleting an account needs a session across learners")
    if learner.origin == "local":
        raise UserError("the laptop's own learner is not an account on a server")
    if learner.password_hash:
        if not isinstance(password, str) or not _verify(learner.password_hash, password):
            raise UserError("the password is wrong; nothing was deleted", field="password")
    elif password is not None:
        raise UserError("this account has no password; nothing was deleted", field="password")
    if session.scalar(select(func.count()).select_from(Classroom).where(Classroom.teacher_id == learner.id)):
        raise UserError("you teach classes: give them to another teacher or delete them first")
    if learner.role == "admin" and count_admins(session) <= 1:
        raise UserError("you are the server's only admin: make another admin first")
    from learnloop.store.models import AccessToken, Invite

    records = delete_learner_records(session, learner.id)
    left = session.execute(delete(Membership).where(Membership.learner_id == learner.id))
    session.execute(delete(WebSession).where(WebSession.learner_id == learner.id))
    session.execute(delete(AccessToken).where(AccessToken.learner_id == learner.id))
    session.execute(delete(Invite).where(Invite.created_by == learner.id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == f"account:{learner.login}"))
    login = learner.login
    session.delete(learner)
    session.flush()
    return DeletedAccount(login=login, records=records, classes_left=int(getattr(left, "rowcount", 0) or 0))
