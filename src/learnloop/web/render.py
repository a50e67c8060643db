"""Pages from templates: Jinja2 with autoescape on, the CSRF token in every page, one error line on failure."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse

if TYPE_CHECKING:
    import jinja2

    from learnloop.web.app import Server

TEMPLATES = Path(__file__).parent / "templates"
CSRF_COOKIE = "learnloop_csrf"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{32}$")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@functools.cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.filters["day"] = _day
    env.filters["plural"] = _plural
    env.filters["number"] = _number
    return env


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d") if isinstance(value, date) else str(value)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _number(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def server_of(request: Request) -> Server:
    """The server as this request may see it: on a class server, once the request's learner is known, only
    that learner's part of it (:mod:`learnloop.web.scope`, the one place that scopes a request)."""
    server: Server = request.app.state.server
    if not server.options.class_mode:
        return server
    learner_id = request.scope.get("state", {}).get("learner_id")
    if learner_id is None:
        return server
    return server.for_learner(learner_id)


def csrf_secret(request: Request) -> tuple[str, bool]:
    """The browser's CSRF secret from its cookie, or a new one (True when it must be set)."""
    cached = getattr(request.state, "csrf_secret", None)
    if cached is not None:
        return cached
    value = request.cookies.get(CSRF_COOKIE, "")
    found = (value, False) if _SECRET.match(value) else (secrets.token_urlsafe(24), True)
    request.state.csrf_secret = found
    return found


def csrf_token(request: Request) -> str:
    """What every form carries: an HMAC of the browser's secret under this server's key."""
    secret, _fresh = csrf_secret(request)
    return sign(server_of(request).csrf_key, secret)


def sign(key: bytes, secret: str) -> str:
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


# Where the CSRF token goes in a page rendered once and served many times (random: no text can forge it).
TOKEN_SLOT = "csrf-slot-" + secrets.token_hex(16)


def render_text(
    request: Request, template: str, context: dict[str, Any] | None = None, *, csrf: str | None = None
) -> str:
    """A page's HTML; its forms carry :data:`TOKEN_SLOT`, which :func:`page` fills with this browser's token."""
    values = {
        "path": request.url.path,
        "csrf": csrf if csrf is not None else TOKEN_SLOT,
        "error": None,
        "class_mode": server_of(request).options.class_mode,
        "viewer": getattr(request.state, "learner", None),  # the signed-in learner of a class server
        **(context or {}),
    }
    return environment().get_template(template).render(values)


def render_shell(request: Request, template: str, context: dict[str, Any] | None = None) -> str:
    """A page to keep and serve again: the CSRF token is left as a slot that :func:`fill` fills per browser."""
    return render_text(request, template, context, csrf=TOKEN_SLOT)


def fill(request: Request, shell: str) -> HTMLResponse:
    return page(request, shell)


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    html = render_text(request, template, context)
    return page(request, html, status)


def page(request: Request, html: str | bytes, status: int = 200) -> HTMLResponse:
    """The response: this browser's token and fresh form nonces filled in (unless the page cache asked for the
    shell, which it fills itself for every browser it serves the page to)."""
    if request.scope.get("state", {}).get("shell") and status == 200:
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    if isinstance(html, str):
        from learnloop.web.nonces import add_nonces

        html = add_nonces(html.replace(TOKEN_SLOT, csrf_token(request)))
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    secret, fresh = csrf_secret(request)
    if fresh:
        response.set_cookie(CSRF_COOKIE, secret, httponly=True, samesite="lax", path="/")
    return response


TITLES = {
    400: "Not done",
    403: "Refused",
    404: "Not found",
    405: "Not this way",
    409: "Not yet",
    413: "Too large",
    500: "A bug",
}


def safe_back(request: Request) -> str:
    """Where the error page's Back link goes: the referring page of THIS site, never another one."""
    from urllib.parse import urlsplit

    from learnloop.web.guard import host_name

    referer = request.headers.get("referer", "")
    if not referer:
        return "/"
    parts = urlsplit(referer)
    ours = host_name(parts.netloc) == host_name(
        request.headers.get("host", "")
    ) and parts.netloc == request.headers.get("host")
    path = parts.path
    if not ours or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path + (f"?{parts.query}" if parts.query else "")


def error_page(request: Request, message: str, status: int, context: dict[str, Any] | None = None) -> HTMLResponse:
    """One clear line, a title that says what kind of refusal it is, the status, and a way back."""
    changed = request.method not in ("GET", "HEAD")
    return render(
        request,
        "error.html",
        {
            "error": message,
            "status": status,
            "back": safe_back(request),
            "title": TITLES.get(status, "Not done"),
            "changed": changed,
            **(context or {}),
        },
        status=status,
    )


def bare_page(title: str, text: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """A small styled page with the security headers, for answers given before any route runs (413, 400)."""
    from html import escape

    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{escape(title)} · learnloop</title>'
        f'<link rel="stylesheet" href="/static/style.css"><link rel="icon" href="/favicon.ico"></head><body>'
        f'<header class="top"><a class="brand" href="/">learnloop</a></header><main id="main">'
        f'<h1>{escape(title)}</h1><p class="error" role="alert">{escape(text)}</p>'
        f'<p><a class="button secondary" href="/">Back to the start</a></p></main></body></html>'
    ).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
    ]
    return body, headers
