"""A teacher's pages: their classes, a new class, invite codes, the roster, the class view (their home), a
student's loop read-only, the CSV export, removing a student and resetting a student's password.

Every page depends on :func:`~learnloop.web.deps.require_teacher` (a student gets 404, as for any page that is
not there) and reads through the classroom functions, which refuse a class or a student that is not this
teacher's with ``NotFound`` (404 too): ids say nothing about what exists.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.errors import NotFound, UserError
from learnloop.web.deps import PageRouter, Teacher
from learnloop.web.render import render, server_of

router = PageRouter()

SORT_WORDS = {
    "stuck": "stuck first",
    "name": "name",
    "step": "step",
    "days_in_step": "days in step",
    "last_activity": "last active",
    "deadline": "deadline",
}
STUCK_WORDS = {  # how the page words each reason the class view gives
    "over_box": "longer in this step than its box",
    "project_overdue": "project overdue",
    "gap_overdue": "gap's box is over",
    "inactive": "inactive",
}
NOTICES = {
    "created": "Class created. Make an invite code and give it to your students, or upload your roster.",
    "removed": "Student removed from the class (their account and records stay theirs).",
    "imported": "Roster imported: those students join with the class code and their email.",
    "settings": "Saved: the class view marks a student stuck after that many days without activity.",
}
MAX_ROSTER_BYTES = 1024 * 1024


def _classes_page(request: Request, teacher: Any, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    from learnloop.classroom.classes import classes_of

    with server_of(request).store.across_learners() as session:
        classes = classes_of(session, teacher)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(
        request, "classroom/classes.html", {"classes": classes, "notice": notice, "error": error}, status=status
    )


@router.get("/classes", response_class=HTMLResponse)
def classes_page(request: Request, teacher: Teacher) -> HTMLResponse:
    return _classes_page(request, teacher)


@router.post("/classes")
def create(request: Request, teacher: Teacher, name: Annotated[str, Form()] = "") -> Response:
    from learnloop.classroom.classes import create_class

    try:
        with server_of(request).store.across_learners() as session:
            classroom = create_class(session, teacher, name, config.now())
            classroom_id = classroom.id
    except UserError as exc:
        return _classes_page(request, teacher, error=str(exc), status=exc.http_status)
    return RedirectResponse(f"/classes/{classroom_id}?notice=created", status_code=303)


def _view(session: Any, teacher: Any, classroom_id: int, request: Request) -> Any:
    from learnloop.classroom.view import SORTS, class_view

    sort = request.query_params.get("sort", "stuck")
    step = request.query_params.get("step", "")
    return class_view(
        session,
        teacher,
        classroom_id,
        config.now(),
        sort=sort if sort in SORTS else "stuck",
        step=int(step) if step.lstrip("-").isdigit() and len(step) <= 2 else None,
        stuck_only=request.query_params.get("stuck") == "1",
    )


def _class_page(
    request: Request,
    teacher: Any,
    classroom_id: int,
    *,
    invite: Any = None,
    reset: Any = None,
    error: str | None = None,
    field: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    with server_of(request).store.across_learners() as session:
        view = _view(session, teacher, classroom_id, request)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(
        request,
        "classroom/class.html",
        {
            "view": view,
            "classroom_id": classroom_id,
            "sort": request.query_params.get("sort", "stuck"),
            "step_filter": request.query_params.get("step", ""),
            "sorts": SORT_WORDS,
            "stuck_words": STUCK_WORDS,
            "invite": invite,
            "reset": reset,
            "notice": notice,
            "error": error,
            "field": field,
        },
        status=status,
    )


@router.get("/classes/{classroom_id}", response_class=HTMLResponse)
def class_page(request: Request, teacher: Teacher, classroom_id: int) -> HTMLResponse:
    """The class view: one row per student, stuck ones first, a funnel of how many are at each step."""
    return _class_page(request, teacher, classroom_id)


@router.get("/classes/{classroom_id}/export.csv")
def export_csv(request: Request, teacher: Teacher, classroom_id: int) -> Response:
    from learnloop.classroom.view import class_view_csv

    with server_of(request).store.across_learners() as session:
        view = _view(session, teacher, classroom_id, request)
    stamp = config.now().strftime("%Y-%m-%d")
    return Response(
        class_view_csv(view).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="class-{classroom_id}-{stamp}.csv"'},
    )


@router.post("/classes/{classroom_id}/invite")
def invite(request: Request, teacher: Teacher, classroom_id: int, days: Annotated[str, Form()] = "14") -> Response:
    """A new code, shown on this page once (only its digest is kept), with its expiry."""
    from learnloop.classroom.classes import make_invite, teacher_class

    if not days.strip().isdigit():
        return _class_page(request, teacher, classroom_id, error="days: give a whole number", field="days", status=400)
    try:
        with server_of(request).store.across_learners() as session:
            classroom = teacher_class(session, teacher, classroom_id)
            made = make_invite(session, classroom, int(days), config.now(), created_by=teacher.id)
    except NotFound:
        raise
    except UserError as exc:
        return _class_page(request, teacher, classroom_id, error=str(exc), field=exc.field, status=exc.http_status)
    return _class_page(request, teacher, classroom_id, invite=made)


@router.post("/classes/{classroom_id}/settings")
def settings(
    request: Request, teacher: Teacher, classroom_id: int, inactive_days: Annotated[str, Form()] = ""
) -> Response:
    """The class's own rule: after how many days without activity a student shows as stuck."""
    from learnloop.classroom.classes import set_inactive_days

    if not inactive_days.strip().isdigit():
        return _class_page(
            request,
            teacher,
            classroom_id,
            error="inactive after: give a whole number of days",
            field="inactive_days",
            status=400,
        )
    try:
        with server_of(request).store.across_learners() as session:
            set_inactive_days(session, teacher, classroom_id, int(inactive_days))
    except NotFound:
        raise
    except UserError as exc:
        return _class_page(
            request, teacher, classroom_id, error=str(exc), field="inactive_days", status=exc.http_status
        )
    return RedirectResponse(f"/classes/{classroom_id}?notice=settings", status_code=303)


