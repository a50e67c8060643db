"""The laptop's side of a class server: join with an invite code, check the token, push progress.

The standard library only (``urllib.request``), so the base install needs nothing more. Every request has a
timeout; HTTPS certificates are verified against the system's authorities (``SSL_CERT_FILE`` names another
bundle); redirects are never followed (a token must not travel to another host, and a PUT must not turn into
a GET), the server's new address is reported instead. Every failure is a typed :class:`UserError` in one line:
the server cannot be reached, refused the token, refused the request, failed, or is not a learnloop class server.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from pydantic import BaseModel, ValidationError

from learnloop.errors import UserError

TIMEOUT_SECONDS = 20.0
MAX_REPLY_BYTES = 1024 * 1024
M = TypeVar("M", bound=BaseModel)


class ServerError(UserError):
    """Talking to the class server failed; nothing was changed on this laptop."""


class BadServerAddress(ServerError):
    pass


class ServerUnreachable(ServerError):
    """No answer: the server is down, the address is wrong, the network is out, or the certificate is bad."""

    exit_code = 3


class TokenRefused(ServerError):
    """HTTP 401: the token was revoked, or the learner removed; the laptop has to join again."""

    exit_code = 4


class ServerRefused(ServerError):
    """A 4xx the server explained (an expired code, a malformed snapshot ...)."""

    def __init__(self, message: str, status: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.status = status


class ServerFailed(ServerError):
    """A 5xx: the server could not do it (its database is down ...); try again later."""

    exit_code = 3

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class NotAClassServer(ServerError):
    """Something answered, but not a learnloop class server's API."""


class Redirected(ServerError):
    """The server sent the request elsewhere; the laptop does not follow (it says where instead)."""

    def __init__(self, message: str, location: str) -> None:
        super().__init__(message)
        self.location = location


def server_address(url: str) -> str:
    """The class server's base address, checked: http(s), a host, no password, query or fragment; ends in "/"."""
    text = url.strip()
    parts = urlsplit(text)
    shown = text[:120]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadServerAddress(f"{shown!r} is not a web address (an http or https address with a host name)")
    if parts.username or parts.password:
        raise BadServerAddress("the class server's address must not hold a user name or password")
    if parts.query or parts.fragment:
        raise BadServerAddress(
            "give the class server's address alone, without '?...' or '#...' (the code is given on its own)"
        )
    try:
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise BadServerAddress(f"{shown!r} has a port that is not a number") from None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def is_plain_remote(url: str) -> bool:
    """An http:// address of another machine: the token would cross the network unencrypted."""
    import ipaddress

    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http" or host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise Redirected(
            f"the class server at {req.full_url} sends its requests to {newurl[:200]} (HTTP {code}); "
            "use that address if you trust it",
            newurl,
        )


class ClassServer:
    """One class server, at ``base`` (see :func:`server_address`), optionally with the laptop's token."""

    def __init__(self, base: str, token: str | None = None, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.base = server_address(base)
        self.token = token
        self.timeout = timeout
        context = ssl.create_default_context()  # verifies certificates and host names
        self._opener = urllib.request.build_opener(_NoRedirects(), urllib.request.HTTPSHandler(context=context))

    def join(self, code: str, name: str, login: str | None = None) -> Any:
        from learnloop.classroom.sync import JoinReply, JoinRequest

        body = JoinRequest(code=code, name=name, login=login).model_dump_json().encode()
        return self._call("POST", "api/v1/join", body, JoinReply, auth=self.token is not None)

    def me(self) -> Any:
        from learnloop.classroom.sync import MeReply

        return self._call("GET", "api/v1/me", None, MeReply)

    def put_progress(self, body: bytes) -> Any:
        from learnloop.classroom.sync import ProgressReply

        return self._call("PUT", "api/v1/progress", body, ProgressReply)

    def _call(self, method: str, path: str, body: bytes | None, reply: type[M], *, auth: bool = True) -> M:
        url = urljoin(self.base, path)
        from learnloop import __version__

        headers = {"Accept": "application/json", "User-Agent": f"learnloop/{__version__}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise TokenRefused("this laptop holds no token for the class server; join the class again")
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
                kind = response.headers.get_content_type()
                raw = response.read(MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise self._refusal(exc) from None
        except urllib.error.URLError as exc:
            raise self._unreachable(exc.reason) from None
        except (TimeoutError, ConnectionError, ssl.SSLError) as exc:
            raise self._unreachable(exc) from None
        except OSError as exc:  # a reset mid-reply, a bad status line
            raise self._unreachable(exc) from None
        if kind != "application/json" or len(raw) > MAX_REPLY_BYTES:
            raise self._not_ours(f"HTTP {status}, {kind}")
        try:
            return reply.model_validate_json(raw)
        except ValidationError:
            raise self._not_ours("an answer in another shape") from None

    def _not_ours(self, what: str) -> NotAClassServer:
        return NotAClassServer(
            f"{self.base} answered ({what}), but not as a learnloop class server; check the address your teacher gave"
        )

    def _unreachable(self, reason: object) -> ServerUnreachable:
        if isinstance(reason, ssl.SSLCertVerificationError):
            why = f"its certificate cannot be verified ({reason.verify_message or reason})"
        elif isinstance(reason, TimeoutError):
            why = f"no answer within {self.timeout:g} seconds"
        elif isinstance(reason, ConnectionRefusedError):
            why = "the connection was refused: is the server running?"
        elif isinstance(reason, OSError) and reason.strerror:
            why = reason.strerror
        else:
            why = str(reason) or type(reason).__name__
        return ServerUnreachable(f"cannot reach the class server at {self.base}: {why}")

    def _refusal(self, exc: urllib.error.HTTPError) -> ServerError:
        status = exc.code
        message = field = None
        try:
            raw = exc.read(MAX_REPLY_BYTES)
            if exc.headers.get_content_type() == "application/json":
                data = json.loads(raw)
                if isinstance(data, dict) and isinstance(data.get("error"), str):
                    message = " ".join(data["error"].split())[:300]
                    field = data.get("field") if isinstance(data.get("field"), str) else None
        except (OSError, ValueError):
            pass
        finally:
            exc.close()
        if message is None:
            if status in (502, 503, 504):
                return ServerFailed(f"the class server at {self.base} is not answering now (HTTP {status})", status)
            return self._not_ours(f"HTTP {status}")
        if status == 401:
            again = "" if "join" in message else "; join the class again"
            return TokenRefused(f"the class server refused this laptop's token ({message}){again}")
        if status >= 500:
            return ServerFailed(f"the class server failed: {message}", status)
        return ServerRefused(f"the class server refused: {message}", status, field)
