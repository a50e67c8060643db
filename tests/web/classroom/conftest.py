"""Fixtures of a class server under test: the real app in class mode, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from learnloop.config import Settings

pytest.importorskip(
    "learnloop.classroom.classes", reason="the classroom package (branch classroom) is not merged into this tree yet"
)

from tests.web.classroom.people import LOCAL, ClassServer, make_app


@pytest.fixture
def class_server(home: Path, tmp_path: Path) -> Iterator[ClassServer]:
    from learnloop.config import resolve_settings

    settings = resolve_settings()
    app = make_app(settings)
    server = ClassServer(app=app, settings=settings)
    with TestClient(app, base_url=LOCAL):  # runs the lifespan once (closing the store at the end)
        yield server
        for browser in server.browsers:
            browser.close()


POSTGRES_URL = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")


@pytest.fixture
def pg_class_server(tmp_path: Path, require_system: Any) -> Iterator[ClassServer]:
    """The same class server on PostgreSQL (its schema emptied first)."""
    require_system(
        "a PostgreSQL server (LEARNLOOP_TEST_POSTGRES_URL)",
        bool(POSTGRES_URL),
        "apt-get install -y postgresql, then set LEARNLOOP_TEST_POSTGRES_URL (.ci/run does)",
    )
    from sqlalchemy import create_engine, text

    assert POSTGRES_URL is not None
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    settings = Settings(home=tmp_path / "pg-home", database_url=POSTGRES_URL)
    settings.home.mkdir(parents=True, exist_ok=True)
    app = make_app(settings)
    server = ClassServer(app=app, settings=settings)
    with TestClient(app, base_url=LOCAL):
        yield server
        for browser in server.browsers:
            browser.close()
