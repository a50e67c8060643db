"""Opening the learner's database: migrations keep old data, bad homes and files fail with one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from learnloop.config import Settings
from learnloop.errors import StoreError
from learnloop.store import db


def test_schema_head_matches_alembic_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    assert script.get_current_head() == db.SCHEMA_HEAD
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == list(db.KNOWN_REVISIONS)


def test_new_home_is_created_and_migrated_in_wal_mode(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "a" / "b")
    store = db.open_store(settings)
    assert db.current_revision(store) == db.SCHEMA_HEAD
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.dispose()


def test_first_release_database_upgrades_with_its_data_intact(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    tmp_path.mkdir(exist_ok=True)
    old = db.Store(settings.url)
    db.upgrade(old, "0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO passes (id, number, started_at, step, step_started_at, focus_id) "
                "VALUES (1, 1, '2026-01-05 10:00:00', 0, '2026-01-05 10:00:00', 'nlp')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO interests (focus_id, rank, ranked_at) VALUES "
                "('nlp', 1, '2026-01-05 10:00:00'), ('computer-vision', 2, '2026-01-05 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO events (pass_id, at, kind, step, subject) VALUES "
                "(1, '2026-01-05 10:00:00', 'start', 0, NULL), "
                "(1, '2026-01-05 10:01:00', 'focus', 0, 'nlp')"
            )
        )
    assert db.current_revision(old) == "0001"
    old.dispose()

    store = db.open_store(settings)
    assert db.current_revision(store) == db.SCHEMA_HEAD
    with store.read() as s:
        assert s.execute(text("SELECT number, focus_id FROM passes")).all() == [(1, "nlp")]
        assert s.execute(text("SELECT focus_id FROM interests ORDER BY rank")).scalars().all() == [
            "nlp",
            "computer-vision",
        ]
        assert s.execute(text("SELECT count(*) FROM events")).scalar() == 2
        assert s.execute(text("SELECT count(*) FROM gaps")).scalar() == 0  # the new tables exist
    store.dispose()


def test_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "learnloop.db").write_bytes(b"this is a text file, not SQLite\n" * 100)
    with pytest.raises(StoreError, match="damaged or not a learnloop database"):
        db.open_store(Settings(home=tmp_path))


def test_sqlite_database_of_another_program_is_refused(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "learnloop.db")
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not made by learnloop"):
        db.open_store(Settings(home=tmp_path))


def test_database_from_a_newer_learnloop_is_refused(tmp_path: Path) -> None:
    store = db.open_store(Settings(home=tmp_path))
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.dispose()
    with pytest.raises(StoreError, match="newer learnloop"):
        db.open_store(Settings(home=tmp_path))


def test_home_that_cannot_be_a_folder_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot use"):
        db.open_store(Settings(home=blocker / "home"))
    with pytest.raises(StoreError, match=r"not a folder|cannot use"):
        db.open_store(Settings(home=blocker))


def test_a_failed_action_writes_nothing(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from learnloop.store.models import Interest

    store = db.open_store(Settings(home=tmp_path))
    now = datetime(2026, 11, 25, tzinfo=UTC)
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(Interest(focus_id="nlp", rank=1, ranked_at=now))
        s.flush()
        raise RuntimeError("crash in the middle of an action")
    with store.read() as s:
        assert s.query(Interest).count() == 0
    store.dispose()
