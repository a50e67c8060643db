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
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from learnloop.config import Settings
from learnloop.errors import UserError
from learnloop.web.cache import StatusCache
from learnloop.web.guard import HostGuard, allowed_hosts
from learnloop.web.jobs import JobBoard
from learnloop.web.limits import BodyLimit
from learnloop.web.nonces import FormNonces
from learnloop.web.pagecache import PageCache
from learnloop.web.pictures import Pictures

if TYPE_CHECKING:
    from learnloop.atlas.load import Atlas
    from learnloop.store.db import Store

HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SECRET_FILE = "web-secret"


@dataclass(frozen=True)
class WebOptions:
    """How one server was started: the names it answers, the folders its forms may read, its job pool."""

    hosts: frozenset[str] = field(default_factory=lambda: allowed_hosts())
    roots: tuple[Path, ...] = ()  # besides the workspace
    pool: int = 2
    # A class server (``serve --class``): people sign in, every page serves the signed-in learner's records.
    class_mode: bool = False
    # The session cookie is marked Secure when the request came over HTTPS (as uvicorn sees it, including a
    # trusted proxy's X-Forwarded-Proto) or always, when the server is told it sits behind a TLS proxy.
    behind_tls: bool = False
    job_quota: int = 2  # a class server: queued or running heavy jobs per student


OPTIONS_ENV = "LEARNLOOP_SERVE_OPTIONS"  # how `serve --workers N` hands each process its settings and options


def options_to_json(settings: Settings, options: WebOptions) -> str:
    import json

    return json.dumps(
        {
            "home": str(settings.home),
            "database_url": settings.database_url,
            "hosts": sorted(options.hosts),
            "roots": [str(r) for r in options.roots],
            "pool": options.pool,
            "class_mode": options.class_mode,
            "behind_tls": options.behind_tls,
            "job_quota": options.job_quota,
        }
    )


def app_from_environment() -> FastAPI:
    """The app factory of `serve --workers N`: every worker process builds the same app from the environment."""
    import json
    import os

    given = json.loads(os.environ[OPTIONS_ENV])
    settings = Settings(home=Path(given["home"]), database_url=given["database_url"])
    options = WebOptions(
        hosts=frozenset(given["hosts"]),
        roots=tuple(Path(r) for r in given["roots"]),
        pool=int(given["pool"]),
        class_mode=bool(given["class_mode"]),
        behind_tls=bool(given["behind_tls"]),
        job_quota=int(given["job_quota"]),
    )
    return create_app(settings, options=options)


def csrf_key_for(settings: Settings) -> bytes:
    """The key that signs form tokens, kept in the home (mode 0600) so a restart does not expire open forms."""
    import os

    path = settings.home / SECRET_FILE
    try:
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    except OSError:
        data = b""
    if len(data) == 64:
        try:
            return bytes.fromhex(data.decode())
        except ValueError:
            pass
    key = secrets.token_bytes(32)
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{SECRET_FILE}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.hex().encode())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError:  # a read-only home still serves; open forms then expire with the server
        pass
    return key


@dataclass
class Server:
    """What every request of one server shares."""

    settings: Settings
    store: Store
    pictures: Pictures
    jobs: JobBoard
    uploads: Path
    options: WebOptions = field(default_factory=WebOptions)
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    nonces: FormNonces = field(default_factory=lambda: FormNonces())
    status_cache: StatusCache = field(default_factory=StatusCache)
    page_cache: dict[str, bytes] = field(default_factory=dict)
    home_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one request remakes the home page at a time

    def atlas(self) -> Atlas:
        """The map, loaded once per process (it is read-only)."""
        from learnloop.atlas.load import load_atlas

        return load_atlas()

    @property
    def roots(self) -> tuple[Path, ...]:
        """The folders study and project forms may use: the workspace, then those the learner allowed."""
        return (self.settings.workspace, *self.options.roots)

    def for_learner(self, learner_id: int) -> Server:
        """This server as one learner of a class sees it (their records, jobs and folders only)."""
        from typing import cast

        from learnloop.web.scope import LearnerServer

        return cast("Server", LearnerServer(self, learner_id))

    def close(self) -> None:
        self.jobs.shutdown()
        self.status_cache.close()
        self.store.dispose()
        if not self.options.class_mode:  # a laptop's server drew into a temp folder of its own
            shutil.rmtree(self.pictures.folder.parent, ignore_errors=True)


