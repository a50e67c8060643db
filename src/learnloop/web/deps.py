"""What routes depend on: the server, the store, a read or write session, and the CSRF check."""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from learnloop.errors import UserError
from learnloop.web.render import CSRF_COOKIE, server_of, sign

if TYPE_CHECKING:
    from learnloop.store.db import Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class FormExpired(UserError):
    """A form without a valid CSRF token: stale page, lost cookie, or another site posting here."""

    http_status = 403


def get_store(request: Request) -> Store:
    return server_of(request).store


def get_atlas(request: Request) -> Any:
    return server_of(request).atlas()


def read_session(request: Request) -> Iterator[Session]:
    """A read-only view for GET pages: never a write transaction."""
    with server_of(request).store.read() as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    """One write transaction for one POST: committed when the route returns, rolled back if it raises."""
    with server_of(request).store.session() as session:
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


def _guards(call: Any) -> bool:
    """The CSRF check, or a guard of the JSON API (web/routes/api.py: JSON bodies only, a Bearer token)."""
    return call is check_csrf or getattr(call, "guards_api", False) is True


def unguarded_routes(routers: Iterable[APIRouter]) -> list[str]:
    """Routes that change something without the CSRF check (create_app refuses to start with any)."""
    from fastapi.routing import APIRoute

    found = []
    for route in (r for router in routers for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        assert route.methods is not None  # APIRoute always sets its methods
        changes = route.methods - SAFE_METHODS
        if changes and not any(_guards(d.call) for d in route.dependant.dependencies):
            found.append(f"{','.join(sorted(route.methods))} {route.path}")
    return found


ReadSession = Annotated[Session, Depends(read_session, scope="function")]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
Atlas = Annotated[Any, Depends(get_atlas)]
