"""Step 5: capture gaps, rank them with up/down buttons, keep ONE, and close it within its time box."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop import config
from learnloop.web.deps import Atlas, PageRouter, ReadSession, WriteSession
from learnloop.web.forms import optional
from learnloop.web.render import render

router = PageRouter()

NOTICES = {
    "added": "Gap noted.",
    "ranked": "Order saved.",
    "kept": "Kept. The other gaps are set aside (in history).",
    "done": "Gap closed. Back on the home page, move on to step 6.",
    "extended": "Deadline moved.",
    "dropped": "Gap dropped. Keep another one.",
    "changed": "Changed.",
    "deleted": "Deleted.",
}


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    session: ReadSession,
    atlas: Atlas,
    show_all: Annotated[bool, Query(alias="all")] = False,
    notice: str | None = None,
) -> HTMLResponse:
    from learnloop.loop.gaps import guide, kept_gap, list_gaps
    from learnloop.loop.passes import current_pass, status
    from learnloop.web.actions import next_action

    now = config.now()
    current = current_pass(session)
    gaps = list_gaps(session, now)
    kept = kept_gap(session)
    return render(
        request,
        "gaps.html",
        {
            "gaps": gaps,
            "open": [g for g in gaps if g.status == "open"],
            "guide": guide(session, atlas, now, kept.id) if kept else None,
            "history": list_gaps(session, now, include_all=True) if show_all else None,
            "current": current,
            "topics": sorted(atlas.topics.values(), key=lambda t: t.name.lower()),
            "notice": NOTICES.get(notice or ""),
            "action": next_action(status(session, now, atlas=atlas)) if not current or current.step != 5 else None,
        },
    )


@router.post("/gaps")
def add(
    session: WriteSession, atlas: Atlas, text: Annotated[str, Form()] = "", topic: Annotated[str, Form()] = ""
) -> RedirectResponse:
    from learnloop.loop.gaps import add_gap

    add_gap(session, atlas, text, optional(topic), config.now())
    return RedirectResponse("/gaps?notice=added", status_code=303)


@router.post("/gaps/{gap_id}/move")
def move(session: WriteSession, gap_id: int, direction: Annotated[str, Form()] = "") -> RedirectResponse:
    """Up/down arrows."""
    from learnloop.loop.gaps import move_gap

    move_gap(session, gap_id, direction, config.now())
    return RedirectResponse("/gaps?notice=ranked", status_code=303)


@router.post("/gaps/{gap_id}/edit")
def edit(session: WriteSession, gap_id: int, text: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.corrections import edit_gap

    edit_gap(session, gap_id, text, config.now())
    return RedirectResponse("/gaps?notice=changed", status_code=303)


@router.post("/gaps/{gap_id}/delete")
def delete(session: WriteSession, gap_id: int) -> RedirectResponse:
    from learnloop.loop.corrections import delete_gap

    delete_gap(session, gap_id, config.now())
    return RedirectResponse("/gaps?notice=deleted", status_code=303)


@router.post("/gaps/{gap_id}/keep")
def keep(session: WriteSession, gap_id: int, days: Annotated[int, Form()]) -> RedirectResponse:
    from learnloop.loop.gaps import keep_gap

    keep_gap(session, gap_id, days, config.now())
    return RedirectResponse("/gaps?notice=kept", status_code=303)


@router.post("/gaps/done")
def done(session: WriteSession, learned: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.gaps import close_gap

    close_gap(session, learned, config.now())
    return RedirectResponse("/gaps?notice=done", status_code=303)


@router.post("/gaps/extend")
def extend(
    session: WriteSession, days: Annotated[int, Form()], reason: Annotated[str, Form()] = ""
) -> RedirectResponse:
    from learnloop.loop.gaps import extend_gap

    extend_gap(session, days, reason, config.now())
    return RedirectResponse("/gaps?notice=extended", status_code=303)


@router.post("/gaps/drop")
def drop(session: WriteSession, reason: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.gaps import drop_gap

    drop_gap(session, reason, config.now())
    return RedirectResponse("/gaps?notice=dropped", status_code=303)
