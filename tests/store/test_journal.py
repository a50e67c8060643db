"""The journal guard: a stray -wal or -journal beside learnloop.db is refused before SQLite can replay it,
and the learner's rows survive; the database's own WAL (a crash, a live writer) is replayed as before."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from learnloop.config import Settings
from learnloop.errors import StoreError
from learnloop.store import db
from learnloop.store.journal import (
    DatabaseHeader,
    JournalMismatch,
    WalSummary,
    check_journals,
    read_database_header,
    summarise_wal,
    wal_verdict,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _add_gaps(store: db.Store, label: str, count: int) -> None:
    from learnloop.atlas.load import Atlas
    from learnloop.loop.gaps import add_gap
    from learnloop.loop.passes import current_pass, start_pass

    atlas = Atlas()
    with store.session() as s:
        if current_pass(s) is None:
            start_pass(s, NOW)
    for i in range(count):
        with store.session() as s:
            add_gap(s, atlas, f"{label}-{i}", None, NOW)


def _gaps(home: Path) -> list[str]:
    store = db.open_store(Settings(home=home))
    try:
        with store.read() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            return sorted(s.execute(text("SELECT text FROM gaps")).scalars())
    finally:
        store.dispose()


def _home_with_gaps(tmp_path: Path, name: str, count: int) -> Path:
    home = tmp_path / name
    store = db.open_store(Settings(home=home))
    _add_gaps(store, name, count)
    store.dispose()
    return home


def _wal_while_open(tmp_path: Path, name: str, count: int) -> tuple[Path, bytes]:
    """A home whose -wal is copied while a writer still has it open (what a crash would leave)."""
    home = tmp_path / name
    store = db.open_store(Settings(home=home))
    _add_gaps(store, name, count)
    wal = (home / "learnloop.db-wal").read_bytes()
    store.dispose()
    return home, wal


def test_every_write_stamps_page_one_into_the_wal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = db.open_store(Settings(home=home))
    before = read_database_header(home / "learnloop.db")
    _add_gaps(store, "g", 3)
    summary = summarise_wal(home / "learnloop.db-wal")
    assert summary is not None and summary.stamps
    lineages = {lineage for lineage, _ in summary.stamps}
    assert len(lineages) == 1 and 0 not in lineages
    counters = [c for _, c in summary.stamps]
    assert counters == sorted(counters) and len(set(counters)) >= 4  # start + 3 gaps, one bump each
    assert before is not None
    assert wal_verdict(read_database_header(home / "learnloop.db"), summary) is None
    with store.read() as s:  # a read commits nothing and bumps nothing
        s.execute(text("SELECT count(*) FROM gaps")).scalar()
    assert summarise_wal(home / "learnloop.db-wal") == summary
    store.dispose()


def test_foreign_wal_is_refused_and_the_rows_survive(tmp_path: Path) -> None:
    home = _home_with_gaps(tmp_path, "mine", 5)
    original = (home / "learnloop.db").read_bytes()
    _other, foreign = _wal_while_open(tmp_path, "other", 2)
    (home / "learnloop.db-wal").write_bytes(foreign)

    with pytest.raises(JournalMismatch) as caught:
        db.open_store(Settings(home=home))
    message = str(caught.value)
    assert "learnloop.db-wal" in message and "another database" in message and "Move" in message
    assert "\n" not in message
    assert isinstance(caught.value, StoreError)
    assert (home / "learnloop.db").read_bytes() == original  # nothing was replayed or checkpointed
    assert (home / "learnloop.db-wal").read_bytes() == foreign  # and the stray is left for the learner

    shutil.move(home / "learnloop.db-wal", tmp_path / "stray.wal")
    assert _gaps(home) == sorted(f"mine-{i}" for i in range(5))


def test_stale_wal_from_an_older_copy_is_refused_and_the_rows_survive(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = db.open_store(Settings(home=home))
    _add_gaps(store, "early", 3)
    stale = (home / "learnloop.db-wal").read_bytes()  # an older copy's WAL, saved aside
    _add_gaps(store, "late", 4)
    store.dispose()  # a clean close checkpoints and removes the WAL
    assert not (home / "learnloop.db-wal").exists()
    expected = sorted([f"early-{i}" for i in range(3)] + [f"late-{i}" for i in range(4)])

    (home / "learnloop.db-wal").write_bytes(stale)
    with pytest.raises(JournalMismatch, match="older or newer"):
        db.open_store(Settings(home=home))
    (home / "learnloop.db-wal").unlink()
    assert _gaps(home) == expected


def test_backup_restored_beside_a_newer_wal_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = db.open_store(Settings(home=home))
    _add_gaps(store, "before-backup", 2)
    store.dispose()
    backup = (home / "learnloop.db").read_bytes()
    store = db.open_store(Settings(home=home))
    _add_gaps(store, "after-backup", 3)
    store.dispose()
    store = db.open_store(Settings(home=home))
    _add_gaps(store, "lost", 2)
    newer_wal = (home / "learnloop.db-wal").read_bytes()
    store.dispose()

    (home / "learnloop.db").write_bytes(backup)  # the learner restores the backup...
    (home / "learnloop.db-wal").write_bytes(newer_wal)  # ...and a WAL from a later session is still there
    with pytest.raises(JournalMismatch):
        db.open_store(Settings(home=home))
    (home / "learnloop.db-wal").unlink()
    assert _gaps(home) == sorted(f"before-backup-{i}" for i in range(2))


def test_own_wal_left_by_a_crash_is_replayed(tmp_path: Path) -> None:
    """What a SIGKILL leaves (the database file and its WAL as they were): every committed row comes back."""
    home = tmp_path / "home"
    store = db.open_store(Settings(home=home))
    _add_gaps(store, "kept", 4)
    frozen_db = (home / "learnloop.db").read_bytes()
    frozen_wal = (home / "learnloop.db-wal").read_bytes()
    store.dispose()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    (crashed / "learnloop.db").write_bytes(frozen_db)
    (crashed / "learnloop.db-wal").write_bytes(frozen_wal)
    assert _gaps(crashed) == sorted(f"kept-{i}" for i in range(4))


def test_partly_checkpointed_own_wal_is_replayed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = db.open_store(Settings(home=home))
    _add_gaps(store, "a", 3)
    side = sqlite3.connect(home / "learnloop.db")
    assert side.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0] == 0
    side.close()
    _add_gaps(store, "b", 2)
    frozen_db = (home / "learnloop.db").read_bytes()
    frozen_wal = (home / "learnloop.db-wal").read_bytes()
    store.dispose()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    (crashed / "learnloop.db").write_bytes(frozen_db)
    (crashed / "learnloop.db-wal").write_bytes(frozen_wal)
    assert _gaps(crashed) == sorted([f"a-{i}" for i in range(3)] + [f"b-{i}" for i in range(2)])


def test_wal_of_another_program_is_refused(tmp_path: Path) -> None:
    home = _home_with_gaps(tmp_path, "mine", 2)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.execute("INSERT INTO recipes VALUES ('soup')")
    shutil.copyfile(f"{other}-wal", home / "learnloop.db-wal")
    con.close()
    with pytest.raises(JournalMismatch):
        db.open_store(Settings(home=home))
    (home / "learnloop.db-wal").unlink()
    assert _gaps(home) == ["mine-0", "mine-1"]


def test_wal_without_a_database_is_refused(tmp_path: Path) -> None:
    _other, foreign = _wal_while_open(tmp_path, "other", 2)
    home = tmp_path / "empty-home"
    home.mkdir()
    (home / "learnloop.db-wal").write_bytes(foreign)
    with pytest.raises(JournalMismatch):
        db.open_store(Settings(home=home))
    assert not (home / "learnloop.db").exists()


def test_unstamped_wal_is_accepted_only_if_it_replays_cleanly(tmp_path: Path) -> None:
    """A WAL written outside learnloop's engine (an older learnloop): tried on a scratch copy first."""
    home = _home_with_gaps(tmp_path, "mine", 2)
    con = sqlite3.connect(home / "learnloop.db", isolation_level=None)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("UPDATE gaps SET text = 'edited by hand' WHERE text = 'mine-0'")  # page 1 untouched
    own = (home / "learnloop.db-wal").read_bytes()
    summary = summarise_wal(home / "learnloop.db-wal")
    assert summary is not None and summary.committed_frames and not summary.stamps
    con.close()
    shutil.copyfile(home / "learnloop.db", tmp_path / "after.db")
    restored = tmp_path / "restored"
    restored.mkdir()
    store = db.open_store(Settings(home=restored))
    store.dispose()
    # Its own unstamped WAL replays cleanly: accepted.
    (restored / "learnloop.db").write_bytes((tmp_path / "after.db").read_bytes())
    (restored / "learnloop.db-wal").write_bytes(own)
    check_journals(restored / "learnloop.db")


