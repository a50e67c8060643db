"""Days on the learner's own calendar: a learner at UTC-8 and one at UTC+13, around midnight; reminders at 09:00."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from learnloop.loop import clock
from learnloop.loop.calendar import gap_calendar, gap_events, project_calendar


def _at(cli: Callable[..., object], when: datetime, zone: str, args: str) -> object:
    return cli(args, env={"LEARNLOOP_NOW": when.isoformat(), "LEARNLOOP_TZ": zone})


def _to_step(cli: Callable[..., object], when: datetime, zone: str, step: int) -> None:
    from sqlalchemy import text

    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    assert _at(cli, when, zone, "start").exit_code == 0  # type: ignore[attr-defined]
    store = open_store(resolve_settings())
    with store.session() as s:
        s.execute(text(f"UPDATE passes SET step = {step}, focus_id = 'tabular-prediction'"))
    store.dispose()


def test_los_angeles_at_20h_on_the_due_date_is_due_today_not_late(cli: Callable[..., object], tmp_path: Path) -> None:
    zone = "America/Los_Angeles"
    start = datetime(2026, 11, 3, 4, 0, tzinfo=UTC)  # 20:00 on 2 November in Los Angeles
    _to_step(cli, start, zone, 4)
    made = _at(cli, start, zone, f"project new Penguins --days 14 --data penguins --dir {tmp_path / 'p'} --json")
    view = json.loads(made.stdout)  # type: ignore[attr-defined]
    assert view["deadline"] == "2026-11-16"  # 14 days after 2 November, the learner's date (UTC says the 3rd)
    due_evening = datetime(2026, 11, 17, 4, 0, tzinfo=UTC)  # 20:00 on 16 November in Los Angeles
    shown = _at(cli, due_evening, zone, "").stdout  # type: ignore[attr-defined]
    assert "today" in shown and "overdue" not in shown
    late = _at(cli, due_evening + timedelta(hours=5), zone, "").stdout  # 01:00 on the 17th: now it is late
    assert "overdue by 1 day" in late


def test_auckland_just_after_midnight_is_already_the_next_day(cli: Callable[..., object]) -> None:
    zone = "Pacific/Auckland"  # UTC+13 in December
    kept_at = datetime(2026, 11, 30, 11, 30, tzinfo=UTC)  # 00:30 on 1 December in Auckland
    _to_step(cli, kept_at, zone, 5)
    assert _at(cli, kept_at, zone, "gap add tokenisers").exit_code == 0  # type: ignore[attr-defined]
    kept = _at(cli, kept_at, zone, "gap keep 1 --days 1")
    assert kept.exit_code == 0, kept.output  # type: ignore[attr-defined]
    gaps = json.loads(_at(cli, kept_at, zone, "gap list --json").stdout)  # type: ignore[attr-defined]
    assert gaps[0]["deadline"] == "2026-12-02"  # one day after the learner's 1 December (UTC says 30 November)
    midnight_after = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)  # 00:30 on 3 December in Auckland
    assert "overdue by 1 day" in _at(cli, midnight_after, zone, "").stdout  # type: ignore[attr-defined]
    evening = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # 23:30 on 2 December: still due today
    assert "overdue" not in _at(cli, evening, zone, "").stdout  # type: ignore[attr-defined]


@pytest.mark.parametrize("alarm", [time(9, 0), time(7, 30)])
def test_ics_reminders_ring_at_the_alarm_hour_local(alarm: time) -> None:
    from icalendar import Calendar

    data = project_calendar(
        project_id=1,
        title="Penguins",
        started=date(2026, 11, 2),
        deadline=date(2026, 11, 16),
        now=datetime(2026, 11, 2, 9, tzinfo=UTC),
        alarm=alarm,
    )
    cal = Calendar.from_ical(data)
    rings = []
    for event in cal.walk("VEVENT"):
        day = event.decoded("DTSTART")
        assert isinstance(day, date) and not isinstance(day, datetime)  # all-day, on the learner's date
        for a in event.walk("VALARM"):
            rings.append(datetime.combine(day, time(0)) + a.decoded("TRIGGER"))
    assert all(r.time() == alarm for r in rings)
    assert sorted(r.date() for r in rings) == [date(2026, 11, 9), date(2026, 11, 15), date(2026, 11, 16)]


def test_the_kept_gap_has_its_own_ics_and_a_google_link() -> None:
    from icalendar import Calendar

    from learnloop.cli.render import calendar_link

    cal = Calendar.from_ical(
        gap_calendar(gap_id=4, text="attention", deadline=date(2026, 12, 2), now=datetime(2026, 11, 30, tzinfo=UTC))
    )
    (event,) = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 2) and "attention" in str(event["SUMMARY"])
    assert [a.decoded("TRIGGER") for a in event.walk("VALARM")] == [timedelta(days=-1, hours=9), timedelta(hours=9)]
    link = urlparse(calendar_link(gap_events(gap_id=4, text="attention", deadline=date(2026, 12, 2))[0]))
    query = parse_qs(link.query)
    assert link.netloc == "calendar.google.com" and query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20261202/20261203"] and "attention" in query["text"][0]


def test_the_zone_comes_from_the_environment_then_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Callable[..., object]
) -> None:
    monkeypatch.delenv("LEARNLOOP_TZ", raising=False)
    result = cli("settings tz Pacific/Auckland")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert str(clock.learner_zone()) == "Pacific/Auckland"
    monkeypatch.setenv("LEARNLOOP_TZ", "America/Los_Angeles")
    assert str(clock.learner_zone()) == "America/Los_Angeles"
    bad = cli("settings tz Mars/Olympus")
    assert bad.exit_code == 2 and "not a time zone" in bad.stderr  # type: ignore[attr-defined]
    assert cli("settings alarm 25:00").exit_code == 2  # type: ignore[attr-defined]
    assert cli("settings alarm 7:45").exit_code == 0  # type: ignore[attr-defined]
    assert clock.alarm_time() == time(7, 45)


def test_the_tz_setting_of_home_is_honoured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Callable[..., object]
) -> None:
    """``learnloop --home X settings tz ...`` is read back by every later ``learnloop --home X`` run, though
    ``$LEARNLOOP_HOME`` names another home (0.1.0's clock read the zone from the environment's home only)."""
    from sqlalchemy import text

    from learnloop import config
    from learnloop.config import resolve_settings
    from learnloop.store.db import open_store

    monkeypatch.delenv("LEARNLOOP_TZ", raising=False)
    mine = tmp_path / "elsewhere"
    kept_at = datetime(2026, 11, 30, 11, 30, tzinfo=UTC)  # 00:30 on 1 December in Auckland, 30 November in UTC

    def at(when: datetime, args: str) -> object:
        result = cli(f"--home {mine} {args}", env={"LEARNLOOP_NOW": when.isoformat()})
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        return result

    at(kept_at, "settings tz Pacific/Auckland")
    assert (mine / "settings.toml").is_file() and not (resolve_settings().home / "settings.toml").exists()
    assert json.loads(at(kept_at, "settings --json").stdout)["tz"] == "Pacific/Auckland"  # type: ignore[attr-defined]
    at(kept_at, "start")
    store = open_store(resolve_settings(mine))
    with store.session() as s:
        s.execute(text("UPDATE passes SET step = 5, focus_id = 'tabular-prediction'"))
    store.dispose()
    at(kept_at, "gap add tokenisers")
    at(kept_at, "gap keep 1 --days 1")
    gaps = json.loads(at(kept_at, "gap list --json").stdout)  # type: ignore[attr-defined]
    assert gaps[0]["deadline"] == "2026-12-02"  # one day after Auckland's 1 December (the env's home: UTC's 30th)
    evening = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # 23:30 on 2 December in Auckland: due today
    assert "overdue" not in at(evening, "").stdout  # type: ignore[attr-defined]
    after_midnight = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)  # 00:30 on 3 December in Auckland
    assert "overdue by 1 day" in at(after_midnight, "").stdout  # type: ignore[attr-defined]
    assert config.current_home() == resolve_settings().home  # the run's --home does not outlive the run
