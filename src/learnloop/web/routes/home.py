"""Home: where the learner is, deadlines, and the one next action; start, next, skip and close the pass."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop import config
from learnloop.loop.passes import Status, Today
from learnloop.loop.rules import SKIPPABLE_STEPS, STEPS
from learnloop.web.actions import calendar_link, next_action
from learnloop.web.deps import PageRouter, ReadSession, WriteSession
from learnloop.web.forms import optional
from learnloop.web.render import fill, render_shell, server_of

if TYPE_CHECKING:
    from learnloop.web.app import Server

router = PageRouter()

NOTICES = {
    "started": "A new pass has begun at step 0: look around the map and pin one focus.",
    "moved": "Step done; here is the next one.",
    "skipped": "Step skipped; your reason is recorded as a speed-up.",
    "closed": "Pass closed. The next one starts at step 0: look at the map again, then keep your focus or pin another.",
    "kept": "Ranking kept as it is.",
    "joined": "You joined the class: your teacher now sees your progress. Start where you are.",
}


def status_key(now: datetime) -> tuple[str, datetime]:
    """Status depends on the database and on the clock (days left); a minute is fine enough."""
    return ("status", now.replace(second=0, microsecond=0))


def fresh_status(server: Server, now: datetime) -> Status:
    from learnloop.loop.passes import status

    atlas = server.atlas()
    with server.store.read() as session:
        return status(session, now, atlas=atlas)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    """Rendered once per database change (and per minute, for days left), then served from memory.

    The status is read in one read session when the database moved; a page kept in the cache has
    a slot for the CSRF token, filled per browser. When the page must be made again (a new minute, a
    change), one request makes it and the others arriving meanwhile wait for it instead of all
    querying at once.
    """
    server = server_of(request)
    if server.options.class_mode and request.state.learner.role in ("teacher", "admin"):
        return RedirectResponse("/classes", status_code=303)  # a teacher's home is the class view
    now = config.now()
    notice_text = NOTICES.get(request.query_params.get("notice", ""))  # read by hand: the hot path stays lean
    key = (*status_key(now), notice_text)
    version, shell = server.status_cache.lookup(key)
    if shell is None:
        # The lock lets one request make a page the others then share; with nothing cached (a class server:
        # each learner's own page, several processes) there is nothing to share, and one lock per process would
        # make a whole class's homes wait in one line.
        async with server.home_lock if version is not None else contextlib.nullcontext():
            version, shell = server.status_cache.lookup(key)
            if shell is None:
                value = await run_in_threadpool(fresh_status, server, now)
                shell = render_shell(
                    request,
                    "home.html",
                    {
                        "status": value,
                        "action": next_action(value),
                        "steps": STEPS,
                        "skippable": SKIPPABLE_STEPS,
                        "notice": notice_text,
                        "today": today_lines(value.today),
                        "calendar_link": calendar_link,
                    },
                )
                server.status_cache.remember(version, key, shell)
    return fill(request, shell)


@router.post("/start")
def start(session: WriteSession) -> RedirectResponse:
    from learnloop.loop.passes import start_pass

    start_pass(session, config.now())
    return RedirectResponse("/?notice=started", status_code=303)


@router.get("/gap/deadline.ics")
def gap_ics(session: ReadSession) -> Response:
    """The kept gap's time box as a calendar file, reminders at the alarm hour."""
    from learnloop.loop.gaps import gap_calendar_for

    name, data, _events = gap_calendar_for(session, config.now())
    return Response(data, media_type="text/calendar", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/map/{topic_id}/mark")
def mark(request: Request, session: WriteSession, topic_id: str, mark: Annotated[str, Form()] = "") -> RedirectResponse:
    """Progress on the map: the topic page's small form (done, in progress, skipped, clear)."""
    from learnloop.loop.marks import mark_topic

    mark_topic(session, server_of(request).atlas(), topic_id, mark, config.now())
    return RedirectResponse(f"/map/{topic_id}", status_code=303)


@router.post("/interests/keep")
def keep_ranking(session: WriteSession) -> RedirectResponse:
    from learnloop.loop.passes import keep_ranking as keep

    keep(session, config.now())
    return RedirectResponse("/?notice=kept", status_code=303)


def today_lines(today: Today) -> list[str]:
    """The line for today, in words for the page (at most three)."""
    lines: list[str] = []
    if today.box is not None and today.box_days_left is not None:
        left = today.box_days_left
        when = (
            f"overdue by {-left} day{'s' if left != -1 else ''}"
            if left < 0
            else "due today"
            if left == 0
            else f"{left} day{'s' if left != 1 else ''} left"
        )
        lines.append(f"Your {today.box}: {when}.")
    if today.checkin_due is not None:
        lines.append(f"The half-way check-in is due (since {today.checkin_due.isoformat()}).")
    elif today.last_checkin_days_ago is not None:
        ago = today.last_checkin_days_ago
        lines.append("Last check-in " + ("today." if ago == 0 else "yesterday." if ago == 1 else f"{ago} days ago."))
    line = f"{today.days_active} day{'s' if today.days_active != 1 else ''} active this pass"
    lines.append(line + (f", {today.streak} in a row." if today.streak > 1 else "."))
    return lines[:3]


@router.post("/next")
def move_on(
    session: WriteSession, skip: Annotated[bool, Form()] = False, reason: Annotated[str | None, Form()] = None
) -> RedirectResponse:
    from learnloop.loop.passes import advance

    moved = advance(session, config.now(), skip=skip, reason=optional(reason))
    return RedirectResponse("/?notice=" + ("skipped" if moved.skipped else "moved"), status_code=303)


@router.post("/pass/close")
def close(session: WriteSession, retro: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.passes import close_pass

    close_pass(session, config.now(), retro)
    return RedirectResponse("/?notice=closed", status_code=303)