@router.post("/classes/{classroom_id}/roster")
async def roster(
    request: Request, teacher: Teacher, classroom_id: int, upload: Annotated[UploadFile | None, File()] = None
) -> Response:
    """A CSV of name,email: all of it or nothing; each bad row refused with its line number."""
    from fastapi.concurrency import run_in_threadpool

    if upload is None or not upload.filename:
        return _class_page(
            request,
            teacher,
            classroom_id,
            error="choose the roster's .csv file (name,email per line)",
            field="roster",
            status=400,
        )
    data = await upload.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        return _class_page(
            request, teacher, classroom_id, error="the roster is larger than 1 MB", field="roster", status=413
        )
    return await run_in_threadpool(_import, request, teacher, classroom_id, data)


def _import(request: Request, teacher: Any, classroom_id: int, data: bytes) -> Response:
    from learnloop.classroom.classes import teacher_class
    from learnloop.classroom.roster import import_roster

    try:
        with server_of(request).store.across_learners() as session:
            classroom = teacher_class(session, teacher, classroom_id)
            import_roster(session, classroom, data, config.now())
    except NotFound:
        raise
    except UserError as exc:
        return _class_page(request, teacher, classroom_id, error=str(exc), field="roster", status=exc.http_status)
    return RedirectResponse(f"/classes/{classroom_id}?notice=imported", status_code=303)


def _student_of(session: Any, teacher: Any, classroom_id: int, student_id: int) -> Any:
    from learnloop.classroom.classes import students_of

    for student in students_of(session, teacher, classroom_id):
        if student.id == student_id:
            return student
    raise NotFound("student", str(student_id))


@router.get("/classes/{classroom_id}/students/{student_id}", response_class=HTMLResponse)
def student_page(request: Request, teacher: Teacher, classroom_id: int, student_id: int) -> HTMLResponse:
    """A student's loop as the teacher sees it: read-only (no form here writes the student's records); notes
    and retrospectives only of the passes the student shared."""
    from learnloop.classroom.view import student_loop

    with server_of(request).store.across_learners() as session:
        seen = student_loop(session, teacher, classroom_id, student_id, config.now())
    return render(request, "classroom/student.html", {"student": seen, "classroom_id": classroom_id})


@router.post("/classes/{classroom_id}/students/{student_id}/remove")
def remove(request: Request, teacher: Teacher, classroom_id: int, student_id: int) -> RedirectResponse:
    from learnloop.classroom.classes import remove_student

    with server_of(request).store.across_learners() as session:
        remove_student(session, teacher, classroom_id, student_id)
    return RedirectResponse(f"/classes/{classroom_id}?notice=removed", status_code=303)


@router.post("/classes/{classroom_id}/students/{student_id}/password")
def reset(request: Request, teacher: Teacher, classroom_id: int, student_id: int) -> HTMLResponse:
    """A new password for the student, made here and shown once, to hand over; their browsers are signed out."""
    from learnloop.classroom.accounts import reset_password

    new = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    with server_of(request).store.across_learners() as session:
        student = _student_of(session, teacher, classroom_id, student_id)
        done = reset_password(session, teacher, student.id, new)
    return _class_page(
        request, teacher, classroom_id, reset={"login": done.login, "name": student.name, "password": new}
    )
