"""Step 4's menu on the CLI (ideas, datasets, focus), and the line for today under the next action."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from learnloop.atlas.load import load_atlas
from learnloop.config import resolve_settings
from learnloop.loop.passes import Today, streak
from learnloop.store.db import open_store

DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_ideas_list_with_their_data_and_a_focus_filter(cli: Callable[..., object]) -> None:
    atlas = load_atlas()
    every = json.loads(cli("ideas --json").stdout)  # type: ignore[attr-defined]
    assert len(every) == sum(len(f.ideas) for f in atlas.focuses.values())
    mine = json.loads(cli("ideas --focus time-series --json").stdout)  # type: ignore[attr-defined]
    assert mine and {i["focus_id"] for i in mine} == {"time-series"}
    assert all(i["dataset"]["rows"] > 0 and i["dataset"]["columns"] > 0 for i in mine)
    table = cli("ideas --focus time-series").stdout  # type: ignore[attr-defined]
    assert mine[0]["id"] in table and "learnloop project new" in table
    bad = cli("ideas --focus time-serie")
    assert bad.exit_code == 2 and "did you mean 'time-series'" in bad.stderr  # type: ignore[attr-defined]
    assert bad.stderr.count("\n") == 1  # type: ignore[attr-defined]


def test_datasets_list_rows_columns_target_licence_and_the_command(cli: Callable[..., object]) -> None:
    rows = json.loads(cli("datasets --json").stdout)  # type: ignore[attr-defined]
    assert {r["id"] for r in rows} == set(load_atlas().datasets)
    penguins = next(r for r in rows if r["id"] == "penguins")
    assert penguins["rows"] == 344 and penguins["target"] == "species" and penguins["licence"] == "CC0-1.0"
    assert "Palmer Station LTER" in penguins["licence_source"]
    table = cli("datasets").stdout  # type: ignore[attr-defined]
    line = next(row for row in table.splitlines() if row.split() and row.split()[0] == "penguins")
    assert "CC0-1.0" in line and "palmerpenguins" not in line  # the licence, not the package it comes from
    shakespeare = next(row for row in table.splitlines() if row.split() and row.split()[0] == "tiny-shakespeare")
    assert "public domain" in shakespeare and "char-rnn" not in shakespeare  # the name, not its note
    assert penguins["command"] == "learnloop baseline penguins --target species"
    cora = next(r for r in rows if r["id"] == "cora")
    assert "baseline" not in cora["command"]  # a graph is not a table: no baseline that would fail
    focused = json.loads(cli("datasets --focus graph-neural-networks --json").stdout)  # type: ignore[attr-defined]
    assert "cora" in {r["id"] for r in focused} and all(r["ideas"] for r in focused)
    assert cli("datasets --focus nope").exit_code == 2  # type: ignore[attr-defined]


def test_project_new_with_an_idea_shows_its_data(cli: Callable[..., object], tmp_path: Path) -> None:
    assert cli("start").exit_code == 0  # type: ignore[attr-defined]
    store = open_store(resolve_settings())
    with store.session() as s:
        s.execute(text("UPDATE passes SET step = 4, focus_id = 'tabular-prediction'"))
    store.dispose()
    bad = cli(f"project new Other --days 10 --idea penguin-pipelin --dir {tmp_path / 'q'}")
    assert bad.exit_code == 2 and "did you mean" in bad.stderr  # type: ignore[attr-defined]
    shown = cli(f"project new Pipeline --days 10 --idea penguin-pipeline --dir {tmp_path / 'p'}")
    assert shown.exit_code == 0, shown.output  # type: ignore[attr-defined]
    assert "its data: Palmer" in shown.stdout or "its data:" in shown.stdout  # type: ignore[attr-defined]
    assert "344 rows × 8 columns" in shown.stdout and "target species" in shown.stdout  # type: ignore[attr-defined]
    assert "calendar.google.com" in shown.stdout  # type: ignore[attr-defined]


def test_streak_counts_days_in_a_row_up_to_yesterday() -> None:
    today = date(2026, 11, 10)
    days = {today - timedelta(days=n) for n in (1, 2, 3, 5)}
    assert streak(days, today) == 3  # the morning run has not broken it yet
    assert streak(days | {today}, today) == 4
    assert streak({today - timedelta(days=3)}, today) == 0


def test_the_today_line_says_the_box_the_checkin_and_the_streak(cli: Callable[..., object], tmp_path: Path) -> None:
    from learnloop.cli.status import today_lines

    def at(day: int, args: str | list[str]) -> object:
        return cli(args, env={"LEARNLOOP_NOW": (DAY0 + timedelta(days=day)).isoformat(), "LEARNLOOP_TZ": "UTC"})

    at(0, "start")
    store = open_store(resolve_settings())
    with store.session() as s:
        s.execute(text("UPDATE passes SET step = 4, focus_id = 'tabular-prediction'"))
    store.dispose()
    at(0, f"project new Penguins --days 14 --data penguins --dir {tmp_path / 'p'}")
    at(1, ["gap", "add", "what is a pipeline"])
    day2 = at(2, []).stdout  # type: ignore[attr-defined]
    assert "project box: 12 day(s) left" in day2 and "2 day(s) active this pass, 2 in a row" in day2
    day9 = at(9, []).stdout  # type: ignore[attr-defined]
    assert "half-way check-in due since 2026-11-09" in day9
    at(9, ["project", "checkin", "a forest at 0.97"])
    day20 = at(20, []).stdout  # type: ignore[attr-defined]
    assert "last check-in 11 days ago" in day20 and "overdue by 6 day(s)" in day20
    assert "3 day(s) active this pass" in day20  # the start, the gap, the check-in
    lines = today_lines(
        Today(box="gap", box_days_left=0, last_checkin_days_ago=1, checkin_due=None, days_active=5, streak=1)
    )
    assert lines == ["gap box: due today", "last check-in yesterday", "5 day(s) active this pass"]
