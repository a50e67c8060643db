"""The journal guard: a ``-wal`` or ``-journal`` file beside the database is replayed into it only if it is its own.

SQLite replays whatever ``learnloop.db-wal`` (or hot ``learnloop.db-journal``) it finds beside the
database on the first open, without asking whether it belongs to that file. A WAL left over from
another database, or from an older copy of this one (a backup restored beside a stale WAL), then
overwrites the learner's pages. Nothing in SQLite's own formats ties a WAL to its database, so
learnloop adds the tie:

* every database carries a random *lineage* in its header (``PRAGMA application_id``), and
* every write transaction that changes a row also bumps a counter in the header
  (``PRAGMA user_version``), so page 1, and with it (lineage, counter), is in every commit of the WAL.

Before a connection is opened, :func:`check_journals` reads the files directly (nothing is replayed,
nothing written). A WAL is the database's own when its page size matches, every committed page 1 in
it has the database's lineage, and its counters continue the database's (the database holds the
counter just before the WAL's first commit, or one of the WAL's, if part of it was checkpointed).
Otherwise the guard refuses, with one line telling the learner what to move away. A WAL whose
frames carry no page 1 (written by an older learnloop or another program) is tried on a scratch
copy: it is accepted only if the copy then passes ``quick_check`` with the learnloop schema intact.

A live learnloop process writing at the same time is not mistaken for a stray: the files are read
again, and a refusal stands only when two reads in a row see the same, unchanging, mismatch.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from learnloop.errors import StoreError

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_HEADER = 32
FRAME_HEADER = 24
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
COUNTER_MASK = 0x7FFFFFFF
_SQLITE_MAGIC = b"SQLite format 3\x00"


class JournalMismatch(StoreError):
    """A ``-wal`` or ``-journal`` beside the database is not its own; replaying it would overwrite records."""

    http_status = 409

    def __init__(self, message: str, *, journal: Path) -> None:
        super().__init__(message, field="home")
        self.journal = journal


@dataclass(frozen=True)
class DatabaseHeader:
    """The few fields of a SQLite database header the guard needs."""

    page_size: int
    counter: int  # user_version: bumped by every learnloop write
    lineage: int  # application_id: random, set once per database
    wal_mode: bool


@dataclass(frozen=True)
class WalSummary:
    """What a WAL would replay: its page size, how many committed frames, and each committed page 1's stamp."""

    page_size: int
    committed_frames: int
    stamps: tuple[tuple[int, int], ...]  # (lineage, counter) of every committed page-1 frame, in order
    fingerprint: bytes  # the header and size: changes whenever a live writer moves the WAL on


