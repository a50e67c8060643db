"""Deadlines as calendar files (RFC 5545) that import into any standard calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

PRODID = "-//learnloop//learnloop time boxes//EN"


def project_calendar(*, project_id: int, title: str, started: date, deadline: date, now: datetime,
                     sequence: int = 0) -> bytes:
    """An all-day deadline event with alarms a day before and at the start, plus a half-way check-in."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")

    due = Event()
    due.add("uid", f"learnloop-project-{project_id}-deadline@learnloop.local")
    due.add("dtstamp", now)
    due.add("sequence", sequence)
    due.add("summary", f"Deadline: {title}")
    due.add("description", "learnloop time box: finish the project today (`learnloop project done --summary TEXT`), "
                           "or extend it with a reason.")
    due.add("dtstart", deadline)
    due.add("dtend", deadline + timedelta(days=1))
    due.add("transp", "TRANSPARENT")
    for trigger, text in ((timedelta(days=-1), "due tomorrow"), (timedelta(0), "due today")):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{title}: {text}")
        alarm.add("trigger", trigger)
        due.add_component(alarm)
    cal.add_component(due)

    halfway_day = started + timedelta(days=max(1, (deadline - started).days // 2))
    check = Event()
    check.add("uid", f"learnloop-project-{project_id}-checkin@learnloop.local")
    check.add("dtstamp", now)
    check.add("sequence", sequence)
    check.add("summary", f"Half-way check-in: {title}")
    check.add("description", "Where are you? `learnloop project checkin TEXT`; note gaps with `learnloop gap add`.")
    check.add("dtstart", halfway_day)
    check.add("dtend", halfway_day + timedelta(days=1))
    check.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{title}: half-way check-in")
    alarm.add("trigger", timedelta(0))
    check.add_component(alarm)
    cal.add_component(check)
    return cal.to_ical()
