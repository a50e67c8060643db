"""The same store code on PostgreSQL (the class server's database).

`.ci/run` starts a PostgreSQL server and sets LEARNLOOP_TEST_POSTGRES_URL; in CI a missing server is a failure,
on a developer's machine without one these tests are skipped with the reason shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from learnloop.atlas.load import Atlas
from learnloop.config import Settings
from learnloop.store.db import SCHEMA_HEAD, current_revision, open_store

URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

if not URL:
    if os.environ.get("CI"):
        raise RuntimeError("CI must provide LEARNLOOP_TEST_POSTGRES_URL (see .ci/run)")
    pytest.skip("no PostgreSQL server (set LEARNLOOP_TEST_POSTGRES_URL; .ci/run does)", allow_module_level=True)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_settings(tmp_path: Path) -> Iterator[Settings]:
    assert URL is not None
    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield Settings(home=tmp_path, database_url=URL)


def test_migrations_and_a_pass_run_on_postgresql(pg_settings: Settings) -> None:
    from learnloop.loop.gaps import add_gap, list_gaps
    from learnloop.loop.passes import advance, start_pass

    store = open_store(pg_settings)
    assert current_revision(store) == SCHEMA_HEAD
    with store.session() as s:
        start_pass(s, NOW)
    with store.session() as s:
        s.execute(text("UPDATE passes SET focus_id = 'nlp'"))
    with store.session() as s:
        moved = advance(s, NOW)
        add_gap(s, Atlas(), "what is attention?", None, NOW)
    with store.read() as s:
        gaps = list_gaps(s, NOW)
    assert moved.to_step == 1
    assert [g.text for g in gaps] == ["what is attention?"]
    assert gaps[0].created_at == NOW  # timezone-aware on the way back, as on SQLite
    store.dispose()


def test_export_import_round_trip_on_postgresql(pg_settings: Settings, tmp_path: Path) -> None:
    from learnloop.loop.gaps import add_gap
    from learnloop.loop.passes import start_pass
    from learnloop.store.transfer import export_data, import_data

    store = open_store(pg_settings)
    with store.session() as s:
        start_pass(s, NOW)
        add_gap(s, Atlas(), "bias-variance", None, NOW)
    with store.read() as s:
        first = export_data(s)
    store.dispose()

    engine = create_engine(pg_settings.url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    store = open_store(pg_settings)
    with store.session() as s:
        import_data(s, first)
    with store.session() as s:  # sequences were moved past the imported ids
        add_gap(s, Atlas(), "after import", None, NOW)
    with store.read() as s:
        second = export_data(s)
    store.dispose()
    assert second["tables"]["gaps"][0] == first["tables"]["gaps"][0]
    assert [g["text"] for g in second["tables"]["gaps"]] == ["bias-variance", "after import"]
