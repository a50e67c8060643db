"""Opening the learner's database: engine, pragmas, migrations, and one transaction per action.

SQLite (the default) runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE`` so that two processes writing at once wait for each other instead of failing
with "database is locked". PostgreSQL (``LEARNLOOP_DATABASE_URL``) goes through the same code.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from learnloop.config import Settings
from learnloop.errors import StoreError

# The newest schema revision this code knows. A test checks it equals Alembic's head.
SCHEMA_HEAD = "0004_jobs"
KNOWN_REVISIONS = ("0001", "0002", "0003_topic_marks", "0004_jobs")
BUSY_TIMEOUT_MS = 30_000


class Store:
    """The learner's database. Use ``with store.session() as s:`` for one user action."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url, write=True)
        # Reads on SQLite use a plain deferred BEGIN so that they never queue behind writers.
        self.read_engine = _make_engine(url, write=False) if self.is_sqlite else self.engine
        self._write_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back as a whole on any error."""
        with self._write_sessions() as s, _translated_errors(), s.begin():
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only view; nothing done inside is committed."""
        with self._read_sessions() as s, _translated_errors():
            try:
                yield s
            finally:
                s.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def _make_engine(url: str, *, write: bool) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"the database cannot be used: {_first_line(exc.orig)}") from None
    except DatabaseError as exc:
        raise StoreError(f"the database is damaged or not a learnloop database: {_first_line(exc.orig)}") from None


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _prepare_home(settings: Settings) -> None:
    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot use {home} as the learnloop home: {exc.strerror or exc}") from None
    if not home.is_dir():
        raise StoreError(f"cannot use {home} as the learnloop home: it is not a folder")
    if not os.access(home, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write to the learnloop home {home}; choose another with --home")
    path = settings.database_path
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a file; move it away or choose another --home")


def current_revision(store: Store) -> str | None:
    """The schema revision recorded in the database, or None for a new, empty database."""
    with store.read_engine.connect() as conn:
        try:
            if store.is_sqlite:
                exists = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                ).first()
                if not exists:
                    tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
                    if tables:
                        raise StoreError("this database was not made by learnloop (it has no schema version)")
                    return None
            else:
                from sqlalchemy import inspect

                if not inspect(conn).has_table("alembic_version"):
                    return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DatabaseError as exc:
            raise StoreError(
                f"{_describe(store)} is damaged or not a learnloop database ({_first_line(exc.orig)})"
            ) from None


def _describe(store: Store) -> str:
    return store.url.removeprefix("sqlite:///") if store.is_sqlite else "the database"


def upgrade(store: Store, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` (imports Alembic only when there is work to do)."""
    from alembic import command

    config = alembic_config(store.url)
    with store.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def open_store(settings: Settings) -> Store:
    """Open (creating and migrating as needed) the learner's database, or fail with one clear line."""
    if settings.is_sqlite and settings.database_url is None:
        _prepare_home(settings)
    store = Store(settings.url)
    try:
        revision = current_revision(store)
    except DatabaseError as exc:
        store.dispose()
        raise StoreError(
            f"cannot open {_describe(store)}: it is damaged or not a learnloop database ({_first_line(exc.orig)})"
        ) from None
    if revision == SCHEMA_HEAD:
        return store
    if revision is not None and revision not in KNOWN_REVISIONS:
        store.dispose()
        raise StoreError(
            f"{_describe(store)} was made by a newer learnloop (schema {revision}); upgrade learnloop to use it"
        )
    try:
        upgrade(store)
    except DatabaseError as exc:
        raise StoreError(f"cannot prepare {_describe(store)}: {_first_line(exc.orig)}") from None
    return store
