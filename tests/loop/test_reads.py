"""The light reads (plain SQL, loop/reads.py) give the values the ORM functions give, over the loop's states.

Every state of the state table (tests/loop/test_state_table.py) is built for real with the loop's own
functions; then status, the gap list (this pass's and every pass's) and the history are read four ways: the ORM
functions, the SQL through ``sqlite3`` (the CLI's light path), the SQL through SQLAlchemy's connection, and with
the map's facts from its JSON cache instead of the validated map. All must be equal.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.loop.test_state_table import ROWS, SAMPLE, build

ZONES = ("UTC", "America/Los_Angeles")


def _read_everything(now):  # type: ignore[no-untyped-def]
    from learnloop.atlas.glance import cached_facts, facts_of
    from learnloop.atlas.load import build_atlas, load_atlas
    from learnloop.config import resolve_settings
    from learnloop.loop import gaps, history, passes, reads
    from learnloop.store.db import open_store
    from learnloop.store.light import SessionRows, reading

    atlas = load_atlas()
    facts = facts_of(atlas)
    build_atlas(use_cache=True)  # writes this test's map cache (load_atlas is loaded once per process)
    cached = cached_facts()
    assert cached == facts, "the map's cache gives the same facts as the validated map"
    settings = resolve_settings()
    store = open_store(settings)
    try:
        with store.read() as session:
            orm = (
                passes.status(session, now, atlas=atlas),
                gaps.list_gaps(session, now),
                gaps.list_gaps(session, now, include_all=True),
                history.history(session, now),
            )
            rows = SessionRows(session)
            through_sqlalchemy = (
                reads.status(rows, now, facts),
                reads.list_gaps(rows, now),
                reads.list_gaps(rows, now, include_all=True),
                reads.history(rows, now),
            )
    finally:
        store.dispose()
    with reading(settings) as light:
        assert light is not None, "the light path applies to a database at the schema's head"
        through_sqlite = (
            reads.status(light, now, facts),
            reads.list_gaps(light, now),
            reads.list_gaps(light, now, include_all=True),
            reads.history(light, now),
        )
        with_cache = reads.status(light, now, cached)
    return orm, through_sqlalchemy, through_sqlite, with_cache


# The sampled states run in the fast subset; every other state of the table is marked slow.
STATES = [
    pytest.param(r.name, marks=() if r.name in SAMPLE else pytest.mark.slow) for r in ROWS if r.name != "not started"
]


@pytest.mark.parametrize("name", STATES)
def test_light_reads_equal_the_orm_reads_in_every_state(name: str, tmp_path: Path) -> None:
    row = next(r for r in ROWS if r.name == name)
    now = build(row, tmp_path / "ws")
    for zone in ZONES:
        local_now = now.astimezone(ZoneInfo(zone))
        orm, through_sqlalchemy, through_sqlite, with_cache = _read_everything(local_now)
        assert through_sqlite == orm, (name, zone)
        assert through_sqlalchemy == orm, (name, zone)
        assert with_cache == orm[0], (name, zone)


def test_before_the_first_pass_the_light_status_says_start(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    open_store(resolve_settings()).dispose()  # an empty database at the head
    orm, through_sqlalchemy, through_sqlite, _ = _read_everything(datetime(2026, 11, 2, tzinfo=UTC))
    assert through_sqlite == through_sqlalchemy == orm
    assert orm[0].started is False and orm[1] == orm[2] == orm[3] == []
