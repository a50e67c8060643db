"""The server's side of a sync, without HTTP: a snapshot is checked whole before anything is written, and it
replaces one learner's records (and nobody else's) in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from learnloop.classroom import sync
from learnloop.classroom.sync import BadSnapshot, apply_snapshot, build_snapshot, parse_snapshot, snapshot_body
from learnloop.config import Settings
from learnloop.store.db import Store, open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PG_URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")


@pytest.fixture
def server(server_settings: Settings) -> Iterator[Store]:
    store = open_store(server_settings)
    yield store
    store.dispose()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Store]:
    store = open_store(Settings(home=tmp_path / "laptop"))
    yield store
    store.dispose()


def fill(store: Store, learner_id: int = 1, *, title: str = "Cora node classifier") -> None:
    """Two passes (the first closed with a retrospective), notes, a project with a check-in, a kept gap,
    practice and a map mark, written through the loop's own functions."""
    from learnloop.atlas.load import Atlas
    from learnloop.loop.gaps import add_gap
    from learnloop.loop.passes import start_pass
    from learnloop.loop.practice import record_exercise
    from learnloop.store.models import Checkin, Event, Note, Pass, Project, Reference, TopicMark

    with store.session(learner_id) as s:
        start_pass(s, NOW)
        first = s.query(Pass).one()
        first.focus_id = "nlp"
        s.add(Note(pass_id=first.id, kind="pattern", text="attention everywhere", added_at=NOW))
        s.add(Reference(pass_id=first.id, source="karpathy/nanoGPT", why="my endgame", added_at=NOW))
        first.closed_at = NOW + timedelta(days=20)
        first.retro = "the project box was too short"
        first.step = 6
    with store.session(learner_id) as s:
        second = Pass(number=2, started_at=NOW + timedelta(days=20), step=0, step_started_at=NOW + timedelta(days=20))
        s.add(second)
        s.flush()
        second.focus_id = "graph-neural-networks"
    later = NOW + timedelta(days=21)
    with store.session(learner_id) as s:
        current = s.query(Pass).filter(Pass.number == 2).one()
        current.step, current.step_started_at = 4, later
        s.add(Event(pass_id=current.id, at=later, kind="skip", step=2, reason="I write Python every day"))
        record_exercise(s, exercise="core-fizzbuzz", passed=True, now=later)
        add_gap(s, Atlas(), "what is message passing?", None, later)
        s.add(Note(pass_id=current.id, kind="unclear", text="why self-loops?", added_at=later))
        project = Project(
            pass_id=current.id, title=title, started_at=later, days=14, deadline=(later + timedelta(days=14)).date()
        )
        s.add(project)
        s.flush()
        s.add(Checkin(project_id=project.id, at=later, text="GCN trains"))
        s.add(TopicMark(topic_id="gcn", mark="in-progress", marked_at=later))


def snapshot_of(store: Store, learner_id: int = 1) -> bytes:
    with store.read(learner_id) as s:
        return snapshot_body(build_snapshot(s, NOW))


def add_learner(store: Store, login: str) -> int:
    from learnloop.store.models import Learner

    with store.across_learners() as s:
        learner = Learner(login=login, name=login.title(), role="student", origin="laptop", created_at=NOW)
        s.add(learner)
        s.flush()
        return learner.id


