"""Signing in and out of a class server, and joining a class with the code the teacher gave.

The session cookie holds a random token; the server keeps only its digest (``web_sessions``), so signing
out (or a password reset) ends it in every server process at once. The cookie is HttpOnly, SameSite=Lax,
and Secure when the request came over HTTPS (as uvicorn sees it, a trusted proxy's X-Forwarded-Proto
included) or when the server was started with ``--behind-tls``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.errors import UserError
from learnloop.web.deps import SESSION_COOKIE, PageRouter, current_learner
from learnloop.web.render import render, server_of

router = PageRouter()


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//other.site`` or a full URL)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return "/"
    if value.startswith(("/login", "/logout")):
        return "/"
    return value


def secure_cookie(request: Request) -> bool:
    return server_of(request).options.behind_tls or request.url.scheme == "https"


def signed_in(request: Request, token: str, to: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=None,  # a browser session; the server's row expires it too
        httponly=True,
        samesite="lax",
        secure=secure_cookie(request),
        path="/",
    )
    return response


def address_of(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    if current_learner(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "classroom/login.html", {"next": safe_next(next), "login": "", "field": None})


@router.post("/login")
def login(
    request: Request,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password (rate-limited per account and per address, across processes), then open a session."""
    from learnloop.classroom.accounts import TooManyAttempts, authenticate, open_web_session

    now = config.now()
    store = server_of(request).store
    try:
        with store.across_learners() as session:
            learner = authenticate(session, login, password, address_of(request), now)
            token = open_web_session(session, learner.id, now)
            role = learner.role
    except UserError as exc:
        response = render(
            request,
            "classroom/login.html",
            {"next": safe_next(next), "login": login[:120], "error": str(exc), "field": exc.field},
            status=exc.http_status,
        )
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    to = safe_next(next)
    if to == "/" and role in ("teacher", "admin"):
        to = "/classes"
    return signed_in(request, token, to)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    from learnloop.classroom.accounts import close_web_session

    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with server_of(request).store.across_learners() as session:
            close_web_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookie(request))
    return response


@router.get("/join", response_class=HTMLResponse)
def join_page(request: Request, code: str | None = None) -> HTMLResponse:
    learner = current_learner(request)
    return render(
        request,
        "classroom/join.html",
        {"code": (code or "")[:64], "me": learner, "typed": {"name": "", "login": "", "email": ""}, "field": None},
    )


@router.post("/join")
def join(
    request: Request,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    login: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Join a class with its code: a signed-in student just joins; someone new (or a student the teacher put on
    the roster, who has no password yet) gets an account and joins in one transaction (a wrong code makes no
    account), then is signed in."""
    from learnloop.classroom.accounts import open_web_session
    from learnloop.classroom.classes import enrol_with_code, join_with_code
    from learnloop.store.models import Learner

    now = config.now()
    me = current_learner(request)
    token = None
    try:
        with server_of(request).store.across_learners() as session:
            if me is not None:
                learner = session.get(Learner, me.id)
                if learner is None:  # the account was deleted meanwhile
                    raise UserError("your account is gone; sign in again")
                join_with_code(session, learner, code, now)
            else:
                enrolment = enrol_with_code(
                    session, code, name=name, email=email, password=password, now=now, login=login.strip() or None
                )
                token = open_web_session(session, enrolment.learner.id, now)
    except UserError as exc:
        return render(
            request,
            "classroom/join.html",
            {
                "code": code[:64],
                "me": me,
                "typed": {"name": name[:200], "login": login[:120], "email": email[:320]},
                "error": str(exc),
                "field": exc.field,
            },
            status=exc.http_status,
        )
    if token is not None:
        return signed_in(request, token, "/?notice=joined")
    return RedirectResponse("/account?notice=joined", status_code=303)
