"""Who the server answers: only the host names it was started for, and forms only from its own pages.

A web page elsewhere can make the learner's browser talk to ``127.0.0.1`` under its own name (DNS
rebinding: ``evil.example`` resolving to this machine). Such a request carries ``Host: evil.example``,
so any Host that is not one of ours gets a 400 before a route runs. A form posted from another site
carries that site in ``Origin`` (or ``Referer``); it is refused even when it holds a valid CSRF token.

This is pure ASGI middleware, the outermost layer: it also answers ``HEAD`` as ``GET`` without a body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(value: str) -> str:
    """``Host`` header or URL authority → the bare, lower-case name (``[::1]:8000`` → ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else ""
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts(extra: Iterable[str] = ()) -> frozenset[str]:
    """The default loopback names plus those given (``--allow-remote NAME``), as bare names."""
    names = set(DEFAULT_HOSTS)
    for given in extra:
        given = given.strip()
        if given:
            names.add(given.lower() if given.count(":") > 1 and not given.startswith("[") else host_name(given))
    return frozenset(names)


class HostGuard:
    def __init__(self, app: Any, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k: v for k, v in scope.get("headers", ())}
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if host not in self.hosts:
            await _refuse(
                send,
                400,
                "Unknown host",
                "This server answers only the names it was started for. "
                "Open it at http://127.0.0.1 (or a name given with --allow-remote).",
            )
            return
        if scope["method"] in UNSAFE and not self._same_site(headers):
            await _refuse(
                send,
                403,
                "Refused",
                "That form came from another site, so nothing was done. Use the forms on this server's own pages.",
            )
            return
        if scope["method"] == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
            return
        if scope["method"] in UNSAFE:
            await self.app(scope, receive, _settling(scope, send))
            return
        await self.app(scope, receive, send)

    def _same_site(self, headers: dict[bytes, bytes]) -> bool:
        """Origin (or, without it, Referer) must name one of our hosts; a request with neither (not a
        browser) still has to pass the CSRF check."""
        origin = headers.get(b"origin")
        if origin is None:
            referer = headers.get(b"referer")
            if referer is None:
                return True
            origin = referer
        text = origin.decode("latin-1").strip()
        if text == "null":
            return False
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and host_name(parts.netloc.rpartition("@")[2]) in self.hosts


def _settling(scope: dict[str, Any], send: Any) -> Any:
    """After a form was acted on, remember where it sent the browser (for a second copy of the same form)."""

    async def watch(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] in (302, 303):
            nonce = scope.get("state", {}).get("nonce")
            app = scope.get("app")
            if nonce and app is not None:
                location = dict(message.get("headers", ())).get(b"location", b"").decode("latin-1")
                app.state.server.nonces.settle_nonce(nonce, location or None)
        await send(message)

    return watch


def _without_body(send: Any) -> Any:
    async def quiet(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return quiet


async def _refuse(send: Any, status: int, title: str, text: str) -> None:
    from learnloop.web.render import bare_page

    body, headers = bare_page(title, text)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
