"""The laptop's side of a class: the token file, the server's address, and every way a server can fail to answer.

The servers here are tiny stand-ins started on 127.0.0.1 (a web page, a redirect, a refusal); the real class
server is in test_sync_e2e.py.
"""

from __future__ import annotations

import http.server
import json
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from learnloop.classroom import client, membership
from learnloop.classroom.membership import Membership

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv(membership.CONFIG_ENV, str(folder))
    return folder


def _membership(home: Path, server: str = "http://127.0.0.1:9/") -> Membership:
    return Membership(
        server=server,
        token="secret-token-value",
        learner_id=7,
        login="ada-3f2a1c",
        name="Ada",
        classes=("ML 101",),
        home=str(home),
        joined_at=NOW,
    )


def test_the_token_file_is_mode_600_and_round_trips(home: Path, _config_dir: Path) -> None:
    path = membership.save_membership(_membership(home))
    assert path == _config_dir / membership.MEMBERSHIP_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(_config_dir.stat().st_mode) == 0o700
    loaded = membership.load_membership()
    assert loaded == _membership(home)
    assert "secret-token-value" not in repr(loaded) and "token" not in loaded.public()
    # Saving again replaces it atomically, still 0600, and no temp file is left behind.
    membership.save_membership(_membership(home, "https://class.example.org/"))
    assert membership.load_membership().server == "https://class.example.org/"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in _config_dir.iterdir()) == [membership.MEMBERSHIP_FILE]


def test_the_token_file_is_never_written_through_a_symlink(home: Path, _config_dir: Path, tmp_path: Path) -> None:
    from learnloop.files import NotARegularFile

    _config_dir.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("keep me")
    (_config_dir / membership.MEMBERSHIP_FILE).symlink_to(elsewhere)
    with pytest.raises(NotARegularFile):
        membership.save_membership(_membership(home))
    assert elsewhere.read_text() == "keep me"


def test_no_membership_and_a_damaged_one_are_one_line_each(home: Path, _config_dir: Path) -> None:
    with pytest.raises(membership.NotJoined):
        membership.load_membership()
    _config_dir.mkdir()
    (_config_dir / membership.MEMBERSHIP_FILE).write_text('{"format": "learnloop-class-membership", "version": 1}')
    with pytest.raises(membership.MembershipError, match="damaged; join the class again"):
        membership.load_membership()


def test_progress_is_sent_only_from_the_home_that_joined(home: Path, tmp_path: Path) -> None:
    joined = _membership(home)
    membership.check_home(joined, home)
    with pytest.raises(membership.OtherHome, match="joined the class from the learnloop home") as caught:
        membership.check_home(joined, tmp_path / "demo-home")
    assert caught.value.field == "home"


def test_the_reminder_comes_when_the_last_sync_is_old(home: Path) -> None:
    assert membership.sync_reminder(home, NOW) is None  # not joined: nothing to say
    membership.save_membership(_membership(home))
    never = membership.sync_reminder(home, NOW)
    assert never is not None and never.days is None
    membership.record_sync(NOW - timedelta(days=1), "abc")
    assert membership.sync_reminder(home, NOW) is None
    membership.record_sync(NOW - timedelta(days=5), "abc")
    late = membership.sync_reminder(home, NOW)
    assert late is not None and late.days == 5
    assert membership.sync_reminder(home.parent / "another-home", NOW) is None  # another home joined nothing
    assert stat.S_IMODE(membership.synced_path().stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://class.example.org", "not a web address"),
        ("class.example.org", "not a web address"),
        ("https://ada:pw@class.example.org/", "user name or password"),
        ("https://class.example.org/?code=K7QD", "address alone"),
        ("https://class.example.org:http/", "port that is not a number"),
    ],
)
def test_a_bad_server_address_is_refused_in_one_line(url: str, problem: str) -> None:
    with pytest.raises(client.BadServerAddress, match=problem) as caught:
        client.server_address(url)
    assert "\n" not in str(caught.value)