def everything(store: Store, learner_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every learner record on the server (or one learner's), ids and owners included."""
    from sqlalchemy import select

    out = {}
    with store.across_learners() as s:
        for name, model in sync._models().items():
            table = model.__table__
            query = select(table).order_by(*table.primary_key.columns)
            if learner_id is not None:
                query = query.where(table.c.learner_id == learner_id)
            out[name] = [dict(r) for r in s.execute(query).mappings()]
    return out


def apply(store: Store, learner_id: int, body: bytes) -> sync.ProgressReply:
    rows = parse_snapshot(body)
    with store.session(learner_id=learner_id) as s:
        return apply_snapshot(s, learner_id, rows, NOW)


def test_the_snapshot_keeps_private_words_on_the_laptop(laptop: Store) -> None:
    from learnloop.classroom.view import share_pass

    fill(laptop)
    tables = json.loads(snapshot_of(laptop))["tables"]
    assert set(tables) == set(sync.SYNCED_TABLES)
    assert tables["notes"] == []
    assert [p["retro"] for p in tables["passes"]] == [None, None]
    assert [r["why"] for r in tables["reference_projects"]] == [None]
    assert [c["text"] for c in tables["checkins"]] == ["GCN trains"]  # check-ins are progress, not notes
    with laptop.session() as s:
        assert share_pass(s, 1, NOW) == NOW
    tables = json.loads(snapshot_of(laptop))["tables"]
    assert [n["text"] for n in tables["notes"]] == ["attention everywhere"]  # pass 2's stay private
    assert [p["retro"] for p in tables["passes"]] == ["the project box was too short", None]
    assert [r["why"] for r in tables["reference_projects"]] == ["my endgame"]
    with laptop.session() as s:
        assert share_pass(s, 1, NOW, shared=False) is None
        with pytest.raises(sync.NotFound, match="no pass called '9'"):
            share_pass(s, 9, NOW)


def test_a_snapshot_replaces_one_learners_records_and_resending_writes_nothing(server: Store, laptop: Store) -> None:
    fill(laptop)
    ada, bo = add_learner(server, "ada"), add_learner(server, "bo")
    fill(server, bo, title="Bo's own project")  # another learner's records stay as they are
    bos_rows = everything(server, bo)
    assert bos_rows["passes"]

    first = apply(server, ada, snapshot_of(laptop))
    assert first.changed and first.rows["passes"] == 2 and first.rows["notes"] == 0
    after_first = everything(server)
    again = apply(server, ada, snapshot_of(laptop))
    assert not again.changed and everything(server) == after_first  # ids included: nothing was rewritten

    with laptop.session() as s:
        from learnloop.store.models import Checkin, Project

        project = s.query(Project).one()
        s.add(Checkin(project_id=project.id, at=NOW + timedelta(days=25), text="GAT next"))
    third = apply(server, ada, snapshot_of(laptop))
    assert third.changed and third.rows["checkins"] == 2
    with server.read(ada) as s:
        from learnloop.store.models import Checkin, Learner, Project

        project = s.query(Project).one()
        assert [c.text for c in s.query(Checkin).order_by(Checkin.id)] == ["GCN trains", "GAT next"]
        assert all(c.project_id == project.id for c in s.query(Checkin))
        assert s.get(Learner, ada).last_synced_at == NOW
    assert everything(server, bo) == bos_rows


def test_a_failure_half_way_leaves_the_server_as_it_was(
    server: Store, laptop: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(laptop)
    ada = add_learner(server, "ada")
    apply(server, ada, snapshot_of(laptop))
    before = everything(server)
    with laptop.session() as s:
        from learnloop.store.models import Pass

        s.query(Pass).filter(Pass.number == 2).one().step = 2
    real = sync._insert_with_ids
    calls = []

    def fail_on_projects(session: Any, model: Any, *args: Any) -> Any:
        calls.append(model.__tablename__)
        if model.__tablename__ == "projects":
            raise OSError("the disk went away")
        return real(session, model, *args)

    monkeypatch.setattr(sync, "_insert_with_ids", fail_on_projects)
    with pytest.raises(OSError):
        apply(server, ada, snapshot_of(laptop))
    assert calls == ["passes", "projects"]  # the old rows were deleted and the passes inserted, then it failed
    assert everything(server) == before
    monkeypatch.setattr(sync, "_insert_with_ids", real)
    assert apply(server, ada, snapshot_of(laptop)).changed  # the next sync sends again


def _good(laptop: Store) -> dict[str, Any]:
    fill(laptop)
    return json.loads(snapshot_of(laptop))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d.update(format="learnloop-export"), "not a learnloop snapshot"),
        (lambda d: d.update(version=2), "not a learnloop snapshot"),
        (lambda d: d.update(taken_at="2026-11-25T09:00:00"), "taken_at"),
        (lambda d: d["tables"].update(jobs=[]), "tables a class server does not take: jobs"),
        (lambda d: d["tables"]["passes"][0].update(step="4"), "table passes, row 1, field step"),
        (lambda d: d["tables"]["passes"][0].update(closed_at=None), "only the latest pass can be open"),
        (lambda d: d["tables"]["projects"][0].update(days=90), "table projects, row 1, field days"),
        (lambda d: d["tables"]["checkins"][0].update(project_id=42), "no project has id 42"),
        (lambda d: d["tables"]["gaps"][0].update(surprise=1), "is not a field of this table"),
        (
            lambda d: d["tables"]["notes"].append(
                {
                    "id": 5,
                    "pass_id": d["tables"]["passes"][1]["id"],
                    "kind": "pattern",
                    "text": "x",
                    "added_at": NOW.isoformat(),
                }
            ),
            "notes of a pass that is not shared",
        ),
    ],
)
def test_a_malformed_snapshot_is_refused_whole(
    laptop: Store, change: Callable[[dict[str, Any]], None], needle: str
) -> None:
    data = _good(laptop)
    change(data)
    with pytest.raises(BadSnapshot, match=needle) as caught:
        parse_snapshot(json.dumps(data).encode())
    assert "\n" not in str(caught.value)


