"""Step 4: one time-boxed project: create (no data, no project), check in, extend, finish, drop, .ics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import Atlas, PageRouter, ReadSession, WriteSession
from learnloop.web.forms import optional
from learnloop.web.jobs import Job, ProgressFn
from learnloop.web.render import page, render, server_of

if TYPE_CHECKING:
    from learnloop.web.app import Server

router = PageRouter()

NOTICES = {
    "started": "Project started: its folder is scaffolded and the deadline is a calendar file.",
    "checked": "Checked in.",
    "extended": "Deadline moved; your reason is recorded as a slow-down.",
    "done": "Project done. Back on the home page, move on to step 5.",
    "dropped": "Project dropped.",
}


@router.get("/project", response_class=HTMLResponse)
def project_page(
    request: Request, session: ReadSession, atlas: Atlas, notice: str | None = None, again: str | None = None
) -> HTMLResponse:
    from learnloop.loop.passes import current_pass, status
    from learnloop.loop.projects import project_status
    from learnloop.loop.rules import step
    from learnloop.web.actions import next_action

    current = current_pass(session)
    now = config.now()
    view = project_status(session, now)
    focus = atlas.focuses.get(current.focus_id) if current and current.focus_id else None
    tables = sorted((d for d in atlas.datasets.values()), key=lambda d: d.name.lower())
    server = server_of(request)
    response = render(
        request,
        "project.html",
        {
            "project": view,
            "current": current,
            "focus": focus,
            "datasets": tables,
            "ideas": list(focus.ideas) if focus else [],
            "notice": NOTICES.get(notice or ""),
            "workspace": server.settings.workspace,
            "roots": [str(r) for r in server.roots],
            "step_name": step(current.step).name if current else "",
            "action": next_action(status(session, now, atlas=atlas)),  # the coach's next action, in the page's words
        },
    )
    if again:  # back from a refused project job: the form holds what was typed, the message beside its field
        job = _job(server, again)
        if job is not None and job.state == "failed" and job.typed:
            from learnloop.web.drafts import fill_form

            filled = fill_form(bytes(response.body).decode(), "/project", job.typed, job.error_field, job.error or "")
            if filled is not None:
                return page(request, filled, 400)
    return response


def _job(server: Server, job_id: str) -> Job | None:
    try:
        return server.jobs.get(job_id, "project")
    except UserError:
        return None


@router.post("/project")
def create(
    request: Request,
    atlas: Atlas,
    title: Annotated[str, Form()] = "",
    days: Annotated[int, Form()] = 14,
    idea: Annotated[str, Form()] = "",
    dataset: Annotated[str, Form()] = "",
    data_path: Annotated[str, Form()] = "",
    no_data_yet: Annotated[bool, Form()] = False,
    reason: Annotated[str, Form()] = "",
    folder: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Check the form, then scaffold in a job (folders, files, git): the request never waits on the disk."""
    from learnloop.web.routes.study import allowed_folder, allowed_path

    server = server_of(request)
    if optional(data_path) and optional(dataset):
        raise UserError("choose a data set from the map or give a file path, not both", field="data_path")
    data_file = allowed_path(data_path, server.roots, field="data_path") if optional(data_path) else None
    data = str(data_file) if data_file else optional(dataset)
    if no_data_yet and data:
        raise UserError("you gave data and ticked 'no data yet'; choose one", field="no_data_yet")
    if no_data_yet and not optional(reason):
        raise UserError("say why there is no data yet", field="reason")
    directory = allowed_folder(folder, server.roots, field="folder", must_exist=False) if optional(folder) else None
    store, workspace, now = server.store, server.settings.workspace, config.now()
    no_data_reason = optional(reason) if no_data_yet else None
    _check(
        server,
        atlas,
        title=title,
        days=days,
        idea_id=optional(idea),
        data=data,
        no_data_reason=no_data_reason,
        data_field="data_path" if data_file else "dataset",
    )

    def work(progress: ProgressFn) -> dict[str, object]:
        from learnloop.loop.projects import new_project

        progress(0, 1, "scaffolding the project folder")
        with store.session() as session:
            view = new_project(
                session,
                atlas,
                title=title,
                days=days,
                now=now,
                workspace=workspace,
                idea_id=optional(idea),
                data=data,
                no_data_reason=no_data_reason,
                directory=directory,
            )
        return {"project": view}

    job = server.jobs.submit("project", f"Project: {title.strip()[:80]}", work, back="/project")
    job.typed = dict(request.state.typed)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _check(server: Server, atlas: Atlas, *, data_field: str, **form: object) -> None:
    """The loop's own checks of a new project (the ones the job runs again), answered in the request so a refused
    form comes back at once with what was typed; the loop's "data" is the form's data set or file field."""
    from learnloop.loop.projects import check_new_project

    try:
        with server.store.read() as session:
            check_new_project(session, atlas, **form)  # type: ignore[arg-type]
    except UserError as exc:
        if exc.field == "data":
            exc.field = data_field
        raise


@router.post("/project/checkin")
def check_in(session: WriteSession, text: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.projects import checkin

    checkin(session, text, config.now())
    return RedirectResponse("/project?notice=checked", status_code=303)


@router.post("/project/extend")
def extend(
    session: WriteSession, days: Annotated[int, Form()], reason: Annotated[str, Form()] = ""
) -> RedirectResponse:
    from learnloop.loop.projects import extend as extend_project

    extend_project(session, days, reason, config.now())
    return RedirectResponse("/project?notice=extended", status_code=303)


@router.post("/project/done")
def done(session: WriteSession, summary: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.projects import finish

    finish(session, summary, config.now())
    return RedirectResponse("/project?notice=done", status_code=303)


@router.post("/project/drop")
def drop(session: WriteSession, reason: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.projects import drop as drop_project

    drop_project(session, reason, config.now())
    return RedirectResponse("/project?notice=dropped", status_code=303)


@router.get("/project/deadline.ics")
def calendar(session: ReadSession) -> Response:
    from learnloop.loop.projects import calendar_for

    name, data = calendar_for(session, config.now())
    return Response(
        data,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
