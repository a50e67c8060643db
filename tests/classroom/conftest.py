"""The class server's domain on both databases it runs on: every test here that takes ``store`` runs on SQLite
and on PostgreSQL (``LEARNLOOP_TEST_POSTGRES_URL``; skipped with the reason outside CI, a failure in CI)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from learnloop.config import Settings
from learnloop.store.db import Store, open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PG_URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the least memory it allows: the same code path, a thousand times quicker."""
    from argon2 import PasswordHasher

    from learnloop.classroom import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(accounts, "_decoy", None)


def _fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_settings(
    request: pytest.FixtureRequest, tmp_path: Path, require_system: Callable[[str, bool, str], None]
) -> Settings:
    """A class server's settings: its home in ``tmp_path/server-home``, on SQLite, then on a PostgreSQL emptied
    for the test."""
    home = tmp_path / "server-home"
    if request.param == "sqlite":
        return Settings(home=home)
    require_system(
        "a PostgreSQL server (LEARNLOOP_TEST_POSTGRES_URL)",
        bool(PG_URL),
        "apt-get install -y postgresql, then set LEARNLOOP_TEST_POSTGRES_URL (.ci/run does)",
    )
    assert PG_URL is not None
    _fresh_postgres(PG_URL)
    return Settings(home=home, database_url=PG_URL)


@pytest.fixture
def store(server_settings: Settings) -> Iterator[Store]:
    opened = open_store(server_settings)
    yield opened
    opened.dispose()
