"""Passes round the loop: start one, see where you are, move to the next step, close it.

Each public function takes an open session (one transaction, owned by the caller) and ``now``.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.errors import StepNotSatisfied, UserError
from learnloop.loop import rules
from learnloop.store.models import Event, Gap, Note, Pass, Practice, Project, Reference


def current_pass(session: Session) -> Pass | None:
    """The newest pass (open or closed), or None before the first ``learnloop start``."""
    return session.scalars(select(Pass).order_by(Pass.number.desc()).limit(1)).first()


def open_pass(session: Session) -> Pass:
    """The pass in progress; a clear error when there is none."""
    current = current_pass(session)
    if current is None:
        raise UserError("you have not started yet: run `learnloop start`")
    if current.closed_at is not None:
        raise UserError(f"pass {current.number} is closed: run `learnloop start` to begin pass {current.number + 1}")
    return current


def record(session: Session, pass_: Pass, kind: str, now: datetime, *, step: int | None = None,
           subject: str | None = None, reason: str | None = None) -> Event:
    event = Event(pass_id=pass_.id, at=now, kind=kind, step=pass_.step if step is None else step,
                  subject=subject, reason=reason)
    session.add(event)
    return event


def start_pass(session: Session, now: datetime) -> Pass:
    """Begin pass 1, or the pass after a closed one, at step 0. The focus carries over (re-pin it at will)."""
    previous = current_pass(session)
    if previous is not None and previous.closed_at is None:
        raise UserError(f"pass {previous.number} is under way (step {previous.step}); "
                        "`learnloop` shows where you are")
    number = 1 if previous is None else previous.number + 1
    new = Pass(number=number, started_at=now, step=0, step_started_at=now,
               focus_id=previous.focus_id if previous else None)
    session.add(new)
    session.flush()
    record(session, new, "start", now, step=0, subject=new.focus_id)
    return new


def pass_view(session: Session, pass_: Pass) -> rules.PassView:
    """The plain values the rules look at."""
    def count(model: type, *where: object) -> int:
        return session.scalar(select(func.count()).select_from(model).where(model.pass_id == pass_.id, *where)) or 0

    projects = session.scalars(select(Project).where(Project.pass_id == pass_.id).order_by(Project.id)).all()
    gaps = session.scalars(select(Gap).where(Gap.pass_id == pass_.id).order_by(Gap.id)).all()
    return rules.PassView(
        number=pass_.number,
        step=pass_.step,
        closed=pass_.closed_at is not None,
        focus_id=pass_.focus_id,
        references=count(Reference),
        notes=count(Note),
        exercises_passed=count(Practice, Practice.kind == "exercise", Practice.passed.is_(True)),
        rungs_run=count(Practice, Practice.kind == "rung"),
        projects=tuple(rules.ProjectView(p.status, p.deadline) for p in projects),
        gaps=tuple(rules.GapView(g.status, g.deadline) for g in gaps),
    )


class Moved(BaseModel):
    pass_number: int
    from_step: int
    to_step: int
    skipped: bool
    reason: str | None = None


def advance(session: Session, now: datetime, *, skip: bool = False, reason: str | None = None) -> Moved:
    """Move to the next step if the current one is satisfied (or skipped with a reason)."""
    current = open_pass(session)
    view = pass_view(session, current)
    if skip:
        rules.check_skip(view, reason)
    else:
        missing = rules.missing_for_next(view)
        if missing:
            raise StepNotSatisfied(f"step {current.step} is not done yet: " + "; ".join(missing))
    if current.step >= 6:
        raise StepNotSatisfied("step 6 ends with `learnloop pass close --retro TEXT`")
    moved = Moved(pass_number=current.number, from_step=current.step, to_step=current.step + 1, skipped=skip,
                  reason=reason.strip() if reason else None)
    record(session, current, "skip" if skip else "complete", now, reason=moved.reason)
    current.step += 1
    current.step_started_at = now
    record(session, current, "enter", now)
    return moved


def close_pass(session: Session, now: datetime, retro: str) -> tuple[Pass, Pass]:
    """End the pass at step 6 with a short retrospective, and start the next one at step 0."""
    current = open_pass(session)
    if not retro or not retro.strip():
        raise UserError("write a short retrospective: --retro TEXT")
    if current.step != 6:
        missing = rules.missing_for_next(pass_view(session, current))
        hint = missing[0] if missing else "`learnloop next`"
        raise StepNotSatisfied(f"pass {current.number} is at step {current.step}; it closes at step 6. Next: {hint}")
    current.retro = retro.strip()
    current.closed_at = now
    record(session, current, "close", now, reason=current.retro)
    session.flush()
    return current, start_pass(session, now)


class Deadline(BaseModel):
    what: str
    title: str
    deadline: date
    days_left: int
    overdue: bool


class Status(BaseModel):
    """Where the learner is: shown by `learnloop` and the web home page."""

    started: bool
    pass_number: int | None = None
    closed: bool = False
    step: int | None = None
    step_name: str | None = None
    step_title: str | None = None
    step_goal: str | None = None
    focus_id: str | None = None
    focus_name: str | None = None
    days_in_step: int | None = None
    deadlines: list[Deadline] = []
    missing: list[str] = []
    exercises_passed: int = 0
    rungs_run: int = 0
    next_command: str
    next_why: str
    urgent: bool = False


def status(session: Session, now: datetime, focus_names: dict[str, str] | None = None) -> Status:
    current = current_pass(session)
    if current is None:
        action = rules.next_action(None, now)
        return Status(started=False, next_command=action.command, next_why=action.why)
    view = pass_view(session, current)
    action = rules.next_action(view, now)
    deadlines: list[Deadline] = []
    for p in session.scalars(select(Project).where(Project.pass_id == current.id, Project.status == "active")):
        deadlines.append(Deadline(what="project", title=p.title, deadline=p.deadline,
                                  days_left=rules.days_left(p.deadline, now),
                                  overdue=rules.is_overdue(p.deadline, now)))
    for g in session.scalars(select(Gap).where(Gap.pass_id == current.id, Gap.status == "kept")):
        if g.deadline:
            deadlines.append(Deadline(what="gap", title=g.text, deadline=g.deadline,
                                      days_left=rules.days_left(g.deadline, now),
                                      overdue=rules.is_overdue(g.deadline, now)))
    info = rules.step(current.step)
    return Status(
        started=True,
        pass_number=current.number,
        closed=view.closed,
        step=current.step,
        step_name=info.name,
        step_title=info.title,
        step_goal=info.goal,
        focus_id=current.focus_id,
        focus_name=(focus_names or {}).get(current.focus_id or "", current.focus_id),
        days_in_step=(now - current.step_started_at).days,
        deadlines=deadlines,
        missing=rules.missing_for_next(view) if not view.closed else [],
        exercises_passed=view.exercises_passed,
        rungs_run=view.rungs_run,
        next_command=action.command,
        next_why=action.why,
        urgent=action.urgent,
    )
