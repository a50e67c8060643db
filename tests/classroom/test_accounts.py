"""Accounts: argon2id hashes, sign-in refused the same way for a wrong password and an unknown login, limits per
account and per address that hold across processes, browser sessions, password change and teacher reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnloop.classroom import accounts
from learnloop.classroom.accounts import (
    ACCOUNT_LIMIT,
    ADDRESS_LIMIT,
    WINDOW,
    AccountTaken,
    SignInRefused,
    TooManyAttempts,
    authenticate,
    change_password,
    close_web_session,
    create_learner,
    learner_of_session,
    open_web_session,
    reset_password,
)
from learnloop.classroom.classes import create_class
from learnloop.errors import NotFound, UserError
from learnloop.store.db import Store
from learnloop.store.models import Learner, LoginAttempt, Membership, WebSession

from .conftest import NOW

PASSWORD = "correct horse battery"


def make(store: Store, login: str, role: str = "student", password: str | None = PASSWORD, **extra: str) -> int:
    with store.across_learners() as s:
        learner = create_learner(
            s, login=login, name=login.title(), email=extra.get("email"), role=role, password=password, now=NOW
        )
        return learner.id


def sign_in(store: Store, login: str, password: str, address: str | None = "10.0.0.1", at=NOW) -> int:  # type: ignore[no-untyped-def]
    with store.across_learners() as s:
        return authenticate(s, login, password, address, at).id


def test_passwords_are_argon2id_and_never_stored_plain(store: Store) -> None:
    make(store, "ada", email="ada@example.org")
    with store.read() as s:
        stored = s.scalars(select(Learner.password_hash).where(Learner.login == "ada")).one()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert sign_in(store, "ADA ", PASSWORD) > 1  # logins are matched without case or surrounding spaces


def test_wrong_password_and_unknown_login_are_refused_in_the_same_words(store: Store) -> None:
    make(store, "ada")
    with pytest.raises(SignInRefused) as wrong:
        sign_in(store, "ada", "not the password")
    with pytest.raises(SignInRefused) as unknown:
        sign_in(store, "nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message
    assert wrong.value.http_status == 401 and wrong.value.field == "password"
    with store.read() as s:  # each refusal counted, for the account and for the address, despite the error
        keys = sorted(s.scalars(select(LoginAttempt.key)))
    assert keys == ["account:ada", "account:nobody", "address:10.0.0.1", "address:10.0.0.1"]


def test_an_account_without_a_password_and_the_local_learner_cannot_sign_in(store: Store) -> None:
    make(store, "rostered", password=None)
    for login, password in (("rostered", ""), ("rostered", PASSWORD), ("local", PASSWORD), ("", "")):
        with pytest.raises(SignInRefused):
            sign_in(store, login, password)


def test_five_failures_lock_the_account_for_the_window_even_with_the_right_password(store: Store) -> None:
    make(store, "ada")
    for i in range(ACCOUNT_LIMIT):
        with pytest.raises(SignInRefused):
            sign_in(store, "ada", f"guess {i}", address=f"10.0.0.{i}")
    with pytest.raises(TooManyAttempts) as locked:
        sign_in(store, "ada", PASSWORD, address="10.9.9.9")
    assert locked.value.scope == "account" and locked.value.http_status == 429
    assert 0 < locked.value.retry_after <= WINDOW.total_seconds()
    # a second server process (another Store on the same database) sees the same lock
    other = Store(store.url)
    try:
        with pytest.raises(TooManyAttempts), other.across_learners() as s:
            authenticate(s, "ada", PASSWORD, "10.9.9.9", NOW + timedelta(minutes=1))
    finally:
        other.dispose()
    # after the window, the right password works, and the failures are forgotten
    assert sign_in(store, "ada", PASSWORD, at=NOW + WINDOW + timedelta(seconds=1)) > 1
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == "account:ada")) == 0


def test_thirty_failures_from_one_address_lock_that_address_only(store: Store) -> None:
    make(store, "ada")
    for i in range(ADDRESS_LIMIT):
        with pytest.raises(SignInRefused):
            sign_in(store, f"nobody{i}", "guess", address="10.6.6.6")
    with pytest.raises(TooManyAttempts) as locked:
        sign_in(store, "ada", PASSWORD, address="10.6.6.6")
    assert locked.value.scope == "address"
    assert sign_in(store, "ada", PASSWORD, address="10.0.0.2") > 1  # another address is not locked


def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    make(store, "ada")
    with store.read() as s:
        before = s.scalars(select(Learner.password_hash).where(Learner.login == "ada")).one()
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    sign_in(store, "ada", PASSWORD)
    with store.read() as s:
        after = s.scalars(select(Learner.password_hash).where(Learner.login == "ada")).one()
    assert before != after and "m=16,t=2,p=1" in after
    assert sign_in(store, "ada", PASSWORD) > 1


def test_duplicate_login_or_email_is_refused_naming_the_field(store: Store) -> None:
    make(store, "ada", email="ada@example.org")
    with pytest.raises(AccountTaken) as login:
        make(store, "Ada")
    with pytest.raises(AccountTaken) as email:
        make(store, "ada2", email="ADA@example.org")
    assert (login.value.field, email.value.field) == ("login", "email")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Learner)) == 2  # the local learner and ada


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"login": "has space"}, "login"),
        ({"login": ""}, "login"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "  "}, "name"),
        ({"role": "owner"}, "role"),
        ({"password": "short"}, "password"),
        ({"password": " " * 12}, "password"),
        ({"password": "x" * 5000}, "password"),
    ],
)
def test_bad_account_input_is_refused_with_its_field(store: Store, kwargs: dict[str, str], field: str) -> None:
    values = {"login": "ada", "name": "Ada", "email": None, "role": "student", "password": PASSWORD} | kwargs
    with pytest.raises(UserError) as refused, store.across_learners() as s:
        create_learner(s, now=NOW, **values)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_web_sessions_keep_only_a_digest_and_expire(store: Store) -> None:
    ada = make(store, "ada")
    with store.across_learners() as s:
        token = open_web_session(s, ada, NOW, days=1)
    with store.read() as s:
        assert [d for d in s.scalars(select(WebSession.digest))] == [accounts.digest(token)]
        found = learner_of_session(s, token, NOW + timedelta(hours=23))
        assert found is not None and found.id == ada
        assert learner_of_session(s, token, NOW + timedelta(days=1)) is None
        assert learner_of_session(s, token + "x", NOW) is None
        assert learner_of_session(s, None, NOW) is None
    with store.across_learners() as s:
        close_web_session(s, token)
    with store.read() as s:
        assert learner_of_session(s, token, NOW) is None


def test_changing_the_password_ends_the_other_sessions_and_needs_the_old_one(store: Store) -> None:
    ada = make(store, "ada")
    with store.across_learners() as s:
        here = open_web_session(s, ada, NOW)
        elsewhere = open_web_session(s, ada, NOW)
    with pytest.raises(UserError) as wrong, store.across_learners() as s:
        change_password(s, s.get(Learner, ada), "wrong old password", "a new long password")  # type: ignore[arg-type]
    assert wrong.value.field == "old_password"
    with store.across_learners() as s:
        ended = change_password(s, s.get(Learner, ada), PASSWORD, "a new long password", keep_token=here)  # type: ignore[arg-type]
    assert ended == 1
    with store.read() as s:
        assert learner_of_session(s, here, NOW) is not None
        assert learner_of_session(s, elsewhere, NOW) is None
    with pytest.raises(SignInRefused):
        sign_in(store, "ada", PASSWORD)
    assert sign_in(store, "ada", "a new long password") == ada


def test_a_teacher_resets_only_their_own_students_passwords(store: Store) -> None:
    teacher = make(store, "turing", role="teacher")
    other_teacher = make(store, "hopper", role="teacher")
    mine = make(store, "ada")
    theirs = make(store, "grace")
    admin = make(store, "root", role="admin")
    with store.across_learners() as s:
        mine_class = create_class(s, s.get(Learner, teacher), "ML 101", NOW)  # type: ignore[arg-type]
        their_class = create_class(s, s.get(Learner, other_teacher), "ML 102", NOW)  # type: ignore[arg-type]
        s.add_all(
            [
                Membership(classroom_id=mine_class.id, learner_id=mine, joined_at=NOW),
                Membership(classroom_id=their_class.id, learner_id=theirs, joined_at=NOW),
            ]
        )
        token = open_web_session(s, mine, NOW)
    for who, target in ((teacher, theirs), (teacher, admin), (teacher, 10_000), (mine, theirs), (teacher, teacher)):
        with pytest.raises(NotFound) as refused, store.across_learners() as s:
            reset_password(s, s.get(Learner, who), target, "a teacher's new password")  # type: ignore[arg-type]
        assert refused.value.http_status == 404
    with store.across_learners() as s:
        done = reset_password(s, s.get(Learner, teacher), mine, "a teacher's new password")  # type: ignore[arg-type]
    assert done.sessions_ended == 1
    with store.read() as s:
        assert learner_of_session(s, token, NOW) is None
    assert sign_in(store, "ada", "a teacher's new password") == mine
    with store.across_learners() as s:  # an admin may reset anyone's but an admin's
        reset_password(s, s.get(Learner, admin), theirs, "an admin's new password")  # type: ignore[arg-type]
    assert sign_in(store, "grace", "an admin's new password") == theirs
