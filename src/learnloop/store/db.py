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
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from learnloop.config import Settings
from learnloop.errors import StoreError, StoreUnavailable, UserError
from learnloop.store.light import home_is_read_only
from learnloop.store.models import LOCAL_LEARNER_ID
from learnloop.store.scoping import LearnerSession

# The newest schema revision this code knows. A test checks it equals Alembic's head.
SCHEMA_HEAD = "0006_owners"
KNOWN_REVISIONS = ("0001", "0002", "0003_topic_marks", "0004_jobs", "0005_learners", "0006_owners")
BUSY_TIMEOUT_MS = 30_000


class Store:
    """The learner's database. Use ``with store.session() as s:`` for one user action."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.commits = 0  # write transactions committed through this store (the CLI says what Ctrl-C kept)
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url, write=True)
        # Reads on SQLite use a plain deferred BEGIN so that they never queue behind writers.
        self.read_engine = _make_engine(url, write=False) if self.is_sqlite else self.engine
        self._write_sessions = _sessions(self.engine)
        self._read_sessions = _sessions(self.read_engine)

    @contextmanager
    def session(self, learner_id: int = LOCAL_LEARNER_ID) -> Iterator[Session]:
        """One write transaction on one learner's records: commits when the block ends, rolls back as a whole
        on any error. ``session.info["learner_id"]`` names the learner every query is scoped to."""
        with self._write_sessions(info={"learner_id": learner_id}) as s, _translated_errors(), s.begin():
            yield s
        self.commits += 1

    @contextmanager
    def read(self, learner_id: int = LOCAL_LEARNER_ID) -> Iterator[Session]:
        """A read-only view of one learner's records; nothing done inside is committed."""
        with self._read_sessions(info={"learner_id": learner_id}) as s, _translated_errors():
            try:
                yield s
            finally:
                s.rollback()

    @contextmanager
    def across_learners(self) -> Iterator[Session]:
        """One write transaction that is not scoped to a learner: for the class server's own tables and a
        teacher's view of their classes, whose queries name the learners they read."""
        with self._write_sessions(info={"learner_id": None}) as s, _translated_errors(), s.begin():
            yield s
        self.commits += 1

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def _sessions(engine: Engine) -> sessionmaker[LearnerSession]:
    """Sessions scoped to the learner each is opened for (:mod:`learnloop.store.scoping`)."""
    return sessionmaker(engine, class_=LearnerSession, expire_on_commit=False)


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
        if write:
            connection.info["changes_at_begin"] = connection.connection.dbapi_connection.total_changes

    if write:

        @event.listens_for(engine, "commit")
        def _stamp(connection: Any) -> None:
            """Put the lineage and a write counter on page 1 in every commit that changed a row (the journal
            guard uses them to tell this database's WAL from a stray one)."""
            raw = connection.connection.dbapi_connection
            if raw is None or raw.total_changes == connection.info.get("changes_at_begin", raw.total_changes):
                return
            if not raw.in_transaction:
                return
            stamp_write(raw)

    return engine


def stamp_write(raw: sqlite3.Connection) -> None:
    """Bump the write counter (``user_version``) and give the database its lineage (``application_id``) once."""
    import secrets

    from learnloop.store.journal import COUNTER_MASK

    cursor = raw.cursor()
    try:
        counter = cursor.execute("PRAGMA user_version").fetchone()[0]
        cursor.execute(f"PRAGMA user_version = {(counter + 1) & COUNTER_MASK}")
        if cursor.execute("PRAGMA application_id").fetchone()[0] == 0:
            cursor.execute(f"PRAGMA application_id = {secrets.randbelow(COUNTER_MASK) + 1}")
    finally:
        cursor.close()


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"the database cannot be used: {_first_line(exc.orig)}") from None
    except IntegrityError as exc:  # a record breaks a rule (unique, reference): the input is wrong, not the file
        raise UserError(f"a record breaks a rule of the database ({_first_line(exc.orig)})") from None
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
        raise StoreError(f"cannot write to the learnloop home {home}; choose another home", field="home")
    path = settings.database_path
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a file; move it away or choose another home", field="home")


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


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    if not url.startswith("sqlite:///"):
        return None
    name = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def _describe(store: Store) -> str:
    return store.url.removeprefix("sqlite:///") if store.is_sqlite else "the database"


