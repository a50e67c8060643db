"""The learner's data is sacred: killed writers lose nothing committed, concurrent writers lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from learnloop.config import Settings
from learnloop.store.db import open_store

WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from learnloop.atlas.load import Atlas
    from learnloop.config import Settings
    from learnloop.loop.gaps import add_gap
    from learnloop.store.db import open_store

    home, label, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_store(Settings(home=__import__("pathlib").Path(home)))
    for i in range(count):
        with store.session() as s:
            gap = add_gap(s, Atlas(), f"{label}-{i}", None, datetime.now(UTC))
        print(gap.id, flush=True)
""")


def _started_home(tmp_path: Path) -> Path:
    from datetime import UTC, datetime

    from learnloop.loop.passes import start_pass

    home = tmp_path / "home"
    store = open_store(Settings(home=home))
    with store.session() as s:
        start_pass(s, datetime.now(UTC))
    store.dispose()
    return home


def _writer(home: Path, label: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home), label, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_adding_gaps_at_once_lose_nothing(tmp_path: Path) -> None:
    home = _started_home(tmp_path)
    writers = [_writer(home, label, 40) for label in ("left", "right")]
    outputs = [w.communicate(timeout=120) for w in writers]
    for w, (_out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err
        assert "locked" not in err
    store = open_store(Settings(home=home))
    with store.read() as s:
        texts = set(s.execute(text("SELECT text FROM gaps")).scalars())
    store.dispose()
    assert texts == {f"{label}-{i}" for label in ("left", "right") for i in range(40)}


def test_sigkill_mid_write_keeps_every_committed_action(tmp_path: Path) -> None:
    home = _started_home(tmp_path)
    writer = _writer(home, "crash", 100_000)
    committed: list[int] = []
    assert writer.stdout is not None
    for line in writer.stdout:
        committed.append(int(line))
        if len(committed) >= 30:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    store = open_store(Settings(home=home))
    with store.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        stored = set(s.execute(text("SELECT id FROM gaps")).scalars())
        events = s.execute(text("SELECT count(*) FROM events WHERE kind = 'gap'")).scalar()
    store.dispose()
    assert set(committed) <= stored
    assert events == len(stored)  # each gap and its event were written in one transaction, or neither
