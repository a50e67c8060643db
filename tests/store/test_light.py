"""The light path (store/light.py + loop/reads.py) against the authority: the models, the migrations, the ORM.

The models and migrations define the schema; the light path only runs SQL over it. These tests fail when the
two drift: a revision the light SQL was not written for, a column it names that the schema lacks, a gap row
written differently from the ORM's, an error worded differently, a fallback that does not happen.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from learnloop.config import Settings, resolve_settings
from learnloop.errors import UserError
from learnloop.loop import reads
from learnloop.store import db, light

NOW = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _home(path: Path, *, started: bool = True) -> Settings:
    from learnloop.loop.passes import start_pass

    settings = Settings(home=path)
    store = db.open_store(settings)
    try:
        if started:
            with store.session() as s:
                start_pass(s, NOW - timedelta(days=1))
    finally:
        store.dispose()
    return settings


def _table(settings: Settings, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(settings.database_path) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def test_the_light_sql_is_written_for_the_schema_head() -> None:
    assert light.LIGHT_REVISION == db.SCHEMA_HEAD, (
        "a migration was added: check loop/reads.py's SQL against it, then set LIGHT_REVISION"
    )


def test_every_column_the_light_sql_names_is_in_the_models_and_the_migrated_database(tmp_path: Path) -> None:
    from learnloop.store.models import Base

    settings = _home(tmp_path, started=False)
    with sqlite3.connect(settings.database_path) as connection:
        migrated = {
            t: {r[1] for r in connection.execute(f"PRAGMA table_info({t})")}
            for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        statements = {
            name: sql
            for name, sql in vars(reads).items()
            if name.isupper() and isinstance(sql, str) and re.match(r"\s*(SELECT|INSERT)", sql)
        }
        assert len(statements) >= 15
        for sql in statements.values():
            if sql.startswith("INSERT"):
                continue
            params = {p: 1 for p in re.findall(r":(\w+)", sql)}
            connection.execute(sql, params).fetchall()  # "no such column/table" fails the test
    for table in (
        "passes",
        "events",
        "gaps",
        "projects",
        "checkins",
        "practice",
        "notes",
        "interests",
        "reference_projects",
    ):
        assert {c.name for c in Base.metadata.tables[table].columns} == migrated[table], table
    for sql, table in ((reads.INSERT_GAP, "gaps"), (reads.INSERT_EVENT, "events")):
        named = set(re.search(r"\(([^)]*)\)", sql).group(1).replace(" ", "").split(","))  # type: ignore[union-attr]
        assert named == {c.name for c in Base.metadata.tables[table].columns} - {"id"}, table


def test_the_light_path_applies_only_to_an_existing_sqlite_database_at_the_head(tmp_path: Path) -> None:
    with light.reading(Settings(home=tmp_path / "none")) as rows:
        assert rows is None  # no database yet: the full store creates it
    assert not (tmp_path / "none").exists(), "the light path creates nothing"
    with light.reading(Settings(home=tmp_path, database_url="postgresql://x/y")) as rows:
        assert rows is None
    settings = _home(tmp_path / "home")
    with light.reading(settings) as rows:
        assert rows is not None
        assert reads.newest_pass(rows) is not None
    with sqlite3.connect(settings.database_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    for opened in (light.reading, light.writing):
        with opened(settings) as rows:
            assert rows is None  # another revision: the full store migrates it


def test_the_map_marks_read_light_equal_the_orms(tmp_path: Path) -> None:
    from learnloop.atlas.load import load_atlas
    from learnloop.loop import marks

    atlas = load_atlas()
    settings = _home(tmp_path)
    store = db.open_store(settings)
    try:
        with store.session() as s:
            for topic_id, mark in zip(list(atlas.topics)[:3], ("done", "in-progress", "skipped"), strict=True):
                marks.mark_topic(s, atlas, topic_id, mark, NOW)
        with store.read() as s:
            orm = marks.marks(s)
    finally:
        store.dispose()
    with light.reading(settings) as rows:
        assert rows is not None
        assert reads.marks(rows) == orm and len(orm) == 3


def test_the_light_reading_cannot_write(tmp_path: Path) -> None:
    settings = _home(tmp_path)
    with light.reading(settings) as rows, pytest.raises(sqlite3.OperationalError, match="readonly"):
        assert rows is not None
        rows.connection.execute("DELETE FROM passes")


def test_gap_add_writes_the_rows_the_orm_writes(tmp_path: Path) -> None:
    from learnloop.atlas.load import load_atlas
    from learnloop.loop import gaps

    atlas = load_atlas()
    topic = next(iter(atlas.topics))
    full, quick = _home(tmp_path / "full"), _home(tmp_path / "light")
    store = db.open_store(full)
    try:
        for text, topic_id in (("  what does a kernel do?  ", None), ("attention", topic)):
            with store.session() as s:
                orm_view = gaps.add_gap(s, atlas, text, topic_id, NOW)
            with light.writing(quick) as rows:
                assert rows is not None
                light_view = reads.add_gap(rows, text, topic_id, NOW, frozenset(atlas.topics))
            assert light_view == orm_view
    finally:
        store.dispose()
    for table in ("gaps", "events", "passes"):
        assert _table(quick, table) == _table(full, table), table
    for pragma in ("user_version",):  # the journal guard's write counter, when this version keeps one
        with sqlite3.connect(full.database_path) as a, sqlite3.connect(quick.database_path) as b:
            assert a.execute(f"PRAGMA {pragma}").fetchone() == b.execute(f"PRAGMA {pragma}").fetchone()


@pytest.mark.parametrize("state", ["not started", "closed", "empty text", "unknown topic"])
def test_gap_add_refuses_what_the_orm_refuses_with_the_same_words(state: str, tmp_path: Path) -> None:
    from sqlalchemy import text as sql

    from learnloop.atlas.load import load_atlas
    from learnloop.loop import gaps

    words = "   " if state == "empty text" else "a gap"
    topic = "no-such-topic" if state == "unknown topic" else None
    errors = []
    for name in ("full", "light"):
        settings = _home(tmp_path / name, started=state != "not started")
        if state == "closed":
            with sqlite3.connect(settings.database_path) as connection:
                connection.execute("UPDATE passes SET closed_at = '2026-11-01 10:00:00.000000'")
        before = _table(settings, "gaps"), _table(settings, "events")
        with pytest.raises(UserError) as caught:
            if name == "full":
                store = db.open_store(settings)
                try:
                    with store.session() as s:
                        s.execute(sql("SELECT 1"))
                        gaps.add_gap(s, load_atlas(), words, topic, NOW)
                finally:
                    store.dispose()
            else:
                with light.writing(settings) as rows:
                    assert rows is not None
                    reads.add_gap(rows, words, topic, NOW, frozenset())
        error = caught.value
        errors.append((str(error), error.field, [getattr(a, "kind", a) for a in getattr(error, "actions", [])]))
        assert (_table(settings, "gaps"), _table(settings, "events")) == before, "nothing written"
    assert errors[0] == errors[1]


def test_a_failed_light_write_rolls_back_as_a_whole(tmp_path: Path) -> None:
    settings = _home(tmp_path)
    before = _table(settings, "gaps"), _table(settings, "events")
    with pytest.raises(RuntimeError), light.writing(settings) as rows:
        assert rows is not None
        reads.add_gap(rows, "half written", None, NOW)
        raise RuntimeError("interrupted")
    assert (_table(settings, "gaps"), _table(settings, "events")) == before


def test_the_cli_migrates_an_older_database_and_the_hot_commands_work_on_it(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    settings = resolve_settings()
    settings.home.mkdir(parents=True)
    old = db.Store(settings.url)
    db.upgrade(old, "0002")
    old.dispose()
    assert cli("start").exit_code == 0
    added = cli("gap add 'what is a kernel?' --json")
    assert added.exit_code == 0, added.stdout
    store = db.open_store(settings)
    try:
        assert db.current_revision(store) == db.SCHEMA_HEAD
    finally:
        store.dispose()
    listed = cli("gap list --json")
    assert '"what is a kernel?"' in listed.stdout


def test_the_same_sql_runs_on_postgresql_through_sqlalchemy(tmp_path: Path, require_system) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the hot commands take the full store, and run the very same SQL through SQLAlchemy."""
    import os

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from learnloop.atlas.glance import facts_of
    from learnloop.atlas.load import load_atlas
    from learnloop.loop import gaps, history, passes
    from learnloop.store.light import SessionRows

    url = os.environ.get("LEARNLOOP_TEST_POSTGRES_URL")
    require_system("a PostgreSQL server", bool(url), "set LEARNLOOP_TEST_POSTGRES_URL (.ci/run starts one)")
    assert url is not None
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sql("DROP SCHEMA public CASCADE"))
        conn.execute(sql("CREATE SCHEMA public"))
    engine.dispose()
    settings = Settings(home=tmp_path, database_url=url)
    with light.reading(settings) as rows:
        assert rows is None
    atlas = load_atlas()
    store = db.open_store(settings)
    try:
        with store.session() as s:
            passes.start_pass(s, NOW - timedelta(days=1))
        with store.session() as s:
            orm_view = gaps.add_gap(s, atlas, "a kernel?", None, NOW)
        with store.session() as s:
            sql_view = reads.add_gap(SessionRows(s), "a kernel?", None, NOW)
        assert sql_view.model_dump(exclude={"id"}) == orm_view.model_dump(exclude={"id"})
        with store.read() as s:
            columns = "pass_id, text, topic_id, rank, status, created_at, kept_at, days, deadline, closed_at, learned"
            a, b = s.execute(sql(f"SELECT {columns} FROM gaps ORDER BY id")).all()
            assert tuple(a) == tuple(b)
            events = s.execute(sql("SELECT pass_id, at, kind, step, reason FROM events WHERE kind = 'gap'")).all()
            assert len(events) == 2 and tuple(events[0]) == tuple(events[1])
            rows = SessionRows(s)
            assert reads.status(rows, NOW, facts_of(atlas)) == passes.status(s, NOW, atlas=atlas)
            assert reads.list_gaps(rows, NOW, include_all=True) == gaps.list_gaps(s, NOW, include_all=True)
            assert reads.history(rows, NOW) == history.history(s, NOW)
    finally:
        store.dispose()


