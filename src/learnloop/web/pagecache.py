"""Every GET page kept as a shell until something it shows may have changed, then filled per browser.

A page is a function of the learner's database, the job board, the forms posted to this server, the map
(read-only) and the clock (days left), so a page rendered once stays right while none of those moved:
the key is (path, query, database version, job board version, forms posted, the minute). The shell holds
:data:`~learnloop.web.render.TOKEN_SLOT` where each form's CSRF token goes; serving it fills in the
browser's token and fresh form nonces, and sets the CSRF cookie for a browser that has none.

Pure ASGI middleware: a hit never reaches FastAPI's routing. Only 200 HTML answers are kept.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from typing import Any

from learnloop import config

KEEP = 256
SKIP_PREFIXES = ("/static/", "/pictures/", "/healthz", "/export", "/favicon.ico", "/project/deadline.ics")


def _counting(send: Any, cache: PageCache) -> Any:
    """Move the forms counter again just before the answer goes out, so the page the browser is sent to next
    (the redirect after a form) is made afresh."""

    async def counted(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            cache.posts += 1
        await send(message)

    return counted


class PageCache:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._pages: OrderedDict[tuple[Any, ...], tuple[int, list[tuple[bytes, bytes]], str]] = OrderedDict()
        self._lock = threading.Lock()
        self._rendering: dict[tuple[Any, ...], asyncio.Future[Any]] = {}
        self.posts = 0  # forms acted on by this server (a form may change files, not only the database)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "GET":
            self.posts += 1  # pages made while a form is acted on are not kept past it, nor those made before
            try:
                await self.app(scope, receive, _counting(send, self))
            finally:
                self.posts += 1
            return
        path = scope["path"]
        if path.startswith(SKIP_PREFIXES) or "/files/" in path:
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
        if kept is None:
            waiting = self._rendering.get(key)
            if waiting is not None:  # another request is making this page now: wait for it, do not make it twice
                kept = await asyncio.shield(waiting)
                if kept is not None:
                    await self._serve(scope, send, kept)
                    return
        if kept is None:
            made: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._rendering[key] = made
            try:
                status, headers, body = await self._render(scope, receive)
            except BaseException:
                made.set_result(None)
                raise
            finally:
                self._rendering.pop(key, None)
            html = dict(headers).get(b"content-type", b"").startswith(b"text/html")
            if status != 200 or not html:  # not a page to keep: forward it as it was answered
                if not made.done():
                    made.set_result(None)
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            kept = (
                status,
                [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"set-cookie")],
                body.decode("utf-8", "replace"),
            )
            with self._lock:
                self._pages[key] = kept
                while len(self._pages) > KEEP:
                    self._pages.popitem(last=False)
            made.set_result(kept)
        await self._serve(scope, send, kept)

    def _key(self, scope: dict[str, Any]) -> tuple[Any, ...] | None:
        server = scope["app"].state.server
        version = server.status_cache.version()
        if version is None:  # no change counter (PostgreSQL): nothing is kept
            return None
        return (
            scope["path"],
            scope.get("query_string", b""),
            version,
            server.jobs.version,
            self.posts,
            config.now().strftime("%Y-%m-%dT%H:%M"),
        )

    async def _render(self, scope: dict[str, Any], receive: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the route asking for the shell (the token slot left unfilled); what it answered."""
        started: dict[str, Any] = {}
        body: list[bytes] = []
        state = scope.setdefault("state", {})
        state["shell"] = True

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        try:
            await self.app(scope, receive, capture)
        finally:
            state["shell"] = False
        return started.get("status", 500), list(started.get("headers", [])), b"".join(body)

    async def _serve(self, scope: dict[str, Any], send: Any, kept: tuple[int, list[tuple[bytes, bytes]], str]) -> None:
        from starlette.requests import Request

        from learnloop.web.nonces import add_nonces
        from learnloop.web.render import CSRF_COOKIE, TOKEN_SLOT, csrf_secret, csrf_token

        status, headers, shell = kept
        request = Request(scope)
        html = add_nonces(shell.replace(TOKEN_SLOT, csrf_token(request))) if TOKEN_SLOT in shell else shell
        data = html.encode()
        out = [*headers, (b"content-length", str(len(data)).encode())]
        secret, fresh = csrf_secret(request)
        if fresh:
            out.append((b"set-cookie", f"{CSRF_COOKIE}={secret}; HttpOnly; Path=/; SameSite=lax".encode()))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": data})
