"""What routes depend on: the server, the store, a read or write session, and the CSRF check."""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from learnloop import config
from learnloop.errors import NotFound, UserError
from learnloop.web.render import CSRF_COOKIE, server_of, sign

if TYPE_CHECKING:
    from learnloop.store.db import Store
    from learnloop.store.models import Learner

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class FormExpired(UserError):
    """A form without a valid CSRF token: stale page, lost cookie, or another site posting here."""

    http_status = 403


def get_store(request: Request) -> Store:
    return server_of(request).store


def get_atlas(request: Request) -> Any:
    return server_of(request).atlas()


SESSION_COOKIE = "learnloop_session"


class SignInNeeded(Exception):
    """A class server's page asked for without a live session: the browser is sent to the sign-in page."""


def is_class(request: Request) -> bool:
    return server_of(request).options.class_mode


def current_learner(request: Request) -> Learner | None:
    """The signed-in learner of a class server (None when signed out), looked up once per request; on a
    laptop's server there is no sign-in and this is None too (its pages serve the one local learner)."""
    if "learner" in request.state._state:
        return request.state.learner
    learner = None
    token = request.cookies.get(SESSION_COOKIE, "")
    if is_class(request) and token and len(token) <= 200:
        from learnloop.classroom.accounts import learner_of_session

        with server_of(request).store.read(None) as session:  # type: ignore[arg-type]  # unscoped: people tables
            learner = learner_of_session(session, token, config.now())
            if learner is not None:
                session.expunge(learner)
    request.state.learner = learner
    if learner is not None:
        request.state.learner_id = learner.id
    return learner


def learner_id_of(request: Request) -> int:
    """THE one place that says whose records a request reads and writes: the signed-in learner on a class
    server (no one signed in: :class:`SignInNeeded`), the laptop's one local learner otherwise."""
    from learnloop.store.models import LOCAL_LEARNER_ID

    if not is_class(request):
        return LOCAL_LEARNER_ID
    learner = current_learner(request)
    if learner is None:
        raise SignInNeeded()
    return learner.id


def require_learner(request: Request) -> Learner | None:
    """What every learner page of a class server depends on (create_app adds it to their routers)."""
    learner_id_of(request)
    return current_learner(request)


def require_teacher(request: Request) -> Learner:
    """A teacher's page: signed in as a teacher (or admin). Anyone else is told there is no such page (404),
    so the teacher pages' ids say nothing to a student."""
    learner_id_of(request)
    learner = current_learner(request)
    if learner is None or learner.role not in ("teacher", "admin"):
        raise NotFound("page", request.url.path)
    return learner


def read_session(request: Request) -> Iterator[Session]:
    """A read-only view for GET pages, scoped to the request's learner: never a write transaction."""
    with server_of(request).store.read(learner_id_of(request)) as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    """One write transaction for one POST, scoped to the request's learner: committed when the route returns,
    rolled back if it raises."""
    with server_of(request).store.session(learner_id_of(request)) as session:
        yield session


def across_learners(request: Request) -> Iterator[Session]:
    """The class pages' transaction over the people tables; the classroom functions it is handed to name the
    learners they read (a teacher's own classes only)."""
    with server_of(request).store.across_learners() as session:
        yield session


async def check_csrf(request: Request) -> None:
    """Every POST carries the token of the page it came from; anything else is refused, nothing done."""
    if request.method in SAFE_METHODS:
        return
    secret = request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    token = form.get("csrf")
    if (
        not secret
        or not isinstance(token, str)
        or not hmac.compare_digest(sign(server_of(request).csrf_key, secret), token)
    ):
        raise FormExpired("this form has expired or came from another site; reload the page and try again")
    typed = {k: v for k, v in form.multi_items() if isinstance(v, str) and k not in ("csrf", "nonce")}
    request.state.typed = typed
    check_text(typed)
    nonce = form.get("nonce")
    if isinstance(nonce, str):
        server_of(request).nonces.claim(request, nonce)


def check_text(fields: dict[str, str]) -> None:
    """Refuse what the page's own limits refuse (a form sent by hand can skip them): NUL bytes, long text."""
    from learnloop.web.forms import limit_of

    for name, value in fields.items():
        if "\x00" in value:
            raise UserError(f"{name.replace('_', ' ')} holds a NUL byte; type plain text", field=name)
        limit = limit_of(name)
        if len(value) > limit:
            raise UserError(
                f"{name.replace('_', ' ')} is {len(value):,} characters long; the limit is {limit:,}", field=name
            )


class PageRouter(APIRouter):
    """The routers of the pages: every route that takes a form (POST) checks the CSRF token first.

    GET routes skip the check entirely, so the pages read most often pay nothing for it.
    """

    def post(self, path: str, **kwargs: Any) -> Any:
        kwargs["dependencies"] = [Depends(check_csrf), *kwargs.get("dependencies", ())]
        return super().post(path, **kwargs)


class TokenRefused(Exception):
    """A JSON API call without a live token: answered 401 with one JSON line, nothing done."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def token_digest(token: str) -> str:
    """What the server keeps of a token (cookie or sync token): its SHA-256, never the token itself."""
    import hashlib

    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_token(request: Request) -> int:
    """The JSON API's guard: ``Authorization: Bearer TOKEN`` names a live (not revoked) access token; the
    learner it belongs to goes to ``request.state.learner_id``. Cookies are never read, so no CSRF token is
    needed: another site cannot make a browser send this header."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from learnloop.store.models import AccessToken

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise TokenRefused("this call needs a sync token (Authorization: Bearer ...); join the class first")
    if len(token) > 200:
        raise TokenRefused("this sync token is not one the class server gave out")
    with server_of(request).store.across_learners() as session:
        row = session.scalars(select(AccessToken).where(AccessToken.digest == token_digest(token))).first()
        if row is None:
            raise TokenRefused("this sync token is not one the class server knows; join the class again")
        if row.revoked_at is not None:
            raise TokenRefused("this sync token was revoked; join the class again")
        row.last_used_at = datetime.now(UTC)
        learner_id = row.learner_id
    request.state.learner_id = learner_id
    return learner_id


class ApiRouter(APIRouter):
    """The routers of the JSON API: every route, whatever its method, checks the Bearer token first."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["dependencies"] = [Depends(check_token), *kwargs.get("dependencies", ())]
        super().__init__(**kwargs)


check_token.guards_api = True  # type: ignore[attr-defined]  # the API's guards carry this mark (web/routes/api.py)
GUARDS = (check_csrf, check_token)  # what a route that changes something must depend on (one of them)


def is_guard(call: Any) -> bool:
    """The CSRF check, or a guard of the JSON API (a Bearer token, JSON bodies only: marked ``guards_api``)."""
    return call in GUARDS or getattr(call, "guards_api", False) is True


def unguarded_routes(routers: Iterable[APIRouter]) -> list[str]:
    """Routes that change something without the CSRF check or the API's token check (create_app refuses to
    start with any)."""
    from fastapi.routing import APIRoute

    found = []
    for route in (r for router in routers for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        assert route.methods is not None  # APIRoute always sets its methods
        changes = route.methods - SAFE_METHODS
        if changes and not any(is_guard(d.call) for d in route.dependant.dependencies):
            found.append(f"{','.join(sorted(route.methods))} {route.path}")
    return found


ReadSession = Annotated[Session, Depends(read_session, scope="function")]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
Atlas = Annotated[Any, Depends(get_atlas)]
Everyone = Annotated[Session, Depends(across_learners, scope="function")]
Teacher = Annotated[Any, Depends(require_teacher)]
SignedIn = Annotated[Any, Depends(require_learner)]
