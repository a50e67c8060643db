"""A roster CSV is imported whole or not at all: every bad row is named by its line, and nothing is half-imported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnloop.classroom.accounts import create_learner
from learnloop.classroom.classes import create_class, students_of, teacher_class
from learnloop.classroom.roster import RosterRefused, import_roster
from learnloop.store.db import Store
from learnloop.store.models import Learner, Membership

from .conftest import NOW


def setup_class(store: Store) -> tuple[int, int]:
    with store.across_learners() as s:
        teacher = create_learner(
            s, login="turing", name="Alan", email="turing@example.org", role="teacher", password=None, now=NOW
        )
        return teacher.id, create_class(s, teacher, "ML 101", NOW).id


def run(store: Store, data: bytes) -> list[tuple[str, str]]:
    teacher, class_id = setup_class(store)
    with store.across_learners() as s:
        me = s.get(Learner, teacher)
        assert me is not None
        import_roster(s, teacher_class(s, me, class_id), data, NOW)
    with store.read() as s:
        me = s.get(Learner, teacher)
        assert me is not None
        return [(st.name, st.email or "") for st in students_of(s, me, class_id)]


def refused(store: Store, data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(RosterRefused) as caught:
        run(store, data)
    with store.read() as s:  # nothing half-imported: only the teacher and the local learner exist
        assert s.scalar(select(func.count()).select_from(Learner)) == 2
        assert s.scalar(select(func.count()).select_from(Membership)) == 0
    assert caught.value.field == "roster"
    return [(p.line, p.reason) for p in caught.value.problems]


def test_a_good_roster_makes_members_without_passwords(store: Store) -> None:
    data = '\ufeffName,Email\r\nAda Lovelace,Ada@Example.org\r\n\r\n"Hopper, Grace",grace@example.org\r\n'.encode()
    assert run(store, data) == [("Ada Lovelace", "ada@example.org"), ("Hopper, Grace", "grace@example.org")]
    with store.read() as s:
        rows = s.execute(
            select(Learner.login, Learner.password_hash, Learner.role).where(
                Learner.origin == "server", Learner.role == "student"
            )
        )
        assert sorted(rows) == [("ada@example.org", None, "student"), ("grace@example.org", None, "student")]


def test_columns_in_another_order_and_extra_columns_are_fine(store: Store) -> None:
    assert run(store, b"email,group,name\nada@example.org,A,Ada\n") == [("Ada", "ada@example.org")]


def test_every_bad_row_is_named_by_its_line_and_nothing_is_imported(store: Store) -> None:
    data = (
        b"name,email\n"
        b"Ada,ada@example.org\n"  # 2: good
        b",nobody@example.org\n"  # 3: no name
        b"Bob,not-an-email\n"  # 4: bad email
        b"Ada again,ADA@example.org\n"  # 5: duplicate of line 2
        b"Carl,\n"  # 6: no email
        b"Teach,turing@example.org\n"  # 7: taken by the teacher
        b"Dan,dan@example.org,extra\n"  # 8: too many fields
        b'"Multi\nline",eve@example.org\n'  # 9-10: a quoted name over two lines, good
        b"Fay,fay o'neil@example.org\n"  # 11: bad email
    )
    problems = refused(store, data)
    assert [line for line, _ in problems] == [3, 4, 5, 6, 7, 8, 11]
    reasons = dict(problems)
    assert reasons[3] == "no name"
    assert "not an email address" in reasons[4]
    assert "already on line 2" in reasons[5]
    assert reasons[6] == "no email"
    assert "already has an account" in reasons[7]


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"\n\n", 1, "empty"),
        (b"first,last\nAda,Lovelace\n", 1, "no name and no email"),
        (b"name,email\n", 1, "no students"),
        (b"name,email\nAda,ada@example.org\n\xff\xfe,b@example.org\n", 3, "not UTF-8"),
        (b"name,email\nA\x00da,ada@example.org\n", 1, "not text"),
    ],
)
def test_files_that_are_not_rosters_are_refused_in_one_line(store: Store, data: bytes, line: int, words: str) -> None:
    problems = refused(store, data)
    assert problems[0][0] == line and words in problems[0][1]
