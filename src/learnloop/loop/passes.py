"""Passes round the loop: start one, see where you are, move to the next step, close it.

Each public function takes an open session (one transaction, owned by the caller) and ``now``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from learnloop.errors import StepNotSatisfied, UserError
from learnloop.loop import rules

# Moved so that the CLI's light path returns the same values without SQLAlchemy; re-exported here.
from learnloop.loop.reads import DATA_FORMS, FolderFacts, project_folder_facts  # noqa: F401
from learnloop.loop.values import Deadline, Status, Today, local_day, streak
from learnloop.store.models import Event, Gap, Note, Pass, Practice, Project, Reference


def current_pass(session: Session) -> Pass | None:
    """The newest pass (open or closed), or None before the first ``learnloop start``."""
    return session.scalars(select(Pass).order_by(Pass.number.desc()).limit(1)).first()


def open_pass(session: Session) -> Pass:
    """The pass in progress; a clear error when there is none."""
    from learnloop.loop.reads import require_open

    return require_open(current_pass(session))


def record(
    session: Session,
    pass_: Pass,
    kind: str,
    now: datetime,
    *,
    step: int | None = None,
    subject: str | None = None,
    reason: str | None = None,
) -> Event:
    event = Event(
        pass_id=pass_.id, at=now, kind=kind, step=pass_.step if step is None else step, subject=subject, reason=reason
    )
    session.add(event)
    return event


def start_pass(session: Session, now: datetime) -> Pass:
    """Begin pass 1, or the pass after a closed one, at step 0. The focus carries over (re-pin it at will)."""
    previous = current_pass(session)
    if previous is not None and previous.closed_at is None:
        raise UserError(f"pass {previous.number} is under way (step {previous.step}); your status shows where you are")
    number = 1 if previous is None else previous.number + 1
    new = Pass(
        number=number, started_at=now, step=0, step_started_at=now, focus_id=previous.focus_id if previous else None
    )
    session.add(new)
    session.flush()
    record(session, new, "start", now, step=0, subject=new.focus_id)
    return new


def pass_view(
    session: Session, pass_: Pass, now: datetime | None = None, atlas: object | None = None
) -> rules.PassView:
    """The plain values the rules look at."""
    from learnloop.store.models import Checkin, Interest

    now = now or pass_.started_at
    if atlas is None:
        from learnloop.atlas.load import load_atlas

        atlas = load_atlas()  # the focus's suggestions and the data sets' targets (loaded once per process)

    def count(model: type[Reference] | type[Note] | type[Practice], *where: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(model).where(model.pass_id == pass_.id, *where)) or 0

    projects = session.scalars(select(Project).where(Project.pass_id == pass_.id).order_by(Project.id)).all()
    gaps = session.scalars(select(Gap).where(Gap.pass_id == pass_.id).order_by(Gap.id)).all()
    kinds = set(session.scalars(select(Event.kind).where(Event.pass_id == pass_.id)))
    top = session.scalars(select(Interest.focus_id).order_by(Interest.rank).limit(1)).first()
    datasets = getattr(atlas, "datasets", {})
    focuses = getattr(atlas, "focuses", {})
    focus = focuses.get(pass_.focus_id or "")
    suggestion = focus.references[0].repo if focus is not None and focus.references else None
    idea = focus.ideas[0].id if focus is not None and focus.ideas else None

    def project_view(p: Project) -> rules.ProjectView:
        checkins = session.scalars(select(Checkin.at).where(Checkin.project_id == p.id).order_by(Checkin.id)).all()
        facts: FolderFacts = project_folder_facts(p.directory) if p.status == "active" else {}
        dataset = datasets.get(p.data_source or "")
        return rules.ProjectView(
            p.status,
            p.deadline,
            id=p.id,
            started=local_day(p.started_at, now),
            checkins=len(checkins),
            last_checkin=local_day(checkins[-1], now) if checkins else None,
            notebook_opened=bool(facts.get("notebook_opened")),
            lab_run=bool(facts.get("lab_run")),
            data_file=facts.get("data_file"),
            data_form=(
                getattr(dataset, "form", None)
                if dataset is not None and facts.get("data_file")
                else facts.get("data_form")
            ),
            target=getattr(dataset, "target", None),
            directory=p.directory,
        )

    # Exercises passed count once each, however often they were checked again.
    passed = session.scalars(
        select(Practice.subject).where(
            Practice.pass_id == pass_.id, Practice.kind == "exercise", Practice.passed.is_(True)
        )
    ).all()
    return rules.PassView(
        number=pass_.number,
        step=pass_.step,
        closed=pass_.closed_at is not None,
        focus_id=pass_.focus_id,
        references=count(Reference),
        notes=count(Note),
        exercises_passed=len(set(passed)),
        rungs_run=count(Practice, Practice.kind == "rung"),
        projects=tuple(project_view(p) for p in projects),
        gaps=tuple(rules.GapView(g.status, g.deadline, id=g.id, rank=g.rank) for g in gaps),
        interests_ranked=top is not None,
        top_interest=top,
        ranking_reviewed=bool(kinds & {"interests", "keep-ranking"}),
        focus_confirmed="focus" in kinds,
        suggested_reference=suggestion,
        suggested_idea=idea,
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
    view = pass_view(session, current, now)
    if skip:
        rules.check_skip(view, reason)
    else:
        missing = rules.needs(view, now.date())
        if missing:
            raise StepNotSatisfied(
                f"step {current.step} is not done yet: " + "; ".join(rules.missing_for_next(view, now.date())),
                actions=missing,
            )
    if current.step >= 6:
        raise StepNotSatisfied(
            "step 6 ends when you close the pass with a short retrospective", actions=rules.needs(view, now.date())
        )
    moved = Moved(
        pass_number=current.number,
        from_step=current.step,
        to_step=current.step + 1,
        skipped=skip,
        reason=reason.strip() if reason else None,
    )
    record(session, current, "skip" if skip else "complete", now, reason=moved.reason)
    current.step += 1
    current.step_started_at = now
    record(session, current, "enter", now)
    return moved


def close_pass(session: Session, now: datetime, retro: str) -> tuple[Pass, Pass]:
    """End the pass at step 6 with a short retrospective, and start the next one at step 0."""
    current = open_pass(session)
    if not retro or not retro.strip():
        raise UserError("write a short retrospective: what worked, what to change", field="retro")
    if current.step != 6:
        view = pass_view(session, current, now)
        missing = rules.needs(view, now.date()) or [rules.next_action(view, now)]
        raise StepNotSatisfied(
            f"pass {current.number} is at step {current.step}; it closes at step 6. Next: {missing[0].why}",
            actions=missing,
        )
    current.retro = retro.strip()
    current.closed_at = now
    record(session, current, "close", now, reason=current.retro)
    session.flush()
    return current, start_pass(session, now)


def today_facts(session: Session, current: Pass, view: rules.PassView, now: datetime) -> Today:
    today = now.date()
    from learnloop.store.models import Checkin

    moments = [
        *session.scalars(select(Event.at).where(Event.pass_id == current.id)),
        *session.scalars(select(Practice.at).where(Practice.pass_id == current.id)),
        *session.scalars(select(Note.added_at).where(Note.pass_id == current.id)),
        *session.scalars(select(Checkin.at).join(Project).where(Project.pass_id == current.id)),
    ]
    active_days = {local_day(at, now) for at in moments}
    value = Today(days_active=len(active_days), streak=streak(active_days, today))
    project = view.active_project
    kept = view.kept_gap
    if project is not None:
        value.box, value.box_days_left = "project", (project.deadline - today).days
        value.box_title = session.get(Project, project.id).title if project.id else None  # type: ignore[union-attr]
        if project.last_checkin is not None:
            value.last_checkin_days_ago = (today - project.last_checkin).days
        if project.checkins == 0 and project.halfway is not None and today >= project.halfway:
            value.checkin_due = project.halfway
    elif kept is not None and kept.deadline is not None:
        value.box, value.box_days_left = "gap", (kept.deadline - today).days
        value.box_title = session.get(Gap, kept.id).text if kept.id else None  # type: ignore[union-attr]
    return value


def status(
    session: Session, now: datetime, focus_names: dict[str, str] | None = None, *, atlas: object | None = None
) -> Status:
    """Where the learner is and the one next action; ``now`` in the learner's time zone."""
    current = current_pass(session)
    if current is None:
        return Status(started=False, next=rules.next_action(None, now))
    view = pass_view(session, current, now, atlas)
    action = rules.next_action(view, now)
    today = now.date()
    deadlines: list[Deadline] = []
    for p in session.scalars(select(Project).where(Project.pass_id == current.id, Project.status == "active")):
        deadlines.append(
            Deadline(
                what="project",
                title=p.title,
                deadline=p.deadline,
                days_left=(p.deadline - today).days,
                overdue=today > p.deadline,
            )
        )
    for g in session.scalars(select(Gap).where(Gap.pass_id == current.id, Gap.status == "kept")):
        if g.deadline:
            deadlines.append(
                Deadline(
                    what="gap",
                    title=g.text,
                    deadline=g.deadline,
                    days_left=(g.deadline - today).days,
                    overdue=today > g.deadline,
                )
            )
    info = rules.step(current.step)
    if focus_names is None and atlas is not None:
        focus_names = {f.id: f.name for f in atlas.focuses.values()}  # type: ignore[attr-defined]
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
        days_in_step=(today - local_day(current.step_started_at, now)).days,
        deadlines=deadlines,
        needs=rules.needs(view, today) if not view.closed else [],
        exercises_passed=view.exercises_passed,
        rungs_run=view.rungs_run,
        next=action,
        today=today_facts(session, current, view, now),
    )


def keep_ranking(session: Session, now: datetime) -> Pass:
    """Pass 2+, step 0: the learner looked at the map and keeps the ranking as it is (one command)."""
    current = open_pass(session)
    record(session, current, "keep-ranking", now)
    return current
