"""Revision 0006_owners: a single-learner database (the first release's, and the previous head's with a row in
every table) becomes the local learner's, every row kept, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, insert, select, text

from learnloop.config import Settings
from learnloop.errors import UserError
from learnloop.store import db
from learnloop.store.models import LOCAL_LEARNER_ID

AT = datetime(2026, 1, 5, 10, 0)  # naive UTC, as the tables store it
OWNED = (
    "passes",
    "interests",
    "events",
    "reference_projects",
    "notes",
    "projects",
    "checkins",
    "gaps",
    "practice",
    "topic_marks",
    "jobs",
)

# One or more rows in every learner table at 0005_learners (written before owners existed).
ROWS: dict[str, list[dict[str, Any]]] = {
    "passes": [
        {
            "id": 1,
            "number": 1,
            "started_at": AT,
            "step": 6,
            "step_started_at": AT,
            "focus_id": "nlp",
            "closed_at": datetime(2026, 1, 20, 9, 0),
            "retro": "went well",
        },
        {
            "id": 2,
            "number": 2,
            "started_at": datetime(2026, 1, 21),
            "step": 4,
            "step_started_at": datetime(2026, 1, 25),
            "focus_id": "nlp",
            "closed_at": None,
            "retro": None,
        },
    ],
    "interests": [
        {"focus_id": "nlp", "rank": 1, "ranked_at": AT},
        {"focus_id": "time-series", "rank": 2, "ranked_at": AT},
    ],
    "events": [
        {"id": 1, "pass_id": 1, "at": AT, "kind": "start", "step": 0, "subject": None, "reason": None},
        {"id": 2, "pass_id": 2, "at": AT, "kind": "skip", "step": 2, "subject": None, "reason": "knew it"},
    ],
    "reference_projects": [{"id": 1, "pass_id": 1, "source": "tkipf/pygcn", "why": "graphs", "added_at": AT}],
    "notes": [{"id": 1, "pass_id": 1, "kind": "pattern", "text": "a fit/predict pair", "added_at": AT}],
    "projects": [
        {
            "id": 1,
            "pass_id": 2,
            "title": "Penguins",
            "idea_id": "penguin-pipeline",
            "data_source": "penguins",
            "no_data_reason": None,
            "directory": "/tmp/penguins",
            "started_at": AT,
            "days": 14,
            "deadline": date(2026, 2, 8),
            "status": "active",
            "finished_at": None,
            "summary": None,
        }
    ],
    "checkins": [{"id": 1, "project_id": 1, "at": AT, "text": "half-way"}],
    "gaps": [
        {
            "id": 1,
            "pass_id": 1,
            "text": "attention?",
            "topic_id": None,
            "rank": 1,
            "status": "done",
            "created_at": AT,
            "kept_at": AT,
            "days": 3,
            "deadline": date(2026, 1, 8),
            "closed_at": AT,
            "learned": "weights",
        },
        {
            "id": 2,
            "pass_id": 2,
            "text": "tokens?",
            "topic_id": None,
            "rank": None,
            "status": "open",
            "created_at": AT,
            "kept_at": None,
            "days": None,
            "deadline": None,
            "closed_at": None,
            "learned": None,
        },
    ],
    "practice": [
        {"id": 1, "pass_id": 1, "kind": "exercise", "subject": "fizzbuzz", "score": None, "passed": True, "at": AT},
        {"id": 2, "pass_id": 2, "kind": "rung", "subject": "penguins:1", "score": 0.93, "passed": None, "at": AT},
    ],
    "topic_marks": [{"topic_id": "svm", "mark": "done", "marked_at": AT, "source": "gap:1"}],
    "jobs": [
        {
            "id": "a1b2",
            "kind": "baseline",
            "title": "Baseline",
            "back": "/",
            "state": "done",
            "params": "{}",
            "folder": None,
            "error": None,
            "error_status": 500,
            "submitted_at": AT,
            "started_at": AT,
            "finished_at": AT,
        }
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path, require_system: Any) -> Settings:
    if request.param == "sqlite":
        return Settings(home=tmp_path)
    url = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")
    require_system("a PostgreSQL server", bool(url), "set LEARNLOOP_TEST_POSTGRES_URL (.ci/run starts one)")
    assert url is not None
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return Settings(home=tmp_path, database_url=url)


def _rows(store: db.Store, table: str) -> list[dict[str, Any]]:
    meta = MetaData()
    meta.reflect(store.engine, only=[table])
    t = meta.tables[table]
    key = [c for c in t.primary_key.columns if c.name != "learner_id"]
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(*key)).mappings()]


def _old_database(settings: Settings, revision: str) -> db.Store:
    settings.home.mkdir(parents=True, exist_ok=True)
    old = db.Store(settings.url)
    db.upgrade(old, revision)
    return old


def test_the_previous_head_upgrades_with_every_row_kept_and_owned_by_the_local_learner(settings: Settings) -> None:
    old = _old_database(settings, "0005_learners")
    meta = MetaData()
    meta.reflect(old.engine)
    with old.engine.begin() as conn:
        for table in OWNED:  # parents first
            conn.execute(insert(meta.tables[table]), ROWS[table])
            if not old.is_sqlite and "id" in meta.tables[table].c and table != "jobs":  # as if the ORM wrote them
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {len(ROWS[table])})"))
    before = {table: _rows(old, table) for table in OWNED}
    assert before == ROWS  # the rows read back as they were written
    old.dispose()

    store = db.open_store(settings)
    try:
        assert db.current_revision(store) == db.SCHEMA_HEAD
        for table in OWNED:
            after = _rows(store, table)
            assert {r.pop("learner_id") for r in after} == {LOCAL_LEARNER_ID}, table
            if table == "passes":
                assert {r.pop("shared_at") for r in after} == {None}  # no pass is shared until its learner says so
            assert after == ROWS[table], table
        _check_the_new_rules(store)
    finally:
        store.dispose()


def _check_the_new_rules(store: db.Store) -> None:
    """After the upgrade: an owner is required, keys are per learner, and the local learner's loop reads."""
    from learnloop.loop import gaps, passes
    from learnloop.store.models import Learner

    with store.across_learners() as s:
        now = datetime.now().astimezone()
        other = Learner(login="ada", name="Ada", role="student", origin="server", created_at=now)
        s.add(other)
        s.flush()
        assert other.id != LOCAL_LEARNER_ID
        s.execute(
            text(
                "INSERT INTO passes (learner_id, number, started_at, step, step_started_at) "
                "VALUES (:learner, 1, :at, 0, :at)"
            ),
            {"learner": other.id, "at": AT},
        )  # pass 1 again, for another learner
        s.execute(
            text("INSERT INTO interests (learner_id, focus_id, rank, ranked_at) VALUES (:learner, 'nlp', 1, :at)"),
            {"learner": other.id, "at": AT},
        )
    with pytest.raises(UserError, match="breaks a rule"), store.across_learners() as s:
        s.execute(
            text("INSERT INTO gaps (pass_id, text, status, created_at) VALUES (2, 'no owner', 'open', :at)"),
            {"at": AT},
        )  # no default owner: a row without its learner is refused
    with pytest.raises(UserError, match="breaks a rule"), store.across_learners() as s:
        s.execute(
            text(
                "INSERT INTO passes (learner_id, number, started_at, step, step_started_at) "
                "VALUES (:learner, 1, :at, 0, :at)"
            ),
            {"learner": LOCAL_LEARNER_ID, "at": AT},
        )  # pass 1 twice for one learner
    with pytest.raises(UserError, match="breaks a rule"), store.across_learners() as s:
        s.execute(
            text("INSERT INTO gaps (learner_id, pass_id, text, status, created_at) VALUES (999, 2, 'x', 'open', :at)"),
            {"at": AT},
        )  # an owner that does not exist
    with store.read() as s:
        assert [g.text for g in gaps.list_gaps(s, datetime(2026, 1, 26).astimezone(), include_all=True)] == [
            "attention?",
            "tokens?",
        ]
        assert passes.current_pass(s).number == 2  # type: ignore[union-attr]