def upgrade(store: Store, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` (imports Alembic only when there is work to do)."""
    from alembic import command

    config = alembic_config(store.url)
    with store.engine.connect() as connection:
        config.attributes["connection"] = connection
        if not store.is_sqlite:
            command.upgrade(config, revision)
            return
        # SQLite alters a table by copying it, dropping the old one and renaming the copy: with foreign keys
        # enforced, dropping a table others refer to fails. The pragma only changes outside a transaction, so it
        # is set on the driver's connection before the migration's transaction; each revision that copies
        # tables checks the keys (PRAGMA foreign_key_check) before it commits.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            command.upgrade(config, revision)
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


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
    path = sqlite_path(settings.url)
    if path is not None:
        from learnloop.store.journal import check_journals

        check_journals(path)  # before any connection can replay a -wal or -journal that is not its own
    store = Store(settings.url)
    try:
        revision = current_revision(store)
    except OperationalError as exc:
        store.dispose()
        if store.is_sqlite:
            raise StoreError(f"cannot open {_describe(store)}: {_first_line(exc.orig)}") from None
        raise StoreUnavailable(f"cannot reach the database server: {_first_line(exc.orig)}") from None
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


class ReadOnlyHome(StoreError):
    """The home can be read (and exported) but not changed."""

    http_status = 409


def _read_only_engine(path: Path, *, immutable: bool) -> Engine:
    """A connection that can never write: ``mode=ro`` (sees the WAL), or ``immutable`` when even the -shm
    cannot be made (a read-only disk): then the database file alone is read."""
    from urllib.parse import quote

    query = "mode=ro" + ("&immutable=1" if immutable else "")
    engine = create_engine(
        f"sqlite:///file:{quote(str(path))}?{query}&uri=true",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA query_only = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def open_read_only(settings: Settings) -> Store:
    """Open an existing home's database for reading only (a read-only disk or folder): nothing is created."""
    from learnloop.store.journal import check_journals

    path = settings.database_path
    check_journals(path)
    store = Store.__new__(Store)
    store.url, store.commits, store.is_sqlite = settings.url, 0, True
    last: Exception | None = None
    wal = Path(f"{path}-wal")
    # No WAL to fold in: read the file alone (immutable: no -shm, no lock file, nothing created); else
    # read-only through the WAL (needs its -shm), and the file alone if even that cannot be had.
    tries = (True,) if not wal.exists() or wal.stat().st_size == 0 else (False, True)
    for immutable in tries:
        engine = _read_only_engine(path, immutable=immutable)
        try:
            with engine.connect() as conn:
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except DatabaseError as exc:
            engine.dispose()
            last = exc
            continue
        if revision != SCHEMA_HEAD:
            engine.dispose()
            raise ReadOnlyHome(
                f"{path} needs an upgrade to schema {SCHEMA_HEAD} (it has {revision}), and its "
                "home is read-only; copy the home somewhere writable to open it"
            )
        store.engine = store.read_engine = engine
        store._write_sessions = store._read_sessions = _sessions(engine)
        return store
    raise StoreError(f"cannot read {path}: {_first_line(getattr(last, 'orig', last))}")


def empty_store() -> Store:
    """The schema with no rows, in memory: what reads see in a home that does not exist yet."""
    from sqlalchemy.pool import StaticPool

    from learnloop.store.models import Base

    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    store = Store.__new__(Store)
    store.url, store.commits, store.is_sqlite = "sqlite://", 0, True
    store.engine = store.read_engine = engine
    store._write_sessions = store._read_sessions = _sessions(engine)
    return store


class HomeStore(Store):
    """The learner's home as a front door meets it, opened on first use (a :class:`Store` to its callers).

    * A home that does not exist yet is not made by a read: reads see an empty record (the front door
      is told, through ``notice``, so it can say so); the first write makes it.
    * A read-only home (disk, folder or file) can still be read and exported; a write is refused in one line.
    * Otherwise it is :func:`open_store`: created, migrated, its journals checked.
    """

    def __init__(self, settings: Settings, notice: Any = None) -> None:
        self.settings = settings
        self.url = settings.url
        self.is_sqlite = settings.is_sqlite
        self._notice = notice or (lambda kind, path: None)
        self._store: Store | None = None
        self._empty: Store | None = None
        self.state: str | None = None  # "open", "missing" or "read-only" once used

    @property
    def commits(self) -> int:  # type: ignore[override]
        return self._store.commits if self._store is not None else 0

    @property
    def engine(self) -> Engine:  # type: ignore[override]
        return self._for_writing().engine

    @property
    def read_engine(self) -> Engine:  # type: ignore[override]
        return self._for_reading().read_engine

    def _is_local_file(self) -> bool:
        return self.settings.is_sqlite and self.settings.database_url is None

    def _for_reading(self) -> Store:
        if self._store is not None:
            return self._store
        if self._is_local_file() and not self.settings.database_path.exists():
            if self._empty is None:
                if self.settings.home.exists() and not self.settings.home.is_dir():
                    raise StoreError(f"cannot use {self.settings.home} as the learnloop home: it is not a folder")
                self._empty = empty_store()
                self.state = "missing"
                self._notice("missing", self.settings.home)
            return self._empty
        if self._is_local_file() and home_is_read_only(self.settings):
            self._store = open_read_only(self.settings)
            self.state = "read-only"
            self._notice("read-only", self.settings.home)
            return self._store
        return self._for_writing()

    def _for_writing(self) -> Store:
        if self.state == "read-only":
            raise ReadOnlyHome(
                f"the learnloop home {self.settings.home} is read-only: it can be read and "
                "exported, not changed; copy it somewhere writable to go on"
            )
        if self._store is None:
            if self._is_local_file() and self.settings.database_path.exists() and home_is_read_only(self.settings):
                self.state = "read-only"
                return self._for_writing()
            self._store = open_store(self.settings)
            self.state = "open"
        return self._store

    @contextmanager
    def read(self, learner_id: int = LOCAL_LEARNER_ID) -> Iterator[Session]:
        with self._for_reading().read(learner_id) as s:
            yield s

    @contextmanager
    def session(self, learner_id: int = LOCAL_LEARNER_ID) -> Iterator[Session]:
        with self._for_writing().session(learner_id) as s:
            yield s

    @contextmanager
    def across_learners(self) -> Iterator[Session]:
        with self._for_writing().across_learners() as s:
            yield s

    def opened(self) -> Store:
        """The real store, opened (and created) for writing."""
        return self._for_writing()

    def dispose(self) -> None:
        for store in (self._store, self._empty):
            if store is not None:
                store.dispose()
