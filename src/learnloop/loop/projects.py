"""Step 4: one time-boxed project (7 to 31 days), its scaffold, check-ins, extensions and end."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.atlas.load import Atlas, close_ids
from learnloop.errors import UserError
from learnloop.loop import rules, scaffold
from learnloop.loop.calendar import CalendarEvent, project_calendar, project_events
from learnloop.loop.clock import alarm_time
from learnloop.loop.passes import current_pass, local_day, open_pass, record
from learnloop.loop.scaffold import DataPlan, check_directory, slug
from learnloop.store.models import Checkin, Event, Pass, Project

if TYPE_CHECKING:
    from learnloop.atlas.schema import ProjectIdea


class CheckinView(BaseModel):
    at: datetime
    text: str


class ProjectView(BaseModel):
    id: int
    pass_number: int
    title: str
    idea_id: str | None
    data_source: str | None
    no_data_reason: str | None
    directory: str | None
    started_at: datetime
    days: int
    deadline: date
    days_left: int
    overdue: bool
    status: str
    summary: str | None
    checkins: list[CheckinView] = []
    extensions: int = 0
    files: list[str] = []
    calendar: list[CalendarEvent] = []  # the time box's events, for an "add to calendar" link


def _view(session: Session, p: Project, now: datetime, files: list[str] | None = None) -> ProjectView:
    owner = session.get(Pass, p.pass_id)
    pass_number = owner.number if owner else 0
    extensions = len(
        session.scalars(select(Event.id).where(Event.kind == "extend", Event.subject == f"project:{p.id}")).all()
    )
    return ProjectView(
        id=p.id,
        pass_number=pass_number,
        title=p.title,
        idea_id=p.idea_id,
        data_source=p.data_source,
        no_data_reason=p.no_data_reason,
        directory=p.directory,
        started_at=p.started_at,
        days=p.days,
        deadline=p.deadline,
        days_left=rules.days_left(p.deadline, now),
        overdue=p.status == "active" and rules.is_overdue(p.deadline, now),
        status=p.status,
        summary=p.summary,
        checkins=[CheckinView(at=c.at, text=c.text) for c in p.checkins],
        extensions=extensions,
        files=files or [],
        calendar=project_events(
            project_id=p.id,
            title=p.title,
            started=local_day(p.started_at, now),
            deadline=p.deadline,
            alarm=alarm_time(),
        )
        if p.status == "active"
        else [],
    )


def plan_data(atlas: Atlas, data: str | None, idea_id: str | None, no_data_reason: str | None) -> DataPlan:
    """No data, no project: a file that exists, a data set from the map, or an explicit reason to wait."""
    if data is None and idea_id is not None:
        data = _idea(atlas, idea_id).dataset
    if data is not None:
        if no_data_reason:
            raise UserError("give either the data or a reason why there is none yet, not both", field="data")
        path = Path(data).expanduser()
        if path.exists():
            return DataPlan("file", str(path.resolve()))
        if data in atlas.datasets:
            d = atlas.datasets[data]
            return DataPlan("dataset", data, target=d.target, task=d.task, form=d.form)
        hints = close_ids(data, atlas.datasets.keys())
        raise UserError(
            f"no file and no data set on the map called {data!r}"
            + (f"; did you mean {', '.join(hints)}?" if hints else "; the map lists its data sets"),
            field="data",
        )
    if no_data_reason is None:
        raise UserError(
            "no data, no project: give a data file or a data set of the map (or an idea, which brings "
            "its data), or say why you have none yet",
            field="data",
        )
    if not no_data_reason.strip():
        raise UserError("say why there is no data yet", field="reason")
    return DataPlan("none", reason=no_data_reason.strip())


def _idea(atlas: Atlas, idea_id: str) -> ProjectIdea:
    ideas = {i.id: i for f in atlas.focuses.values() for i in f.ideas}
    if idea_id not in ideas:
        from learnloop.errors import NotFound

        raise NotFound("project idea", idea_id, close_ids(idea_id, ideas.keys()))
    return ideas[idea_id]


def recover_scaffolds(session: Session, folder: Path) -> list[str]:
    """Finish or undo the project folders a crash interrupted beside ``folder`` (see ``loop/scaffold.py``)."""

    def committed(target: Path) -> bool:
        return (
            session.scalar(
                select(Project.id).where(Project.directory == str(target), Project.status != "dropped").limit(1)
            )
            is not None
        )

    return scaffold.recover(folder, committed)


def _recover_active(session: Session, workspace: Path | None = None) -> None:
    """The recovery step: builds noted in the workspace's journal, and active projects without their folder."""
    folders = scaffold.pending_folders(workspace) if workspace is not None else []
    for directory in session.scalars(select(Project.directory).where(Project.status == "active")):
        if directory and not Path(directory).exists() and Path(directory).parent not in folders:
            folders.append(Path(directory).parent)
    for folder in folders:
        recover_scaffolds(session, folder)
    if workspace is not None:
        scaffold.pending_folders(workspace)  # forgets the builds that are settled now