def test_foreign_hot_rollback_journal_is_refused(tmp_path: Path) -> None:
    home = _home_with_gaps(tmp_path, "mine", 3)
    original = (home / "learnloop.db").read_bytes()
    other = tmp_path / "other.db"
    con = sqlite3.connect(other, isolation_level=None)
    con.execute("CREATE TABLE t (x BLOB)")
    con.execute("BEGIN")
    for _ in range(2000):
        con.execute("INSERT INTO t VALUES (?)", (b"x" * 100,))
    con.execute("COMMIT")
    con.execute("PRAGMA cache_size = 2")  # spill to the file mid-transaction: the journal becomes hot
    con.execute("BEGIN")
    con.execute("DELETE FROM t")
    shutil.copyfile(f"{other}-journal", home / "learnloop.db-journal")
    con.execute("ROLLBACK")
    con.close()
    assert (home / "learnloop.db-journal").read_bytes()[:8] == bytes.fromhex("d9d505f920a163d7")

    with pytest.raises(JournalMismatch, match=r"learnloop\.db-journal"):
        db.open_store(Settings(home=home))
    assert (home / "learnloop.db").read_bytes() == original
    (home / "learnloop.db-journal").unlink()
    assert _gaps(home) == [f"mine-{i}" for i in range(3)]