def test_every_light_statement_reads_and_writes_one_learners_rows() -> None:
    """Each table a statement names is filtered by (or, for an insert, written with) ``:learner``, the learner the
    Rows serve: the laptop's local learner on the light path."""
    from learnloop.store.models import LOCAL_LEARNER_ID

    assert light.LOCAL_LEARNER == LOCAL_LEARNER_ID
    statements = {
        name: sql
        for name, sql in vars(reads).items()
        if name.isupper() and isinstance(sql, str) and re.match(r"\s*(SELECT|INSERT)", sql)
    }
    for name, sql in statements.items():
        if sql.startswith("INSERT"):
            assert "(learner_id," in sql and "(:learner," in sql, name
            continue
        tables = len(re.findall(r"\b(?:FROM|JOIN) \w+", sql))
        filters = len(re.findall(r"\blearner_id = :learner\b", sql))
        assert tables and filters == tables, name


def test_the_light_path_sees_only_the_local_learner_in_a_shared_database(tmp_path: Path) -> None:
    from learnloop.atlas.glance import facts_of
    from learnloop.atlas.load import load_atlas
    from learnloop.loop import gaps, passes
    from learnloop.store.models import Learner

    settings = _home(tmp_path)
    atlas = load_atlas()
    store = db.open_store(settings)
    try:
        with store.across_learners() as s:
            other = Learner(login="ada", name="Ada", role="student", origin="server", created_at=NOW)
            s.add(other)
            s.flush()
            ada = other.id
        with store.session(ada) as s:
            passes.start_pass(s, NOW - timedelta(days=5))
            gaps.add_gap(s, atlas, "Ada's gap", None, NOW)
        with store.session() as s:
            gaps.add_gap(s, atlas, "my gap", None, NOW)
        with store.read() as s:
            orm = passes.status(s, NOW, atlas=atlas), gaps.list_gaps(s, NOW, include_all=True)
    finally:
        store.dispose()
    with light.writing(settings) as rows:
        assert rows is not None and rows.learner == light.LOCAL_LEARNER
        reads.add_gap(rows, "my light gap", None, NOW)
    with light.reading(settings) as rows:
        assert rows is not None
        assert reads.status(rows, NOW, facts_of(atlas)) == orm[0]
        assert [g.text for g in reads.list_gaps(rows, NOW, include_all=True)] == ["my gap", "my light gap"]
        assert [g.text for g in orm[1]] == ["my gap"]
    with sqlite3.connect(settings.database_path) as connection:
        owners = dict(connection.execute("SELECT text, learner_id FROM gaps").fetchall())
    assert owners == {"Ada's gap": ada, "my gap": 1, "my light gap": 1}
