"""Join a class and sync from a CLI home to a real class server started by the test (uvicorn on 127.0.0.1, a
random port, in a thread), on SQLite and on PostgreSQL (``LEARNLOOP_TEST_POSTGRES_URL``).

The laptop is the CLI exactly as a learner types it (its own home, its own config folder for the token); the
server is ``create_app`` in class mode over its own database. After a sync the learner's records on the server
are the laptop's; a second sync changes nothing; a stale token, a malformed body and a server that is down are
each one line, a non-zero exit, and nothing written on either side.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from learnloop.config import Settings
from learnloop.store.db import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PG_URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")


@dataclass
class ClassServer:
    app: Any
    url: str
    code: str
    store: Store
    classroom_id: int
    stop: Callable[[], None]


def _fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(autouse=True)
def _laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_CONFIG_DIR", str(tmp_path / "laptop-config"))
    monkeypatch.setenv("LEARNLOOP_NOW", NOW.isoformat())


def start_server(settings: Settings) -> tuple[Any, str, Callable[[], None]]:
    """``create_app`` in class mode behind uvicorn on 127.0.0.1, a port the system picks, in a thread."""
    import uvicorn

    from learnloop.web.app import WebOptions, create_app

    app = create_app(settings, options=WebOptions(class_mode=True))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the class server did not start"
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()

    return app, f"http://127.0.0.1:{port}/", stop


@pytest.fixture
def class_server(server_settings: Settings) -> Iterator[ClassServer]:
    from learnloop.classroom.accounts import create_learner
    from learnloop.classroom.classes import create_class, make_invite

    app, url, stop = start_server(server_settings)
    store: Store = app.state.server.store
    with store.across_learners() as session:
        teacher = create_learner(
            session, login="teach", name="Ms Hopper", email=None, role="teacher", password=None, now=NOW
        )
        classroom = create_class(session, teacher, "ML 101", NOW)
        code = make_invite(session, classroom, 7, NOW).code
        classroom_id = classroom.id
    try:
        yield ClassServer(app=app, url=url, code=code, store=store, classroom_id=classroom_id, stop=stop)
    finally:
        stop()


def _ok(cli: Callable[..., Any], args: list[str] | str) -> str:
    result = cli(args)
    assert result.exit_code == 0, f"{args!r}: {result.output}"
    return str(result.stdout)


def _refused(cli: Callable[..., Any], args: list[str] | str, *needles: str, code: int | None = None) -> str:
    result = cli(args)
    assert result.exit_code != 0, f"{args!r} should fail: {result.output}"
    if code is not None:
        assert result.exit_code == code, result.output
    err = result.stderr
    assert err.startswith("error:") and err.count("\n") == 1, err
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in err, (needle, err)
    return str(err)


def seed_laptop(cli: Callable[..., Any], tmp_path: Path) -> None:
    """A pass in step 4 with a focus, a reference, notes, skips with reasons, a gap, practice and a project."""
    from learnloop.config import resolve_settings
    from learnloop.loop.practice import record_exercise, record_rung
    from learnloop.store.db import open_store

    _ok(cli, "start")
    _ok(cli, "interests rank --order graph-neural-networks,nlp")
    _ok(cli, "focus graph-neural-networks")
    _ok(cli, "next")
    _ok(cli, ["reference", "add", "tkipf/pygcn", "--why", "GNNs on citation graphs are my endgame"])
    _ok(cli, ["notes", "add", "each layer multiplies by the normalised adjacency", "--kind", "pattern"])
    _ok(cli, "next")
    store = open_store(resolve_settings())
    with store.session() as session:
        record_exercise(session, exercise="core-fizzbuzz", passed=True, now=NOW)
    _ok(cli, ["next", "--skip", "--reason", "I write Python every day"])
    with store.session() as session:
        record_rung(session, ladder="digits", rung=1, score=0.97, now=NOW)
    _ok(cli, "next")
    store.dispose()
    _ok(cli, ["gap", "add", "how does message passing generalise convolution?"])
    _ok(cli, ["project", "new", "Cora node classifier", "--days", "14", "--data", "cora", "--dir", str(tmp_path / "p")])
    _ok(cli, ["project", "checkin", "GCN trains, 78% on validation"])


def laptop_records() -> dict[str, list[dict[str, Any]]]:
    """The laptop's records as the server should hold them (what its snapshot says), ids aside."""
    from learnloop.classroom.sync import _canonical, build_snapshot, parse_snapshot, snapshot_body
    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    store = open_store(resolve_settings())
    try:
        with store.read() as session:
            rows = parse_snapshot(snapshot_body(build_snapshot(session, NOW)))
    finally:
        store.dispose()
    return _canonical({name: [r.model_dump() for r in table] for name, table in rows.items()})


