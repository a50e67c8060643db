"""`learnloop sync`, `learnloop share` and the status reminder, from the command line (no class server here:
see tests/classroom/test_sync_e2e.py for join and sync against a real one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("LEARNLOOP_CONFIG_DIR", str(folder))
    monkeypatch.setenv("LEARNLOOP_NOW", NOW.isoformat())
    return folder


def _join(home: Path, server: str = "http://127.0.0.1:9/") -> None:
    from learnloop.classroom.membership import Membership, save_membership

    save_membership(
        Membership(
            server=server,
            token="t0ken",
            learner_id=3,
            login="ada-1",
            name="Ada",
            classes=("ML 101",),
            home=str(home),
            joined_at=NOW,
        )
    )


def test_sync_before_joining_says_how_to_join(cli: Callable[..., Any]) -> None:
    result = cli("sync")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "has not joined a class" in result.stderr and "learnloop class join URL --code CODE" in result.stderr


def test_sync_from_another_home_is_refused(cli: Callable[..., Any], tmp_path: Path, home: Path) -> None:
    _join(tmp_path / "the-real-home")
    result = cli("sync")
    assert result.exit_code == 2 and "joined the class from the learnloop home" in result.stderr
    assert "--home" in result.stderr


def test_sync_of_a_home_with_nothing_in_it_sends_nothing(cli: Callable[..., Any], home: Path) -> None:
    _join(home)
    result = cli("sync")
    assert result.exit_code == 2 and "nothing to send" in result.stderr
    assert not home.exists()


def test_share_marks_a_pass_and_can_take_it_back(cli: Callable[..., Any]) -> None:
    assert cli("share").exit_code == 2  # no pass yet
    assert cli("start").exit_code == 0
    shared = cli("share --json")
    assert shared.exit_code == 0, shared.output
    value = json.loads(shared.stdout)
    assert value["number"] == 1 and datetime.fromisoformat(value["shared_at"]) == NOW
    assert "private again" in cli("share 1 --stop").stdout
    missing = cli("share 4")
    assert missing.exit_code == 2 and "no pass called '4'" in missing.stderr


def test_the_status_reminds_a_joined_learner(cli: Callable[..., Any], home: Path) -> None:
    from learnloop.classroom.membership import record_sync

    assert cli("start").exit_code == 0
    assert "learnloop sync" not in cli([]).stdout  # not joined
    _join(home)
    assert "never synced since you joined" in cli([]).stdout
    record_sync(NOW - timedelta(days=1), "d")
    assert "learnloop sync" not in cli([]).stdout
    record_sync(NOW - timedelta(days=6), "d")
    assert "last synced 6 day(s) ago" in cli([]).stdout


PROBE = """
import json, sys
sys.argv = ["learnloop"]
from learnloop.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_the_reminder_costs_the_status_no_network_code(home: Path, tmp_path: Path) -> None:
    """The reminder reads two small files: status still imports no HTTP client, TLS, ORM or wire models."""
    env = {**os.environ}
    subprocess.run([sys.executable, "-m", "learnloop", "start"], env=env, capture_output=True, check=True, timeout=120)
    _join(home)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert "learnloop sync" in result.stdout, result.stdout + result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("LOADED="))
    loaded = set(json.loads(line.removeprefix("LOADED=")))
    for heavy in (
        "urllib.request",
        "http.client",
        "ssl",
        "sqlalchemy",
        "learnloop.classroom.client",
        "learnloop.classroom.sync",
    ):
        assert heavy not in loaded, heavy
    assert "learnloop.classroom.membership" in loaded