def test_the_first_release_database_becomes_the_local_learners(settings: Settings) -> None:
    old = _old_database(settings, "0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO passes (id, number, started_at, step, step_started_at, focus_id) "
                "VALUES (1, 1, :at, 0, :at, 'nlp')"
            ),
            {"at": AT},
        )
        conn.execute(text("INSERT INTO interests (focus_id, rank, ranked_at) VALUES ('nlp', 1, :at)"), {"at": AT})
        conn.execute(
            text("INSERT INTO events (pass_id, at, kind, step) VALUES (1, :at, 'start', 0), (1, :at, 'focus', 0)"),
            {"at": AT},
        )
    old.dispose()
    store = db.open_store(settings)
    try:
        assert db.current_revision(store) == db.SCHEMA_HEAD
        for table, count in (("passes", 1), ("interests", 1), ("events", 2)):
            owners = _rows(store, table)
            assert [r["learner_id"] for r in owners] == [LOCAL_LEARNER_ID] * count, table
        with store.read() as s:
            from learnloop.loop.passes import current_pass

            assert current_pass(s).focus_id == "nlp"  # type: ignore[union-attr]
    finally:
        store.dispose()


def test_on_sqlite_the_upgrade_leaves_foreign_keys_enforced(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    _old_database(settings, "0005_learners").dispose()
    store = db.open_store(settings)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            indexes = {r[1] for r in conn.exec_driver_sql("SELECT type, name FROM sqlite_master WHERE type='index'")}
    finally:
        store.dispose()
    for table in OWNED:
        if table not in ("interests", "topic_marks"):  # theirs is the primary key, (learner_id, key)
            assert f"ix_{table}_learner_id" in indexes, table


def test_the_migrated_schema_is_the_models(settings: Settings) -> None:
    """Alembic's own comparison of the upgraded database with the models finds nothing to change: the columns,
    types, keys, unique constraints and indexes 0006 made are the ones the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from learnloop.jobs.records import JobsBase
    from learnloop.store.models import Base

    store = db.open_store(settings)
    try:
        with store.engine.connect() as conn:
            for metadata in (Base.metadata, JobsBase.metadata):
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                found = [
                    change
                    for change in compare_metadata(context, metadata)
                    if _table_of(change) in metadata.tables  # the other metadata's tables are checked on its turn
                ]
                assert found == [], found
    finally:
        store.dispose()


def _table_of(change: Any) -> str | None:
    if isinstance(change, list):  # column changes come as a list of tuples
        return _table_of(change[0])
    kind, *rest = change
    if kind in ("add_table", "remove_table"):
        return rest[0].name
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        return rest[0].table.name
    return rest[1] if len(rest) > 1 and isinstance(rest[1], str) else None
