"""The status cache follows SQLite's commit counter: stale values never survive a commit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from learnloop.config import Settings
from learnloop.store.db import open_store
from learnloop.web.cache import StatusCache


def test_value_is_kept_until_another_connection_commits(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    store = open_store(settings)
    cache = StatusCache()
    cache.watch(settings)
    calls = []

    def compute() -> str:
        calls.append(1)
        return f"value {len(calls)}"

    assert cache.get("k", compute) == "value 1"
    assert cache.get("k", compute) == "value 1"
    assert cache.get("other", compute) == "value 2"
    with sqlite3.connect(settings.database_path) as conn:  # another process, e.g. the CLI
        conn.execute("CREATE TABLE scratch (x)")
    assert cache.get("k", compute) == "value 3"
    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("SELECT count(*) FROM scratch").fetchone()  # a read changes nothing
    assert cache.get("k", compute) == "value 3"
    cache.close()
    store.dispose()


def test_value_read_before_a_commit_is_not_kept_under_the_new_version(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    store = open_store(settings)
    cache = StatusCache()
    cache.watch(settings)
    version, value = cache.lookup("k")
    assert value is None
    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("CREATE TABLE scratch (x)")
    cache.remember(version, "k", "stale")
    assert cache.lookup("k")[1] is None
    cache.close()
    store.dispose()


def test_without_sqlite_nothing_is_cached(tmp_path: Path) -> None:
    cache = StatusCache()
    cache.watch(Settings(home=tmp_path, database_url="postgresql+psycopg://u@127.0.0.1/db"))
    calls = []
    cache.get("k", lambda: calls.append(1) or "v")
    cache.get("k", lambda: calls.append(1) or "v")
    assert len(calls) == 2
    assert cache.version() is None
