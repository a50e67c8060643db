"""The home page's buttons: the loop's next action (a typed value) as the page or form that does it.

Nothing here reads a command line: each kind of :class:`learnloop.loop.rules.Action` maps to a label and
either a link to the page that does it or a small form posted from the home page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from learnloop.loop.passes import Status
from learnloop.loop.rules import Action, Kind


@dataclass(frozen=True)
class WebAction:
    label: str
    why: str
    href: str | None = None  # a link to the page that does it...
    post: str | None = None  # ...or a form posted right here
    hidden: dict[str, str] = field(default_factory=dict)  # the form's fixed values (the focus to confirm)
    urgent: bool = False
    alternatives: tuple[WebAction, ...] = ()


# Kind → (button label, page). A label may use {targets}.
PAGES: dict[Kind, tuple[str, str]] = {
    Kind.RANK_INTERESTS: ("Rank your interests", "/focus"),
    Kind.REVIEW_RANKING: ("Look at the map and re-rank", "/focus"),
    Kind.PIN_FOCUS: ("Pin one focus", "/focus"),
    Kind.ADD_REFERENCE: ("Choose a reference project", "/study#reference"),
    Kind.ADD_NOTE: ("Write your notes", "/study#notes"),
    Kind.DO_EXERCISE: ("Do an exercise", "/exercises"),
    Kind.RUN_RUNG: ("Climb a ladder", "/ladders"),
    Kind.NEW_PROJECT: ("Start your project", "/project"),
    Kind.OPEN_NOTEBOOK: ("Open your project", "/project"),
    Kind.RUN_BASELINE: ("Run a baseline on your data", "/lab"),
    Kind.CHECK_IN: ("Check in on your project", "/project"),
    Kind.FINISH_PROJECT: ("Finish your project", "/project"),
    Kind.EXTEND_PROJECT: ("Give it more days", "/project"),
    Kind.DROP_PROJECT: ("Drop it", "/project"),
    Kind.ADD_GAP: ("Write down a gap", "/gaps"),
    Kind.RANK_GAPS: ("Rank your gaps", "/gaps"),
    Kind.KEEP_GAP: ("Keep your top gap", "/gaps"),
    Kind.CLOSE_GAP: ("Close your gap", "/gaps"),
    Kind.EXTEND_GAP: ("Give it more days", "/gaps"),
    Kind.DROP_GAP: ("Drop it", "/gaps"),
    Kind.SKIP_STEP: ("Skip this step", "/#skip"),
    Kind.CLOSE_PASS: ("Close the pass", "/#retro"),
}


def web_action(action: Action, status: Status) -> WebAction:
    """One action as a button: a form posted from home, or a link to its page."""
    urgent = action.urgent
    alternatives = tuple(web_action(a, status) for a in action.alternatives)
    if action.kind is Kind.START_PASS:
        label = "Start your first pass" if not status.started else f"Start pass {(status.pass_number or 0) + 1}"
        return WebAction(label, action.why, post="/start", urgent=urgent)
    if action.kind is Kind.NEXT_STEP:
        target = (status.step or 0) + 1
        return WebAction(f"Move on to step {target}", action.why, post="/next", urgent=urgent)
    if action.kind is Kind.KEEP_RANKING:
        return WebAction("Keep my ranking", action.why, post="/interests/keep", urgent=urgent)
    if action.kind is Kind.CONFIRM_FOCUS:
        focus = str(action.targets.get("focus", ""))
        name = status.focus_name or focus
        return WebAction(
            f"Keep {name} as my focus",
            action.why,
            post="/focus",
            hidden={"focus_id": focus},
            urgent=urgent,
            alternatives=(WebAction("Pin another", "", href="/focus"),),
        )
    label, href = PAGES.get(action.kind, ("Open the map", "/map"))
    return WebAction(label, action.why, href=href, urgent=urgent, alternatives=alternatives)


def next_action(status: Status) -> WebAction:
    return web_action(status.next, status)


def calendar_link(what: str, title: str, day: object) -> str:
    """An "add to Google Calendar" link for a time box's last day (an all-day event; Google ignores the
    reminders of imported .ics files, so the page offers both)."""
    from datetime import timedelta
    from urllib.parse import urlencode

    end = day + timedelta(days=1)  # type: ignore[operator]
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": f"{what.capitalize()} due: {title}",
            "dates": f"{day:%Y%m%d}/{end:%Y%m%d}",
            "details": f"learnloop time box for your {what}: finish it today, or give it more days.",
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"