def active_project(session: Session) -> Project:
    current = open_pass(session)
    _recover_active(session)
    project = session.scalars(select(Project).where(Project.pass_id == current.id, Project.status == "active")).first()
    if project is None:
        raise UserError(f"no project under way in pass {current.number}: start one first")
    return project


def check_new_project(
    session: Session,
    atlas: Atlas,
    *,
    title: str,
    days: int,
    idea_id: str | None = None,
    data: str | None = None,
    no_data_reason: str | None = None,
) -> tuple[Pass, object, DataPlan]:
    """Every check of :func:`new_project` that touches no folder (title, days, step, one at a time, idea, data),
    so a form can be answered before the scaffold's file work: (the pass, the idea or None, the data plan)."""
    current = open_pass(session)
    if not title.strip():
        raise UserError("a project needs a title", field="title")
    rules.check_project_days(days)
    if current.step != 4:
        raise UserError(
            f"projects belong to step 4 and pass {current.number} is at step {current.step}: "
            "finish the steps before it first"
        )
    projects = session.scalars(select(Project).where(Project.pass_id == current.id)).all()
    if any(p.status == "active" for p in projects):
        raise UserError("one project at a time: finish or drop the one under way first")
    if any(p.status == "done" for p in projects):
        raise UserError(f"pass {current.number} already has its finished project; move on to the next step")
    idea = _idea(atlas, idea_id) if idea_id else None
    return current, idea, plan_data(atlas, data, idea_id, no_data_reason)


def new_project(
    session: Session,
    atlas: Atlas,
    *,
    title: str,
    days: int,
    now: datetime,
    workspace: Path,
    idea_id: str | None = None,
    data: str | None = None,
    no_data_reason: str | None = None,
    directory: Path | None = None,
) -> ProjectView:
    current, idea, plan = check_new_project(
        session, atlas, title=title, days=days, idea_id=idea_id, data=data, no_data_reason=no_data_reason
    )
    target = (directory or workspace / "projects" / slug(title)).expanduser().absolute()
    _recover_active(session, workspace)
    recover_scaffolds(session, target.parent)
    check_directory(target)
    deadline = rules.deadline_for(now, days)
    project = Project(
        pass_id=current.id,
        title=title.strip(),
        idea_id=idea_id,
        data_source=plan.source if plan.kind != "none" else None,
        no_data_reason=plan.reason,
        directory=str(target),
        started_at=now,
        days=days,
        deadline=deadline,
        status="active",
    )
    session.add(project)
    session.flush()
    record(session, current, "project", now, subject=f"project:{project.id}", reason=plan.reason)
    goal = getattr(idea, "summary", None) or title.strip()
    focus = atlas.focuses.get(current.focus_id or "")
    stack = [p.pip for p in focus.stack] if focus is not None else []
    # Built complete under a temporary name, renamed into place once the record is committed.
    building, files = scaffold.build_scaffold(
        target,
        title=project.title,
        goal=goal,
        deadline=deadline,
        days=days,
        plan=plan,
        stack=stack,
        calendar=project_calendar(
            project_id=project.id,
            title=project.title,
            started=now.date(),
            deadline=deadline,
            now=now,
            alarm=alarm_time(),
        ),
        workspace=workspace,
    )
    _place_after_commit(session, building, target, workspace)
    return _view(session, project, now, files)


def _place_after_commit(session: Session, building: Path, target: Path, workspace: Path) -> None:
    """Rename the built folder into place when the transaction commits; remove it if it rolls back."""
    import shutil

    from sqlalchemy import event

    settled = False

    def placed(_session: Session) -> None:
        nonlocal settled
        if settled:
            return
        settled = True
        try:
            scaffold.place(building, target)
        except OSError:
            return  # the record is committed: the next command's recovery step finishes the move
        scaffold.settle(building, workspace)

    def dropped(_session: Session) -> None:
        nonlocal settled
        if settled:
            return
        settled = True
        shutil.rmtree(building, ignore_errors=True)
        scaffold.settle(building, workspace)

    event.listen(session, "after_commit", placed)
    event.listen(session, "after_rollback", dropped)


