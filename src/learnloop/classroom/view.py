"""The teacher's class view: one row per student (where they are in the loop, how long they have been there
against what the step allows, their project and gap boxes, their last activity), stuck students first, a
funnel of how many are at each step, a CSV export, and a read-only drill-down into one student's loop.

How long a step may take: step 4 (the project) and step 5 (the gap) have the loop's own time boxes
(:data:`learnloop.loop.rules.PROJECT_DAYS` and :data:`~learnloop.loop.rules.GAP_DAYS`: at most 31 and 7 days);
the other steps have none in the loop, so the class view uses a guide (:data:`STEP_GUIDE_DAYS`, which a caller
may override per step). A student is stuck when they have been in their step longer than that, when their
project or kept gap is past its deadline, or when nothing was recorded for the class's ``inactive_days``.

The view reads every student of the class in a handful of set queries (never a query per student), so it stays
quick for 500 students. It needs a session across learners (``Store.across_learners()``), and the class must be
the teacher's own (else :class:`~learnloop.errors.NotFound`, like a class that does not exist).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from learnloop.classroom.classes import teacher_class
from learnloop.errors import NotFound, UserError
from learnloop.loop import rules
from learnloop.loop.values import PassHistory, Status, local_day
from learnloop.store.models import (
    Checkin,
    Classroom,
    Event,
    Gap,
    Learner,
    Membership,
    Note,
    Pass,
    Practice,
    Project,
)

# The days a step may take before the class view calls a student stuck. Steps 4 and 5 are the loop's own boxes
# (the longest project and gap it allows); the loop gives the others none, so these are a class guide.
STEP_GUIDE_DAYS: dict[int, int] = {
    0: 7,
    1: 7,
    2: 14,
    3: 14,
    4: rules.PROJECT_DAYS[1],
    5: rules.GAP_DAYS[1],
    6: 3,
}
LOOP_BOXED_STEPS = frozenset({4, 5})
SORTS = ("stuck", "name", "step", "days_in_step", "last_activity", "deadline")


class Stuck(StrEnum):
    """Why a student shows as stuck (the page words each one)."""

    OVER_BOX = "over_box"  # longer in the step than its box
    PROJECT_OVERDUE = "project_overdue"
    GAP_OVERDUE = "gap_overdue"
    INACTIVE = "inactive"  # nothing recorded for the class's inactive_days


@dataclass(frozen=True, kw_only=True)
class StudentRow:
    """One student of the class view. The defaults are a student who has not started a pass yet."""

    learner_id: int
    name: str
    login: str
    origin: str  # "server" (works on the class server) or "laptop" (syncs from a laptop)
    joined_at: datetime
    last_synced_at: datetime | None
    last_activity: datetime | None
    idle_days: int  # days since the last activity (since joining when there is none)
    stuck: tuple[Stuck, ...]
    started: bool = False
    pass_number: int | None = None
    step: int | None = None
    step_name: str | None = None
    days_in_step: int | None = None
    box_days: int | None = None  # what the step allows
    box_from_loop: bool = False  # True: the loop's own time box (steps 4, 5); False: the class guide
    focus_id: str | None = None
    focus_name: str | None = None
    project_title: str | None = None
    project_deadline: date | None = None
    project_overdue: bool = False
    gap_text: str | None = None
    gap_deadline: date | None = None
    gap_days: int | None = None
    gap_overdue: bool = False
    exercises_passed: int = 0
    rungs_run: int = 0

    @property
    def is_stuck(self) -> bool:
        return bool(self.stuck)


@dataclass(frozen=True)
class FunnelStep:
    step: int | None  # None: not started yet
    name: str
    students: int
    stuck: int


@dataclass(frozen=True)
class ClassView:
    classroom_id: int
    name: str
    inactive_days: int
    today: date
    students: int  # in the class (before the filter)
    stuck: int  # in the class (before the filter)
    rows: list[StudentRow]  # sorted and filtered
    funnel: list[FunnelStep]  # the whole class, steps 0-6 after "not started"
    sort: str
    step: int | None  # the filter, None: every step
    step_days: dict[int, int] = field(default_factory=dict)  # the boxes used


def _moment(now: datetime | date) -> datetime:
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=UTC)
    return datetime.combine(now, time(12, 0), UTC)


def _require_unscoped(session: Session) -> None:
    if session.info.get("learner_id") is not None:
        raise RuntimeError("the class view reads across learners: open its session with Store.across_learners()")


def _focus_names(focus_names: Mapping[str, str] | None) -> Mapping[str, str]:
    if focus_names is not None:
        return focus_names
    from learnloop.atlas.load import load_atlas

    return {f.id: f.name for f in load_atlas().focuses.values()}


def _in_class(classroom_id: int) -> Any:
    return select(Membership.learner_id).where(Membership.classroom_id == classroom_id).scalar_subquery()


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _student_rows(
    session: Session,
    classroom: Classroom,
    now: datetime,
    focus_names: Mapping[str, str],
    boxes: Mapping[int, int],
) -> list[StudentRow]:
    today = now.date()
    members = session.execute(
        select(Learner.id, Learner.name, Learner.login, Learner.origin, Learner.last_synced_at, Membership.joined_at)
        .join(Membership, Membership.learner_id == Learner.id)
        .where(Membership.classroom_id == classroom.id)
    ).all()
    if not members:
        return []
    in_class = _in_class(classroom.id)
    p = Pass.__table__
    newest: dict[int, Any] = {}
    for row in session.execute(
        select(p.c.id, p.c.learner_id, p.c.number, p.c.step, p.c.step_started_at, p.c.focus_id, p.c.closed_at).where(
            p.c.learner_id.in_(in_class)
        )
    ):
        if row.learner_id not in newest or row.number > newest[row.learner_id].number:
            newest[row.learner_id] = row
    pass_ids = [row.id for row in newest.values()]

    exercises: dict[int, int] = {}
    rungs: dict[int, int] = {}
    projects: dict[int, Any] = {}
    gaps: dict[int, Any] = {}
    pr, pj, g = Practice.__table__, Project.__table__, Gap.__table__
    for chunk in _chunks(pass_ids):
        for pass_id, count in session.execute(
            select(pr.c.pass_id, func.count(func.distinct(pr.c.subject)))
            .where(pr.c.pass_id.in_(chunk), pr.c.kind == "exercise", pr.c.passed.is_(True))
            .group_by(pr.c.pass_id)
        ):
            exercises[pass_id] = count
        for pass_id, count in session.execute(
            select(pr.c.pass_id, func.count())
            .where(pr.c.pass_id.in_(chunk), pr.c.kind == "rung")
            .group_by(pr.c.pass_id)
        ):
            rungs[pass_id] = count
        for project_row in session.execute(
            select(pj.c.id, pj.c.pass_id, pj.c.title, pj.c.deadline, pj.c.status)
            .where(pj.c.pass_id.in_(chunk))
            .order_by(pj.c.id)
        ):
            # the active project if there is one, else the newest of the pass
            held = projects.get(project_row.pass_id)
            if held is None or project_row.status == "active" or held.status != "active":
                projects[project_row.pass_id] = project_row
        for gap_row in session.execute(
            select(g.c.pass_id, g.c.text, g.c.deadline, g.c.days).where(g.c.pass_id.in_(chunk), g.c.status == "kept")
        ):
            gaps[gap_row.pass_id] = gap_row

    last: dict[int, datetime] = {}
    ev, nt, ck = Event.__table__, Note.__table__, Checkin.__table__
    for table, column in ((ev, ev.c.at), (pr, pr.c.at), (nt, nt.c.added_at), (ck, ck.c.at)):
        for learner_id, moment in session.execute(
            select(table.c.learner_id, func.max(column))
            .where(table.c.learner_id.in_(in_class))
            .group_by(table.c.learner_id)
        ):
            moment = _aware(moment)
            if moment is not None and (learner_id not in last or moment > last[learner_id]):
                last[learner_id] = moment

    rows: list[StudentRow] = []
    for member in members:
        current = newest.get(member.id)
        activity = last.get(member.id)
        idle_since = activity or _aware(member.joined_at) or now
        idle = max(0, (today - local_day(idle_since, now)).days)
        reasons: list[Stuck] = []
        person = {
            "learner_id": member.id,
            "name": member.name,
            "login": member.login,
            "origin": member.origin,
            "joined_at": _aware(member.joined_at) or now,
            "last_synced_at": _aware(member.last_synced_at),
            "last_activity": activity,
            "idle_days": idle,
        }
        if current is None:
            if idle >= classroom.inactive_days:
                reasons.append(Stuck.INACTIVE)
            rows.append(StudentRow(**person, stuck=tuple(reasons)))
            continue
        closed = current.closed_at is not None
        step_started = _aware(current.step_started_at) or now
        days_in_step = max(0, (today - local_day(step_started, now)).days)
        box = boxes.get(current.step)
        project = projects.get(current.id)
        project_deadline = _day(project.deadline) if project is not None else None
        project_overdue = project is not None and project.status == "active" and rules.is_overdue(project_deadline, now)
        gap = gaps.get(current.id)
        gap_deadline = _day(gap.deadline) if gap is not None else None
        gap_overdue = gap is not None and rules.is_overdue(gap_deadline, now)
        if not closed and box is not None and days_in_step > box:
            reasons.append(Stuck.OVER_BOX)
        if project_overdue:
            reasons.append(Stuck.PROJECT_OVERDUE)
        if gap_overdue:
            reasons.append(Stuck.GAP_OVERDUE)
        if idle >= classroom.inactive_days:
            reasons.append(Stuck.INACTIVE)
        rows.append(
            StudentRow(
                **person,
                stuck=tuple(reasons),
                started=True,
                pass_number=current.number,
                step=current.step,
                step_name=rules.step(current.step).name,
                days_in_step=days_in_step,
                box_days=box,
                box_from_loop=current.step in LOOP_BOXED_STEPS,
                focus_id=current.focus_id,
                focus_name=focus_names.get(current.focus_id or "", current.focus_id),
                project_title=project.title if project is not None else None,
                project_deadline=project_deadline,
                project_overdue=project_overdue,
                gap_text=gap.text if gap is not None else None,
                gap_deadline=gap_deadline,
                gap_days=gap.days if gap is not None else None,
                gap_overdue=gap_overdue,
                exercises_passed=exercises.get(current.id, 0),
                rungs_run=rungs.get(current.id, 0),
            )
        )
    return rows


def _aware(value: Any) -> Any:
    """A moment from a Core query: SQLite hands back naive UTC (or text), PostgreSQL naive UTC too."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _day(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


