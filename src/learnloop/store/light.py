"""The light path to the learner's database: plain SQL through ``sqlite3``, for the CLI's everyday commands.

Importing SQLAlchemy and its ORM costs more than everything else ``learnloop`` does to show where you are, so
the hot commands (status, ``gap add``, ``gap list``, ``history``) read and write through this module instead,
when it applies: the default SQLite database exists, its journal is its own (the journal guard, when this
version has one), and its schema revision is exactly :data:`LIGHT_REVISION`. Otherwise (no database yet,
PostgreSQL, an older or newer schema) the caller takes the full store, which creates and migrates.

The models and migrations stay the one authority on the schema: the SQL the light path runs lives in
:mod:`learnloop.loop.reads`, runs through this module's :class:`SqliteRows` or through SQLAlchemy's own
connection (:class:`SessionRows`), and ``tests/store/test_light.py`` checks it against the models, the
migrations' head and the rows the ORM writes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from learnloop.config import Settings

# The schema revision the light SQL was written against. A test checks it equals store.db.SCHEMA_HEAD; a
# database at any other revision goes through the full store.
LIGHT_REVISION = "0006_owners"
# The learner the light path reads and writes as: the laptop's one local learner (store.models.LOCAL_LEARNER_ID;
# a test checks they agree). The light path never serves a class server's learners.
LOCAL_LEARNER = 1
BUSY_TIMEOUT_MS = 30_000  # as store.db
# The same text SQLAlchemy's SQLite DateTime and Date types store (naive UTC, microseconds always).
SQLITE_MOMENT = "%Y-%m-%d %H:%M:%S.%f"


class Rows(Protocol):
    """What :mod:`learnloop.loop.reads` needs of a connection: named ``:params``, rows as tuples, and every
    statement run with ``:learner`` bound to the one learner whose records these are."""

    learner: int

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]: ...

    def moment(self, value: datetime) -> Any: ...


def parse_moment(value: Any) -> datetime | None:
    """A stored moment (text on SQLite, a datetime on PostgreSQL) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def parse_day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value if not isinstance(value, datetime) else value.date()


def sqlite_moment(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("learnloop stores only timezone-aware datetimes")
    return value.astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_MOMENT)


class SqliteRows:
    """:class:`Rows` over a plain ``sqlite3`` connection (the laptop's local learner)."""

    def __init__(self, connection: sqlite3.Connection, learner: int = LOCAL_LEARNER) -> None:
        self.connection = connection
        self.learner = learner

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        params.setdefault("learner", self.learner)
        return [tuple(row) for row in self.connection.execute(sql, params).fetchall()]

    def moment(self, value: datetime) -> Any:
        return sqlite_moment(value)


class SessionRows:
    """:class:`Rows` over a SQLAlchemy session (the full store: PostgreSQL, or any database being migrated),
    for the learner the session serves."""

    def __init__(self, session: Any) -> None:
        from learnloop.store.scoping import one_learner

        self.session = session
        self.learner = one_learner(session)
        self.is_sqlite = session.get_bind().dialect.name == "sqlite"

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        if ":learner" in sql:
            params.setdefault("learner", self.learner)
        return [tuple(row) for row in self.session.execute(text(sql), params).all()]

    def moment(self, value: datetime) -> Any:
        if self.is_sqlite:
            return sqlite_moment(value)
        return value.astimezone(UTC).replace(tzinfo=None)


def home_is_read_only(settings: Settings) -> bool:
    """Can this process not write the home's database (a read-only disk, folder or file)?"""
    home, path = settings.home, settings.database_path
    try:
        if os.statvfs(home).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):
        pass
    return not os.access(home, os.W_OK | os.X_OK) or not os.access(path, os.W_OK)


def database_file(settings: Settings) -> Path | None:
    """The SQLite file the light path may use, or None when it does not apply: another database, none yet, or
    a read-only home (the full store reads it and the front door says it is read-only)."""
    if settings.database_url is not None:
        return None
    path = settings.database_path
    try:
        if not path.is_file():
            return None
    except OSError:
        return None
    return None if home_is_read_only(settings) else path


def _guard(path: Path) -> None:
    """The journal guard (store/journal.py), when this version has it: refuse a -wal that is not the database's."""
    try:
        from learnloop.store.journal import check_journals
    except ImportError:
        return
    check_journals(path)


@contextmanager
def _translated_errors() -> Iterator[None]:
    """As the full store: a database that cannot be used is one clear line, never a traceback."""
    from learnloop.errors import StoreError, UserError

    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise UserError(f"a record breaks a rule of the database ({_first_line(exc)})") from None
    except sqlite3.OperationalError as exc:
        raise StoreError(f"the database cannot be used: {_first_line(exc)}") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the database is damaged or not a learnloop database: {_first_line(exc)}") from None


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


@contextmanager
def reading(settings: Settings) -> Iterator[SqliteRows | None]:
    """A read-only view through ``sqlite3``, or None when the light path does not apply (use the full store)."""
    path = database_file(settings)
    if path is None:
        yield None
        return
    _guard(path)
    from urllib.parse import quote

    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
    except sqlite3.Error:
        yield None
        return
    try:
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("BEGIN")  # one snapshot for every read of the command
            usable = _revision(connection) == LIGHT_REVISION
        except sqlite3.Error:
            usable = False
        with _translated_errors():
            yield SqliteRows(connection) if usable else None
    finally:
        connection.close()


@contextmanager
def writing(settings: Settings) -> Iterator[SqliteRows | None]:
    """One write transaction (``BEGIN IMMEDIATE``, the store's pragmas) through ``sqlite3``; commits when the block
    ends, rolls back as a whole on any error. None when the light path does not apply."""
    path = database_file(settings)
    if path is None:
        yield None
        return
    _guard(path)
    try:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error:
        yield None
        return
    try:
        try:
            for pragma in (
                f"busy_timeout = {BUSY_TIMEOUT_MS}",
                "journal_mode = WAL",
                "synchronous = FULL",
                "foreign_keys = ON",
            ):
                connection.execute(f"PRAGMA {pragma}")
            connection.execute("BEGIN IMMEDIATE")
            usable = _revision(connection) == LIGHT_REVISION
        except sqlite3.Error:
            usable = False
        if not usable:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            yield None
            return
        changes = connection.total_changes
        try:
            with _translated_errors():
                yield SqliteRows(connection)
                if connection.total_changes != changes:
                    _stamp(connection)
                connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()


def _stamp(connection: sqlite3.Connection) -> None:
    """What the full store's commit hook does when the journal guard is in this version (store/db.py
    ``stamp_write``): bump the write counter and give the database its lineage once."""
    try:
        from learnloop.store.journal import COUNTER_MASK
    except ImportError:
        return
    import secrets

    counter = connection.execute("PRAGMA user_version").fetchone()[0]
    connection.execute(f"PRAGMA user_version = {(counter + 1) & COUNTER_MASK}")
    if connection.execute("PRAGMA application_id").fetchone()[0] == 0:
        connection.execute(f"PRAGMA application_id = {secrets.randbelow(COUNTER_MASK) + 1}")
