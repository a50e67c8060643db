"""Classes and invite codes: made by a teacher, shown once and stored as a digest, expiring; joining twice is a
value, not an error; a rostered student comes in with the code and sets their password; removal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnloop.classroom.accounts import AccountTaken, authenticate, create_learner, digest
from learnloop.classroom.classes import (
    InviteExpired,
    UnknownInvite,
    classes_joined,
    classes_of,
    create_class,
    enrol_with_code,
    join_with_code,
    make_invite,
    remove_student,
    set_inactive_days,
    students_of,
    teacher_class,
)
from learnloop.classroom.roster import import_roster
from learnloop.errors import NotFound, UserError
from learnloop.store.db import Store
from learnloop.store.models import Invite, Learner, Membership

from .conftest import NOW

PASSWORD = "correct horse battery"


def person(store: Store, login: str, role: str = "student") -> int:
    with store.across_learners() as s:
        return create_learner(s, login=login, name=login.title(), email=None, role=role, password=PASSWORD, now=NOW).id


def a_class(store: Store, teacher_id: int, name: str = "ML 101") -> int:
    with store.across_learners() as s:
        return create_class(s, s.get(Learner, teacher_id), name, NOW).id  # type: ignore[arg-type]


def invite(store: Store, teacher_id: int, class_id: int, days: int = 7) -> str:
    with store.across_learners() as s:
        classroom = teacher_class(s, s.get(Learner, teacher_id), class_id)  # type: ignore[arg-type]
        return make_invite(s, classroom, days, NOW).code


def test_a_code_reads_clearly_is_shown_once_and_only_its_digest_is_kept(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    class_id = a_class(store, teacher)
    code = invite(store, teacher, class_id)
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", code)
    with store.read() as s:
        stored = s.scalars(select(Invite.digest)).all()
    assert stored == [digest(code.replace("-", ""))]
    ada = person(store, "ada")
    with store.across_learners() as s:  # typed in lower case, without the dash, with spaces: the same code
        joined = join_with_code(s, s.get(Learner, ada), f"  {code.replace('-', '').lower()} ", NOW)  # type: ignore[arg-type]
    assert (joined.classroom_id, joined.already) == (class_id, False)


def test_joining_twice_is_a_value_the_page_words_not_an_error(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    class_id = a_class(store, teacher)
    code = invite(store, teacher, class_id)
    ada = person(store, "ada")
    outcomes = []
    for _ in range(2):
        with store.across_learners() as s:
            outcomes.append(join_with_code(s, s.get(Learner, ada), code, NOW))  # type: ignore[arg-type]
    assert [o.already for o in outcomes] == [False, True]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 1
        assert s.scalars(select(Invite.uses)).one() == 1


def test_an_expired_or_unknown_code_is_refused_and_nothing_is_joined(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    class_id = a_class(store, teacher)
    code = invite(store, teacher, class_id, days=1)
    ada = person(store, "ada")
    with pytest.raises(InviteExpired) as expired, store.across_learners() as s:
        join_with_code(s, s.get(Learner, ada), code, NOW + timedelta(days=1))  # type: ignore[arg-type]
    assert expired.value.field == "code" and "expired on 2026-11-26" in expired.value.message
    for wrong in ("ABCD-EFGH", "", "K7QD-M2X", "K7QD-M2XP-0000", "O0O0-1111", "🙂🙂🙂🙂-🙂🙂🙂🙂"):
        with pytest.raises(UnknownInvite), store.across_learners() as s:
            join_with_code(s, s.get(Learner, ada), wrong, NOW)  # type: ignore[arg-type]
    with pytest.raises(InviteExpired), store.across_learners() as s:
        enrol_with_code(s, code, name="Bob", email="bob@example.org", password=PASSWORD, now=NOW + timedelta(days=2))
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 0
        assert s.scalar(select(func.count()).select_from(Learner).where(Learner.email == "bob@example.org")) == 0


def test_invite_days_and_class_settings_are_checked(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    class_id = a_class(store, teacher)
    for days in (0, 91, -1):
        with pytest.raises(UserError) as refused:
            invite(store, teacher, class_id, days=days)
        assert refused.value.field == "days"
    with pytest.raises(UserError) as refused, store.across_learners() as s:
        set_inactive_days(s, s.get(Learner, teacher), class_id, 0)  # type: ignore[arg-type]
    assert refused.value.field == "inactive_days"
    student = person(store, "ada")
    with pytest.raises(UserError) as refused, store.across_learners() as s:
        create_class(s, s.get(Learner, student), "mine", NOW)  # type: ignore[arg-type]
    assert refused.value.field == "role"


def test_a_teacher_reaches_only_their_own_classes(store: Store) -> None:
    turing = person(store, "turing", "teacher")
    hopper = person(store, "hopper", "teacher")
    theirs = a_class(store, hopper)
    mine = a_class(store, turing, "Mine")
    for call in (
        lambda s: teacher_class(s, s.get(Learner, turing), theirs),
        lambda s: students_of(s, s.get(Learner, turing), theirs),
        lambda s: remove_student(s, s.get(Learner, turing), theirs, 1),
        lambda s: set_inactive_days(s, s.get(Learner, turing), theirs, 3),
        lambda s: teacher_class(s, s.get(Learner, turing), 99_999),
    ):
        with pytest.raises(NotFound) as refused, store.across_learners() as s:
            call(s)
        assert refused.value.http_status == 404
    with store.read() as s:
        assert [c.id for c in classes_of(s, s.get(Learner, turing))] == [mine]  # type: ignore[arg-type]


def test_a_rostered_student_comes_in_with_the_code_and_sets_a_password(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    class_id = a_class(store, teacher)
    with store.across_learners() as s:
        import_roster(
            s, teacher_class(s, s.get(Learner, teacher), class_id), b"name,email\nAda L,ada@example.org\n", NOW
        )  # type: ignore[arg-type]
    code = invite(store, teacher, class_id)
    with store.across_learners() as s:
        came = enrol_with_code(s, code, name="whatever", email="ADA@example.org", password=PASSWORD, now=NOW)
        assert came.claimed and came.joined.already
        assert came.learner.name == "Ada L"  # the teacher's spelling stays
    with store.across_learners() as s:
        assert authenticate(s, "ada@example.org", PASSWORD, "10.0.0.1", NOW).name == "Ada L"
    # the account has its password now: the code cannot set another one
    with pytest.raises(AccountTaken), store.across_learners() as s:
        enrol_with_code(s, code, name="Mallory", email="ada@example.org", password="mallory's password", now=NOW)
    with store.across_learners() as s:  # a student not on the roster gets a new account in the class
        new = enrol_with_code(s, code, name="Bob", email="bob@example.org", password=PASSWORD, now=NOW)
        assert not new.claimed and not new.joined.already and new.learner.login == "bob@example.org"
    with store.read() as s:
        students = students_of(s, s.get(Learner, teacher), class_id)  # type: ignore[arg-type]
        assert [(st.name, st.has_password) for st in students] == [("Ada L", True), ("Bob", True)]
        assert [c.id for c in classes_joined(s, s.get(Learner, new.learner.id))] == [class_id]  # type: ignore[arg-type]


def test_a_student_with_an_account_elsewhere_cannot_be_claimed_through_another_class(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    one, two = a_class(store, teacher, "One"), a_class(store, teacher, "Two")
    with store.across_learners() as s:
        import_roster(s, teacher_class(s, s.get(Learner, teacher), one), b"name,email\nAda,ada@example.org\n", NOW)  # type: ignore[arg-type]
    code_two = invite(store, teacher, two)
    with pytest.raises(AccountTaken), store.across_learners() as s:
        enrol_with_code(s, code_two, name="Ada", email="ada@example.org", password=PASSWORD, now=NOW)


def test_removing_a_student_keeps_their_account(store: Store) -> None:
    teacher = person(store, "turing", "teacher")
    class_id = a_class(store, teacher)
    code = invite(store, teacher, class_id)
    ada = person(store, "ada")
    with store.across_learners() as s:
        join_with_code(s, s.get(Learner, ada), code, NOW)  # type: ignore[arg-type]
    with store.across_learners() as s:
        removed = remove_student(s, s.get(Learner, teacher), class_id, ada)  # type: ignore[arg-type]
    assert removed.id == ada
    with pytest.raises(NotFound), store.across_learners() as s:
        remove_student(s, s.get(Learner, teacher), class_id, ada)  # type: ignore[arg-type]
    with store.read() as s:
        assert students_of(s, s.get(Learner, teacher), class_id) == []  # type: ignore[arg-type]
        assert s.get(Learner, ada) is not None
    with pytest.raises(UserError), store.across_learners() as s:  # the teacher does not join their own class
        join_with_code(s, s.get(Learner, teacher), code, NOW)  # type: ignore[arg-type]
