"""Time boxes as calendar events: values first, then RFC 5545 files that import into any calendar.

Each event is an all-day event on the learner's calendar date with reminders at the alarm hour (09:00 by
default) on the day before and on the day; the front doors also offer each event as an "add to calendar"
link (built from the same value), because some calendars drop the reminders of an imported file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from learnloop.loop.rules import halfway_day

PRODID = "-//learnloop//learnloop time boxes//EN"


@dataclass(frozen=True)
class Reminder:
    days_before: int  # 0: on the day, 1: the day before
    at: time  # local time of day
    text: str

    @property
    def trigger(self) -> timedelta:
        """Offset from the all-day event's start (local midnight of its day)."""
        return timedelta(days=-self.days_before, hours=self.at.hour, minutes=self.at.minute)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    title: str
    day: date
    description: str
    reminders: tuple[Reminder, ...] = ()

    @property
    def end(self) -> date:
        return self.day + timedelta(days=1)


def project_events(
    *, project_id: int, title: str, started: date, deadline: date, alarm: time = time(9, 0)
) -> list[CalendarEvent]:
    """The deadline (reminders the day before and on the day) and the half-way check-in."""
    halfway = halfway_day(started, deadline)
    return [
        CalendarEvent(
            f"learnloop-project-{project_id}-deadline@learnloop.local",
            f"Deadline: {title}",
            deadline,
            "learnloop time box: finish the project today and sum up what you built, or give it more "
            "days with a reason.",
            (Reminder(1, alarm, f"{title}: due tomorrow"), Reminder(0, alarm, f"{title}: due today")),
        ),
        CalendarEvent(
            f"learnloop-project-{project_id}-checkin@learnloop.local",
            f"Half-way check-in: {title}",
            halfway,
            "Where are you, what is in the way? Check in, and write down the gaps you found.",
            (Reminder(0, alarm, f"{title}: half-way check-in"),),
        ),
    ]


def gap_events(*, gap_id: int, text: str, deadline: date, alarm: time = time(9, 0)) -> list[CalendarEvent]:
    """The kept gap's time box: its last day, with reminders the day before and on the day."""
    short = text if len(text) <= 60 else text[:57] + "..."
    return [
        CalendarEvent(
            f"learnloop-gap-{gap_id}-deadline@learnloop.local",
            f"Gap due: {short}",
            deadline,
            f"learnloop time box for the gap you kept: {text}. Close it today and say what you "
            "learned, or give it more days with a reason.",
            (Reminder(1, alarm, f"gap due tomorrow: {short}"), Reminder(0, alarm, f"gap due today: {short}")),
        )
    ]


def to_ics(events: list[CalendarEvent], now: datetime, sequence: int = 0) -> bytes:
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", now)
        event.add("sequence", sequence)
        event.add("summary", e.title)
        event.add("description", e.description)
        event.add("dtstart", e.day)
        event.add("dtend", e.end)
        event.add("transp", "TRANSPARENT")
        for r in e.reminders:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", r.text)
            alarm.add("trigger", r.trigger)
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def project_calendar(
    *,
    project_id: int,
    title: str,
    started: date,
    deadline: date,
    now: datetime,
    sequence: int = 0,
    alarm: time = time(9, 0),
) -> bytes:
    """The project's .ics: the deadline with reminders at the alarm hour, plus the half-way check-in."""
    return to_ics(
        project_events(project_id=project_id, title=title, started=started, deadline=deadline, alarm=alarm),
        now,
        sequence,
    )


def gap_calendar(
    *, gap_id: int, text: str, deadline: date, now: datetime, sequence: int = 0, alarm: time = time(9, 0)
) -> bytes:
    return to_ics(gap_events(gap_id=gap_id, text=text, deadline=deadline, alarm=alarm), now, sequence)