def create_app(
    settings: Settings, *, max_upload_bytes: int = MAX_UPLOAD_BYTES, options: WebOptions | None = None
) -> FastAPI:
    """Build the app: open (and migrate) the store now, so a bad home fails before the server listens."""
    from learnloop.store.db import open_store

    options = options or WebOptions()
    store = open_store(settings)
    # A class server's processes share the pictures they draw (a page made by one, its picture asked of another).
    scratch = settings.home / "web-scratch" if options.class_mode else Path(tempfile.mkdtemp(prefix="learnloop-web-"))
    server = Server(
        settings=settings,
        store=store,
        pictures=Pictures(scratch / "pictures"),
        jobs=JobBoard(store, size=options.pool, workspace=settings.workspace),
        uploads=settings.workspace / "uploads",
        options=options,
        csrf_key=csrf_key_for(settings),
    )
    if not options.class_mode:  # a class server's pages differ per learner: nothing is kept between requests
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
    if not options.class_mode:  # its keys know no learner, and other processes' writes would not move them
        app.add_middleware(PageCache)
    app.add_middleware(HostGuard, hosts=options.hosts)  # added last: the outermost layer, before anything runs
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_error_pages(app)

    from fastapi import Depends

    from learnloop.web.deps import require_learner, unguarded_routes
    from learnloop.web.routes import PUBLIC_ROUTERS, ROUTERS

    routers = list(ROUTERS)
    for router in ROUTERS:
        # On a class server every learner page needs someone signed in: one dependency on every route of them.
        # The JSON API's routers (prefix /api/) guard each route with the sync token instead, never a cookie.
        api = router.prefix.startswith(API_PREFIX.rstrip("/"))
        signed_in = options.class_mode and router not in PUBLIC_ROUTERS and not api
        app.include_router(router, dependencies=[Depends(require_learner)] if signed_in else None)
    if options.class_mode:
        from learnloop.web.classroom import CLASS_ROUTERS, OPEN_ROUTERS

        for router in OPEN_ROUTERS:  # sign-in, joining with a code: no session needed
            app.include_router(router)
        for router in CLASS_ROUTERS:
            app.include_router(router)
        routers += [*OPEN_ROUTERS, *CLASS_ROUTERS]
    unguarded = unguarded_routes(routers)
    if unguarded:  # a programming error: every form must carry the CSRF token
        raise RuntimeError(f"routes without the CSRF check: {', '.join(unguarded)}")
    return app


API_PREFIX = "/api/"


def is_api(request: Request) -> bool:
    """A call to the JSON API (the laptops' sync): its errors are one JSON line, never a page."""
    return request.url.path.startswith(API_PREFIX)


def api_error(message: str, status: int) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def database_down(request: Request, why: str) -> Any:
    """The database does not answer: 503 (try again soon), one line, nothing done; never a traceback."""
    logging.getLogger("learnloop.web").warning("database down on %s %s: %s", request.method, request.url.path, why)
    message = "the class server's database is not answering, so nothing was read or saved; try again in a minute"
    response: Response
    if is_api(request):
        response = api_error(message, 503)
    else:
        from learnloop.web.render import bare_page

        body, headers = bare_page("Database down", message)
        response = HTMLResponse(body, status_code=503)
        for key, value in headers:
            if key not in (b"content-length", b"content-type"):
                response.headers[key.decode()] = value.decode()
    response.headers["Retry-After"] = "60"
    return response


def _add_error_pages(app: FastAPI) -> None:
    from learnloop.errors import StoreError
    from learnloop.web.deps import SignInNeeded, TokenRefused
    from learnloop.web.nonces import AlreadyDone
    from learnloop.web.render import error_page, safe_back

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, _exc: SignInNeeded) -> Any:
        from urllib.parse import quote

        if is_api(request):
            return api_error("sign in first", 401)
        path = request.url.path
        target = "/login" if request.method != "GET" or path in ("/", "/logout") else f"/login?next={quote(path)}"
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(TokenRefused)
    async def token_refused(_request: Request, exc: TokenRefused) -> JSONResponse:
        return api_error(exc.message, 401)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Any:
        from learnloop.web.drafts import form_again

        if isinstance(exc, StoreError) and request.app.state.server.options.class_mode:
            return database_down(request, str(exc))
        if is_api(request):
            return api_error(str(exc), exc.http_status)

        server_of_request = request.app.state.server
        server_of_request.nonces.release(request)
        again = await form_again(request, str(exc), exc.field, exc.http_status)
        return again or error_page(request, str(exc), exc.http_status)

    @app.exception_handler(AlreadyDone)
    async def already_done(request: Request, exc: AlreadyDone) -> RedirectResponse:
        """The same form sent twice (a double click, a refresh): done once; the second goes where the first did."""
        return RedirectResponse(exc.location or safe_back(request), status_code=303)

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> Any:
        from learnloop.web.drafts import form_again
        from learnloop.web.forms import describe_validation, field_of

        if is_api(request):
            return api_error(describe_validation(exc.errors()), 422)

        request.app.state.server.nonces.release(request)
        message = describe_validation(exc.errors())
        again = await form_again(request, message, field_of(exc.errors()), 400)
        return again or error_page(request, message, 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if is_api(request):
            return api_error(str(exc.detail), exc.status_code)
        if exc.status_code == 404:
            return error_page(request, f"there is no page at {request.url.path}", 404)
        if exc.status_code == 405:
            return error_page(request, "that page does not take this kind of request; use the buttons", 405)
        if request.url.path.startswith("/static"):
            return PlainTextResponse(str(exc.detail), status_code=exc.status_code)
        return error_page(request, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Any:
        """Anything else is a bug: one line on the page, the traceback in the server's log."""
        from sqlalchemy.exc import InterfaceError, OperationalError

        if isinstance(exc, OperationalError | InterfaceError):  # the database went away under a request
            return database_down(request, str(exc).strip().splitlines()[0] if str(exc).strip() else "")
        logging.getLogger("learnloop.web").error("bug on %s %s", request.method, request.url.path, exc_info=exc)
        if is_api(request):
            return api_error(f"the class server hit a bug ({type(exc).__name__}); nothing was saved", 500)
        return error_page(
            request,
            f"learnloop hit a bug ({type(exc).__name__}: {exc}); nothing was saved "
            "for this action, and the server's log has the details",
            500,
        )
