"""Step 0: rank interests, pin ONE focus, and see its stack checked against this machine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop import config
from learnloop.web.deps import Atlas, PageRouter, ReadSession, WriteSession
from learnloop.web.forms import order_of_ranks
from learnloop.web.render import render

router = PageRouter()

NOTICES = {
    "ranked": "Ranking saved. Now pin one focus for this pass.",
    "pinned": "Pinned. This is what you learn this pass, and nothing else.",
}


async def rank_fields(request: Request) -> dict[str, str]:
    """The ranking form's ``rank-<focus id>`` fields, in page order."""
    form = await request.form()
    return {
        key.removeprefix("rank-"): value
        for key, value in form.multi_items()
        if key.startswith("rank-") and isinstance(value, str)
    }


@router.get("/focus", response_class=HTMLResponse)
def focus_page(request: Request, session: ReadSession, atlas: Atlas, notice: str | None = None) -> HTMLResponse:
    from learnloop.loop.focus import interests
    from learnloop.loop.passes import current_pass

    ranked = {r.focus_id: r.rank for r in interests(session, atlas)}
    current = current_pass(session)
    pinned = current.focus_id if current and current.closed_at is None else None
    focuses = sorted(atlas.focuses.values(), key=lambda f: (ranked.get(f.id, 10**6), f.name.lower()))
    return render(
        request,
        "focus.html",
        {
            "focuses": focuses,
            "ranked": ranked,
            "pinned": pinned,
            "started": current is not None,
            "step": current.step if current else None,
            "notice": NOTICES.get(notice or ""),
        },
    )


@router.post("/interests")
def rank(
    session: WriteSession, atlas: Atlas, ranks: Annotated[dict[str, str], Depends(rank_fields)]
) -> RedirectResponse:
    from learnloop.loop.focus import rank_interests

    rank_interests(session, atlas, order_of_ranks(ranks), config.now())
    return RedirectResponse("/focus?notice=ranked", status_code=303)


@router.post("/focus")
def pin(session: WriteSession, atlas: Atlas, focus_id: Annotated[str, Form()] = "") -> RedirectResponse:
    from learnloop.loop.focus import pin_focus

    pinned = pin_focus(session, atlas, focus_id.strip() or None, config.now())
    return RedirectResponse(f"/focus/{pinned}?notice=pinned", status_code=303)


@router.get("/focus/{focus_id}", response_class=HTMLResponse)
def focus_card(
    request: Request, focus_id: str, session: ReadSession, atlas: Atlas, notice: str | None = None
) -> HTMLResponse:
    from learnloop.atlas.stack import stack
    from learnloop.loop.passes import current_pass

    focus = atlas.focus(focus_id)
    report = stack(atlas, focus.id, check=True)
    current = current_pass(session)
    pinned = current.focus_id if current and current.closed_at is None else None
    return render(
        request,
        "focus_card.html",
        {
            "focus": focus,
            "stack": report,
            "pinned": pinned == focus.id,
            "started": current is not None,
            "topics": [atlas.topics[i] for i in focus.topics],
            "datasets": {i.dataset: atlas.datasets[i.dataset] for i in focus.ideas},
            "notice": NOTICES.get(notice or ""),
        },
    )
