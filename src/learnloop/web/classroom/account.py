"""A signed-in learner's own account: change the password, download or delete everything they recorded."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import SESSION_COOKIE, PageRouter, SignedIn
from learnloop.web.render import render, server_of

router = PageRouter()

NOTICES = {
    "joined": "You joined the class: your teacher now sees your progress.",
    "password": "Password changed; your other browsers were signed out.",
}


def _page(
    request: Request, me: object, *, error: str | None = None, field: str | None = None, status: int = 200
) -> HTMLResponse:
    from learnloop.classroom.classes import classes_joined

    with server_of(request).store.across_learners() as session:
        classes = classes_joined(session, me)  # type: ignore[arg-type]
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(
        request,
        "classroom/account.html",
        {"me": me, "classes": classes, "notice": notice, "error": error, "field": field},
        status=status,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, me: SignedIn) -> HTMLResponse:
    return _page(request, me)


@router.post("/account/password")
def change_password(
    request: Request,
    me: SignedIn,
    old_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    from learnloop.classroom import accounts
    from learnloop.store.models import Learner

    try:
        with server_of(request).store.across_learners() as session:
            learner = session.get(Learner, me.id)
            assert learner is not None  # the session that named them holds a reference to the row
            accounts.change_password(
                session, learner, old_password, new_password, keep_token=request.cookies.get(SESSION_COOKIE)
            )
    except UserError as exc:
        return _page(request, me, error=str(exc), field=exc.field, status=exc.http_status)
    return RedirectResponse("/account?notice=password", status_code=303)


@router.get("/account/export")
def export(request: Request, me: SignedIn) -> Response:
    """Everything the server holds of the learner (their records and their account), as one JSON file; the
    records part loads into a laptop's home with `learnloop import`."""
    import json

    from learnloop.classroom.accounts import export_own_data
    from learnloop.store.models import Learner

    with server_of(request).store.read() as session:  # the learner's own session (server_of scopes it)
        learner = session.get(Learner, me.id)
        assert learner is not None
        data = export_own_data(session, learner)
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    stamp = config.now().strftime("%Y-%m-%d")
    return Response(
        text.encode(),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="learnloop-{me.login}-{stamp}.json"'},
    )


@router.post("/account/delete")
def delete_account(request: Request, me: SignedIn, password: Annotated[str, Form()] = "") -> Response:
    """Everything the learner recorded, their memberships and their account: gone in one transaction (the
    password confirms it)."""
    from learnloop.classroom.accounts import delete_own_account
    from learnloop.store.models import Learner

    try:
        with server_of(request).store.across_learners() as session:
            learner = session.get(Learner, me.id)
            assert learner is not None
            delete_own_account(session, learner, password or None)
    except UserError as exc:
        return _page(request, me, error=str(exc), field=exc.field, status=exc.http_status)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
