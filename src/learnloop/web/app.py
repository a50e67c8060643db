"""The FastAPI application: one per server, holding the settings, the store and a temp folder for pictures."""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from learnloop.config import Settings
from learnloop.errors import UserError
from learnloop.web.cache import StatusCache
from learnloop.web.jobs import JobBoard
from learnloop.web.limits import BodyLimit
from learnloop.web.pictures import Pictures

if TYPE_CHECKING:
    from learnloop.atlas.load import Atlas
    from learnloop.store.db import Store

HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Server:
    """What every request of one server shares."""

    settings: Settings
    store: Store
    pictures: Pictures
    jobs: JobBoard
    uploads: Path
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    status_cache: StatusCache = field(default_factory=StatusCache)
    page_cache: dict[str, bytes] = field(default_factory=dict)
    home_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one request remakes the home page at a time

    def atlas(self) -> Atlas:
        """The map, loaded once per process (it is read-only)."""
        from learnloop.atlas.load import load_atlas

        return load_atlas()

    def close(self) -> None:
        self.jobs.shutdown()
        self.status_cache.close()
        self.store.dispose()
        shutil.rmtree(self.pictures.folder.parent, ignore_errors=True)


def create_app(settings: Settings, *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """Build the app: open (and migrate) the store now, so a bad home fails before the server listens."""
    from learnloop.store.db import open_store

    store = open_store(settings)
    scratch = Path(tempfile.mkdtemp(prefix="learnloop-web-"))
    server = Server(settings=settings, store=store, pictures=Pictures(scratch / "pictures"),
                    jobs=JobBoard(), uploads=scratch / "uploads")
    server.status_cache.watch(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            server.close()

    app = FastAPI(title="learnloop", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.server = server
    app.state.max_upload_bytes = max_upload_bytes
    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes + 64 * 1024)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_error_pages(app)

    from learnloop.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    from learnloop.web.deps import unguarded_routes

    unguarded = unguarded_routes(ROUTERS)
    if unguarded:  # a programming error: every form must carry the CSRF token
        raise RuntimeError(f"routes without the CSRF check: {', '.join(unguarded)}")
    return app


def _add_error_pages(app: FastAPI) -> None:
    from learnloop.web.render import error_page

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> HTMLResponse:
        return error_page(request, str(exc), exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> HTMLResponse:
        from learnloop.web.forms import describe_validation

        return error_page(request, describe_validation(exc.errors()), 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if exc.status_code == 404:
            return error_page(request, f"there is no page at {request.url.path}", 404)
        if exc.status_code == 405:
            return error_page(request, "that page does not take this kind of request; use the buttons", 405)
        if request.url.path.startswith("/static"):
            return PlainTextResponse(str(exc.detail), status_code=exc.status_code)
        return error_page(request, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> HTMLResponse:
        """Anything else is a bug: one line on the page, the traceback in the server's log."""
        logging.getLogger("learnloop.web").error("bug on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, f"learnloop hit a bug ({type(exc).__name__}: {exc}); nothing was saved "
                                   "for this action, and the server's log has the details", 500)