def test_server_addresses_are_normalised() -> None:
    assert client.server_address(" https://Class.Example.org ") == "https://class.example.org/"
    assert client.server_address("http://127.0.0.1:8000/learnloop") == "http://127.0.0.1:8000/learnloop/"
    assert client.is_plain_remote("http://class.example.org/")
    assert not client.is_plain_remote("http://127.0.0.1:8000/")
    assert not client.is_plain_remote("https://class.example.org/")


# --- servers that are not (working) class servers ---------------------------------------------------------


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@pytest.fixture
def fake_server() -> Iterator[Callable[[Handler], str]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(answer: Handler) -> str:
        class One(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer(self)

            do_PUT = do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), One)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _reply(status: int, body: bytes, kind: str, **headers: str) -> Handler:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        if length:
            handler.rfile.read(length)
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            handler.send_header(key.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_is_down_is_one_line() -> None:
    server = client.ClassServer(f"http://127.0.0.1:{_free_port()}/", "t", timeout=5)
    with pytest.raises(client.ServerUnreachable, match="connection was refused") as caught:
        server.put_progress(b"{}")
    assert caught.value.exit_code != 0 and "\n" not in str(caught.value)


def test_a_web_page_is_not_a_class_server(fake_server: Callable[[Handler], str]) -> None:
    page = fake_server(_reply(200, b"<html>hello</html>", "text/html"))
    with pytest.raises(client.NotAClassServer, match="not as a learnloop class server"):
        client.ClassServer(page, "t").me()
    missing = fake_server(_reply(404, b"<html>no</html>", "text/html"))
    with pytest.raises(client.NotAClassServer, match="HTTP 404"):
        client.ClassServer(missing, "t").put_progress(b"{}")
    other_json = fake_server(_reply(200, b'{"hello": "world"}', "application/json"))
    with pytest.raises(client.NotAClassServer, match="another shape"):
        client.ClassServer(other_json, "t").me()


def test_redirects_are_not_followed(fake_server: Callable[[Handler], str]) -> None:
    seen: list[str] = []

    def elsewhere(handler: http.server.BaseHTTPRequestHandler) -> None:
        seen.append(handler.headers.get("authorization", ""))
        _reply(200, b"{}", "application/json")(handler)

    target = fake_server(elsewhere)
    moved = fake_server(_reply(307, b"", "text/plain", Location=target + "api/v1/progress"))
    with pytest.raises(client.Redirected, match="sends its requests to"):
        client.ClassServer(moved, "the-token").put_progress(b"{}")
    assert seen == []  # the token never reached the other server


def test_refusals_are_typed_from_the_servers_one_line(fake_server: Callable[[Handler], str]) -> None:
    def error(status: int, text: str) -> str:
        return fake_server(_reply(status, json.dumps({"error": text, "status": status}).encode(), "application/json"))

    with pytest.raises(client.TokenRefused, match="join the class again"):
        client.ClassServer(error(401, "this token was revoked"), "t").me()
    with pytest.raises(client.ServerRefused, match="the class server refused: table passes, row 1") as refused:
        client.ClassServer(error(400, "table passes, row 1, field step: too big"), "t").put_progress(b"{}")
    assert refused.value.status == 400
    with pytest.raises(client.ServerFailed, match="database is not answering"):
        client.ClassServer(error(503, "the database is not answering"), "t").put_progress(b"{}")
    with pytest.raises(client.ServerFailed, match="not answering now"):
        client.ClassServer(fake_server(_reply(502, b"bad gateway", "text/html")), "t").me()


def test_a_server_that_hangs_times_out(fake_server: Callable[[Handler], str]) -> None:
    release = threading.Event()

    def hang(handler: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(10)

    slow = fake_server(hang)
    try:
        with pytest.raises(client.ServerUnreachable, match=r"no answer within 0\.5 seconds"):
            client.ClassServer(slow, "t", timeout=0.5).me()
    finally:
        release.set()


def test_https_certificates_are_verified(fake_server: Callable[[Handler], str]) -> None:
    """A plain-HTTP server spoken to as https fails the TLS handshake: one line, never a silent downgrade."""
    plain = fake_server(_reply(200, b"{}", "application/json"))
    with pytest.raises(client.ServerUnreachable, match="cannot reach the class server"):
        client.ClassServer(plain.replace("http://", "https://"), "t", timeout=5).me()