def _sort_key(sort: str) -> Any:
    far = date.max
    match sort:
        case "stuck":
            return lambda r: (not r.is_stuck, -len(r.stuck), -(r.idle_days or 0), r.name.lower(), r.learner_id)
        case "name":
            return lambda r: (r.name.lower(), r.learner_id)
        case "step":
            return lambda r: (-1 if r.step is None else r.step, r.name.lower(), r.learner_id)
        case "days_in_step":
            return lambda r: (-(r.days_in_step or 0), r.name.lower(), r.learner_id)
        case "last_activity":
            return lambda r: (r.last_activity is not None, r.last_activity or datetime.min.replace(tzinfo=UTC))
        case "deadline":
            return lambda r: (min(r.project_deadline or far, r.gap_deadline or far), r.name.lower(), r.learner_id)
    raise UserError(f"sort by one of {', '.join(SORTS)}", field="sort")


def class_view(
    session: Session,
    teacher: Learner,
    classroom_id: int,
    now: datetime | date,
    *,
    sort: str = "stuck",
    step: int | None = None,
    stuck_only: bool = False,
    descending: bool = False,
    step_days: Mapping[int, int] | None = None,
    focus_names: Mapping[str, str] | None = None,
) -> ClassView:
    """The class view of ``teacher``'s class ``classroom_id`` at ``now`` (a moment, or a day: its noon UTC).

    ``sort``: one of :data:`SORTS` (``stuck``, the default, puts stuck students first, the most reasons first);
    ``step``: only the students at that step (-1: those who have not started); ``step_days``: boxes for steps
    other than the guide's. The funnel and the counts are always the whole class's.
    """
    _require_unscoped(session)
    moment = _moment(now)
    classroom = teacher_class(session, teacher, classroom_id)
    if step is not None and not (step == -1 or 0 <= step < len(rules.STEPS)):
        raise UserError(f"a step is 0 to {len(rules.STEPS) - 1} (or -1: not started)", field="step")
    key = _sort_key(sort)
    boxes = dict(STEP_GUIDE_DAYS)
    for number, days in (step_days or {}).items():
        if number not in boxes or not isinstance(days, int) or days < 1:
            raise UserError("a step's box is a whole number of days, at least 1", field="step_days")
        boxes[number] = days
    every = _student_rows(session, classroom, moment, _focus_names(focus_names), boxes)
    funnel = [
        FunnelStep(
            step=None,
            name="not started",
            students=sum(1 for r in every if r.step is None),
            stuck=sum(1 for r in every if r.step is None and r.is_stuck),
        )
    ] + [
        FunnelStep(
            step=s.number,
            name=s.name,
            students=sum(1 for r in every if r.step == s.number),
            stuck=sum(1 for r in every if r.step == s.number and r.is_stuck),
        )
        for s in rules.STEPS
    ]
    shown = [
        r
        for r in every
        if (step is None or (r.step is None if step == -1 else r.step == step)) and (not stuck_only or r.is_stuck)
    ]
    shown.sort(key=key, reverse=descending)
    return ClassView(
        classroom_id=classroom.id,
        name=classroom.name,
        inactive_days=classroom.inactive_days,
        today=moment.date(),
        students=len(every),
        stuck=sum(1 for r in every if r.is_stuck),
        rows=shown,
        funnel=funnel,
        sort=sort,
        step=step,
        step_days=boxes,
    )


