"""Remember what a page read from the database until the database changes.

SQLite counts commits: ``PRAGMA data_version`` on a connection of our own changes whenever any
other connection, in this process or another (the CLI in a terminal), commits. A value computed
after reading that counter stays good while the counter stays put, so the home page reads the
learner's status once per change instead of once per request. On PostgreSQL there is no such
counter and nothing is cached.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Hashable
from typing import Any

from learnloop.config import Settings


class StatusCache:
    """Values keyed by (database version, key); all of them dropped when the database changes."""

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._version: int | None = None
        self._values: dict[Hashable, Any] = {}

    def watch(self, settings: Settings) -> None:
        """Follow the learner's SQLite file (no-op for other databases)."""
        if not settings.is_sqlite:
            return
        path = settings.url.removeprefix("sqlite:///")
        if not path or path == ":memory:" or path.startswith("sqlite:"):
            return
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)

    def version(self) -> int | None:
        if self._connection is None:
            return None
        with self._lock:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def lookup(self, key: Hashable) -> tuple[int | None, Any]:
        """(the version read now, the value remembered for ``key`` at that version or None)."""
        version = self.version()
        if version is None:
            return None, None
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version
            return version, self._values.get(key)

    def remember(self, version: int | None, key: Hashable, value: Any) -> None:
        """Keep ``value``, read after ``version`` was seen; ignored if the database moved on since."""
        if version is None:
            return
        with self._lock:
            if version == self._version:
                if len(self._values) > 64:
                    self._values.clear()
                self._values[key] = value

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        version, value = self.lookup(key)
        if value is None:
            value = compute()
            self.remember(version, key, value)
        return value

    def close(self) -> None:
        if self._connection is not None:
            with self._lock:
                self._connection.close()
                self._connection = None
