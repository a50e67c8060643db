"""Step 1: the reference project, the three lists of notes, and a study of a local repository."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import Atlas, PageRouter, ReadSession, WriteSession
from learnloop.web.jobs import ProgressFn
from learnloop.web.render import render, server_of

router = PageRouter()

NOTICES = {"referenced": "Reference recorded for this pass.", "noted": "Noted."}
PHASES = {"scanning": "listing files", "reading": "reading files", "linking": "linking imports"}


@router.get("/study", response_class=HTMLResponse)
def study_page(request: Request, session: ReadSession, atlas: Atlas, notice: str | None = None) -> HTMLResponse:
    from learnloop.loop.notes import HEADINGS, notes
    from learnloop.loop.passes import current_pass
    from learnloop.loop.references import references, suggestions

    current = current_pass(session)
    focus_id = current.focus_id if current else None
    return render(request, "study.html", {
        "current": current, "references": references(session), "suggestions": suggestions(atlas, focus_id),
        "notes": notes(session), "headings": HEADINGS, "notice": NOTICES.get(notice or ""),
        "recent": server_of(request).jobs.recent("study")[:5],
    })


@router.post("/reference")
def add_reference(session: WriteSession, source: Annotated[str, Form()] = "",
                  why: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.references import add_reference as add

    add(session, source, why, config.now())
    return RedirectResponse("/study?notice=referenced#reference", status_code=303)


@router.post("/notes")
def add_note(session: WriteSession, text: Annotated[str, Form()] = "",
             kind: Annotated[str, Form()] = "pattern") -> RedirectResponse:
    from learnloop.loop.notes import add_note as add

    add(session, text, kind, config.now())
    return RedirectResponse("/study?notice=noted#notes", status_code=303)


def study_folder(text: str) -> Path:
    """The web studies folders on this machine only: it must exist and be a directory."""
    if not text.strip():
        raise UserError("give the path of a folder on this machine, e.g. /home/me/code/pygcn")
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        raise UserError(f"{text.strip()!r} is not an absolute path; give the full path of the folder")
    if not path.exists():
        raise UserError(f"{path} does not exist")
    if not path.is_dir():
        raise UserError(f"{path} is not a folder; give the repository's folder")
    return path.resolve()


@router.post("/study")
def start_study(request: Request, path: Annotated[str, Form()] = "") -> RedirectResponse:
    server = server_of(request)
    folder = study_folder(path)
    atlas = server.atlas()
    pictures = server.pictures
    picture_name = f"graph-{secrets.token_hex(8)}.png"

    def work(progress: ProgressFn) -> dict[str, Any]:
        from learnloop.study.picture import draw_graph
        from learnloop.study.survey import study_repository

        def report_progress(phase: str, done: int, total: int) -> None:
            progress(done, total, PHASES.get(phase, phase))

        report = study_repository(folder, atlas=atlas, progress=report_progress)
        progress(1, 1, "drawing the import graph")
        picture = None
        if report.graph.nodes:
            draw_graph(report, pictures.path_for(picture_name))
            picture = picture_name
        return {"report": report, "picture": picture, "folder": str(folder)}

    job = server.jobs.submit("study", f"Study of {folder.name}", work, back="/study#study")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