# --- CSV --------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "name",
    "login",
    "origin",
    "pass",
    "step",
    "step_name",
    "days_in_step",
    "step_box_days",
    "focus",
    "project",
    "project_deadline",
    "project_overdue",
    "gap",
    "gap_deadline",
    "gap_box_days",
    "gap_overdue",
    "last_activity",
    "idle_days",
    "exercises_passed",
    "rungs_run",
    "stuck",
)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading = + - @ (a formula) gets a quote in front."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def class_view_csv(view: ClassView) -> str:
    """The class view's rows as CSV (in the view's order and filter), one header line first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in view.rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.name,
                    r.login,
                    r.origin,
                    r.pass_number,
                    r.step,
                    r.step_name,
                    r.days_in_step,
                    r.box_days,
                    r.focus_name,
                    r.project_title,
                    r.project_deadline,
                    r.project_overdue,
                    r.gap_text,
                    r.gap_deadline,
                    r.gap_days,
                    r.gap_overdue,
                    r.last_activity,
                    r.idle_days,
                    r.exercises_passed,
                    r.rungs_run,
                    " ".join(s.value for s in r.stuck),
                )
            ]
        )
    return out.getvalue()


# --- one student's loop, read-only ------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedNote:
    pass_number: int
    kind: str
    text: str
    added_at: datetime


@dataclass(frozen=True)
class StudentLoop:
    """What a teacher sees of one student: where they are, every pass at a glance; notes and retrospectives
    only of the passes the student shared (``shared_passes``)."""

    learner_id: int
    name: str
    login: str
    classroom_id: int
    status: Status
    passes: list[PassHistory]
    shared_passes: list[int]
    notes: list[SharedNote]


def student_loop(
    session: Session, teacher: Learner, classroom_id: int, student_id: int, now: datetime | date
) -> StudentLoop:
    """The loop of a student of ``teacher``'s class, read through the loop's own functions, scoped to that
    student for the call and never written; :class:`NotFound` for a student who is not in the class."""
    _require_unscoped(session)
    moment = _moment(now)
    classroom = teacher_class(session, teacher, classroom_id)
    if session.get(Membership, (classroom.id, student_id)) is None:
        raise NotFound("student", str(student_id))
    student = session.get(Learner, student_id)
    assert student is not None
    from learnloop.atlas.load import load_atlas
    from learnloop.loop.history import history
    from learnloop.loop.passes import status

    session.flush()
    session.info["learner_id"] = student_id  # the loop's functions see this student's records only
    try:
        current = status(session, moment, atlas=load_atlas())
        passes = history(session, moment)
        shared = dict(
            session.execute(
                select(Pass.id, Pass.number).where(Pass.learner_id == student_id, Pass.shared_at.is_not(None))
            ).all()
        )
        notes = session.execute(
            select(Note.pass_id, Note.kind, Note.text, Note.added_at)
            .where(and_(Note.learner_id == student_id, Note.pass_id.in_(list(shared) or [-1])))
            .order_by(Note.id)
        ).all()
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a teacher's read of a student's loop changed a record")
    finally:
        session.info["learner_id"] = None
    numbers = set(shared.values())
    private = [p.model_copy(update={"retro": None}) if p.number not in numbers else p for p in passes]
    return StudentLoop(
        learner_id=student.id,
        name=student.name,
        login=student.login,
        classroom_id=classroom.id,
        status=current,
        passes=private,
        shared_passes=sorted(numbers),
        notes=[SharedNote(pass_number=shared[n.pass_id], kind=n.kind, text=n.text, added_at=n.added_at) for n in notes],
    )


def share_pass(session: Session, number: int, now: datetime, *, shared: bool = True) -> datetime | None:
    """The student shares pass ``number``'s notes and retrospective with the teachers of their classes (or,
    ``shared=False``, takes them back); ``session`` is the student's own. Returns when it was shared."""
    if session.info.get("learner_id") is None:
        raise RuntimeError("a student shares a pass through their own session")
    found = session.scalars(select(Pass).where(Pass.number == number)).first()
    if found is None:
        raise NotFound("pass", str(number))
    found.shared_at = now if shared else None
    return found.shared_at