def parse_database_header(header: bytes) -> DatabaseHeader | None:
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return None
    (raw_page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    (counter,) = struct.unpack(">I", header[60:64])
    (lineage,) = struct.unpack(">I", header[68:72])
    return DatabaseHeader(
        page_size=page_size, counter=counter, lineage=lineage, wal_mode=header[18] == 2 and header[19] == 2
    )


def read_database_header(path: Path) -> DatabaseHeader | None:
    try:
        with open(path, "rb") as f:
            return parse_database_header(f.read(100))
    except FileNotFoundError:
        return None


def summarise_wal(path: Path) -> WalSummary | None:
    """Read a WAL's header and frame headers (not its checksums); None when SQLite would replay nothing."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - read in pieces below
    except FileNotFoundError:
        return None
    with f:
        size = os.fstat(f.fileno()).st_size
        header = f.read(WAL_HEADER)
        if len(header) < WAL_HEADER:
            return None
        magic, _version, page_size, _sequence, salt1, salt2 = struct.unpack(">6I", header[:24])
        if magic not in WAL_MAGIC or page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
            return None
        frame = FRAME_HEADER + page_size
        stamps: list[tuple[int, int]] = []
        pending: list[tuple[int, int]] = []
        committed = 0
        for index in range((size - WAL_HEADER) // frame):
            offset = WAL_HEADER + index * frame
            f.seek(offset)
            head = f.read(FRAME_HEADER)
            if len(head) < FRAME_HEADER:
                break
            page, commit_size, frame_salt1, frame_salt2 = struct.unpack(">4I", head[:16])
            if (frame_salt1, frame_salt2) != (salt1, salt2) or page == 0:
                break  # frames left from before the WAL was restarted: SQLite stops here too
            if page == 1:
                data = f.read(100)
                if len(data) < 100:
                    break
                (counter,) = struct.unpack(">I", data[60:64])
                (lineage,) = struct.unpack(">I", data[68:72])
                pending.append((lineage, counter))
            if commit_size:
                committed = index + 1
                stamps.extend(pending)
                pending = []
    return WalSummary(
        page_size=page_size,
        committed_frames=committed,
        stamps=tuple(stamps),
        fingerprint=header + size.to_bytes(8, "big"),
    )


def wal_verdict(db: DatabaseHeader | None, wal: WalSummary) -> str | None:
    """None when the WAL is the database's own (or holds nothing); else why not: foreign, stale or unknown."""
    if wal.committed_frames == 0:
        return None  # SQLite would replay nothing
    if db is None:
        return "foreign"  # a WAL with records but no database under it: not something to build a home from
    if wal.page_size != db.page_size:
        return "foreign"
    if not wal.stamps:
        return "unknown"
    lineages = {lineage for lineage, _ in wal.stamps}
    counters = [counter for _, counter in wal.stamps]
    if db.lineage == 0:
        # A database not stamped yet (new, or from a learnloop before the guard): its first stamped
        # write is the one right after the counter it holds.
        if lineages == {0}:
            return "unknown"
        first_stamped = next(c for lin, c in wal.stamps if lin != 0)
        if len(lineages - {0}) == 1 and first_stamped == (db.counter + 1) & COUNTER_MASK:
            return None
        return "foreign"
    if lineages != {db.lineage}:
        return "foreign"
    if db.counter == (counters[0] - 1) & COUNTER_MASK or db.counter in counters:
        return None
    return "stale"


def _replays_cleanly(db_path: Path, wal_path: Path) -> bool:
    """Replay the WAL into a scratch copy: does the result pass quick_check with the learnloop schema?"""
    with tempfile.TemporaryDirectory(prefix="learnloop-wal-check-") as scratch:
        copy = Path(scratch) / "copy.db"
        try:
            shutil.copyfile(db_path, copy)
            shutil.copyfile(wal_path, Path(f"{copy}-wal"))
        except OSError:
            return False
        try:
            con = sqlite3.connect(copy)
            try:
                if con.execute("PRAGMA quick_check").fetchone() != ("ok",):
                    return False
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if "alembic_version" not in tables or "passes" not in tables:
                    return False
                return con.execute("SELECT version_num FROM alembic_version").fetchone() is not None
            finally:
                con.close()
        except sqlite3.DatabaseError:
            return False


def _hot_journal(journal: Path, db: DatabaseHeader | None) -> bool:
    """Would SQLite roll this ``-journal`` back into a learnloop (WAL-mode) database?"""
    try:
        with open(journal, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        return False
    return db is not None and db.wal_mode and head == JOURNAL_MAGIC


def _refusal(db_path: Path, stray: Path, why: str) -> JournalMismatch:
    reasons = {
        "foreign": "it comes from another database",
        "stale": "it is older or newer than this copy of the database (a backup restored beside an old journal?)",
        "unknown": "it cannot be shown to belong to this database",
        "journal": "learnloop never writes a rollback journal for this database",
    }
    shm = f" (and {db_path.name}-shm)" if Path(f"{db_path}-shm").exists() and why != "journal" else ""
    return JournalMismatch(
        f"{stray.name} beside {db_path} is not this database's own: {reasons[why]}; replaying it would "
        f"overwrite your records, so nothing was opened. Move {stray.name}{shm} out of {db_path.parent} "
        "(keep it if you want to recover from it) and run again",
        journal=stray,
    )


def check_journals(db_path: Path, *, attempts: int = 5) -> None:
    """Refuse, before SQLite can replay it, a ``-wal`` or hot ``-journal`` that is not this database's own."""
    db_path = Path(db_path)
    wal_path = Path(f"{db_path}-wal")
    journal_path = Path(f"{db_path}-journal")
    last: tuple[bytes, bytes] | None = None
    for attempt in range(max(2, attempts)):
        try:
            db_head = _head(db_path)
            wal = summarise_wal(wal_path)
        except OSError:
            return  # unreadable files are the store's to report when it opens them
        db = parse_database_header(db_head)
        if _hot_journal(journal_path, db):
            raise _refusal(db_path, journal_path, "journal")
        if wal is None:
            return
        why = wal_verdict(db, wal)
        if why is None:
            return
        seen = (db_head, wal.fingerprint)
        if seen == last:  # the same mismatch twice, nothing moving: not a live writer caught mid-checkpoint
            if why == "unknown" and _replays_cleanly(db_path, wal_path):
                return
            raise _refusal(db_path, wal_path, why)
        last = seen
        if attempt:
            time.sleep(0.02 * attempt)
    # The files kept changing under us: a live learnloop is writing them (a stray never moves), and its
    # wal-index, not a replay, is what this connection will use.


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(100)
    except FileNotFoundError:
        return b""
