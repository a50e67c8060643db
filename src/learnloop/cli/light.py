"""The store for the everyday commands: the light path (plain ``sqlite3``) when it applies, else the full one.

Both hand the command a :class:`learnloop.store.light.Rows`, so the loop's reads (:mod:`learnloop.loop.reads`)
are the same code either way; the full store (SQLAlchemy) is opened, created and migrated only when the light
path does not apply: no database yet, PostgreSQL, a schema at another revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from learnloop.cli.app import settings, store
from learnloop.store.light import Rows, SessionRows


@contextmanager
def reading() -> Iterator[Rows]:
    """A read-only view for one command."""
    from learnloop.store.light import reading as light_reading

    with light_reading(settings()) as rows:
        if rows is not None:
            yield rows
            return
    with store().read() as session:
        yield SessionRows(session)


@contextmanager
def writing() -> Iterator[Rows]:
    """One write transaction for one user action (``BEGIN IMMEDIATE`` on SQLite, either way)."""
    from learnloop.store.light import writing as light_writing

    with light_writing(settings()) as rows:
        if rows is not None:
            yield rows
            return
    with store().session() as session:
        yield SessionRows(session)