def test_empty_and_zeroed_leftovers_are_harmless(tmp_path: Path) -> None:
    home = _home_with_gaps(tmp_path, "mine", 1)
    (home / "learnloop.db-wal").write_bytes(b"")
    (home / "learnloop.db-journal").write_bytes(b"\x00" * 512)
    assert _gaps(home) == ["mine-0"]


H = DatabaseHeader(page_size=4096, counter=10, lineage=77, wal_mode=True)


@pytest.mark.parametrize(
    ("stamps", "verdict"),
    [
        (((77, 11), (77, 12)), None),  # continues the database
        (((77, 9), (77, 10), (77, 11)), None),  # partly checkpointed
        (((77, 10), (77, 10)), None),  # a write that touched page 1 without a bump
        (((77, 12), (77, 13)), "stale"),  # a gap: the database is older than the WAL's start
        (((77, 3), (77, 4)), "stale"),  # the WAL is older than the database
        (((78, 11),), "foreign"),
        (((77, 11), (78, 12)), "foreign"),
        ((), "unknown"),
    ],
)
def test_wal_verdict(stamps: tuple[tuple[int, int], ...], verdict: str | None) -> None:
    wal = WalSummary(page_size=4096, committed_frames=3, stamps=stamps, fingerprint=b"")
    assert wal_verdict(H, wal) == verdict


def test_wal_verdict_page_size_nothing_committed_and_unstamped_database() -> None:
    wal = WalSummary(page_size=1024, committed_frames=2, stamps=((77, 11),), fingerprint=b"")
    assert wal_verdict(H, wal) == "foreign"
    assert wal_verdict(H, WalSummary(page_size=1024, committed_frames=0, stamps=(), fingerprint=b"")) is None
    fresh = DatabaseHeader(page_size=4096, counter=0, lineage=0, wal_mode=True)
    first = WalSummary(page_size=4096, committed_frames=2, stamps=((0, 0), (55, 1), (55, 2)), fingerprint=b"")
    assert wal_verdict(fresh, first) is None  # a new database's first stamped writes
    assert (
        wal_verdict(fresh, WalSummary(page_size=4096, committed_frames=2, stamps=((55, 9),), fingerprint=b""))
        == "foreign"
    )
