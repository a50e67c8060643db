"""The class server's JSON API, for laptops: join a class with a code, check the token, push progress.

``POST /api/v1/join`` {code, name, login?} -> {token, learner, classes}: a new learner (origin "laptop") in the
invite's class, and a token for them (the server keeps its digest only). ``GET /api/v1/me`` and
``PUT /api/v1/progress`` need ``Authorization: Bearer TOKEN`` (``web.deps.check_token``); a progress snapshot
replaces that learner's records in one transaction (see :mod:`learnloop.classroom.sync`).

No route reads a cookie, and a body must be ``application/json`` (which a form on another site cannot send
without the browser asking first, and this server never says yes): so no CSRF token is needed. Every answer,
an error included, is JSON; an error is one line, ``{"error": ..., "status": ...}``, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute, APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from learnloop.errors import UserError
from learnloop.web.deps import check_token
from learnloop.web.render import server_of

JOIN_FAILURES_ALLOWED = 20  # wrong or expired codes from one address in JOIN_WINDOW_MINUTES
JOIN_WINDOW_MINUTES = 15
MAX_JOIN_BYTES = 4096


def api_error(message: str, status: int, field: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body: dict[str, Any] = {"error": " ".join(message.split()), "status": status}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


class ApiRoute(APIRoute):
    """A route of the API: whatever goes wrong is answered as one JSON line (never the dashboard's HTML page)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            from learnloop.errors import StoreError

            try:
                return await handler(request)
            except StoreError as exc:  # the database is down or cannot be used: the laptop tries again later
                import logging

                logging.getLogger("learnloop.web").warning("database down on %s: %s", request.url.path, exc)
                response = api_error(
                    "the class server's database is not answering, so nothing was saved; try again in a minute", 503
                )
                response.headers["Retry-After"] = "60"
                return response
            except UserError as exc:
                return api_error(str(exc), exc.http_status, exc.field)
            except RequestValidationError as exc:
                return api_error(f"the request is malformed ({_first_error(exc.errors())})", 422)
            except HTTPException as exc:
                return api_error(str(exc.detail), exc.status_code)

        return answer


def _first_error(errors: Any) -> str:
    first = next(iter(errors), None)
    if not first:
        return "unknown"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return f"{where}: {first.get('msg', 'invalid')}"[:200]


# --- the guards -------------------------------------------------------------------------------------------


async def check_json(request: Request) -> None:
    """A call that sends a body sends JSON; a form posted by another site cannot, so the API needs no CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        raise UserError("the class server's API takes JSON (Content-Type: application/json)", field="body")


class NotAClass(UserError):
    http_status = 404


def class_server_only(request: Request) -> None:
    """The API answers on a class server (``serve --class``) only: a laptop's dashboard has no classes to join."""
    if not server_of(request).options.class_mode:
        raise NotAClass(
            "this learnloop serves one learner's dashboard, not a class; ask for the class server's address"
        )


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# create_app refuses a route that changes something without a guard; the API's carry this mark (web/deps.py).
check_json.guards_api = True  # type: ignore[attr-defined]

router = APIRouter(
    prefix="/api/v1", route_class=ApiRoute, dependencies=[Depends(class_server_only), Depends(check_json)]
)


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, refused past ``limit`` bytes as it streams in (a declared length is checked first)."""
    from learnloop.classroom.sync import BadSnapshot

    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BadSnapshot(f"the request is {int(declared):,} bytes; the limit is {limit:,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadSnapshot(f"the request is over {limit:,} bytes, the limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(exc: UserError) -> UserError:
    exc.http_status = 413
    return exc


@router.post("/join")
async def join(request: Request) -> JSONResponse:
    """Join the invite's class: a new laptop learner and their token (or, with a token, one more class)."""
    from pydantic import ValidationError

    from learnloop.classroom.sync import BadSnapshot, JoinRequest

    try:
        raw = await _body(request, MAX_JOIN_BYTES)
    except BadSnapshot as exc:
        raise _too_large(exc) from None
    try:
        wanted = JoinRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise UserError(f"the join request is malformed ({_first_error(exc.errors(include_url=False))})") from None
    address = request.client.host if request.client else None
    token = _bearer(request)
    reply = await run_in_threadpool(_join, request, wanted, token, address)
    return JSONResponse(reply.model_dump(mode="json"))


def _join(request: Request, wanted: Any, token: str | None, address: str | None) -> Any:
    from learnloop.classroom.classes import InviteExpired, UnknownInvite
    from learnloop.classroom.sync import check_join_limit, join_class, learner_of_token, record_join_failure
    from learnloop.config import now

    store = server_of(request).store
    moment = now()
    try:
        with store.across_learners() as session:
            check_join_limit(session, address, moment, JOIN_FAILURES_ALLOWED, JOIN_WINDOW_MINUTES)
            learner = learner_of_token(session, token, moment) if token else None
            return join_class(session, wanted, moment, learner=learner)
    except (UnknownInvite, InviteExpired):
        with store.across_learners() as session:  # counted apart: the join itself was rolled back
            record_join_failure(session, address, moment)
        raise


@router.get("/me", dependencies=[Depends(check_token)])
def me(request: Request) -> JSONResponse:
    """Who this token is: the learner, their classes, when they last synced (a laptop's check of its token)."""
    from sqlalchemy import select

    from learnloop.classroom.sync import describe
    from learnloop.store.models import Learner

    with server_of(request).store.across_learners() as session:
        learner = session.scalars(select(Learner).where(Learner.id == request.state.learner_id)).one()
        reply = describe(session, learner)
    return JSONResponse(reply.model_dump(mode="json"))


@router.put("/progress", dependencies=[Depends(check_token)])
async def progress(request: Request) -> JSONResponse:
    """Replace the token's learner's records with the snapshot sent, in one transaction (idempotent)."""
    from learnloop.classroom.sync import MAX_SNAPSHOT_BYTES, BadSnapshot

    try:
        body = await _body(request, MAX_SNAPSHOT_BYTES)
    except BadSnapshot as exc:
        raise _too_large(exc) from None
    reply = await run_in_threadpool(_apply, request, body, request.state.learner_id)
    return JSONResponse(reply.model_dump(mode="json"))


def _apply(request: Request, body: bytes, learner_id: int) -> Any:
    from learnloop.classroom.sync import apply_snapshot, parse_snapshot
    from learnloop.config import now

    rows = parse_snapshot(body)  # everything is checked before the transaction opens
    with server_of(request).store.session(learner_id=learner_id) as session:
        return apply_snapshot(session, learner_id, rows, now())