def test_bodies_that_are_not_snapshots_at_all(monkeypatch: pytest.MonkeyPatch, laptop: Store) -> None:
    for body, needle in (
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a learnloop snapshot"),
        (b'{"format": NaN}', "not JSON"),
        (b"[" * 100_000, "not JSON"),
    ):
        with pytest.raises(BadSnapshot, match=needle):
            parse_snapshot(body)
    good = snapshot_of(laptop)
    monkeypatch.setattr(sync, "MAX_SNAPSHOT_BYTES", len(good) - 1)
    with pytest.raises(BadSnapshot, match="the limit is"):
        parse_snapshot(good)
    monkeypatch.setattr(sync, "MAX_SNAPSHOT_BYTES", 10**9)
    monkeypatch.setattr(sync, "MAX_SNAPSHOT_ROWS", 0)
    fill(laptop)
    with pytest.raises(BadSnapshot, match="records; the limit is 0"):
        parse_snapshot(snapshot_of(laptop))


def test_only_a_laptop_learners_records_are_replaced(server: Store, laptop: Store) -> None:
    from learnloop.store.models import Learner

    fill(laptop)
    with server.across_learners() as s:
        student = Learner(login="web", name="Web", role="student", origin="server", created_at=NOW)
        s.add(student)
        s.flush()
        student_id = student.id
    fill(server, student_id)
    before = everything(server, student_id)
    with pytest.raises(sync.LaptopOnly, match="kept on the class server itself"):
        apply(server, student_id, snapshot_of(laptop))
    assert everything(server, student_id) == before


def test_two_syncs_at_once_leave_one_copy(server: Store, laptop: Store) -> None:
    """Two laptops' requests for one learner at the same moment (a retry racing the first try): the learner's
    row is locked for the replacement, so the second finds the first's records and writes nothing."""
    import threading

    fill(laptop)
    ada = add_learner(server, "ada")
    body = snapshot_of(laptop)
    results: list[object] = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        try:
            results.append(apply(server, ada, body).changed)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            results.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=str) == [False, True], results
    assert len(everything(server, ada)["passes"]) == 2


def test_rows_in_another_order_are_the_same_progress(server: Store, laptop: Store) -> None:
    """A snapshot is a set of records: listed in another order it is the same, and a resend writes nothing."""
    fill(laptop)
    with laptop.session() as s:
        from learnloop.store.models import TopicMark

        s.add(TopicMark(topic_id="attention", mark="done", marked_at=NOW))  # sorts before "gcn"
    ada = add_learner(server, "ada")
    data = json.loads(snapshot_of(laptop))
    for rows in data["tables"].values():
        rows.reverse()
    assert apply(server, ada, json.dumps(data).encode()).changed
    before = everything(server, ada)
    assert not apply(server, ada, snapshot_of(laptop)).changed
    assert everything(server, ada) == before
