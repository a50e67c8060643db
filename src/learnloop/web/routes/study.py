"""Step 1: the reference project, the three lists of notes, and a study of a local repository."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import Atlas, PageRouter, ReadSession, WriteSession
from learnloop.web.render import render, server_of

router = PageRouter()

NOTICES = {
    "referenced": "Reference recorded for this pass.",
    "noted": "Noted.",
    "changed": "Changed.",
    "deleted": "Deleted.",
}


@router.get("/study", response_class=HTMLResponse)
def study_page(request: Request, session: ReadSession, atlas: Atlas, notice: str | None = None) -> HTMLResponse:
    from learnloop.loop.corrections import past_notes
    from learnloop.loop.notes import HEADINGS, notes
    from learnloop.loop.passes import current_pass
    from learnloop.loop.references import references, suggestions

    current = current_pass(session)
    focus_id = current.focus_id if current else None
    server = server_of(request)
    return render(
        request,
        "study.html",
        {
            "current": current,
            "references": references(session),
            "suggestions": suggestions(atlas, focus_id),
            "notes": notes(session),
            "headings": HEADINGS,
            "notice": NOTICES.get(notice or ""),
            "past": past_notes(session),
            "recent": server.jobs.recent("study")[:5],
            "roots": [str(r) for r in server.roots],
        },
    )


@router.post("/reference")
def add_reference(
    session: WriteSession, source: Annotated[str, Form()] = "", why: Annotated[str, Form()] = ""
) -> RedirectResponse:
    from learnloop.loop.references import add_reference as add

    add(session, source, why, config.now())
    return RedirectResponse("/study?notice=referenced#reference", status_code=303)


@router.post("/reference/{reference_id}/edit")
def edit_reference(
    session: WriteSession, reference_id: int, source: Annotated[str, Form()] = "", why: Annotated[str, Form()] = ""
) -> RedirectResponse:
    from learnloop.loop.corrections import edit_reference as edit

    edit(session, reference_id, source, why, config.now())
    return RedirectResponse("/study?notice=changed#reference", status_code=303)


@router.post("/reference/{reference_id}/delete")
def delete_reference(session: WriteSession, reference_id: int) -> RedirectResponse:
    from learnloop.loop.corrections import delete_reference as delete

    delete(session, reference_id, config.now())
    return RedirectResponse("/study?notice=deleted#reference", status_code=303)


@router.post("/notes")
def add_note(
    session: WriteSession, text: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "pattern"
) -> RedirectResponse:
    from learnloop.loop.notes import add_note as add

    add(session, text, kind, config.now())
    return RedirectResponse("/study?notice=noted#notes", status_code=303)


@router.post("/notes/{note_id}/edit")
def edit_note(
    session: WriteSession, note_id: int, text: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "pattern"
) -> RedirectResponse:
    from learnloop.loop.corrections import edit_note as edit

    edit(session, note_id, text, kind, config.now())
    return RedirectResponse("/study?notice=changed#notes", status_code=303)


@router.post("/notes/{note_id}/delete")
def delete_note(session: WriteSession, note_id: int) -> RedirectResponse:
    from learnloop.loop.corrections import delete_note as delete

    delete(session, note_id, config.now())
    return RedirectResponse("/study?notice=deleted#notes", status_code=303)


def allowed_folder(text: str, roots: tuple[Path, ...], field: str = "path", *, must_exist: bool = True) -> Path:
    """A folder under one of the allowed roots. A relative path is taken inside the first root (the workspace).

    Nothing outside the roots is looked at: the same words answer whether such a path exists or not.
    """
    typed = text.strip()
    if not typed:
        raise UserError(f"give the path of a folder under {roots[0]}", field=field)
    if "\x00" in typed:
        raise UserError("the path holds a NUL byte", field=field)
    path = Path(typed).expanduser()
    if not path.is_absolute():
        path = roots[0] / path
    resolved = Path(os.path.realpath(path))
    inside = [r for r in roots if _within(resolved, Path(os.path.realpath(r)))]
    if not inside:
        raise UserError(
            f"the page can only read folders under {', '.join(str(r) for r in roots)}; "
            "start the server with --root FOLDER to allow another",
            field=field,
        )
    if must_exist and not resolved.is_dir():
        raise UserError(f"{resolved} is not a folder under {inside[0]}", field=field)
    return resolved


def allowed_path(text: str, roots: tuple[Path, ...], field: str) -> Path:
    """A file or folder that exists under one of the allowed roots (same rules as :func:`allowed_folder`)."""
    path = allowed_folder(text, roots, field, must_exist=False)
    if not path.exists():
        raise UserError(f"nothing is at {path}", field=field)
    return path


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


_REMOTE = re.compile(
    r"^(?:[a-z]+://|[\w.-]+@[\w.-]+:|(?:www\.)?github\.com/|[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9_.-]+$)"
)


def study_params(text: str, roots: tuple[Path, ...]) -> dict[str, str]:
    """What the study form names: a folder under the roots (it wins), or a repository address to clone
    (``OWNER/NAME``, a GitHub page, a git URL; a ``file://`` one only under the roots, like a folder)."""
    from learnloop.study.address import parse_address

    typed = text.strip()
    try:
        return {"folder": str(allowed_folder(typed, roots))}
    except UserError as refused:
        if not _REMOTE.match(typed) or typed.startswith(("/", ".", "~")):
            raise refused from None
    if typed.startswith("file://"):  # the same boundary as a folder, with the same words, before looking at it
        allowed_folder(typed.removeprefix("file://").removeprefix("localhost"), roots)
    try:
        address = parse_address(typed) if "://" in typed or typed.count("/") == 1 or "@" in typed else None
    except UserError as exc:
        raise UserError(exc.message, hint=exc.hint, field="path") from None
    if address is None or address.kind != "git":
        raise UserError(f"{typed}: neither a folder under {roots[0]} nor a repository address", field="path")
    return {"address": typed, "name": address.name}


@router.post("/study")
def start_study(
    request: Request, path: Annotated[str, Form()] = "", notes: Annotated[bool, Form()] = False
) -> RedirectResponse:
    server = server_of(request)
    params: dict[str, object] = {**study_params(path, server.roots), "notes": notes}
    name = params.get("name") or Path(str(params["folder"])).name
    job = server.jobs.submit("study", f"Study of {name}", back="/study#study", params=params)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
