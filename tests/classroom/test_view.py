"""The class view on real loops: students' loops are built through the loop's own functions, each in that
student's own session; the teacher's view reads them across learners, stuck students first."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnloop.atlas.load import load_atlas
from learnloop.classroom.accounts import create_learner, delete_own_account, export_own_data
from learnloop.classroom.classes import add_member, create_class
from learnloop.classroom.view import (
    STEP_GUIDE_DAYS,
    Stuck,
    class_view,
    class_view_csv,
    share_pass,
    student_loop,
)
from learnloop.errors import NotFound, UserError
from learnloop.loop import focus, gaps, notes, passes, practice, projects, references
from learnloop.store.db import Store
from learnloop.store.models import Learner, Note, Pass

from .conftest import NOW

DAY0 = NOW - timedelta(days=10)  # the students began ten days before the teacher looks
PASSWORD = "correct horse battery"


class Class:
    def __init__(self, store: Store, workspace: Path) -> None:
        self.store = store
        self.workspace = workspace
        self.atlas = load_atlas()
        with store.across_learners() as s:
            teacher = create_learner(
                s, login="turing", name="Alan", email=None, role="teacher", password=PASSWORD, now=DAY0
            )
            self.teacher_id = teacher.id
            self.class_id = create_class(s, teacher, "ML 101", DAY0, inactive_days=5).id
            other = create_learner(s, login="hopper", name="Grace", email=None, role="teacher", password=None, now=DAY0)
            self.other_class_id = create_class(s, other, "Elsewhere", DAY0).id
        self.ids: dict[str, int] = {}

    def student(self, name: str, *, elsewhere: bool = False, password: str | None = None) -> int:
        with self.store.across_learners() as s:
            learner = create_learner(
                s, login=name.lower(), name=name, email=None, role="student", password=password, now=DAY0
            )
            from learnloop.store.models import Classroom

            classroom = s.get(Classroom, self.other_class_id if elsewhere else self.class_id)
            assert classroom is not None
            add_member(s, classroom, learner, DAY0)
            self.ids[name] = learner.id
            return learner.id

    def to_step(self, learner_id: int, step: int, at: datetime) -> None:
        """Walk a student's pass through the loop's own steps up to ``step``, everything done on day ``at``."""
        with self.store.session(learner_id=learner_id) as s:
            current = passes.current_pass(s) or passes.start_pass(s, at)
            while current.step < step:
                match current.step:
                    case 0:
                        focus.pin_focus(s, self.atlas, "nlp", at)
                    case 1:
                        references.add_reference(s, "huggingface/transformers", None, at)
                        notes.add_note(s, "tokenise, embed, attend", "pattern", at)
                    case 2:
                        practice.record_exercise(s, exercise="core-fizzbuzz", passed=True, now=at)
                    case 3:
                        practice.record_rung(s, ladder="text-classification", rung=1, score=0.8, now=at)
                    case 4:
                        if not any(p.status == "active" for p in passes.pass_view(s, current, at).projects):
                            projects.new_project(
                                s,
                                self.atlas,
                                title=f"Project of {learner_id}",
                                days=7,
                                now=at,
                                workspace=self.workspace,
                                data="penguins",
                                directory=self.workspace / f"project-{learner_id}-{current.number}",
                            )
                        projects.finish(s, "a classifier", at)
                    case 5:
                        if gaps.kept_gap(s) is None:
                            gaps.keep_gap(s, gaps.add_gap(s, self.atlas, "a gap", None, at).id, 1, at)
                        gaps.close_gap(s, "learned it", at)
                passes.advance(s, at)
                current = passes.open_pass(s)


@pytest.fixture
def klass(store: Store, tmp_path: Path) -> Class:
    c = Class(store, tmp_path / "ws")
    # Ada: at step 1 since day 0, nothing since: over the step's box, and inactive.
    ada = c.student("Ada")
    c.to_step(ada, 1, DAY0)
    # Bob: at step 4 with a 7-day project started on day 1, checked in yesterday: the project is overdue.
    bob = c.student("Bob")
    c.to_step(bob, 4, DAY0)
    with store.session(learner_id=bob) as s:
        projects.new_project(
            s,
            c.atlas,
            title="Spam filter",
            days=7,
            now=DAY0 + timedelta(days=1),
            workspace=c.workspace,
            data="penguins",
            directory=c.workspace / "bob",
        )
        projects.checkin(s, "half way", NOW - timedelta(days=1))
    # Cy: entered step 2 two days ago and passed an exercise today: fine.
    cy = c.student("Cy")
    c.to_step(cy, 2, NOW - timedelta(days=2))
    with store.session(learner_id=cy) as s:
        practice.record_exercise(s, exercise="numpy-basics", passed=True, now=NOW)
        practice.record_exercise(s, exercise="numpy-basics", passed=True, now=NOW)  # counts once
    # Dee: joined on day 0 and never started: inactive.
    c.student("Dee")
    # Eve: kept a 2-day gap four days ago, still busy: the gap is overdue.
    eve = c.student("Eve")
    c.to_step(eve, 4, NOW - timedelta(days=6))
    with store.session(learner_id=eve) as s:
        projects.new_project(
            s,
            c.atlas,
            title="Tagger",
            days=7,
            now=NOW - timedelta(days=6),
            workspace=c.workspace,
            data="penguins",
            directory=c.workspace / "eve",
        )
    c.to_step(eve, 5, NOW - timedelta(days=5))
    with store.session(learner_id=eve) as s:
        gap = gaps.add_gap(s, c.atlas, "what is attention?", None, NOW - timedelta(days=4))
        gaps.keep_gap(s, gap.id, 2, NOW - timedelta(days=4))
        practice.record_rung(s, ladder="text-classification", rung=2, score=0.9, now=NOW - timedelta(hours=1))
    # Zed: in another teacher's class, with a loop of their own: never in this view.
    zed = c.student("Zed", elsewhere=True)
    c.to_step(zed, 3, DAY0)
    return c


def view(klass: Class, **options: object):  # type: ignore[no-untyped-def]
    with klass.store.across_learners() as s:
        teacher = s.get(Learner, klass.teacher_id)
        assert teacher is not None
        return class_view(s, teacher, klass.class_id, NOW, **options)  # type: ignore[arg-type]


def test_one_row_per_student_with_where_they_are(klass: Class) -> None:
    v = view(klass, sort="name")
    rows = {r.name: r for r in v.rows}
    assert list(rows) == ["Ada", "Bob", "Cy", "Dee", "Eve"] and v.students == 5
    ada, bob, cy, dee, eve = (rows[n] for n in ("Ada", "Bob", "Cy", "Dee", "Eve"))
    assert (ada.pass_number, ada.step, ada.step_name, ada.days_in_step, ada.box_days) == (1, 1, "study", 10, 7)
    assert not ada.box_from_loop and ada.focus_id == "nlp" and ada.focus_name == "Natural language processing"
    assert (bob.step, bob.project_title, bob.project_deadline) == (4, "Spam filter", (DAY0 + timedelta(days=8)).date())
    assert bob.project_overdue and bob.box_days == 31 and bob.box_from_loop
    assert bob.exercises_passed == 1 and bob.rungs_run == 1  # this pass's practice, as the learner's status counts
    assert bob.last_activity == NOW - timedelta(days=1) and bob.idle_days == 1
    assert (cy.step, cy.exercises_passed, cy.idle_days, cy.stuck) == (2, 1, 0, ())  # numpy-basics, twice
    assert not dee.started and dee.step is None and dee.last_activity is None and dee.idle_days == 10
    assert (eve.step, eve.gap_text, eve.gap_days, eve.box_days) == (5, "what is attention?", 2, 7)
    assert eve.gap_overdue and eve.gap_deadline == (NOW - timedelta(days=2)).date()
    assert eve.project_title == "Tagger" and not eve.project_overdue  # finished: no longer running


def test_stuck_students_come_first_with_their_reasons(klass: Class) -> None:
    v = view(klass)
    reasons = {r.name: set(r.stuck) for r in v.rows}
    assert reasons == {
        "Ada": {Stuck.OVER_BOX, Stuck.INACTIVE},
        "Bob": {Stuck.PROJECT_OVERDUE},
        "Cy": set(),
        "Dee": {Stuck.INACTIVE},
        "Eve": {Stuck.GAP_OVERDUE},
    }
    assert v.rows[0].name == "Ada"  # the most reasons first
    assert v.rows[-1].name == "Cy"  # the one who is fine last
    assert v.stuck == 4


def test_the_funnel_counts_students_per_step_and_the_filter_keeps_one_step(klass: Class) -> None:
    v = view(klass, step=4)
    assert [r.name for r in v.rows] == ["Bob"]
    counts = {f.name: (f.students, f.stuck) for f in v.funnel}
    assert counts == {
        "not started": (1, 1),
        "immerse": (0, 0),
        "study": (1, 1),
        "language": (1, 0),
        "libraries": (0, 0),
        "project": (1, 1),
        "gap": (1, 1),
        "repeat": (0, 0),
    }
    assert [r.name for r in view(klass, step=-1).rows] == ["Dee"]
    assert {r.name for r in view(klass, stuck_only=True).rows} == {"Ada", "Bob", "Dee", "Eve"}
    assert [r.name for r in view(klass, sort="days_in_step").rows][:2] == ["Ada", "Bob"]


def test_a_class_setting_and_a_box_change_who_is_stuck(klass: Class) -> None:
    with klass.store.across_learners() as s:
        from learnloop.classroom.classes import set_inactive_days

        set_inactive_days(s, s.get(Learner, klass.teacher_id), klass.class_id, 30)  # type: ignore[arg-type]
    relaxed = {r.name: set(r.stuck) for r in view(klass, step_days={1: 14}).rows}
    assert relaxed["Ada"] == set() and relaxed["Dee"] == set()
    assert STEP_GUIDE_DAYS[4] == 31 and STEP_GUIDE_DAYS[5] == 7  # the loop's own boxes


@pytest.mark.parametrize(
    ("options", "field"), [({"sort": "mood"}, "sort"), ({"step": 7}, "step"), ({"step_days": {1: 0}}, "step_days")]
)
def test_bad_view_options_are_refused_with_their_field(klass: Class, options: dict[str, object], field: str) -> None:
    with pytest.raises(UserError) as refused:
        view(klass, **options)
    assert refused.value.field == field


def test_another_teachers_class_is_not_found(klass: Class) -> None:
    with klass.store.across_learners() as s:
        teacher = s.get(Learner, klass.teacher_id)
        with pytest.raises(NotFound):
            class_view(s, teacher, klass.other_class_id, NOW)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            student_loop(s, teacher, klass.class_id, klass.ids["Zed"], NOW)  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            student_loop(s, teacher, klass.other_class_id, klass.ids["Zed"], NOW)  # type: ignore[arg-type]


def test_the_view_needs_a_session_across_learners(klass: Class) -> None:
    with pytest.raises(RuntimeError), klass.store.read(learner_id=klass.teacher_id) as s:
        class_view(s, s.get(Learner, klass.teacher_id), klass.class_id, NOW)  # type: ignore[arg-type]


def test_the_csv_export_has_every_row_and_defuses_formulas(klass: Class) -> None:
    with klass.store.session(learner_id=klass.ids["Cy"]) as s:
        s.get(Pass, passes.open_pass(s).id)  # Cy's own session
    with klass.store.across_learners() as s:
        s.get(Learner, klass.ids["Dee"]).name = "=HYPERLINK(evil)"  # type: ignore[union-attr]
    text = class_view_csv(view(klass, sort="name"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(evil)", "Ada", "Bob", "Cy", "Eve"]
    bob = next(r for r in rows if r["name"] == "Bob")
    assert (bob["step"], bob["project"], bob["project_overdue"], bob["stuck"]) == (
        "4",
        "Spam filter",
        "yes",
        "project_overdue",
    )


def test_the_drill_down_shows_the_loop_and_keeps_notes_private_until_shared(klass: Class) -> None:
    ada = klass.ids["Ada"]
    with klass.store.session(learner_id=ada) as s:
        notes.add_note(s, "tokenise, embed, attend", "pattern", NOW)
    with klass.store.across_learners() as s:
        teacher = s.get(Learner, klass.teacher_id)
        seen = student_loop(s, teacher, klass.class_id, ada, NOW)  # type: ignore[arg-type]
    assert seen.status.step == 1 and seen.status.pass_number == 1 and seen.status.focus_id == "nlp"
    assert seen.notes == [] and seen.shared_passes == []
    with klass.store.session(learner_id=ada) as s:
        share_pass(s, 1, NOW)
    with klass.store.across_learners() as s:
        teacher = s.get(Learner, klass.teacher_id)
        seen = student_loop(s, teacher, klass.class_id, ada, NOW)  # type: ignore[arg-type]
        assert s.info["learner_id"] is None  # the session is across learners again afterwards
    assert seen.shared_passes == [1]
    assert [(n.pass_number, n.kind, n.text) for n in seen.notes] == [(1, "pattern", "tokenise, embed, attend")]
    with klass.store.session(learner_id=ada) as s:
        share_pass(s, 1, NOW, shared=False)
        with pytest.raises(UserError):
            share_pass(s, 9, NOW)


def test_a_closed_passs_retrospective_is_hidden_unless_shared(klass: Class) -> None:
    cy = klass.ids["Cy"]
    klass.to_step(cy, 6, NOW)
    with klass.store.session(learner_id=cy) as s:
        passes.close_pass(s, NOW, "private thoughts")
    with klass.store.across_learners() as s:
        teacher = s.get(Learner, klass.teacher_id)
        seen = student_loop(s, teacher, klass.class_id, cy, NOW)  # type: ignore[arg-type]
    assert [p.retro for p in seen.passes] == [None, None]
    with klass.store.session(learner_id=cy) as s:
        share_pass(s, 1, NOW)
    with klass.store.across_learners() as s:
        teacher = s.get(Learner, klass.teacher_id)
        seen = student_loop(s, teacher, klass.class_id, cy, NOW)  # type: ignore[arg-type]
    assert [p.retro for p in seen.passes] == ["private thoughts", None]


def test_a_student_exports_and_deletes_their_own_data_and_nobody_elses(klass: Class) -> None:
    bob, cy = klass.ids["Bob"], klass.ids["Cy"]
    with klass.store.across_learners() as s:
        s.get(Learner, bob).password_hash = None  # type: ignore[union-attr]
    with klass.store.read(learner_id=bob) as s:
        data = export_own_data(s, s.get(Learner, bob))  # type: ignore[arg-type]
    assert data["format"] == "learnloop-export" and data["account"]["login"] == "bob"
    assert [c["name"] for c in data["account"]["classes"]] == ["ML 101"]
    assert [p["title"] for p in data["tables"]["projects"]] == ["Spam filter"]
    with pytest.raises(UserError), klass.store.across_learners() as s:
        delete_own_account(s, s.get(Learner, bob), "a guess")  # type: ignore[arg-type]
    with klass.store.across_learners() as s:
        deleted = delete_own_account(s, s.get(Learner, bob), None)  # type: ignore[arg-type]
    assert deleted.records["projects"] == 1 and deleted.classes_left == 1
    with klass.store.across_learners() as s:
        assert s.get(Learner, bob) is None
        assert s.scalar(select(func.count()).select_from(Pass).where(Pass.learner_id == bob)) == 0
        assert s.scalar(select(func.count()).select_from(Note).where(Note.learner_id == cy)) == 1  # Cy's untouched
    assert [r.name for r in view(klass, sort="name").rows] == ["Ada", "Cy", "Dee", "Eve"]
