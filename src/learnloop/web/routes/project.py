"""Step 4: one time-boxed project: create (no data, no project), check in, extend, finish, drop, .ics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import Atlas, PageRouter, ReadSession, WriteSession
from learnloop.web.forms import optional
from learnloop.web.render import render, server_of

router = PageRouter()

NOTICES = {"started": "Project started: its folder is scaffolded and the deadline is a calendar file.",
           "checked": "Checked in.", "extended": "Deadline moved; your reason is recorded as a slow-down.",
           "done": "Project done. Back on the home page, move on to step 5.", "dropped": "Project dropped."}


@router.get("/project", response_class=HTMLResponse)
def project_page(request: Request, session: ReadSession, atlas: Atlas, notice: str | None = None) -> HTMLResponse:
    from learnloop.loop.passes import current_pass
    from learnloop.loop.projects import project_status

    current = current_pass(session)
    view = project_status(session, config.now())
    focus = atlas.focuses.get(current.focus_id) if current and current.focus_id else None
    tables = sorted((d for d in atlas.datasets.values()), key=lambda d: d.name.lower())
    return render(request, "project.html", {
        "project": view, "current": current, "focus": focus, "datasets": tables,
        "ideas": list(focus.ideas) if focus else [], "notice": NOTICES.get(notice or ""),
        "workspace": server_of(request).settings.workspace,
    })


@router.post("/project")
def create(request: Request, session: WriteSession, atlas: Atlas,
           title: Annotated[str, Form()] = "", days: Annotated[int, Form()] = 14,
           idea: Annotated[str, Form()] = "", dataset: Annotated[str, Form()] = "",
           data_path: Annotated[str, Form()] = "", no_data_yet: Annotated[bool, Form()] = False,
           reason: Annotated[str, Form()] = "", folder: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.projects import new_project

    data = optional(data_path) or optional(dataset)
    if optional(data_path) and optional(dataset):
        raise UserError("choose a data set from the map or give a file path, not both")
    if no_data_yet and data:
        raise UserError("you gave data and ticked 'no data yet'; choose one")
    if no_data_yet and not optional(reason):
        raise UserError("say why there is no data yet")
    new_project(session, atlas, title=title, days=days, now=config.now(),
                workspace=server_of(request).settings.workspace, idea_id=optional(idea), data=data,
                no_data_reason=optional(reason) if no_data_yet else None,
                directory=Path(folder.strip()) if optional(folder) else None)
    return RedirectResponse("/project?notice=started", status_code=303)


@router.post("/project/checkin")
def check_in(session: WriteSession, text: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.projects import checkin

    checkin(session, text, config.now())
    return RedirectResponse("/project?notice=checked", status_code=303)


@router.post("/project/extend")
def extend(session: WriteSession, days: Annotated[int, Form()], reason: Annotated[str, Form()] = "") \
        -> RedirectResponse:
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
    return Response(data, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