def project_status(session: Session, now: datetime, workspace: Path | None = None) -> ProjectView | None:
    """The newest project of this pass; first the recovery step (``workspace``: where builds are noted)."""
    current = current_pass(session)
    if current is None:
        return None
    _recover_active(session, workspace)
    project = session.scalars(select(Project).where(Project.pass_id == current.id).order_by(Project.id.desc())).first()
    return _view(session, project, now) if project else None


def checkin(session: Session, text: str, now: datetime) -> ProjectView:
    project = active_project(session)
    if not text.strip():
        raise UserError("a check-in needs some text: where are you, what is in the way?", field="text")
    session.add(Checkin(project_id=project.id, at=now, text=text.strip()))
    session.flush()
    session.refresh(project)
    return _view(session, project, now)


def _rewrite_calendar(project: Project, now: datetime, sequence: int) -> None:
    if project.directory and Path(project.directory).is_dir():
        (Path(project.directory) / "deadline.ics").write_bytes(
            project_calendar(
                project_id=project.id,
                title=project.title,
                started=local_day(project.started_at, now),
                deadline=project.deadline,
                now=now,
                sequence=sequence,
                alarm=alarm_time(),
            )
        )


def extend(session: Session, days: int, reason: str, now: datetime) -> ProjectView:
    """Slow down: more days, within the 31-day box, with the reason recorded."""
    project = active_project(session)
    if not reason or not reason.strip():
        raise UserError("say why you extend", field="reason")
    total = rules.check_extension(project.days, days, rules.PROJECT_DAYS, "project")
    project.days = total
    project.deadline = rules.deadline_for(project.started_at.astimezone(now.tzinfo), total)
    current = open_pass(session)
    record(session, current, "extend", now, subject=f"project:{project.id}", reason=f"+{days} days: {reason.strip()}")
    session.flush()
    view = _view(session, project, now)
    _rewrite_calendar(project, now, sequence=view.extensions)
    return view


def _end(session: Session, status: str, text: str, now: datetime, missing: str, field: str) -> tuple[Project, Pass]:
    project = active_project(session)
    if not text or not text.strip():
        raise UserError(missing, field=field)
    project.status, project.finished_at, project.summary = status, now, text.strip()
    return project, open_pass(session)


def finish(session: Session, summary: str, now: datetime) -> ProjectView:
    project, current = _end(session, "done", summary, now, "sum up what you built", "summary")
    if rules.is_early(project.deadline, now):
        record(
            session,
            current,
            "early",
            now,
            subject=f"project:{project.id}",
            reason=f"{rules.days_left(project.deadline, now)} day(s) before the deadline",
        )
    elif rules.is_overdue(project.deadline, now):  # finishing late is a slow-down, and recorded as one
        record(
            session,
            current,
            "late",
            now,
            subject=f"project:{project.id}",
            reason=f"{-rules.days_left(project.deadline, now)} day(s) after the deadline",
        )
    record(session, current, "project-done", now, subject=f"project:{project.id}")
    return _view(session, project, now)


def drop(session: Session, reason: str, now: datetime) -> ProjectView:
    project, current = _end(session, "dropped", reason, now, "say why you drop it", "reason")
    record(session, current, "drop", now, subject=f"project:{project.id}", reason=reason.strip())
    return _view(session, project, now)


def calendar_for(session: Session, now: datetime) -> tuple[str, bytes]:
    """The newest project's calendar file (file name, bytes), for download."""
    current = open_pass(session)
    project = session.scalars(select(Project).where(Project.pass_id == current.id).order_by(Project.id.desc())).first()
    if project is None:
        raise UserError("no project in this pass yet")
    extensions = len(
        session.scalars(select(Event.id).where(Event.kind == "extend", Event.subject == f"project:{project.id}")).all()
    )
    return (
        f"{slug(project.title)}-deadline.ics",
        project_calendar(
            project_id=project.id,
            title=project.title,
            started=local_day(project.started_at, now),
            deadline=project.deadline,
            now=now,
            sequence=extensions,
            alarm=alarm_time(),
        ),
    )