def server_records(store: Store, learner_id: int) -> dict[str, list[dict[str, Any]]]:
    from learnloop.classroom.sync import _canonical, _server_rows

    with store.read(learner_id) as session:
        return _canonical(_server_rows(session, learner_id))


def server_rows_with_ids(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every learner record on the server, ids and owners included (to prove a resend writes nothing)."""
    from sqlalchemy import select

    from learnloop.classroom.sync import _models

    out = {}
    with store.across_learners() as session:
        for name, model in _models().items():
            table = model.__table__
            out[name] = [tuple(r) for r in session.execute(select(table).order_by(*table.primary_key.columns))]
    return out


def membership_file(tmp_path: Path) -> Path:
    return tmp_path / "laptop-config" / "class-membership.json"


def _laptop_learner(server: ClassServer) -> Any:
    from sqlalchemy import select

    from learnloop.store.models import Learner

    with server.store.across_learners() as session:
        learner = session.scalars(select(Learner).where(Learner.origin == "laptop")).one()
        session.expunge(learner)
    return learner


def test_join_and_sync_put_the_laptops_loop_on_the_server(
    class_server: ClassServer, cli: Callable[..., Any], tmp_path: Path, home: Path
) -> None:
    from sqlalchemy import select

    from learnloop.store.models import AccessToken, Membership, Pass

    seed_laptop(cli, tmp_path)
    joined = _ok(cli, ["class", "join", class_server.url, "--code", class_server.code.lower(), "--name", "Ada"])
    assert "Joined ML 101" in joined and "learnloop sync" in joined

    # The token: in the config folder, mode 600, the server keeps only its digest.
    token_file = membership_file(tmp_path)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = json.loads(token_file.read_text())["token"]
    learner = _laptop_learner(class_server)
    assert (learner.name, learner.role, learner.origin, learner.password_hash) == ("Ada", "student", "laptop", None)
    with class_server.store.across_learners() as session:
        digests = session.scalars(select(AccessToken.digest).where(AccessToken.learner_id == learner.id)).all()
        assert token not in digests and len(digests) == 1
        assert session.get(Membership, (class_server.classroom_id, learner.id)) is not None

    before_sync = _ok(cli, [])  # status: joined, never synced
    assert "learnloop sync" in before_sync and "never synced" in before_sync

    synced = _ok(cli, "sync")
    assert "Synced to" in synced and "1 pass(es)" in synced
    on_server = server_records(class_server.store, learner.id)
    assert on_server == laptop_records()
    assert on_server["passes"][0]["step"] == 4 and on_server["passes"][0]["focus_id"] == "graph-neural-networks"
    assert [p["title"] for p in on_server["projects"]] == ["Cora node classifier"]
    assert [c["text"] for c in on_server["checkins"]] == ["GCN trains, 78% on validation"]
    assert {p["kind"] for p in on_server["practice"]} == {"exercise", "rung"}
    assert on_server["notes"] == []  # not shared: the notes stay on the laptop
    assert on_server["reference_projects"][0]["why"] is None
    assert "learnloop sync" not in _ok(cli, [])  # synced just now: no reminder

    # Resending changes nothing: the very same rows, ids included.
    rows_before = server_rows_with_ids(class_server.store)
    again = _ok(cli, "sync")
    assert "nothing new since the last sync" in again
    assert server_rows_with_ids(class_server.store) == rows_before

    # The learner shares the pass: its notes and the reference's why go with the next sync.
    _ok(cli, "share")
    _ok(cli, "sync")
    shared = server_records(class_server.store, learner.id)
    assert [n["text"] for n in shared["notes"]] == ["each layer multiplies by the normalised adjacency"]
    assert shared["reference_projects"][0]["why"] == "GNNs on citation graphs are my endgame"
    assert shared == laptop_records()
    with class_server.store.across_learners() as session:
        assert session.scalars(select(Pass.shared_at).where(Pass.learner_id == learner.id)).one() is not None

    # The laptop moves on; the server follows (the gap kept, a new check-in).
    _ok(cli, ["project", "checkin", "GAT next"])
    _ok(cli, "sync")
    assert server_records(class_server.store, learner.id) == laptop_records()
    assert "knows this laptop as Ada" in _ok(cli, "sync --check")

    # Days later the status reminds.
    later = cli([], env={"LEARNLOOP_NOW": (NOW + timedelta(days=4)).isoformat()})
    assert later.exit_code == 0 and "last synced 4 day(s) ago" in later.stdout


def test_a_stale_token_is_one_line_and_writes_nothing(
    class_server: ClassServer, cli: Callable[..., Any], tmp_path: Path
) -> None:
    from sqlalchemy import update

    from learnloop.store.models import AccessToken

    seed_laptop(cli, tmp_path)
    _ok(cli, ["class", "join", class_server.url, "--code", class_server.code, "--name", "Bo"])
    _ok(cli, "sync")
    learner = _laptop_learner(class_server)
    before = server_rows_with_ids(class_server.store)
    with class_server.store.across_learners() as session:
        session.execute(update(AccessToken).values(revoked_at=NOW))
    _ok(cli, ["gap", "add", "what is a graph attention head?"])
    err = _refused(cli, "sync", "refused this laptop's token", "learnloop class join URL --code CODE", code=4)
    assert "revoked" in err
    assert server_rows_with_ids(class_server.store) == before
    assert _laptop_learner(class_server).last_synced_at == learner.last_synced_at


def test_malformed_bodies_get_one_json_line_and_write_nothing(
    class_server: ClassServer, cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnloop.classroom import sync

    seed_laptop(cli, tmp_path)
    _ok(cli, ["class", "join", class_server.url, "--code", class_server.code, "--name", "Cy"])
    _ok(cli, "sync")
    token = json.loads(membership_file(tmp_path).read_text())["token"]
    before = server_rows_with_ids(class_server.store)
    good = json.loads(_snapshot_json())

    def put(body: bytes, kind: str = "application/json", auth: str | None = f"Bearer {token}") -> tuple[int, Any]:
        headers = {"Content-Type": kind}
        if auth:
            headers["Authorization"] = auth
        request = urllib.request.Request(class_server.url + "api/v1/progress", data=body, method="PUT", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            assert exc.headers.get_content_type() == "application/json"
            return exc.code, json.loads(exc.read())

    broken_pass = json.loads(json.dumps(good))
    broken_pass["tables"]["passes"][0]["step"] = 9
    orphan = json.loads(json.dumps(good))
    orphan["tables"]["gaps"][0]["pass_id"] = 999
    private = json.loads(json.dumps(good))
    private["tables"]["notes"] = [
        {
            "id": 1,
            "pass_id": good["tables"]["passes"][0]["id"],
            "kind": "pattern",
            "text": "x",
            "added_at": NOW.isoformat(),
        }
    ]
    unknown_table = json.loads(json.dumps(good))
    unknown_table["tables"]["learners"] = [{"id": 1}]
    cases = [
        (b"not json at all", "application/json", 400, "not JSON"),
        (b'{"format": "learnloop-progress"}', "application/json", 400, "not a learnloop snapshot"),
        (json.dumps(broken_pass).encode(), "application/json", 400, "table passes, row 1, field step"),
        (json.dumps(orphan).encode(), "application/json", 400, "no pass has id 999"),
        (json.dumps(private).encode(), "application/json", 400, "not shared"),
        (json.dumps(unknown_table).encode(), "application/json", 400, "learners"),
        (b'{"format": 1e999999}', "application/json", 400, "not"),
        (json.dumps(good).encode(), "text/plain", 400, "takes JSON"),
    ]
    for body, kind, status, needle in cases:
        code, answer = put(body, kind)
        assert code == status, (needle, code, answer)
        assert needle in answer["error"] and "\n" not in answer["error"], answer
    limit = sync.MAX_SNAPSHOT_BYTES
    monkeypatch.setattr(sync, "MAX_SNAPSHOT_BYTES", 2000)  # the server runs in this process
    code, answer = put(json.dumps(good).encode() + b" " * 2000)
    assert code == 413 and "limit" in answer["error"], answer
    monkeypatch.setattr(sync, "MAX_SNAPSHOT_BYTES", limit)
    code, answer = put(json.dumps(good).encode(), auth=None)
    assert code == 401 and "\n" not in answer["error"]
    code, answer = put(json.dumps(good).encode(), auth="Bearer not-a-token")
    assert code == 401
    assert server_rows_with_ids(class_server.store) == before
    code, answer = put(json.dumps(good).encode())
    assert code == 200 and answer["changed"] is False  # the good one still goes through, and changes nothing


def _snapshot_json() -> str:
    from learnloop.classroom.sync import build_snapshot, snapshot_body
    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    store = open_store(resolve_settings())
    try:
        with store.read() as session:
            return snapshot_body(build_snapshot(session, NOW)).decode()
    finally:
        store.dispose()


def test_a_server_that_is_down_is_one_line_and_the_laptop_keeps_everything(
    class_server: ClassServer, cli: Callable[..., Any], tmp_path: Path, home: Path
) -> None:
    seed_laptop(cli, tmp_path)
    _ok(cli, ["class", "join", class_server.url, "--code", class_server.code, "--name", "Di"])
    class_server.stop()
    database = (home / "learnloop.db").read_bytes()
    token = membership_file(tmp_path).read_bytes()
    err = _refused(cli, "sync", "cannot reach the class server", "nothing was lost", code=3)
    assert "learnloop sync again later" in err
    assert (home / "learnloop.db").read_bytes() == database
    assert membership_file(tmp_path).read_bytes() == token
    assert not (tmp_path / "laptop-config" / "class-synced.json").exists()


def test_the_servers_database_down_is_one_line_and_nothing_is_lost(
    class_server: ClassServer, cli: Callable[..., Any], tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnloop.errors import StoreError

    seed_laptop(cli, tmp_path)
    _ok(cli, ["class", "join", class_server.url, "--code", class_server.code, "--name", "Fay"])
    database = (home / "learnloop.db").read_bytes()
    store = class_server.app.state.server.store

    def down(*_args: object, **_kwargs: object) -> None:
        raise StoreError("the database cannot be used: connection refused")

    monkeypatch.setattr(store, "session", down)
    monkeypatch.setattr(store, "across_learners", down)
    err = _refused(cli, "sync", "database is not answering", "nothing changed on this laptop", code=3)
    assert "connection refused" not in err  # the server's details stay in its log
    assert (home / "learnloop.db").read_bytes() == database
    assert not (tmp_path / "laptop-config" / "class-synced.json").exists()


def test_joining_with_a_bad_code_or_twice(class_server: ClassServer, cli: Callable[..., Any], tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from learnloop.store.models import Learner

    _refused(cli, ["class", "join", class_server.url, "--code", "ZZZZ-ZZZZ", "--name", "Ed"], "no class has this")
    assert not membership_file(tmp_path).exists()
    _ok(cli, ["class", "join", class_server.url, "--code", class_server.code, "--name", "Ed"])
    first = json.loads(membership_file(tmp_path).read_text())
    again = _ok(cli, ["class", "join", class_server.url, "--code", class_server.code, "--name", "Ed"])
    assert "already" in again
    assert json.loads(membership_file(tmp_path).read_text())["token"] == first["token"]  # the same learner
    with class_server.store.across_learners() as session:
        assert session.scalar(select(func.count()).select_from(Learner).where(Learner.origin == "laptop")) == 1
    _refused(cli, ["class", "join", "http://127.0.0.1:9/", "--code", class_server.code, "--name", "Ed"], "--force")
    assert "not a web address" in _refused(cli, ["class", "join", "nowhere", "--code", "X", "--name", "Ed"])


def test_a_laptops_own_dashboard_is_not_a_class_server(tmp_path: Path, cli: Callable[..., Any]) -> None:
    """`learnloop serve` without --class has the API's routes but answers them with one line: not a class."""
    import uvicorn

    from learnloop.web.app import WebOptions, create_app

    app = create_app(Settings(home=tmp_path / "dashboard"), options=WebOptions(class_mode=False))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.02)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        err = _refused(cli, ["class", "join", url, "--code", "K7QD-M2XP", "--name", "Gus"], "not a class")
        assert "one learner's dashboard" in err
        assert not membership_file(tmp_path).exists()
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
